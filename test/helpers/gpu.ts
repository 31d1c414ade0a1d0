// A real WebGPU device in Node for GPU tests: Dawn (the `webgpu` package) on
// whatever Vulkan driver the test process was started with, SwiftShader on
// machines without a GPU. Never Dawn's null backend, which executes nothing.

import { create, globals } from 'webgpu';

import { isNullBackend } from '../../scripts/webgpu-env.mjs';

// GPUBufferUsage, GPUMapMode, GPUShaderStage and the other WebGPU constants.
Object.assign(globalThis, globals);

export interface TestDevice {
  device: GPUDevice;
  adapterInfo: GPUAdapterInfo;
  /** The object from `create()`, which must stay referenced while `device` is in use. */
  gpu: GPU;
  /** Destroys the device and drops the reference that kept `gpu` alive. */
  destroy(): void;
}

// The GPU objects of devices not yet destroyed. If a GPU object is garbage
// collected while its device still has work in flight, the process dies with a
// segmentation fault (seen with webgpu 0.6.2), so this keeps each one alive
// even when a test keeps only the device.
const liveGpus = new Set<GPU>();

/**
 * Creates a device on the first adapter Dawn offers, with the adapter's own
 * maxStorageBufferBindingSize, maxBufferSize and maxComputeWorkgroupsPerDimension
 * in place of WebGPU's smaller defaults. Uncaptured WebGPU errors are printed
 * to stderr with the device's label.
 *
 * @throws Error when Dawn offers no adapter or only its null backend.
 */
export async function createTestDevice(): Promise<TestDevice> {
  const gpu = create([]);
  const adapter = await gpu.requestAdapter();

  if (adapter === null) {
    throw new Error(
      'No WebGPU adapter: Dawn found no usable Vulkan driver. Run the tests through ' +
        '`npm test` or `npx vitest run` (vitest.config.ts passes the Vulkan variables to ' +
        'test processes), and run `npm run setup` to see which part is missing.',
    );
  }
  if (isNullBackend(adapter.info)) {
    throw new Error(
      `Dawn offered only its null backend (device "${adapter.info.device}"), which executes ` +
        'nothing; GPU tests need a real Vulkan driver. Run `npm run setup` for details.',
    );
  }

  const { maxStorageBufferBindingSize, maxBufferSize, maxComputeWorkgroupsPerDimension } = adapter.limits;
  const device = await adapter.requestDevice({
    label: 'test device',
    requiredLimits: { maxStorageBufferBindingSize, maxBufferSize, maxComputeWorkgroupsPerDimension },
  });

  device.addEventListener('uncapturederror', (event) => {
    console.error(`WebGPU error on "${device.label}": ${(event as GPUUncapturedErrorEvent).error.message}`);
  });

  liveGpus.add(gpu);

  return {
    device,
    adapterInfo: adapter.info,
    gpu,
    destroy() {
      device.destroy();
      liveGpus.delete(gpu);
    },
  };
}

/**
 * Reads `size` bytes from the start of `buffer`, which needs COPY_SRC usage,
 * through a temporary MAP_READ buffer. `size` must be a multiple of 4, as
 * copyBufferToBuffer requires.
 *
 * @returns a copy that stays valid after the staging buffer is destroyed.
 * @throws Error when the copy fails validation, instead of returning zeros.
 */
export async function readBuffer(device: GPUDevice, buffer: GPUBuffer, size: number): Promise<ArrayBuffer> {
  device.pushErrorScope('validation');
  const staging = device.createBuffer({
    label: `${buffer.label || 'buffer'} readback`,
    size,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });

  try {
    const encoder = device.createCommandEncoder({ label: 'readBuffer' });
    encoder.copyBufferToBuffer(buffer, 0, staging, 0, size);
    device.queue.submit([encoder.finish()]);

    const error = await device.popErrorScope();
    if (error !== null) {
      throw new Error(`readBuffer: failed to copy ${size} bytes from "${buffer.label}": ${error.message}`);
    }

    await staging.mapAsync(GPUMapMode.READ);
    const copy = staging.getMappedRange().slice(0);
    staging.unmap();
    return copy;
  } finally {
    staging.destroy();
  }
}
