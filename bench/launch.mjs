#!/usr/bin/env node
// Starts the benchmark (bench/run.ts) in a child Node process with the Vulkan
// variables Dawn needs, for the same reason as bin/downhill.mjs: the dynamic
// loader reads LD_LIBRARY_PATH only when a process starts.
//
//   npm run bench -- --quick

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { findVulkanEnv } from '../scripts/webgpu-env.mjs';

const entry = process.env.DOWNHILL_BENCH_ENTRY || fileURLToPath(new URL('./run.ts', import.meta.url));
const vulkan = findVulkanEnv();

const result = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), entry, ...process.argv.slice(2)], {
  env: { ...process.env, ...vulkan.env, DOWNHILL_VULKAN: vulkan.description },
  stdio: 'inherit',
});

if (result.error) {
  console.error(`bench: failed to start ${process.execPath}: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
