/**
 * The user's choices in the panel: one plain object, so that presets, the URL
 * and tests can set it whole.
 */
import { DEFAULT_CRITERIA, DEFAULT_NOISE, DEFAULT_SCHEDULE, defaultOptimizer, type NoiseConfig, type OptimizerConfig, type ScheduleConfig, type StopCriteria } from '../core/config.ts';
import { checkDomain } from '../core/domain.ts';
import { checkSpec, OPTIMIZER_SPECS, validateNoise, validateOptimizer, validateSchedule } from '../core/hyperparameters.ts';
import { MAX_FORMULA_LENGTH } from '../core/expr/index.ts';
import { ASSIGNMENT_RADIUS, CONDITION_NUMBER, DIVERGE_BOUND, GRID_1D, GRID_2D, LEARNING_RATE, MAX_PARTICLES, STEPS_PER_FRAME, checkInteger, checkNumber, checkTolerance, InvalidSettingError } from '../core/limits.ts';
import { checkBoolean, checkChoice, checkFields } from '../core/settingChecks.ts';
import { resolveSurface } from '../core/surfaceChoice.ts';
import { CUSTOM_SURFACE_NAME, type Domain } from '../core/surfaces.ts';
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

/** The views of the scene. */
export const VIEW_MODES: readonly ViewMode[] = ['3d', '2d'];

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

/** True when `a` and `b` differ in more than how the scene is shown and run (pause, view, trails, height scale, speed). */
export function sceneDiffers(a: AppSettings, b: AppSettings): boolean {
  const sceneKey = (settings: AppSettings): string => {
    const { paused: _paused, view: _view, trails: _trails, zScale: _zScale, stepsPerFrame: _speed, ...scene } = settings;
    return JSON.stringify(scene);
  };
  return sceneKey(a) !== sceneKey(b);
}

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

/**
 * Checks a value of the second sweep axis, a momentum or β₁, against their
 * shared range: at least 0 and below 1, as the command line's --y-min and
 * --y-max are checked (0.99999994 is the largest, as float32 rounds larger
 * values to 1).
 */
function checkSecondAxisValue(setting: string, value: number): void {
  checkSpec(OPTIMIZER_SPECS.beta1, value, setting);
}

/** Index of the first run whose optimizer does not read the sweep's second axis `parameter`, or -1. */
export function runWithoutAxis(runs: readonly RunSettings[], parameter: SweepParameter): number {
  const readers: readonly string[] = SWEEP_PARAMETERS[parameter];
  return runs.findIndex((run) => !readers.includes(run.optimizer.name));
}

/**
 * Turns a running phase map back into a plain sweep when a configuration of
 * `next` does not read its second axis, so that a change of optimizer or a
 * new configuration does not fail on it, and passes `notify` the notice.
 */
export function dropUnreadAxis(next: AppSettings, notify: (message: string) => void): void {
  const second = next.sweep.second;
  if (!next.sweep.enabled || second === 'none') {
    return;
  }
  const other = runWithoutAxis(next.runs, second);
  if (other < 0) {
    return;
  }
  next.sweep.second = 'none';
  const name = next.runs[other].optimizer.name;
  notify(`The sweep runs without its phase map over ${second}: ${name} has no ${second} (it applies to ${SWEEP_PARAMETERS[second].join(', ')}).`);
}

function validateSweep(settings: AppSettings): void {
  const sweep = settings.sweep;
  checkFields('sweep', sweep, Object.keys(DEFAULT_SETTINGS.sweep));
  checkBoolean('sweep every configuration', sweep.enabled);
  checkNumber('lowest swept learning rate', sweep.lrMin, LEARNING_RATE.min, LEARNING_RATE.max);
  checkNumber('highest swept learning rate', sweep.lrMax, LEARNING_RATE.min, LEARNING_RATE.max);
  if (!(sweep.lrMin < sweep.lrMax)) {
    throw new InvalidSettingError('swept learning rates', `${sweep.lrMin} to ${sweep.lrMax}`, 'a lowest rate below the highest');
  }
  checkInteger('number of swept learning rates', sweep.lrCount, 1, MAX_APP_SWEEP_CELLS);
  const second = checkChoice('second sweep axis', sweep.second, ['none', ...(Object.keys(SWEEP_PARAMETERS) as SweepParameter[])]);
  // The panel keeps the second axis's values while it is off, so they are checked either way.
  const axis = second === 'none' ? 'second axis' : second;
  checkSecondAxisValue(`lowest ${axis} value`, sweep.secondMin);
  checkSecondAxisValue(`highest ${axis} value`, sweep.secondMax);
  checkInteger(`number of ${axis} values`, sweep.secondCount, 1, MAX_APP_SWEEP_CELLS);
  if (second === 'none') {
    return;
  }

  if (!(sweep.secondMin < sweep.secondMax)) {
    throw new InvalidSettingError(`swept ${second}`, `${sweep.secondMin} to ${sweep.secondMax}`, 'a lowest value below the highest');
  }
  const readers: readonly string[] = SWEEP_PARAMETERS[second];
  const other = runWithoutAxis(settings.runs, second);
  if (sweep.enabled && other >= 0) {
    throw new InvalidSettingError(
      'second sweep axis',
      second,
      `an axis that every configuration reads (${second} applies to ${readers.join(', ')}; configuration ${other + 1} is ${settings.runs[other].optimizer.name})`,
    );
  }
  if (sweep.lrCount * sweep.secondCount > MAX_APP_SWEEP_CELLS) {
    throw new InvalidSettingError('number of sweep cells', sweep.lrCount * sweep.secondCount, `at most ${MAX_APP_SWEEP_CELLS} rates × values`);
  }
}

/** Returns the cells of the sweep, each a copy of the grid of starts: 1 without a sweep. */
export function sweepCellCount(settings: AppSettings): number {
  const sweep = settings.sweep;
  if (!sweep.enabled) {
    return 1;
  }
  return sweep.second === 'none' ? sweep.lrCount : sweep.lrCount * sweep.secondCount;
}

/** Returns the largest grid of a surface of `dims` dimensions whose particles, times the sweep's cells, stay within MAX_PARTICLES. */
export function largestGrid(settings: AppSettings, dims: 1 | 2): number {
  const starts = Math.floor(MAX_PARTICLES / sweepCellCount(settings));
  const range = dims === 1 ? GRID_1D : GRID_2D;
  return Math.max(range.min, Math.min(range.max, dims === 1 ? starts : Math.floor(Math.sqrt(starts))));
}

/** Checks the particles of each configuration: the starts, times the cells of a sweep when one is on. */
function checkParticleCount(settings: AppSettings, dims: 1 | 2): void {
  const starts = dims === 1 ? settings.grid : settings.grid * settings.grid;
  const cells = sweepCellCount(settings);
  if (starts * cells > MAX_PARTICLES) {
    throw new InvalidSettingError(
      'number of particles per configuration',
      starts * cells,
      `at most ${MAX_PARTICLES.toLocaleString('en-US')} (${starts.toLocaleString('en-US')} starts × ${cells.toLocaleString('en-US')} sweep cells here): a smaller grid or fewer swept values`,
    );
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

/** The fields of AppSettings: those of the defaults, and the optional ones. */
const SETTINGS_FIELDS: readonly string[] = [...Object.keys(DEFAULT_SETTINGS), 'formula', 'domain'];

/**
 * Throws InvalidSettingError naming the first invalid value of `settings`,
 * or a field that AppSettings does not have, and FormulaError for a custom
 * formula that does not compile. Every field is checked for its type too,
 * because settings from a URL or a file arrive untyped. Returns the settings
 * with a 1D domain's y bounds set to 0.
 */
export function validateSettings(settings: AppSettings): AppSettings {
  checkFields('settings', settings, SETTINGS_FIELDS);
  // A built-in surface keeps the formula for a later switch back to custom, so it is checked here without
  // compiling. The custom surface compiles it, and a FormulaError shows where a fault is.
  const keptFormula = settings.surface !== CUSTOM_SURFACE_NAME && settings.formula !== undefined;
  if (keptFormula && (typeof settings.formula !== 'string' || settings.formula.length > MAX_FORMULA_LENGTH)) {
    throw new InvalidSettingError('formula', settings.formula, `a formula in x, or in x and y, of at most ${MAX_FORMULA_LENGTH} characters`);
  }
  const { definition } = resolveSurface(settings);
  const dims = definition.dims;
  const domain = settings.domain === undefined ? undefined : checkDomain(settings.domain, dims);
  const gridRange = dims === 1 ? GRID_1D : GRID_2D;
  checkInteger(dims === 1 ? 'number of starts' : 'grid size', settings.grid, gridRange.min, gridRange.max);

  if (!Array.isArray(settings.runs) || settings.runs.length < 1 || settings.runs.length > MAX_RUNS) {
    const count = Array.isArray(settings.runs) ? settings.runs.length : settings.runs;
    throw new InvalidSettingError('number of optimizer configurations', count, `1 to ${MAX_RUNS}`);
  }
  for (const run of settings.runs) {
    checkFields('optimizer configuration', run, Object.keys(defaultRun()));
    validateOptimizer(run.optimizer);
    validateSchedule(run.schedule);
    checkBoolean('configuration shown', run.visible);
  }
  checkInteger('active configuration', settings.active, 0, settings.runs.length - 1);
  validateNoise(settings.noise);

  checkNumber('steps per frame', settings.stepsPerFrame, STEPS_PER_FRAME.min, STEPS_PER_FRAME.max);
  checkBoolean('pause', settings.paused);
  checkChoice('view', settings.view, VIEW_MODES);
  checkBoolean('trails', settings.trails);
  checkChoice('z scale', settings.zScale, Z_SCALES);
  checkBoolean('restart on every change', settings.restartOnChange);

  checkFields('criteria', settings.criteria, Object.keys(DEFAULT_CRITERIA));
  checkTolerance('gradient tolerance', settings.criteria.gradTol);
  checkTolerance('step tolerance', settings.criteria.stepTol);
  checkNumber('divergence bound', settings.criteria.divergeBound, DIVERGE_BOUND.min, DIVERGE_BOUND.max);
  checkChoice('basin view', settings.basinView, BASIN_VIEWS);
  if (settings.radius !== null) {
    checkNumber('assignment radius', settings.radius, ASSIGNMENT_RADIUS.min, ASSIGNMENT_RADIUS.max);
  }

  validateSweep(settings);
  checkParticleCount(settings, dims);
  return domain === undefined ? settings : { ...settings, domain };
}

/** Returns the dimension of the surface that valid settings select. */
export function surfaceDims(settings: AppSettings): 1 | 2 {
  return resolveSurface(settings).definition.dims;
}
