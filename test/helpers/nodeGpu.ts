// The command line's GPU context for GPU test files: the shaders read from
// shaders/, on a real driver.

import { afterAll, beforeAll, expect } from 'vitest';

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

/**
 * Registers hooks that create one GPU context before the tests of a file and
 * destroy its device after them. Call it at the top level of the file. The
 * returned function gives the context inside a test.
 */
export function useTestGpuContext(): () => GpuContext {
  let gpu: GpuContext | undefined;
  beforeAll(async () => {
    gpu = await createTestGpuContext();
  });
  afterAll(() => {
    gpu?.device.destroy();
  });
  return () => {
    if (gpu === undefined) throw new Error('GPU context missing: call the returned function inside a test, after beforeAll has run');
    return gpu;
  };
}
