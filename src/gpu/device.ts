/**
 * The one place where WebGPU starts: adapter, limits, device, and the
 * handlers for lost devices and uncaught errors.
 */
import { DeviceRequestError, NoAdapterError, WebGpuUnavailableError } from './errors.ts';

export interface GpuContext {
  device: GPUDevice;
  adapter: GPUAdapter;
  /** Short adapter description for reports, e.g. "google swiftshader". */
  adapterName: string;
  /** The adapter runs on the CPU (see isCpuAdapter), so every drawn pixel costs CPU time. */
  cpuAdapter: boolean;
  /** Destroys the device on purpose: its loss is not reported to onLost. */
  destroy(): void;
}

export interface DeviceOptions {
  /**
   * Called once when the device is lost: a driver reset, the browser
   * reclaiming the GPU, or a destroy() by anyone but the context's own
   * destroy() (reason 'destroyed' alone cannot tell those apart).
   */
  onLost?: (info: GPUDeviceLostInfo) => void;
  /** Called once per distinct message of an uncaught validation or out-of-memory error. */
  onUncapturedError?: (message: string) => void;
}

/** Limits the descent pipeline raises above the WebGPU defaults when the adapter allows. */
const RAISED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
] as const;

/** Returns the fields of an adapter's info that name it: vendor, architecture, device and description, empty where missing. */
function adapterInfoFields(info: GPUAdapterInfo): string[] {
  return [info.vendor, info.architecture, info.device, info.description].map((part) => part ?? '');
}

/** Describes an adapter in a few words: vendor, architecture, device or description. */
export function describeAdapter(info: GPUAdapterInfo | undefined): string {
  if (!info) {
    return 'unknown adapter';
  }
  // Trailing separators go: Dawn names SwiftShader's device "swiftshader-device-subzero-".
  const parts = adapterInfoFields(info).map((part) => part.replace(/[\s_-]+$/, '')).filter((part) => part.length > 0);
  return parts.length > 0 ? [...new Set(parts)].join(' ') : 'unknown adapter';
}

/** Names of Vulkan, OpenGL and Direct3D drivers that run on the CPU: SwiftShader, Mesa's llvmpipe and lavapipe, Microsoft's WARP. */
const CPU_DRIVERS = /swiftshader|llvmpipe|lavapipe|microsoft basic render/i;

/**
 * Returns true when the adapter computes and draws on the CPU: a fallback
 * adapter (Chromium and Dawn mark SwiftShader so), or one whose info names a
 * driver that runs on the CPU, for a browser that marks none.
 */
export function isCpuAdapter(info: GPUAdapterInfo | undefined): boolean {
  if (!info) {
    return false;
  }
  if (info.isFallbackAdapter === true) {
    return true;
  }
  return adapterInfoFields(info).some((part) => CPU_DRIVERS.test(part));
}

/**
 * Requests an adapter and a device with raised limits. `gpu` is
 * navigator.gpu in a browser or the object from the `webgpu` package in Node.
 */
export async function createGpuContext(gpu: GPU | undefined, options: DeviceOptions = {}): Promise<GpuContext> {
  if (!gpu) {
    throw new WebGpuUnavailableError(
      'WebGPU is not available here (navigator.gpu is missing). Use Chrome or Edge 113 or later, Safari 26, or Firefox 141 or later on Windows; on Linux, Chrome needs the flag --enable-unsafe-webgpu.',
    );
  }

  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    throw new NoAdapterError(
      'WebGPU offered no adapter: the GPU or its driver is blocked or missing. Update the graphics driver, check chrome://gpu, or on a machine without a GPU install a software Vulkan driver (SwiftShader ships with Chromium).',
    );
  }

  const requiredLimits: Record<string, number> = {};
  for (const name of RAISED_LIMITS) {
    requiredLimits[name] = adapter.limits[name];
  }
  const requiredFeatures: GPUFeatureName[] = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ label: 'downhill', requiredLimits, requiredFeatures });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new DeviceRequestError(`The WebGPU adapter (${describeAdapter(adapter.info)}) rejected the request for a device: ${message}`, { cause: error });
  }

  let closing = false;
  void device.lost.then((info) => {
    if (!closing) {
      options.onLost?.(info);
    }
  });

  const seen = new Set<string>();
  device.addEventListener('uncapturederror', (event) => {
    const message = (event as GPUUncapturedErrorEvent).error.message;
    if (!seen.has(message)) {
      seen.add(message);
      options.onUncapturedError?.(message);
    }
  });

  return {
    device,
    adapter,
    adapterName: describeAdapter(adapter.info),
    cpuAdapter: isCpuAdapter(adapter.info),
    destroy: () => {
      closing = true;
      device.destroy();
    },
  };
}
