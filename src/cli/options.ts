/**
 * Parsing and validation of the options shared by the commands: surface or
 * typed formula, optimizer, learning rate, steps, starts, domain and backend.
 */
import { acceptedDomains, checkDomain } from '../core/domain.ts';
import { atCharacter, FormulaError } from '../core/expr/index.ts';
import { belowFloat32Normal, checkNumber, checkTolerance, CONDITION_NUMBER, describeInterval, DIVERGE_BOUND, DOMAIN_LIMITS, FLOAT32_NORMAL_WORDS, GRID_1D, GRID_2D, InvalidSettingError, RUN_STEPS, formatSettingValue } from '../core/limits.ts';
import { resolveSurface } from '../core/surfaceChoice.ts';
import { ILL_CONDITIONED_NAME } from '../core/surfaceCatalog.ts';
import { CUSTOM_SURFACE_NAME, SURFACE_NAMES, findSurface, type Domain, type SurfaceDefinition } from '../core/surfaces.ts';
import type { Starts } from '../core/grid.ts';
import { DEFAULT_CRITERIA, type StopCriteria } from '../core/config.ts';
import { UsageError } from './errors.ts';
import { OPTIMIZER_OPTION_TABLE, parseDecimal, parseOptimizerOptions, type OptimizerChoice, type RawOptimizerOptions } from './optimizerOptions.ts';

export type Backend = 'cpu' | 'webgpu';

export interface RunOptions extends OptimizerChoice {
  /** A built-in surface, or the custom surface of --formula. */
  surface: SurfaceDefinition;
  /** Condition number κ of --surface ill-conditioned; undefined for other surfaces. */
  condition: number | undefined;
  steps: number;
  starts: Starts;
  domain: Domain;
  /** Starts per side (2D) or starts (1D) when the starts are a grid. */
  grid: number | undefined;
  /** When a particle counts as converged or diverged: --grad-tol, --step-tol, --diverge-bound. */
  criteria: StopCriteria;
  backend: Backend;
  precision: 'f32' | 'f64';
  json: boolean;
}

/** Raw option values as util.parseArgs returns them. */
export interface RawRunOptions extends RawOptimizerOptions {
  surface?: string;
  steps?: string;
  grid?: string;
  start?: string[];
  domain?: string;
  backend?: string;
  precision?: string;
  json?: boolean;
  'grad-tol'?: string;
  'step-tol'?: string;
  'diverge-bound'?: string;
  // Surface choice beyond --surface.
  formula?: string;
  condition?: string;
}

/** parseArgs option table for `run`. */
export const RUN_OPTION_TABLE = {
  surface: { type: 'string' },
  optimizer: { type: 'string' },
  lr: { type: 'string' },
  steps: { type: 'string' },
  grid: { type: 'string' },
  start: { type: 'string', multiple: true },
  domain: { type: 'string' },
  // Surface choice beyond --surface: a typed formula, and κ of the ill-conditioned quadratic.
  formula: { type: 'string' },
  condition: { type: 'string' },
  'grad-tol': { type: 'string' },
  'step-tol': { type: 'string' },
  'diverge-bound': { type: 'string' },
  backend: { type: 'string' },
  precision: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  ...OPTIMIZER_OPTION_TABLE,
} as const;

const DEFAULT_GRID = 8;

function numberOption(name: string, text: string, min: number, max: number, accepted: string): number {
  const value = parseDecimal(text);
  if (value === undefined || !Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`invalid --${name} ${formatSettingValue(text)}: expected ${accepted}`);
  }
  return value;
}

function integerOption(name: string, text: string, min: number, max: number): number {
  const value = parseDecimal(text);
  if (value === undefined || !Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`invalid --${name} ${formatSettingValue(text)}: expected ${describeInterval({ min, max, integer: true })}`);
  }
  return value;
}

/** Parses option `name` with a check shared with the panel, and repeats that check's description of accepted values in the message. */
function checkedOption(name: string, text: string, check: (value: number) => number): number {
  try {
    return check(parseDecimal(text) ?? Number.NaN);
  } catch (error) {
    if (error instanceof InvalidSettingError) {
      throw new UsageError(`invalid --${name} ${formatSettingValue(text)}: expected ${error.accepted}`);
    }
    throw error;
  }
}

function parseCriteria(raw: RawRunOptions): StopCriteria {
  const option = (name: 'grad-tol' | 'step-tol' | 'diverge-bound', fallback: number, check: (value: number) => number): number => {
    const text = raw[name];
    return text === undefined ? fallback : checkedOption(name, text, check);
  };
  return {
    gradTol: option('grad-tol', DEFAULT_CRITERIA.gradTol, (value) => checkTolerance('--grad-tol', value)),
    stepTol: option('step-tol', DEFAULT_CRITERIA.stepTol, (value) => checkTolerance('--step-tol', value)),
    divergeBound: option('diverge-bound', DEFAULT_CRITERIA.divergeBound, (value) => checkNumber('--diverge-bound', value, DIVERGE_BOUND.min, DIVERGE_BOUND.max)),
  };
}

function numberList(name: string, text: string, counts: readonly number[], meaning: string): number[] {
  const parts = text.split(',');
  const values = parts.map((part) => parseDecimal(part));
  if (!counts.includes(parts.length) || values.some((value) => value === undefined || !Number.isFinite(value))) {
    throw new UsageError(`invalid --${name} ${formatSettingValue(text)}: expected ${meaning}`);
  }
  return values as number[];
}

function parseDomain(text: string, surface: SurfaceDefinition): Domain {
  const format = surface.dims === 1 ? 'xmin,xmax' : 'xmin,xmax,ymin,ymax';
  const expected = `${format} with ${acceptedDomains(surface.dims)}`;
  const values = numberList('domain', text, surface.dims === 1 ? [2] : [4], `${expected} (${surface.name} is ${surface.dims}D)`);
  const [xMin, xMax, yMin = 0, yMax = 0] = values;
  try {
    return checkDomain({ xMin, xMax, yMin, yMax }, surface.dims);
  } catch (error) {
    // checkDomain's own words for what it accepts, with the float32 floor where a bound is below it.
    const accepted = error instanceof InvalidSettingError ? error.accepted : acceptedDomains(surface.dims);
    throw new UsageError(`invalid --domain ${formatSettingValue(text)}: expected ${format} with ${accepted}`);
  }
}

/**
 * Formats a formula fault as one line: the option, the formula (shortened),
 * the character where the fault starts, and the message. The place comes
 * before the message unless the message names it, so it does not read as
 * part of the message's advice.
 */
function formulaUsageError(text: string, error: FormulaError): UsageError {
  const quoted = formatSettingValue(text);
  const where = /\bat character \d/.test(error.message) ? '' : `${atCharacter(error.start)}: `;
  return new UsageError(`invalid --formula ${quoted}: ${where}${error.message}`);
}

/**
 * Resolves --surface, --formula and --condition to one surface. The two
 * surface options exclude each other, and --condition applies only to the
 * ill-conditioned quadratic.
 */
function parseSurface(raw: RawRunOptions): { surface: SurfaceDefinition; condition: number | undefined } {
  if (raw.formula !== undefined && raw.surface !== undefined) {
    throw new UsageError('--surface and --formula exclude each other: give a built-in surface or a typed formula');
  }
  const name = raw.formula !== undefined ? CUSTOM_SURFACE_NAME : (raw.surface ?? 'quadratic');

  let condition: number | undefined;
  if (raw.condition !== undefined) {
    if (name !== ILL_CONDITIONED_NAME) {
      throw new UsageError(`--condition applies only to --surface ${ILL_CONDITIONED_NAME}, the quadratic whose condition number it sets`);
    }
    condition = numberOption('condition', raw.condition, CONDITION_NUMBER.min, CONDITION_NUMBER.max, describeInterval(CONDITION_NUMBER));
  } else if (name === ILL_CONDITIONED_NAME) {
    condition = CONDITION_NUMBER.default;
  }

  if (raw.formula !== undefined) {
    try {
      return { surface: resolveSurface({ surface: CUSTOM_SURFACE_NAME, formula: raw.formula, condition: CONDITION_NUMBER.default }).definition, condition };
    } catch (error) {
      throw error instanceof FormulaError ? formulaUsageError(raw.formula, error) : error;
    }
  }

  const surface = findSurface(name, condition);
  if (!surface) {
    throw new UsageError(`unknown --surface ${formatSettingValue(name)}: expected one of ${SURFACE_NAMES.join(', ')}, or a typed --formula`);
  }
  return { surface, condition };
}

/**
 * Validates every option of `run`; throws UsageError naming the first invalid
 * one. `flagNames` renames options in messages (see parseOptimizerOptions).
 */
export function parseRunOptions(raw: RawRunOptions, flagNames: Readonly<Record<string, string>> = {}): RunOptions {
  const { surface, condition } = parseSurface(raw);

  const choice = parseOptimizerOptions(raw, flagNames);
  const steps = raw.steps === undefined ? 100 : integerOption('steps', raw.steps, RUN_STEPS.min, RUN_STEPS.max);

  const backend = raw.backend ?? 'webgpu';
  if (backend !== 'cpu' && backend !== 'webgpu') {
    throw new UsageError(`unknown --backend ${formatSettingValue(backend)}: expected cpu or webgpu`);
  }
  const precision = raw.precision ?? 'f32';
  if (precision !== 'f32' && precision !== 'f64') {
    throw new UsageError(`unknown --precision ${formatSettingValue(precision)}: expected f32 or f64`);
  }
  if (precision === 'f64' && backend !== 'cpu') {
    throw new UsageError('--precision f64 needs --backend cpu: the GPU computes in float32 only');
  }

  const domain = raw.domain === undefined ? surface.domain : parseDomain(raw.domain, surface);

  let starts: Starts;
  let grid: number | undefined;
  if (raw.start && raw.start.length > 0) {
    if (raw.grid !== undefined) {
      throw new UsageError('--grid and --start exclude each other: give a grid of starts or a list of them');
    }
    if (raw.domain !== undefined) {
      throw new UsageError('--domain and --start exclude each other: --domain is the region of the grid of starts, which --start replaces');
    }
    const coordinates = surface.dims === 1 ? `one number X per --start (${surface.name} is 1D)` : `X,Y per --start (${surface.name} is 2D)`;
    const meaning = `${coordinates}, each within ±${DOMAIN_LIMITS.maxMagnitude.toLocaleString('en-US')} as a domain's bounds`;
    const points = new Float64Array(2 * raw.start.length);
    raw.start.forEach((text, k) => {
      const [x, y = 0] = numberList('start', text, [surface.dims], meaning);
      if (Math.abs(x) > DOMAIN_LIMITS.maxMagnitude || Math.abs(y) > DOMAIN_LIMITS.maxMagnitude) {
        throw new UsageError(`invalid --start ${formatSettingValue(text)}: expected ${meaning}`);
      }
      if (belowFloat32Normal(x) || belowFloat32Normal(y)) {
        throw new UsageError(`invalid --start ${formatSettingValue(text)}: expected ${meaning}, each ${FLOAT32_NORMAL_WORDS}`);
      }
      points[2 * k] = Math.fround(x);
      points[2 * k + 1] = Math.fround(y);
    });
    starts = { kind: 'list', points };
  } else {
    const range = surface.dims === 1 ? GRID_1D : GRID_2D;
    grid = raw.grid === undefined ? DEFAULT_GRID : integerOption('grid', raw.grid, range.min, range.max);
    starts = { kind: 'grid', nx: grid, ny: surface.dims === 1 ? 1 : grid, domain };
  }

  const criteria = parseCriteria(raw);
  return { surface, condition, ...choice, steps, starts, domain, grid, criteria, backend, precision, json: raw.json ?? false };
}
