/**
 * `downhill run`: descends a grid or list of starts on the GPU or the CPU
 * reference and prints the final state of every particle.
 */
import { compileFormula } from '../core/expr/index.ts';
import { DEFAULT_CRITERIA, STATUS_NAMES, type NoiseConfig, type OptimizerConfig, type ScheduleConfig, type StatusName } from '../core/config.ts';
import { fillStarts, startCount, undefinedStartsProblem } from '../core/grid.ts';
import { ReferenceRun } from '../core/reference.ts';
import { quantile } from '../core/sweep.ts';
import { runDescent } from '../gpu/runDescent.ts';
import { counted, criteriaLines, settingsText, sixDigits } from './wording.ts';
import { createNodeGpuContext } from './nodeGpu.ts';
import type { RunOptions } from './options.ts';

export interface RunReport {
  /** Built-in surface name, or 'custom' for --formula. */
  surface: string;
  formula: string;
  /** Condition number κ of the ill-conditioned quadratic; null for other surfaces. */
  condition: number | null;
  dims: 1 | 2;
  optimizer: string;
  lr: number;
  /** Every hyperparameter of the optimizer, torch.optim's defaults where not given. */
  hyperparameters: OptimizerConfig;
  schedule: ScheduleConfig;
  noise: NoiseConfig;
  steps: number;
  backend: 'cpu' | 'webgpu';
  /** Arithmetic of the run: float32 on the GPU, float32 or float64 on the CPU. */
  precision: 'f32' | 'f64';
  /** GPU adapter description; null on the CPU. */
  adapter: string | null;
  particles: number;
  grid: number | null;
  domain: [number, number] | [number, number, number, number];
  criteria: typeof DEFAULT_CRITERIA;
  /** Final position per particle: [x] in 1D, [x, y] in 2D. */
  final: number[][];
  /** Final loss per particle; null where it is undefined or not finite. */
  loss: (number | null)[];
  status: StatusName[];
  /** Update count at which each particle converged or diverged; 0 while moving. */
  stopSteps: number[];
  summary: Record<StatusName, number>;
  /** Problems of the setup that the outcome alone does not explain, one sentence each. */
  warnings: string[];
}

/** Returns the warnings of a run: a surface undefined at every start checked. */
function setupWarnings(surface: ReturnType<typeof compileFormula>, starts: RunOptions['starts']): string[] {
  const points = new Float32Array(2 * startCount(starts));
  fillStarts(starts, points);
  const problem = undefinedStartsProblem(surface, points);
  return problem === undefined ? [] : [`the surface or its gradient is undefined ${problem}: check the formula and the domain`];
}

export async function runCommand(options: RunOptions): Promise<RunReport> {
  const surface = compileFormula(options.surface.formula);
  const { optimizer, schedule, noise } = options;
  const criteria = options.criteria;
  const setup = { surface, optimizer, schedule, noise, criteria, starts: options.starts };

  let positions: ArrayLike<number>;
  let loss: ArrayLike<number>;
  let status: ArrayLike<number>;
  let stopSteps: ArrayLike<number>;
  let adapter: string | null = null;

  if (options.backend === 'webgpu') {
    const gpu = await createNodeGpuContext();
    adapter = gpu.adapterName;
    const result = await runDescent(gpu, setup, options.steps);
    ({ positions, loss, status, stopSteps } = result);
    gpu.destroy();
  } else {
    const reference = new ReferenceRun(setup, options.precision);
    reference.advance(options.steps);
    ({ positions, loss, status, stopSteps } = reference);
  }

  const particles = loss.length;
  const dims = options.surface.dims;
  const final: number[][] = [];
  const statusNames: StatusName[] = [];
  const summary: Record<StatusName, number> = { moving: 0, converged: 0, diverged: 0 };
  for (let i = 0; i < particles; i++) {
    final.push(dims === 1 ? [positions[2 * i]] : [positions[2 * i], positions[2 * i + 1]]);
    const name = STATUS_NAMES[status[i]];
    statusNames.push(name);
    summary[name]++;
  }

  const domain = options.domain;
  return {
    surface: options.surface.name,
    formula: options.surface.formula,
    condition: options.condition ?? null,
    dims,
    optimizer: optimizer.name,
    lr: optimizer.lr,
    hyperparameters: optimizer,
    schedule,
    noise,
    steps: options.steps,
    backend: options.backend,
    precision: options.backend === 'webgpu' ? 'f32' : options.precision,
    adapter,
    particles,
    grid: options.grid ?? null,
    domain: dims === 1 ? [domain.xMin, domain.xMax] : [domain.xMin, domain.xMax, domain.yMin, domain.yMax],
    criteria,
    final,
    loss: Array.from(loss, (value) => (Number.isFinite(value) ? value : null)),
    status: statusNames,
    stopSteps: Array.from(stopSteps),
    summary,
    warnings: setupWarnings(surface, options.starts),
  };
}

/** Formats a few lines for a person: the configuration, the outcome counts and the loss range. */
export function formatRunReport(report: RunReport): string {
  const finiteLoss = report.loss.filter((value, i): value is number => value !== null && report.status[i] !== 'diverged').sort((a, b) => a - b);
  const median = quantile(finiteLoss, 0.5) ?? Number.NaN;
  const where = report.backend === 'webgpu' ? `webgpu (${report.adapter})` : `cpu (${report.precision})`;
  const lines = [
    `${report.surface}: f = ${report.formula}`,
    `${settingsText({ optimizer: report.hyperparameters, schedule: report.schedule, noise: report.noise })}, ${counted(report.steps, 'step')} on ${where}`,
    ...criteriaLines(report.criteria),
    `${counted(report.particles, 'particle')}: ${report.summary.converged} converged, ${report.summary.diverged} diverged, ${report.summary.moving} still moving`,
  ];
  if (report.precision === 'f64') {
    // ReferenceRun fills its starts into a Float32Array, so an f64 run compares with the GPU from the same points.
    lines.push('note: the starts were rounded to float32 first, as the GPU takes them, and the updates ran in float64');
  }
  for (const warning of report.warnings) {
    lines.push(`warning: ${warning}`);
  }
  if (finiteLoss.length > 0) {
    lines.push(`loss of particles not diverged: min ${sixDigits(finiteLoss[0])}, median ${sixDigits(median)}, max ${sixDigits(finiteLoss[finiteLoss.length - 1])}`);
  }
  return lines.join('\n');
}
