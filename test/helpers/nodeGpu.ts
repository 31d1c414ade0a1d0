// The command line's GPU context for GPU test files: the shaders read from
// shaders/, on a real driver.

import { expect } from 'vitest';

import { createNodeGpuContext } from '../../src/cli/nodeGpu.ts';
import { registerNodeShaders } from '../../src/cli/shaders.ts';
import type { GpuContext } from '../../src/gpu/device.ts';

/** Registers the Node shader loader and creates the GPU context, failing the test on Dawn's null backend, which executes nothing. */
export async function createTestGpuContext(): Promise<GpuContext> {
  registerNodeShaders();
  const gpu = await createNodeGpuContext();
  expect(gpu.adapterName).not.toMatch(/null/i);
  return gpu;
}
