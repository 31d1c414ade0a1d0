#!/usr/bin/env node
// Launches the downhill CLI (src/cli/main.ts) in a child Node process that
// starts with the Vulkan variables Dawn needs. They cannot be set from inside
// the CLI: the dynamic loader reads LD_LIBRARY_PATH only at process start.
//
//   npm run --silent downhill -- run --json
//
// DOWNHILL_CLI_ENTRY, when set, names another entry script to run in place of
// src/cli/main.ts; the launcher's own tests use it.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { findVulkanEnv } from '../scripts/webgpu-env.mjs';

const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

const repoRoot = dirname(dirname(fileURLToPath(import.meta.url)));
const entry = process.env.DOWNHILL_CLI_ENTRY || join(repoRoot, 'src/cli/main.ts');

if (!existsSync(entry)) {
  console.error(`downhill: the CLI entry script ${entry} was not found`);
  process.exit(1);
}

// Resolved from this file, so the launcher works from any working directory.
const tsxLoader = import.meta.resolve('tsx');

const child = spawn(process.execPath, ['--import', tsxLoader, entry, ...process.argv.slice(2)], {
  env: { ...process.env, ...findVulkanEnv().env },
  stdio: 'inherit',
});

// A signal sent to the launcher alone (kill PID) reaches the CLI too. Ctrl-C in
// a terminal signals both processes, so the CLI may see SIGINT twice.
const forwarders = FORWARDED_SIGNALS.map((signal) => {
  const forward = () => child.kill(signal);
  process.on(signal, forward);
  return [signal, forward];
});

child.on('error', (error) => {
  console.error(`downhill: failed to start ${process.execPath}: ${error.message}`);
  process.exit(1);
});

child.on('exit', (code, signal) => {
  if (signal === null) {
    process.exit(code ?? 1);
  }

  // End this process by the same signal, so that the shell reports it.
  for (const [name, forward] of forwarders) {
    process.off(name, forward);
  }
  process.kill(process.pid, signal);
});
