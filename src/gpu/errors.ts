/**
 * One error class per WebGPU failure kind, each message saying what failed
 * and what the user can do.
 */

/** The environment has no WebGPU at all (no navigator.gpu, no Dawn module). */
export class WebGpuUnavailableError extends Error {
  override name = 'WebGpuUnavailableError';
}

/** WebGPU exists but offered no adapter. */
export class NoAdapterError extends Error {
  override name = 'NoAdapterError';
}

/** The adapter rejected the request for a device (requestDevice threw). */
export class DeviceRequestError extends Error {
  override name = 'DeviceRequestError';
}

/** A shader module or pipeline failed validation or compilation. */
export class PipelineError extends Error {
  override name = 'PipelineError';
  constructor(
    /** The GPU object that failed, by its label (for example `Descent.step`). */
    readonly stage: string,
    message: string,
  ) {
    super(`${stage}: ${message}`);
  }
}

/** A configuration needs more of a device limit than the adapter allows. */
export class LimitExceededError extends Error {
  override name = 'LimitExceededError';
  constructor(
    /** Name of the WebGPU limit, as in GPUSupportedLimits. */
    readonly limit: string,
    readonly needed: number,
    readonly available: number,
    what: string,
  ) {
    super(`${what} needs ${limit} = ${needed.toLocaleString('en-US')}, but this adapter allows ${available.toLocaleString('en-US')}; use fewer particles or shorter trails`);
  }
}
