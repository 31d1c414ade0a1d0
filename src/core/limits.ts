/**
 * Accepted ranges of the user-facing settings, shared by the panel, the URL
 * and the CLI so that all three accept and reject the same values.
 */

/** Starts per side of a 2D grid. */
export const GRID_2D = { min: 1, max: 2048 } as const;
/** Starts of a 1D grid. */
export const GRID_1D = { min: 1, max: 1_048_576 } as const;
/** Learning rates: positive, finite, and not so large that one update overflows float32 at once. */
export const LEARNING_RATE = { min: 1e-8, max: 1e6 } as const;
/** Updates per animation frame in the app (fractions run one update every few frames). */
export const STEPS_PER_FRAME = { min: 0.01, max: 2000 } as const;
/** Updates in one GPU dispatch; longer runs are split into several dispatches. */
export const MAX_STEPS_PER_DISPATCH = 2000;

/**
 * Maximum particle-steps in one GPU submit, so that no submission runs long
 * enough for an operating system's GPU watchdog to reset the device. Windows
 * resets a GPU that runs one command buffer for more than 2 s, its default
 * TdrDelay. 2^30 particle-steps take about 0.2 s at 5e9 particle-steps per
 * second.
 * NOTE: 5e9 per second for a low-end integrated GPU is an estimate (SwiftShader
 * on two CPU cores reaches about 1e8 with Adam), not a measurement; costly
 * formulas run slower.
 */
export const MAX_PARTICLE_STEPS_PER_SUBMIT = 2 ** 30;

/**
 * Returns the updates per dispatch (one submit each) for `particles`
 * particles: at most `maxSteps`, at most MAX_PARTICLE_STEPS_PER_SUBMIT
 * particle-steps, and at least 1.
 */
export function stepsPerSubmit(particles: number, maxSteps = MAX_STEPS_PER_DISPATCH): number {
  const bySubmitSize = Math.floor(MAX_PARTICLE_STEPS_PER_SUBMIT / Math.max(1, particles));
  return Math.max(1, Math.min(maxSteps, bySubmitSize));
}

/** Splits `steps` updates of `particles` particles into dispatches of stepsPerSubmit(particles, maxSteps) updates and a remainder. */
export function planDispatches(particles: number, steps: number, maxSteps = MAX_STEPS_PER_DISPATCH): number[] {
  const perSubmit = stepsPerSubmit(particles, maxSteps);
  const dispatches: number[] = [];
  for (let done = 0; done < steps; done += perSubmit) {
    dispatches.push(Math.min(perSubmit, steps - done));
  }
  return dispatches;
}

/** A setting value outside its accepted range, or not a number at all. */
export class InvalidSettingError extends Error {
  override name = 'InvalidSettingError';
  constructor(
    readonly setting: string,
    readonly value: unknown,
    readonly accepted: string,
  ) {
    super(`invalid ${setting} ${formatSettingValue(value)}: expected ${accepted}`);
  }
}

/** Characters of a rejected value that an error message repeats. */
const QUOTED_VALUE_LENGTH = 60;

/**
 * Formats any value for an error message as JSON, with NaN and ±Infinity
 * quoted ("NaN") and text past QUOTED_VALUE_LENGTH characters cut off with
 * "…". Values that JSON cannot write (undefined, functions, BigInt, cycles)
 * are described instead.
 */
export function formatSettingValue(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return JSON.stringify(String(value));
  }
  if (typeof value === 'string' && value.length > QUOTED_VALUE_LENGTH) {
    return `${JSON.stringify(value.slice(0, QUOTED_VALUE_LENGTH))}…`;
  }
  if (typeof value === 'bigint') {
    return `${value}n`;
  }

  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (text === undefined) {
    const type = typeof value;
    return value === undefined ? 'undefined' : `${type === 'object' ? 'an' : 'a'} ${type}`;
  }
  return text.length > QUOTED_VALUE_LENGTH ? `${text.slice(0, QUOTED_VALUE_LENGTH)}…` : text;
}

/**
 * float32's smallest positive normal number, 2⁻¹²⁶ ≈ 1.18e-38. A value of
 * smaller magnitude other than 0 is subnormal in float32 or rounds to 0, and
 * GPUs may flush subnormal numbers to 0, so on the GPU it would act as 0.
 */
export const FLOAT32_MIN_NORMAL = 2 ** -126;

/** The float32 condition on accepted numbers, in the words of an error message. */
export const FLOAT32_NORMAL_WORDS = 'either 0 or at least 1.18e-38 in magnitude (float32 on the GPU treats smaller numbers as 0)';

/** The float32 condition for a setting that does not accept 0. */
export const FLOAT32_NONZERO_WORDS = 'at least 1.18e-38 in magnitude (float32 on the GPU treats smaller numbers as 0)';

/** True when value is not 0 but smaller in magnitude than FLOAT32_MIN_NORMAL. */
export function belowFloat32Normal(value: number): boolean {
  return value !== 0 && Math.abs(value) < FLOAT32_MIN_NORMAL;
}

/**
 * The smallest convergence tolerance other than 0. The GPU compares squared
 * gradient norms and step lengths with squared tolerances in float32, so a
 * tolerance whose square is below FLOAT32_MIN_NORMAL (about 1.0842e-19 and
 * below) would act as 0 there.
 */
export const MIN_TOLERANCE = 1.09e-19;

/** Largest convergence tolerance. */
export const MAX_TOLERANCE = 1e6;

/** Range of the divergence bound: a coordinate whose magnitude exceeds it counts as diverged. */
export const DIVERGE_BOUND = { min: 1e-6, max: 1e30 } as const;

/** Radius within which a particle takes the basin of a minimum: panel, links and the CLI's --radius. */
export const ASSIGNMENT_RADIUS = { min: 1e-9, max: 1e6 } as const;

/** Returns a convergence tolerance when it is 0 or from MIN_TOLERANCE to MAX_TOLERANCE; throws InvalidSettingError otherwise. */
export function checkTolerance(setting: string, value: number): number {
  const range = describeInterval({ min: 0, max: MAX_TOLERANCE });
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_TOLERANCE) {
    throw new InvalidSettingError(setting, value, range);
  }
  if (value !== 0 && value < MIN_TOLERANCE) {
    throw new InvalidSettingError(setting, value, `${range}, either 0 or at least ${MIN_TOLERANCE} (the GPU compares its square in float32, where smaller squares are 0)`);
  }
  return value;
}

/** Returns true for a decimal that is not 0 but too small for a double, such as 1e-400, which Number() reads as 0. */
export function underflowsToZero(text: string): boolean {
  return Number(text) === 0 && /[1-9]/.test(text.split(/e/i)[0]);
}

/** Returns true for a decimal too large for a double, such as 1e400, which Number() reads as ±Infinity. */
export function overflowsToInfinity(text: string): boolean {
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text.trim()) && !Number.isFinite(Number(text));
}

/**
 * Returns Number(text), except for a nonzero decimal too small for a double
 * (1e-400). That returns the smallest double of its sign, so that range checks
 * reject it instead of taking it as 0.
 */
export function decimalValue(text: string): number {
  if (underflowsToZero(text)) {
    return text.trim().startsWith('-') ? -Number.MIN_VALUE : Number.MIN_VALUE;
  }
  return Number(text);
}

/** Formats a limit for messages and help: 0.001 and 1000000 as they are, 1e-6 and 1e30 with an exponent. */
export function formatLimit(value: number): string {
  const magnitude = Math.abs(value);
  const text = magnitude !== 0 && magnitude < 1e-4 ? value.toExponential() : String(value);
  return text.replace('e+', 'e');
}

/** A range of accepted values; each end is accepted unless marked exclusive. */
export interface Interval {
  min: number;
  max: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
  integer?: boolean;
}

/**
 * Describes an interval in the words of every range message: "a number from
 * 0 to 1000000", "a number at least 0 and below 1", "an integer from 1 to 2048", with
 * thousands separators in integers from 10,000 on.
 */
export function describeInterval(interval: Interval): string {
  const kind = interval.integer ? 'an integer' : 'a number';
  const format = (value: number): string => (interval.integer && Math.abs(value) >= 10_000 ? value.toLocaleString('en-US') : formatLimit(value));
  const low = format(interval.min);
  const high = format(interval.max);
  if (!interval.minExclusive && !interval.maxExclusive) {
    return `${kind} from ${low} to ${high}`;
  }
  const lower = interval.minExclusive ? `above ${low}` : `at least ${low}`;
  const upper = interval.maxExclusive ? `below ${high}` : `at most ${high}`;
  return `${kind} ${lower} and ${upper}`;
}

/** Returns value when it is a finite number in [min, max] and not below float32's normal range; throws InvalidSettingError otherwise. */
export function checkNumber(setting: string, value: number, min: number, max: number): number {
  const range = describeInterval({ min, max });
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new InvalidSettingError(setting, value, range);
  }
  if (belowFloat32Normal(value)) {
    throw new InvalidSettingError(setting, value, `${range}, ${FLOAT32_NORMAL_WORDS}`);
  }
  return value;
}

/** Returns value when it is an integer in [min, max]; throws InvalidSettingError otherwise. */
export function checkInteger(setting: string, value: number, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidSettingError(setting, value, describeInterval({ min, max, integer: true }));
  }
  return value;
}

/** Updates of one CLI run. */
export const RUN_STEPS = { min: 1, max: 100_000_000 } as const;

/**
 * Condition number κ of the ill-conditioned quadratic: the ratio of its
 * Hessian's eigenvalues. Above 1e4 the stable learning rates (η < 2/κ) are so
 * small that the slow direction barely moves in float32 within a session.
 */
export const CONDITION_NUMBER = { min: 1, max: 1e4, default: 10 } as const;

/**
 * Domains of starts and drawing. Coordinates stay well inside the divergence
 * bound (1e6), and each side spans at least 1e-3 of its largest coordinate,
 * so that even 2048 float32 starts per side (24-bit significand) stay distinct.
 */
export const DOMAIN_LIMITS = { maxMagnitude: 1e5, minRelativeSpan: 1e-3 } as const;

/**
 * Maximum particles of one descent, counted as starts × sweep cells. A
 * 2048 × 2048 grid swept at 4 rates reaches it. At this count Adam's state (32 bytes per particle)
 * is a 512 MiB GPU buffer, and the CPU reference holds about 100 bytes per
 * particle (1.6 GiB). An adapter may allow fewer particles, which the
 * descent checks against the adapter's limits when it is built.
 */
export const MAX_PARTICLES = 16_777_216;
