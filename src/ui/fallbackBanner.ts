/**
 * The banner of the CPU fallback: why WebGPU did not start, what runs
 * instead, and how to get the GPU path.
 */
import { DeviceRequestError, NoAdapterError, WebGpuUnavailableError } from '../gpu/errors.ts';

/** Browsers that ship WebGPU, as the README lists them. */
const BROWSERS = 'Chrome or Edge 113 or later, Safari 26, or Firefox 141 or later on Windows';

export interface StartFailure {
  /** Sentence that names the cause and repeats the browser's message. */
  reason: string;
  /** Steps the user can take to run on the GPU. */
  advice: string;
}

/** Describes why WebGPU did not start, from the error that createGpuContext or the view threw. */
export function describeStartFailure(error: unknown): StartFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof WebGpuUnavailableError) {
    return {
      reason: 'This browser has no WebGPU: navigator.gpu is missing.',
      advice: `Open downhill in ${BROWSERS}. On Linux, start Chrome with --enable-unsafe-webgpu.`,
    };
  }
  if (error instanceof NoAdapterError) {
    return {
      reason: 'WebGPU offered no adapter: the GPU or its driver is blocked or missing.',
      advice: 'Update the graphics driver and check chrome://gpu. On Linux, start Chrome with --enable-unsafe-webgpu; on a machine without a GPU, Chromium can use SwiftShader (--enable-unsafe-swiftshader).',
    };
  }
  if (error instanceof DeviceRequestError) {
    return {
      reason: `requestDevice failed: ${message}`,
      advice: 'Close other tabs that use the GPU and reload; if it persists, update the graphics driver and check chrome://gpu.',
    };
  }
  return {
    reason: `The WebGPU view could not start: ${message}`,
    advice: `Reload the page; if it persists, try ${BROWSERS}, and check chrome://gpu.`,
  };
}

/**
 * Builds the banner: the reason, what runs instead with the grid cap, the
 * features that need WebGPU, and the advice.
 */
export function createFallbackBanner(failure: StartFailure, capText: string): HTMLElement {
  const banner = document.createElement('div');
  banner.className = 'fallback-banner';
  banner.setAttribute('role', 'status');

  const title = document.createElement('strong');
  title.textContent = 'Running on the CPU, without WebGPU. ';
  const reason = document.createElement('span');
  reason.className = 'fallback-reason';
  reason.textContent = `${failure.reason} `;
  const what = document.createElement('span');
  what.textContent = `The particles run on the float32 CPU reference in a Web Worker, at most ${capText} per configuration, in a top-down view. The basin map, learning-rate sweeps and verify need WebGPU. `;
  const advice = document.createElement('span');
  advice.className = 'fallback-advice';
  advice.textContent = failure.advice;
  banner.append(title, reason, what, advice);
  return banner;
}
