/**
 * `downhill verify`: runs a configuration on the GPU, reruns every particle
 * (or a uniform sample) on the CPU in float32 and float64, and prints how
 * far apart they are; --min-agreement turns it into a check for CI.
 */
import { defaultAssignmentRadius } from '../core/basins.ts';
import type { NoiseConfig, OptimizerConfig, ScheduleConfig, StopCriteria } from '../core/config.ts';
import { compileFormula } from '../core/expr/index.ts';
import { ASSIGNMENT_RADIUS } from '../core/limits.ts';
import { clusterMinima } from '../core/minima.ts';
import { meetsAgreement, verifyRun, type VerifyReport } from '../core/verify.ts';
import { runDescent } from '../gpu/runDescent.ts';
import { flushesSubnormals } from '../gpu/subnormals.ts';
import { createNodeGpuContext } from './nodeGpu.ts';
import type { RunOptions } from './options.ts';
import { numberFlag } from './optimizerOptions.ts';
import { UsageError } from './errors.ts';

/** parseArgs entries that `verify` adds to those of `run`. */
export const VERIFY_OPTION_TABLE = {
  'min-agreement': { type: 'string' },
  radius: { type: 'string' },
} as const;

export interface VerifyOptions extends RunOptions {
  /** Exit with status 1 when the status or basin agreement of GPU and CPU float32 falls below this share. */
  minAgreement: number | undefined;
  radius: number;
}

/** The configuration that was verified, with the fields and names of `downhill run --json`, so that a script can rerun it. */
export interface VerifyCommandReport extends VerifyReport {
  surface: string;
  formula: string;
  condition: number | null;
  optimizer: string;
  lr: number;
  hyperparameters: OptimizerConfig;
  schedule: ScheduleConfig;
  noise: NoiseConfig;
  grid: number | null;
  /** x min, x max and, for a 2D surface, y min, y max. */
  domain: number[];
  criteria: StopCriteria;
  /** The share asked for by --min-agreement, and whether it was met. */
  minAgreement: number | null;
  passed: boolean | null;
}

export function parseVerifyOptions(run: RunOptions, raw: { 'min-agreement'?: string; radius?: string }): VerifyOptions {
  if (run.backend !== 'webgpu') {
    throw new UsageError('verify compares the GPU with the CPU: it needs --backend webgpu (the default)');
  }
  const minAgreement = raw['min-agreement'] === undefined ? undefined : numberFlag({ flag: 'min-agreement', label: 'agreement', min: 0, max: 1, cpuOnly: true }, raw['min-agreement']);
  const domain = run.starts.kind === 'grid' ? run.starts.domain : run.surface.domain;
  const radius =
    raw.radius === undefined
      ? defaultAssignmentRadius(run.surface.dims === 1 ? { ...domain, yMin: 0, yMax: 0 } : domain)
      : numberFlag({ flag: 'radius', label: 'radius', ...ASSIGNMENT_RADIUS }, raw.radius);
  return { ...run, minAgreement, radius };
}

export async function verifyCommand(options: VerifyOptions): Promise<VerifyCommandReport> {
  const surface = compileFormula(options.surface.formula);
  const { optimizer, schedule, noise, starts } = options;
  const setup = { surface, optimizer, schedule, noise, criteria: options.criteria, starts };

  const gpu = await createNodeGpuContext();
  const adapter = gpu.adapterName;
  const result = await runDescent(gpu, setup, options.steps);
  const flushSubnormals = await flushesSubnormals(gpu.device);
  gpu.destroy();

  const domain = starts.kind === 'grid' ? starts.domain : options.surface.domain;
  // A surface without listed minima takes those the GPU's converged particles found.
  const minima = options.surface.minima.length > 0 ? options.surface.minima : clusterMinima(result.positions, result.status, surface, { domain });
  const report = verifyRun({ ...setup, steps: options.steps, minima, radius: options.radius, flushSubnormals }, result, adapter);
  const passed = options.minAgreement === undefined ? null : meetsAgreement(report, options.minAgreement);
  const region = options.domain;
  return {
    surface: options.surface.name,
    formula: options.surface.formula,
    condition: options.condition ?? null,
    optimizer: optimizer.name,
    lr: optimizer.lr,
    hyperparameters: optimizer,
    schedule,
    noise,
    grid: options.grid ?? null,
    domain: options.surface.dims === 1 ? [region.xMin, region.xMax] : [region.xMin, region.xMax, region.yMin, region.yMax],
    criteria: options.criteria,
    ...report,
    minAgreement: options.minAgreement ?? null,
    passed,
  };
}
