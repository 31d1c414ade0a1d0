/**
 * The user's choices in the panel: one plain object, so that presets, the URL
 * and tests can set it whole.
 */
import { DEFAULT_CRITERIA, DEFAULT_NOISE, DEFAULT_SCHEDULE, defaultOptimizer, type NoiseConfig, type OptimizerConfig, type ScheduleConfig, type StopCriteria } from '../core/config.ts';
import { validateNoise, validateOptimizer, validateSchedule } from '../core/hyperparameters.ts';
import { GRID_1D, GRID_2D, STEPS_PER_FRAME, checkInteger, checkNumber, InvalidSettingError } from '../core/limits.ts';
import { findSurface, type Domain } from '../core/surfaces.ts';
import type { ViewMode } from '../render/sceneView.ts';

/** One optimizer configuration of a comparison: its own particles on the shared grid of starts. */
export interface RunSettings {
  optimizer: OptimizerConfig;
  schedule: ScheduleConfig;
  /** Drawn in the view (hidden runs keep running). */
  visible: boolean;
}

/** Optimizer configurations that can run side by side. */
export const MAX_RUNS = 4;

/** How the basin map is shown: not at all, the active configuration's, two side by side, or where two differ. */
export type BasinView = 'off' | 'map' | 'side-by-side' | 'difference';
export const BASIN_VIEWS: readonly BasinView[] = ['off', 'map', 'side-by-side', 'difference'];

export interface AppSettings {
  surface: string;
  /** Region of the grid of starts and of the drawing; null for the surface's standard domain. */
  region: Domain | null;
  /** Starts per side of the grid (2D) or number of starts (1D). */
  grid: number;
  /** Optimizer configurations on the same grid; the first is shown when there is one. */
  runs: RunSettings[];
  /** Index of the run the panel edits and the inspector shows. */
  active: number;
  /** Gradient noise, shared by every run so that a comparison sees the same noise. */
  noise: NoiseConfig;
  /** Updates per frame; below 1, one update every 1/stepsPerFrame frames. */
  stepsPerFrame: number;
  paused: boolean;
  view: ViewMode;
  trails: boolean;
  /** When a particle counts as converged or diverged. */
  criteria: StopCriteria;
  basinView: BasinView;
  /** Assignment radius of the basin map in surface units; null for 1% of the region's larger side. */
  radius: number | null;
}

export function defaultRun(lr = 0.1): RunSettings {
  return { optimizer: defaultOptimizer('gd', lr), schedule: { ...DEFAULT_SCHEDULE }, visible: true };
}

export const DEFAULT_SETTINGS: AppSettings = {
  surface: 'quadratic',
  grid: 64,
  runs: [defaultRun()],
  active: 0,
  noise: { ...DEFAULT_NOISE },
  stepsPerFrame: 1,
  paused: false,
  view: '3d',
  trails: true,
  region: null,
  criteria: { ...DEFAULT_CRITERIA },
  basinView: 'off',
  radius: null,
};

/** A deep copy, so that edits to one copy never reach another. */
export function cloneSettings(settings: AppSettings): AppSettings {
  return {
    ...settings,
    noise: { ...settings.noise },
    criteria: { ...settings.criteria },
    region: settings.region ? { ...settings.region } : null,
    runs: settings.runs.map((run) => ({ optimizer: { ...run.optimizer }, schedule: { ...run.schedule }, visible: run.visible })),
  };
}

/** Throws InvalidSettingError unless `region` is a finite rectangle with min < max on each used axis. */
export function validateRegion(region: Domain, dims: 1 | 2): Domain {
  const values = [region.xMin, region.xMax, region.yMin, region.yMax];
  if (!values.every(Number.isFinite) || !(region.xMin < region.xMax) || (dims === 2 && !(region.yMin < region.yMax))) {
    throw new InvalidSettingError('region', region, 'finite bounds with xMin < xMax and yMin < yMax');
  }
  return region;
}

/** The run the panel edits. */
export function activeRun(settings: AppSettings): RunSettings {
  return settings.runs[settings.active];
}

/** Throws InvalidSettingError naming the first invalid value of `settings`. */
export function validateSettings(settings: AppSettings): AppSettings {
  const surface = findSurface(settings.surface);
  if (!surface) {
    throw new InvalidSettingError('surface', settings.surface, 'the name of a built-in surface');
  }
  const gridRange = surface.dims === 1 ? GRID_1D : GRID_2D;
  checkInteger(surface.dims === 1 ? 'number of starts' : 'grid size', settings.grid, gridRange.min, gridRange.max);
  if (!Array.isArray(settings.runs) || settings.runs.length < 1 || settings.runs.length > MAX_RUNS) {
    throw new InvalidSettingError('number of optimizer configurations', settings.runs?.length, `1 to ${MAX_RUNS}`);
  }
  for (const run of settings.runs) {
    validateOptimizer(run.optimizer);
    validateSchedule(run.schedule);
  }
  checkInteger('active configuration', settings.active, 0, settings.runs.length - 1);
  validateNoise(settings.noise);
  checkNumber('steps per frame', settings.stepsPerFrame, STEPS_PER_FRAME.min, STEPS_PER_FRAME.max);
  if (settings.view !== '2d' && settings.view !== '3d') {
    throw new InvalidSettingError('view', settings.view, '"2d" or "3d"');
  }
  checkNumber('gradient tolerance', settings.criteria.gradTol, 0, 1e6);
  checkNumber('step tolerance', settings.criteria.stepTol, 0, 1e6);
  checkNumber('divergence bound', settings.criteria.divergeBound, 1e-6, 1e30);
  if (!BASIN_VIEWS.includes(settings.basinView)) {
    throw new InvalidSettingError('basin view', settings.basinView, BASIN_VIEWS.map((view) => `"${view}"`).join(', '));
  }
  if (settings.radius !== null) {
    checkNumber('assignment radius', settings.radius, 1e-9, 1e6);
  }
  if (settings.region !== null) {
    validateRegion(settings.region, surface.dims);
  }
  return settings;
}
