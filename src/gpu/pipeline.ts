/**
 * Shader module and compute pipeline creation inside validation error
 * scopes, so that a failure names the stage and carries the compiler's message.
 */
import { PipelineError } from './errors.ts';

/** Formats the errors of a compilation with line numbers of the WGSL text. */
async function compilationErrors(module: GPUShaderModule): Promise<string | undefined> {
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((message) => message.type === 'error');
  if (errors.length === 0) {
    return undefined;
  }
  return errors.map((message) => `line ${message.lineNum}:${message.linePos}: ${message.message}`).join('\n');
}

/**
 * Compiles `code` and creates a compute pipeline for each entry point; every
 * GPU object is labelled `${label}.${entryPoint}`. All GPU round trips
 * (error scopes, compilation info, async pipeline creation) are issued first
 * and awaited together, because each one waits behind the frames already
 * queued on a busy GPU.
 */
export async function createComputePipelines<Entry extends string>(
  device: GPUDevice,
  label: string,
  code: string,
  layout: GPUPipelineLayout,
  entryPoints: readonly Entry[],
  constants: Record<string, number> = {},
): Promise<Record<Entry, GPUComputePipeline>> {
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ label: `${label}.module`, code });
  const moduleScope = device.popErrorScope();
  const compilation = compilationErrors(module);

  const creations = entryPoints.map((entryPoint) => {
    const stage = `${label}.${entryPoint}`;
    device.pushErrorScope('validation');
    const pipeline = device.createComputePipelineAsync({ label: stage, layout, compute: { module, entryPoint, constants } });
    const scope = device.popErrorScope();
    return { stage, pipeline, scope };
  });

  const [moduleError, compileMessage] = await Promise.all([moduleScope, compilation]);
  const settled = await Promise.all(
    creations.map(async ({ stage, pipeline, scope }) => {
      const [result, scopeError] = await Promise.all([
        pipeline.then(
          (value) => ({ value, error: undefined }),
          (error: unknown) => ({ value: undefined, error: error instanceof Error ? error.message : String(error) }),
        ),
        scope,
      ]);
      return { stage, pipeline: result.value, error: result.error ?? scopeError?.message };
    }),
  );

  if (compileMessage || moduleError) {
    throw new PipelineError(`${label}.module`, compileMessage ?? moduleError!.message);
  }
  const pipelines = {} as Record<Entry, GPUComputePipeline>;
  settled.forEach(({ stage, pipeline, error }, k) => {
    if (error || !pipeline) {
      throw new PipelineError(stage, error ?? 'pipeline creation returned nothing');
    }
    pipelines[entryPoints[k]] = pipeline;
  });
  return pipelines;
}

const compiledByDevice = new WeakMap<GPUDevice, Map<string, Promise<unknown>>>();

/**
 * Compiles once per device and `key`: a new grid, sweep or region on the same
 * surface and optimizer reuses the pipelines instead of compiling again (a
 * second or more on a software GPU). A failed compilation is not kept, so the
 * next attempt reports its error again.
 */
export function compileOnce<T>(device: GPUDevice, key: string, compile: () => Promise<T>): Promise<T> {
  let cache = compiledByDevice.get(device);
  if (!cache) {
    cache = new Map();
    compiledByDevice.set(device, cache);
  }
  let compiled = cache.get(key) as Promise<T> | undefined;
  if (!compiled) {
    compiled = compile();
    cache.set(key, compiled);
    compiled.catch(() => cache.delete(key));
  }
  return compiled;
}

/**
 * Splits `groups` workgroups over x and y so that neither exceeds the
 * per-dimension limit; the shader rebuilds the linear index and bound-checks it.
 */
export function dispatchSize(groups: number, maxPerDimension: number): [number, number] {
  if (groups <= maxPerDimension) {
    return [Math.max(groups, 1), 1];
  }
  const y = Math.ceil(groups / maxPerDimension);
  const x = Math.ceil(groups / y);
  return [x, y];
}
