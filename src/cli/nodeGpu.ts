/**
 * WebGPU in Node through the `webgpu` package (Dawn). Its Vulkan backend
 * finds a real GPU driver, or SwiftShader when bin/downhill.mjs points the
 * Vulkan loader at it.
 */
import { create, globals } from 'webgpu';
import { createGpuContext, type GpuContext } from '../gpu/device.ts';

/** Holds the GPU object for the process lifetime: Dawn crashes when it is collected while work is in flight. */
let gpuObject: GPU | undefined;

export async function createNodeGpuContext(): Promise<GpuContext> {
  Object.assign(globalThis, globals);
  gpuObject ??= create([]) as GPU;
  return createGpuContext(gpuObject);
}
