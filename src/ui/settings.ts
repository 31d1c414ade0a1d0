/**
 * The user's choices in the panel: one plain object, so that presets, the URL
 * and tests can set it whole.
 */
import { DEFAULT_CRITERIA, DEFAULT_NOISE, DEFAULT_SCHEDULE, defaultOptimizer, type NoiseConfig, type OptimizerConfig, type ScheduleConfig, type StopCriteria } from '../core/config.ts';
import { checkDomain } from '../core/domain.ts';
import { validateNoise, validateOptimizer, validateSchedule } from '../core/hyperparameters.ts';
import { CONDITION_NUMBER, GRID_1D, GRID_2D, STEPS_PER_FRAME, checkInteger, checkNumber, InvalidSettingError } from '../core/limits.ts';
import { resolveSurface } from '../core/surfaceChoice.ts';
import type { Domain } from '../core/surfaces.ts';
import { SWEEP_PARAMETERS, type SweepAxes, type SweepParameter } from '../core/sweep.ts';
import type { ViewMode } from '../render/sceneView.ts';

/** Height scale of the drawn surface: 'auto' picks log when the loss spans a wide range. */
export type ZScale = 'auto' | 'linear' | 'log';
export const Z_SCALES: readonly ZScale[] = ['auto', 'linear', 'log'];

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

/** A learning-rate sweep of every configuration: its rates, and optionally a second axis (a phase map). */
export interface SweepSettings {
  enabled: boolean;
  lrMin: number;
  lrMax: number;
  lrCount: number;
  second: 'none' | SweepParameter;
  secondMin: number;
  secondMax: number;
  secondCount: number;
}

/** Most cells of a sweep in the app (rates × second values). */
export const MAX_APP_SWEEP_CELLS = 16_384;

export interface AppSettings {
  /** A built-in surface's name, or 'custom' for `formula`. */
  surface: string;
  /** Typed formula of the custom surface; kept while a built-in runs, so the custom surface can come back. */
  formula?: string;
  /** Condition number κ of the ill-conditioned quadratic. */
  condition: number;
  /** Region of the starts and of the drawn surface (set, or zoomed into); undefined for the surface's standard domain. */
  domain?: Domain;
  zScale: ZScale;
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
  /** Assignment radius of the basin map in surface units; null for 1% of the domain's larger side. */
  radius: number | null;
  sweep: SweepSettings;
  /** Put the particles back on their starts whenever a hyperparameter changes, instead of retargeting them. */
  restartOnChange: boolean;
}

export function defaultRun(lr = 0.1): RunSettings {
  return { optimizer: defaultOptimizer('gd', lr), schedule: { ...DEFAULT_SCHEDULE }, visible: true };
}

export const DEFAULT_SETTINGS: AppSettings = {
  surface: 'quadratic',
  condition: CONDITION_NUMBER.default,
  zScale: 'auto',
  grid: 64,
  runs: [defaultRun()],
  active: 0,
  noise: { ...DEFAULT_NOISE },
  stepsPerFrame: 1,
  paused: false,
  view: '3d',
  trails: true,
  criteria: { ...DEFAULT_CRITERIA },
  basinView: 'off',
  radius: null,
  sweep: { enabled: false, lrMin: 0.01, lrMax: 1, lrCount: 64, second: 'none', secondMin: 0, secondMax: 0.99, secondCount: 32 },
  restartOnChange: false,
};

/** A deep copy, so that edits to one copy never reach another. */
export function cloneSettings(settings: AppSettings): AppSettings {
  return {
    ...settings,
    noise: { ...settings.noise },
    criteria: { ...settings.criteria },
    sweep: { ...settings.sweep },
    domain: settings.domain ? { ...settings.domain } : undefined,
    runs: settings.runs.map((run) => ({ optimizer: { ...run.optimizer }, schedule: { ...run.schedule }, visible: run.visible })),
  };
}

function validateSweep(settings: AppSettings): void {
  const sweep = settings.sweep;
  checkNumber('lowest swept learning rate', sweep.lrMin, 1e-8, 1e6);
  checkNumber('highest swept learning rate', sweep.lrMax, 1e-8, 1e6);
  if (!(sweep.lrMin < sweep.lrMax)) {
    throw new InvalidSettingError('swept learning rates', `${sweep.lrMin} to ${sweep.lrMax}`, 'a lowest rate below the highest');
  }
  checkInteger('number of swept learning rates', sweep.lrCount, 1, MAX_APP_SWEEP_CELLS);
  if (sweep.second !== 'none') {
    if (!(sweep.second in SWEEP_PARAMETERS)) {
      throw new InvalidSettingError('second sweep axis', sweep.second, `none, ${Object.keys(SWEEP_PARAMETERS).join(' or ')}`);
    }
    checkNumber(`lowest ${sweep.second}`, sweep.secondMin, 0, 0.9999);
    checkNumber(`highest ${sweep.second}`, sweep.secondMax, 0, 0.9999);
    if (!(sweep.secondMin < sweep.secondMax)) {
      throw new InvalidSettingError(`swept ${sweep.second}`, `${sweep.secondMin} to ${sweep.secondMax}`, 'a lowest value below the highest');
    }
    checkInteger(`number of ${sweep.second} values`, sweep.secondCount, 1, MAX_APP_SWEEP_CELLS);
    const readers: readonly string[] = SWEEP_PARAMETERS[sweep.second];
    const other = settings.runs.findIndex((run) => !readers.includes(run.optimizer.name));
    if (sweep.enabled && other >= 0) {
      throw new InvalidSettingError(
        'second sweep axis',
        sweep.second,
        `an axis that every configuration reads (${sweep.second} applies to ${readers.join(', ')}; configuration ${other + 1} is ${settings.runs[other].optimizer.name})`,
      );
    }
    if (sweep.lrCount * sweep.secondCount > MAX_APP_SWEEP_CELLS) {
      throw new InvalidSettingError('number of sweep cells', sweep.lrCount * sweep.secondCount, `at most ${MAX_APP_SWEEP_CELLS} rates × values`);
    }
  }
}

/** The sweep axes of the settings, or undefined when no sweep is on. */
export function sweepAxes(settings: AppSettings): SweepAxes | undefined {
  const sweep = settings.sweep;
  if (!sweep.enabled) {
    return undefined;
  }
  return {
    lrMin: sweep.lrMin,
    lrMax: sweep.lrMax,
    lrCount: sweep.lrCount,
    second: sweep.second === 'none' ? undefined : { parameter: sweep.second, min: sweep.secondMin, max: sweep.secondMax, count: sweep.secondCount },
  };
}

/** The run the panel edits. */
export function activeRun(settings: AppSettings): RunSettings {
  return settings.runs[settings.active];
}

/**
 * Throws InvalidSettingError naming the first invalid value of `settings`,
 * or FormulaError for a custom formula that does not compile. Returns the
 * settings with a 1D domain's y bounds set to 0.
 */
export function validateSettings(settings: AppSettings): AppSettings {
  const { definition } = resolveSurface(settings);
  const dims = definition.dims;
  const domain = settings.domain === undefined ? undefined : checkDomain(settings.domain, dims);
  const gridRange = dims === 1 ? GRID_1D : GRID_2D;
  checkInteger(dims === 1 ? 'number of starts' : 'grid size', settings.grid, gridRange.min, gridRange.max);
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
  if (!Z_SCALES.includes(settings.zScale)) {
    throw new InvalidSettingError('z scale', settings.zScale, Z_SCALES.map((scale) => `"${scale}"`).join(', '));
  }
  validateSweep(settings);
  return domain === undefined ? settings : { ...settings, domain };
}

/** Returns the dimension of the surface that valid settings select. */
export function surfaceDims(settings: AppSettings): 1 | 2 {
  return resolveSurface(settings).definition.dims;
}
