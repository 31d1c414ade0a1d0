// `npm test`: checks the test environment, type-checks and builds the app, then runs Vitest
// with the variables that Dawn needs. Extra arguments go to `vitest run`,
// for example `npm test -- test/gpu` or `npm test -- -t adapter`.

import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { findChromium, findVulkanEnv } from './webgpu-env.mjs';

const repoRoot = dirname(dirname(fileURLToPath(import.meta.url)));

function main() {
  const setupStatus = runStep('check the test environment', [join(repoRoot, 'scripts/setup-test-env.mjs')]);
  if (setupStatus !== 0) {
    return setupStatus;
  }

  const typeStatus = runStep('type-check the project', [join(repoRoot, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', repoRoot]);
  if (typeStatus !== 0) {
    return typeStatus;
  }

  // The end-to-end tests serve dist/, so a failed build stops here rather
  // than letting them test an older one.
  const buildStatus = runStep('build the app', [join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build']);
  if (buildStatus !== 0) {
    return buildStatus;
  }

  // The setup step has made sure that findChromium() finds one.
  const env = { ...process.env, ...findVulkanEnv().env, CHROMIUM_PATH: findChromium() ?? '' };
  const vitestArgs = ['run', ...process.argv.slice(2)];
  return runStep('run the tests', [join(repoRoot, 'node_modules/vitest/vitest.mjs'), ...vitestArgs], env);
}

/** Runs a Node script with the terminal attached, and returns its exit status. */
function runStep(name, args, env = process.env) {
  const result = spawnSync(process.execPath, args, { cwd: repoRoot, env, stdio: 'inherit' });

  if (result.error) {
    console.error(`test: failed to ${name}: ${result.error.message}`);
    return 1;
  }
  if (result.signal) {
    console.error(`test: failed to ${name}: the process was killed by ${result.signal}`);
    return 1;
  }
  if (result.status !== 0) {
    console.error(`test: failed to ${name}: exit status ${result.status}`);
  }
  return result.status;
}

process.exitCode = main();
