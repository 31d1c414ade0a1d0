/**
 * `downhill basins`: descends a grid of starts, assigns each start the
 * minimum its particle reached, and prints the share of every basin;
 * --png writes the map.
 */
import { PNG } from 'pngjs';
import {
  BASIN_DIVERGED,
  BASIN_MOVING,
  BASIN_OTHER,
  basinColor,
  classifyAll,
  countBasins,
  defaultAssignmentRadius,
  MAX_BASINS,
  outcomeName,
  type BasinShares,
} from '../core/basins.ts';
import { basinImage } from '../core/basinImage.ts';
import { cssHex } from '../core/colorScience.ts';
import { fillStarts, startCount, type Starts } from '../core/grid.ts';
import { clusterMinima, combineMinima, type NamedMinimum } from '../core/minima.ts';
import type { StopCriteria } from '../core/config.ts';
import { compileFormula } from '../core/expr/index.ts';
import { ASSIGNMENT_RADIUS } from '../core/limits.ts';
import { ReferenceRun } from '../core/reference.ts';
import { BasinClassifier, BASIN_STRIDE } from '../gpu/basins.ts';
import { Descent } from '../gpu/descent.ts';
import { readBuffer } from '../gpu/readback.ts';
import { readResult, runDescentSteps } from '../gpu/runDescent.ts';
import { UsageError } from './errors.ts';
import { checkOutputFile, writeOutputFile } from './outputFiles.ts';
import { createNodeGpuContext } from './nodeGpu.ts';
import type { RunOptions } from './options.ts';
import { numberFlag } from './optimizerOptions.ts';

/** parseArgs entries that `basins` adds to those of `run`. */
export const BASINS_OPTION_TABLE = {
  png: { type: 'string' },
  radius: { type: 'string' },
} as const;

export interface BasinsOptions extends RunOptions {
  /** File for the PNG map, if any. */
  png: string | undefined;
  /** Assignment radius in surface units. */
  radius: number;
}

export type MinimaSource = 'listed' | 'clustered' | 'listed and clustered';

export interface BasinsReport {
  surface: string;
  formula: string;
  optimizer: string;
  lr: number;
  steps: number;
  backend: 'cpu' | 'webgpu';
  adapter: string | null;
  /** Starts per side; the map is grid × grid pixels (grid × 1 for a 1D surface). */
  grid: number;
  domain: number[];
  criteria: StopCriteria;
  /** Converged particles within this distance of a minimum take its basin. */
  radius: number;
  /**
   * Source of the minima. "listed": the surface's known minima. "clustered":
   * found from converged end points (typed formulas). "listed and clustered":
   * the known ones, then those found beside them, on surfaces that list only
   * some (rastrigin, ackley).
   */
  minimaSource: MinimaSource;
  /** known: listed by the surface; false for a minimum found by clustering. */
  minima: { x: number; y: number; value: number; known: boolean; count: number; share: number }[];
  /** Converged, but not within the radius of any known minimum. */
  other: number;
  diverged: number;
  /** Still moving after the last update. */
  unconverged: number;
  /** Runs of neighbouring starts that end in the same basin, from the lowest x, on a 1D surface; null in 2D. */
  intervals: BasinInterval[] | null;
  png: string | null;
  /** The colour of every outcome in the --png map; null without --png. */
  legend: LegendEntry[] | null;
}

/** The outcome of a start: a minimum by its index in `minima`, or one of the other outcomes. */
export type BasinLabel = number | 'elsewhere' | 'diverged' | 'not converged';

export interface BasinInterval {
  /** The first and last start of the run (float32 grid values). */
  from: number;
  to: number;
  starts: number;
  basin: BasinLabel;
}

export interface LegendEntry {
  basin: BasinLabel;
  /** sRGB colour as #rrggbb. */
  color: string;
}

export function parseBasinsOptions(run: RunOptions, raw: { png?: string; radius?: string }): BasinsOptions {
  if (run.starts.kind !== 'grid' || run.grid === undefined) {
    throw new UsageError('basins needs a grid of starts (--grid N), not --start');
  }
  const domain = run.starts.domain;
  const radius =
    raw.radius === undefined
      ? defaultAssignmentRadius(run.surface.dims === 1 ? { ...domain, yMin: 0, yMax: 0 } : domain)
      : numberFlag({ flag: 'radius', label: 'radius', ...ASSIGNMENT_RADIUS }, raw.radius);
  if (raw.png !== undefined && raw.png.trim() === '') {
    throw new UsageError('invalid --png "": expected a file name');
  }
  if (raw.png !== undefined) {
    checkOutputFile('png', raw.png);
  }
  return { ...run, png: raw.png, radius };
}

export async function basinsCommand(options: BasinsOptions): Promise<BasinsReport> {
  const surface = compileFormula(options.surface.formula);
  const { optimizer, schedule, noise, starts } = options;
  const setup = { surface, optimizer, schedule, noise, criteria: options.criteria, starts };
  const listed: readonly NamedMinimum[] = options.surface.minima.map(({ x, y, value }) => ({ x, y, value, known: true }));
  const domain = options.starts.kind === 'grid' ? options.starts.domain : options.surface.domain;
  // A surface without listed minima (a typed formula) takes those its converged particles found, and
  // one that lists only some of its minima adds those found beside them, as the app's basin map does.
  const needsFound = listed.length === 0 || !options.surface.allMinimaListed;
  let source: MinimaSource = 'listed';
  if (needsFound) {
    source = listed.length === 0 ? 'clustered' : 'listed and clustered';
  }
  const cluster = (positions: ArrayLike<number>, status: ArrayLike<number>): readonly NamedMinimum[] => {
    if (!needsFound) {
      return listed;
    }
    const found = clusterMinima(positions, status, surface, { domain });
    return combineMinima(listed, [], found, options.radius, MAX_BASINS);
  };
  let minima = listed;
  // Gradient noise keeps particles from converging, so those within the radius of a minimum count in its basin.
  const assignMoving = (noise?.sigma ?? 0) > 0;

  let basins: Uint32Array;
  let adapter: string | null = null;
  if (options.backend === 'webgpu') {
    const gpu = await createNodeGpuContext();
    adapter = gpu.adapterName;
    const descent = await Descent.create(gpu, {
      ...setup,
      trail: { maxParticles: 1, length: 2, every: 1 },
      historyLength: 1,
      pickedIndex: 0xffffffff,
      maxStepsPerDispatch: 500,
    });
    const classifier = await BasinClassifier.create(gpu, { points: descent.points, particleCount: descent.particleCount, minima, radius: options.radius, assignMoving });
    try {
      runDescentSteps(descent, options.steps, 500);
      if (needsFound) {
        const result = await readResult(gpu.device, descent);
        minima = cluster(result.positions, result.status);
        classifier.setMinima(minima, options.radius, assignMoving);
      }
      classifier.classify(options.steps);
      basins = new Uint32Array(await readBuffer(gpu.device, classifier.basins, descent.particleCount * BASIN_STRIDE));
    } finally {
      classifier.destroy();
      descent.destroy();
      gpu.destroy();
    }
  } else {
    const reference = new ReferenceRun(setup, options.precision);
    reference.advance(options.steps);
    minima = cluster(reference.positions, reference.status);
    basins = classifyAll(reference.status, reference.positions, minima, options.radius, assignMoving);
  }

  const grid = options.grid!;
  const rows = options.surface.dims === 1 ? 1 : grid;
  if (options.png) {
    writePng(options.png, basinImage(basins, grid, rows), grid, rows);
  }

  const shares = countBasins(basins, minima.length);
  const intervals = options.surface.dims === 1 ? basinIntervals(basins, options.starts) : null;
  return report(options, shares, minima, adapter, source, intervals);
}

function basinLabel(basin: number): BasinLabel {
  return outcomeName(basin) ?? basin;
}

/** Splits the starts of a 1D grid, in order of x, into runs that end in the same basin. */
function basinIntervals(basins: ArrayLike<number>, starts: Starts): BasinInterval[] {
  const positions = new Float32Array(2 * startCount(starts));
  fillStarts(starts, positions);
  const intervals: BasinInterval[] = [];
  for (let i = 0; i < basins.length; i++) {
    const basin = basinLabel(basins[i]);
    const last = intervals[intervals.length - 1];
    if (last && last.basin === basin) {
      last.to = positions[2 * i];
      last.starts++;
    } else {
      intervals.push({ from: positions[2 * i], to: positions[2 * i], starts: 1, basin });
    }
  }
  return intervals;
}

/** Lists the colours of the map: one per minimum, then elsewhere, diverged and not converged. */
function legend(minimaCount: number): LegendEntry[] {
  const codes = [...Array.from({ length: minimaCount }, (_, k) => k), BASIN_OTHER, BASIN_DIVERGED, BASIN_MOVING];
  return codes.map((code) => ({ basin: basinLabel(code), color: cssHex(basinColor(code)) }));
}

function report(
  options: BasinsOptions,
  shares: BasinShares,
  minima: readonly NamedMinimum[],
  adapter: string | null,
  minimaSource: MinimaSource,
  intervals: BasinInterval[] | null,
): BasinsReport {
  const share = (count: number): number => count / shares.total;
  const domain = options.starts.kind === 'grid' ? options.starts.domain : options.surface.domain;
  return {
    surface: options.surface.name,
    formula: options.surface.formula,
    optimizer: options.optimizer.name,
    lr: options.optimizer.lr,
    steps: options.steps,
    criteria: options.criteria,
    backend: options.backend,
    adapter,
    grid: options.grid!,
    domain: options.surface.dims === 1 ? [domain.xMin, domain.xMax] : [domain.xMin, domain.xMax, domain.yMin, domain.yMax],
    radius: options.radius,
    minimaSource,
    minima: shares.minima.map((count, k) => ({ x: minima[k].x, y: minima[k].y, value: minima[k].value, known: minima[k].known, count, share: share(count) })),
    other: share(shares.other),
    diverged: share(shares.diverged),
    unconverged: share(shares.moving),
    intervals,
    png: options.png ?? null,
    legend: options.png ? legend(minima.length) : null,
  };
}

function writePng(path: string, pixels: Uint8Array, width: number, height: number): void {
  const png = new PNG({ width, height });
  png.data.set(pixels);
  writeOutputFile('png', path, PNG.sync.write(png));
}
