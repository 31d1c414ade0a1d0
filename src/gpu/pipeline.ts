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
 * GPU object is labelled `${label}.${entryPoint}`.
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
  const moduleError = await device.popErrorScope();
  const compileMessage = await compilationErrors(module);
  if (compileMessage || moduleError) {
    throw new PipelineError(`${label}.module`, compileMessage ?? moduleError!.message);
  }

  const pipelines = {} as Record<Entry, GPUComputePipeline>;
  for (const entryPoint of entryPoints) {
    const stage = `${label}.${entryPoint}`;
    device.pushErrorScope('validation');
    try {
      pipelines[entryPoint] = await device.createComputePipelineAsync({
        label: stage,
        layout,
        compute: { module, entryPoint, constants },
      });
    } catch (error) {
      await device.popErrorScope();
      throw new PipelineError(stage, error instanceof Error ? error.message : String(error));
    }
    const scopeError = await device.popErrorScope();
    if (scopeError) {
      throw new PipelineError(stage, scopeError.message);
    }
  }
  return pipelines;
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
