/**
 * `downhill sweep`: runs every start once per learning rate (log-spaced), or
 * per cell of a learning rate × hyperparameter phase map, all in one GPU
 * run, and prints per rate the share diverged, loss percentiles and the
 * median number of updates to converge.
 */
import { resolve } from 'node:path';
import { PNG } from 'pngjs';
import type { StopCriteria } from '../core/config.ts';
import { compileFormula } from '../core/expr/index.ts';
import { phaseImage, sweepCsv, type SweepRow } from '../core/exportTables.ts';
import { startCount } from '../core/grid.ts';
import { OPTIMIZER_SPECS } from '../core/hyperparameters.ts';
import { describeInterval, MAX_PARTICLES, formatSettingValue } from '../core/limits.ts';
import { ReferenceRun } from '../core/reference.ts';
import {
  SWEEP_PARAMETERS,
  cellStatistics,
  logSpace,
  linearSpace,
  surfaceStabilityLimit,
  sweepCells,
  type CellStatistics,
  type SweepAxes,
  type SweepParameter,
} from '../core/sweep.ts';
import { runDescent } from '../gpu/runDescent.ts';
import { UsageError } from './errors.ts';
import { checkOutputFile, writeOutputFile } from './outputFiles.ts';
import { createNodeGpuContext } from './nodeGpu.ts';
import type { RunOptions } from './options.ts';
import { numberFlag, parseDecimal } from './optimizerOptions.ts';

/** parseArgs entries that `sweep` adds to those of `run`; its --lr-min is the sweep's, not the schedule's. */
export const SWEEP_OPTION_TABLE = {
  'lr-max': { type: 'string' },
  lrs: { type: 'string' },
  'sweep-y': { type: 'string' },
  'y-min': { type: 'string' },
  'y-max': { type: 'string' },
  ys: { type: 'string' },
  csv: { type: 'string' },
  png: { type: 'string' },
  'schedule-lr-min': { type: 'string' },
} as const;

/** Most cells of one sweep; each cell runs every start. */
export const MAX_SWEEP_CELLS = 65_536;

export interface SweepOptions extends RunOptions {
  axes: SweepAxes;
  csv: string | undefined;
  png: string | undefined;
}

export interface SweepReport {
  surface: string;
  formula: string;
  optimizer: string;
  steps: number;
  criteria: StopCriteria;
  backend: 'cpu' | 'webgpu';
  adapter: string | null;
  /** Starts per rate. */
  starts: number;
  /** The learning rates, log-spaced. */
  lr: number[];
  /**
   * The second axis of a phase map, if any, with the stability limit at each
   * of its values (null where it is not known). With --sweep-y momentum the
   * limit changes from row to row of the map.
   */
  sweepY: { parameter: SweepParameter; values: number[]; stabilityLimit: (number | null)[] } | null;
  /** One row per cell: every rate for the first y, then the next y. Each row carries the stability limit of its y. */
  rows: SweepRow[];
  /** Per rate (first y of a phase map): the share diverged. */
  diverged: number[];
  medianLoss: (number | null)[];
  p10Loss: (number | null)[];
  p90Loss: (number | null)[];
  medianStepsToConverge: (number | null)[];
  /**
   * The largest rate stable at every listed minimum where it is known from
   * the Hessian there (plain descent, heavy-ball and Nesterov momentum). In a phase
   * map it is the limit at the first y, like the per-rate fields above.
   */
  stabilityLimit: number | null;
  csv: string | null;
  png: string | null;
}

/** Options of `run` that sweep reads under another name, for messages: the schedule's --lr-min. */
export const SWEEP_FLAG_NAMES: Readonly<Record<string, string>> = { 'lr-min': 'schedule-lr-min' };

/**
 * Takes the sweep's own options out of the raw values before the run options
 * are parsed: --lr-min is the low end of the sweep there, and a cosine or
 * cyclic schedule's minimum is --schedule-lr-min.
 */
export function splitSweepValues(values: Record<string, unknown>): { run: Record<string, unknown>; sweep: Record<string, string | undefined> } {
  const run = { ...values };
  const sweep: Record<string, string | undefined> = {};
  for (const key of ['lr-min', ...Object.keys(SWEEP_OPTION_TABLE)]) {
    sweep[key] = run[key] as string | undefined;
    delete run[key];
  }
  if (sweep['schedule-lr-min'] !== undefined) {
    run['lr-min'] = sweep['schedule-lr-min'];
  }
  if (run.lr !== undefined) {
    throw new UsageError('sweep varies the learning rate: give --lr-min and --lr-max instead of --lr');
  }
  // A phase map varies its second hyperparameter too, so a fixed value of it would be ignored.
  const swept = sweep['sweep-y'];
  if (swept !== undefined && Object.hasOwn(SWEEP_PARAMETERS, swept) && run[swept] !== undefined) {
    throw new UsageError(`--sweep-y ${swept} varies ${swept} from --y-min to --y-max: leave out --${swept}`);
  }
  return { run, sweep };
}

function count(name: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) {
    return fallback;
  }
  const value = parseDecimal(text);
  if (value === undefined || !Number.isInteger(value) || value < 1 || value > max) {
    throw new UsageError(`invalid --${name} ${formatSettingValue(text)}: expected ${describeInterval({ min: 1, max, integer: true })}`);
  }
  return value;
}

export function parseSweepOptions(run: RunOptions, raw: Record<string, string | undefined>): SweepOptions {
  const rateSpec = { ...OPTIMIZER_SPECS.lr, flag: 'lr-min' };
  const lrCount = count('lrs', raw.lrs, 64, 4096);
  const lrMin = raw['lr-min'] === undefined ? 0.01 : numberFlag(rateSpec, raw['lr-min']);
  // One rate is --lr-min alone, so an --lr-max beside it would be ignored: reject it instead.
  if (lrCount === 1 && raw['lr-max'] !== undefined) {
    throw new UsageError('--lrs 1 runs the single rate --lr-min: leave out --lr-max, or give --lrs 2 or more');
  }
  const lrMax = lrCount === 1 ? lrMin : raw['lr-max'] === undefined ? 1 : numberFlag({ ...rateSpec, flag: 'lr-max' }, raw['lr-max']);
  if (lrCount > 1 && !(lrMin < lrMax)) {
    throw new UsageError(`invalid --lr-min ${lrMin} and --lr-max ${lrMax}: expected lr-min < lr-max`);
  }

  let second: SweepAxes['second'];
  const parameter = raw['sweep-y'];
  if (parameter !== undefined) {
    // Object.hasOwn, because `in` also finds inherited names such as "constructor".
    if (!Object.hasOwn(SWEEP_PARAMETERS, parameter)) {
      throw new UsageError(`unknown --sweep-y ${formatSettingValue(parameter)}: expected ${Object.keys(SWEEP_PARAMETERS).join(' or ')}`);
    }
    const optimizers: readonly string[] = SWEEP_PARAMETERS[parameter as SweepParameter];
    if (!optimizers.includes(run.optimizer.name)) {
      throw new UsageError(`--sweep-y ${parameter} applies to ${optimizers.join(', ')}, not ${run.optimizer.name}`);
    }
    const spec = { flag: 'y-min', label: parameter, min: 0, max: 1, maxExclusive: true };
    const yCount = count('ys', raw.ys, 32, 4096);
    const min = raw['y-min'] === undefined ? 0 : numberFlag(spec, raw['y-min']);
    // As for the rates: one value is --y-min alone.
    if (yCount === 1 && raw['y-max'] !== undefined) {
      throw new UsageError('--ys 1 runs the single value --y-min: leave out --y-max, or give --ys 2 or more');
    }
    const max = yCount === 1 ? min : raw['y-max'] === undefined ? 0.99 : numberFlag({ ...spec, flag: 'y-max' }, raw['y-max']);
    if (yCount > 1 && !(min < max)) {
      throw new UsageError(`invalid --y-min ${min} and --y-max ${max}: expected y-min < y-max`);
    }
    second = { parameter: parameter as SweepParameter, min, max, count: yCount };
  } else if (raw['y-min'] !== undefined || raw['y-max'] !== undefined || raw.ys !== undefined) {
    throw new UsageError('--y-min, --y-max and --ys need --sweep-y momentum or --sweep-y beta1');
  }

  const cells = lrCount * (second?.count ?? 1);
  if (cells > MAX_SWEEP_CELLS) {
    throw new UsageError(`a sweep of ${cells.toLocaleString('en-US')} cells exceeds the maximum ${MAX_SWEEP_CELLS.toLocaleString('en-US')}: use fewer --lrs or --ys`);
  }
  const particles = cells * startCount(run.starts);
  if (particles > MAX_PARTICLES) {
    throw new UsageError(
      `a sweep of ${cells.toLocaleString('en-US')} cells × ${startCount(run.starts).toLocaleString('en-US')} starts = ${particles.toLocaleString('en-US')} particles ` +
        `exceeds the maximum ${MAX_PARTICLES.toLocaleString('en-US')}: use fewer --lrs or --ys, or a smaller --grid`,
    );
  }
  for (const name of ['csv', 'png'] as const) {
    if (raw[name] !== undefined && raw[name]!.trim() === '') {
      throw new UsageError(`invalid --${name} "": expected a file name`);
    }
  }
  if (raw.png !== undefined && !second) {
    throw new UsageError('--png writes a phase map: give --sweep-y too');
  }
  for (const name of ['csv', 'png'] as const) {
    if (raw[name] !== undefined) {
      checkOutputFile(name, raw[name]!);
    }
  }
  if (raw.csv !== undefined && raw.png !== undefined && resolve(raw.csv) === resolve(raw.png)) {
    throw new UsageError(`--csv and --png name the same file ${JSON.stringify(raw.csv)}: give each its own`);
  }
  return { ...run, axes: { lrMin, lrMax, lrCount, second }, csv: raw.csv, png: raw.png };
}

export async function sweepCommand(options: SweepOptions): Promise<SweepReport> {
  const surface = compileFormula(options.surface.formula);
  const cells = sweepCells(options.optimizer, options.axes);
  const setup = { surface, optimizer: options.optimizer, schedule: options.schedule, noise: options.noise, criteria: options.criteria, starts: options.starts, cells };

  let status: ArrayLike<number>;
  let loss: ArrayLike<number>;
  let stopSteps: ArrayLike<number>;
  let startsPerCell: number;
  let adapter: string | null = null;
  if (options.backend === 'webgpu') {
    const gpu = await createNodeGpuContext();
    adapter = gpu.adapterName;
    const result = await runDescent(gpu, setup, options.steps);
    gpu.destroy();
    ({ status, loss, stopSteps } = result);
    startsPerCell = result.particleCount / cells.length;
  } else {
    const reference = new ReferenceRun(setup, options.precision);
    reference.advance(options.steps);
    ({ status, loss, stopSteps } = reference);
    startsPerCell = reference.startsPerCell;
  }

  const statistics = cellStatistics(cells.length, status, loss, stopSteps, (k) => Math.floor(k / startsPerCell));
  const lrs = logSpace(options.axes.lrMin, options.axes.lrMax, options.axes.lrCount);
  const second = options.axes.second;
  const ys = second ? linearSpace(second.min, second.max, second.count) : undefined;
  // One limit per value of the second axis: momentum moves it, β₁ has none.
  const limits = (ys ?? [undefined]).map((y) => {
    const optimizer = second && y !== undefined ? { ...options.optimizer, [second.parameter]: y } : options.optimizer;
    return surfaceStabilityLimit(options.surface, surface, optimizer) ?? null;
  });
  const rows: SweepRow[] = statistics.map((cell, c) => ({
    lr: lrs[c % lrs.length],
    ...(ys ? { y: ys[Math.floor(c / lrs.length)] } : {}),
    ...cell,
    stabilityLimit: limits[Math.floor(c / lrs.length)],
  }));

  if (options.csv) {
    writeCsv(options.csv, rows, second?.parameter);
  }
  if (options.png && ys) {
    writePhaseMap(options.png, statistics, lrs.length, ys.length);
  }

  const firstRow = rows.slice(0, lrs.length);
  return {
    surface: options.surface.name,
    formula: options.surface.formula,
    optimizer: options.optimizer.name,
    steps: options.steps,
    criteria: options.criteria,
    backend: options.backend,
    adapter,
    starts: startsPerCell,
    lr: lrs,
    sweepY: second && ys ? { parameter: second.parameter, values: ys, stabilityLimit: limits } : null,
    rows,
    diverged: firstRow.map((row) => row.diverged),
    medianLoss: firstRow.map((row) => row.medianLoss),
    p10Loss: firstRow.map((row) => row.p10Loss),
    p90Loss: firstRow.map((row) => row.p90Loss),
    medianStepsToConverge: firstRow.map((row) => row.medianStepsToConverge),
    stabilityLimit: limits[0],
    csv: options.csv ?? null,
    png: options.png ?? null,
  };
}

function writePhaseMap(path: string, statistics: CellStatistics[], columns: number, rows: number): void {
  const png = new PNG({ width: columns, height: rows });
  png.data.set(phaseImage(statistics, columns, rows));
  writeOutputFile('png', path, PNG.sync.write(png));
}

function writeCsv(path: string, rows: SweepRow[], parameter: string | undefined): void {
  writeOutputFile('csv', path, sweepCsv(rows, parameter));
}
