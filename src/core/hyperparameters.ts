/**
 * Accepted values of every optimizer, schedule and noise setting, and which
 * optimizer or schedule reads it. The CLI, the panel and the URL validate
 * against this one table.
 */
import {
  DEFAULT_NOISE,
  DEFAULT_SCHEDULE,
  OPTIMIZER_NAMES,
  SCHEDULE_NAMES,
  defaultOptimizer,
  type NoiseConfig,
  type OptimizerConfig,
  type OptimizerName,
  type ScheduleConfig,
  type ScheduleName,
} from './config.ts';
import { belowFloat32Normal, describeInterval, FLOAT32_MIN_NORMAL, FLOAT32_NONZERO_WORDS, FLOAT32_NORMAL_WORDS, formatLimit, InvalidSettingError, LEARNING_RATE, type Interval } from './limits.ts';
import { checkBoolean, checkChoice, checkFields } from './settingChecks.ts';

/** A numeric setting: its names and its accepted interval. */
export interface NumberSpec extends Interval {
  /** The setting's name on the command line (without --) and in the URL. */
  flag: string;
  /** Label in the panel and in messages. */
  label: string;
  /** Used on the CPU only (a share that verify compares with), so float32's floor does not apply. */
  cpuOnly?: boolean;
}

type NumericOptimizerField = Exclude<keyof OptimizerConfig, 'name' | 'centered' | 'amsgrad'>;
type NumericScheduleField = Exclude<keyof ScheduleConfig, 'name'>;

export const OPTIMIZER_SPECS: Record<NumericOptimizerField, NumberSpec & { optimizers: readonly OptimizerName[] }> = {
  lr: {
    flag: 'lr',
    label: 'learning rate',
    min: LEARNING_RATE.min,
    max: LEARNING_RATE.max,
    optimizers: OPTIMIZER_NAMES,
  },
  momentum: { flag: 'momentum', label: 'momentum', min: 0, max: 1, maxExclusive: true, optimizers: ['momentum', 'nesterov', 'rmsprop'] },
  dampening: { flag: 'dampening', label: 'dampening', min: 0, max: 1, optimizers: ['momentum'] },
  weightDecay: { flag: 'weight-decay', label: 'weight decay', min: 0, max: 1e3, optimizers: OPTIMIZER_NAMES },
  // At least a normal float32: a smaller ε may become 0 on the GPU, and 0/0 where the gradient vanishes.
  eps: { flag: 'eps', label: 'epsilon', min: 1e-37, max: 1, optimizers: ['adagrad', 'rmsprop', 'adam', 'adamw'] },
  lrDecay: { flag: 'lr-decay', label: 'learning-rate decay', min: 0, max: 1e3, optimizers: ['adagrad'] },
  initialAccumulator: { flag: 'initial-accumulator', label: 'initial accumulator', min: 0, max: 1e6, optimizers: ['adagrad'] },
  alpha: { flag: 'alpha', label: 'alpha', min: 0, max: 1, maxExclusive: true, optimizers: ['rmsprop'] },
  beta1: { flag: 'beta1', label: 'beta1', min: 0, max: 1, maxExclusive: true, optimizers: ['adam', 'adamw'] },
  beta2: { flag: 'beta2', label: 'beta2', min: 0, max: 1, maxExclusive: true, optimizers: ['adam', 'adamw'] },
};

export const OPTIMIZER_FLAGS: Record<'centered' | 'amsgrad', { flag: string; optimizers: readonly OptimizerName[] }> = {
  centered: { flag: 'centered', optimizers: ['rmsprop'] },
  amsgrad: { flag: 'amsgrad', optimizers: ['adam', 'adamw'] },
};

export const SCHEDULE_SPECS: Record<NumericScheduleField, NumberSpec & { schedules: readonly ScheduleName[] }> = {
  stepSize: { flag: 'step-size', label: 'step size', min: 1, max: 1e8, integer: true, schedules: ['step', 'cyclic'] },
  gamma: { flag: 'gamma', label: 'gamma', min: 0, max: 10, minExclusive: true, schedules: ['step', 'exponential'] },
  tMax: { flag: 't-max', label: 'T max', min: 1, max: 1e8, integer: true, schedules: ['cosine'] },
  lrMin: { flag: 'lr-min', label: 'minimum learning rate', min: 0, max: LEARNING_RATE.max, schedules: ['cosine', 'cyclic'] },
  warmup: { flag: 'warmup', label: 'warm-up', min: 0, max: 1e8, integer: true, schedules: SCHEDULE_NAMES },
};

export const NOISE_SPECS: Record<keyof NoiseConfig, NumberSpec> = {
  sigma: { flag: 'noise', label: 'noise σ', min: 0, max: 1e6 },
  seed: { flag: 'seed', label: 'seed', min: 0, max: 0xffffffff, integer: true },
};

/** Joins names for a message: "cosine", "adam and adamw", "momentum, nesterov and rmsprop". */
export function listNames(names: readonly string[]): string {
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}


/** True when `value` is accepted by `spec`: in its range, and 0 or a normal float32 magnitude. */
export function inRange(spec: NumberSpec, value: number): boolean {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return false;
  }
  if (spec.integer && !Number.isInteger(value)) {
    return false;
  }
  const aboveMin = spec.minExclusive ? value > spec.min : value >= spec.min;
  const belowMax = spec.maxExclusive ? value < spec.max : value <= spec.max;
  return aboveMin && belowMax && (spec.cpuOnly === true || (!belowFloat32Normal(value) && !roundsToExcludedMax(spec, value)));
}

/**
 * True when `value` lies below an excluded upper bound but rounds to it in
 * float32, such as β₂ = 0.99999999, which the GPU reads as 1. With β = 1 an
 * average never moves and Adam's bias correction 1 − βᵗ divides by 0.
 */
function roundsToExcludedMax(spec: NumberSpec, value: number): boolean {
  return spec.maxExclusive === true && value < spec.max && Math.fround(value) >= spec.max;
}

/**
 * Describes what `spec` accepts, for an error about `value`: the range, and
 * the float32 floor when `value` lies in the range but below the floor.
 */
export function describeAccepted(spec: NumberSpec, value: number): string {
  const range = describeInterval(spec);
  if (spec.cpuOnly !== true && typeof value === 'number' && roundsToExcludedMax(spec, value)) {
    const largest = largestFloat32Below(spec.max);
    return `${range}, at most ${Number(largest.toPrecision(8))}, since float32 rounds larger values to ${formatLimit(spec.max)}`;
  }
  if (spec.cpuOnly === true || typeof value !== 'number' || !belowFloat32Normal(value)) {
    return range;
  }
  // The normal float32 of the same sign nearest to the value: outside the range, the range alone explains the rejection.
  if (!inRange(spec, Math.sign(value) * FLOAT32_MIN_NORMAL)) {
    return range;
  }
  const zeroAccepted = inRange(spec, 0);
  return `${range}, ${zeroAccepted ? FLOAT32_NORMAL_WORDS : FLOAT32_NONZERO_WORDS}`;
}

/** Returns the largest float32 below the positive float32 `limit`, such as 0.99999994 below 1. */
function largestFloat32Below(limit: number): number {
  const word = new Float32Array([limit]);
  new Uint32Array(word.buffer)[0] -= 1;
  return word[0];
}

/** Throws InvalidSettingError, under `setting` (the spec's label by default), unless `spec` accepts `value`. */
export function checkSpec(spec: NumberSpec, value: number, setting = spec.label): void {
  if (!inRange(spec, value)) {
    throw new InvalidSettingError(setting, value, describeAccepted(spec, value));
  }
}

/** Throws InvalidSettingError naming the first invalid or unknown field of `config`. */
export function validateOptimizer(config: OptimizerConfig): OptimizerConfig {
  checkFields('optimizer', config, Object.keys(defaultOptimizer('gd')));
  checkChoice('optimizer', config.name, OPTIMIZER_NAMES);
  for (const [field, spec] of Object.entries(OPTIMIZER_SPECS) as [NumericOptimizerField, NumberSpec][]) {
    checkSpec(spec, config[field]);
  }
  checkBoolean('centered', config.centered);
  checkBoolean('AMSGrad', config.amsgrad);
  // Two checks, so that each message names the value at fault.
  if (config.name === 'nesterov' && config.momentum <= 0) {
    throw new InvalidSettingError('momentum', config.momentum, 'a momentum above 0 for Nesterov momentum (as torch.optim.SGD requires)');
  }
  if (config.name === 'nesterov' && config.dampening !== 0) {
    throw new InvalidSettingError('dampening', config.dampening, '0 for Nesterov momentum (as torch.optim.SGD requires)');
  }
  return config;
}

/** Throws InvalidSettingError naming the first invalid or unknown field of `schedule`. */
export function validateSchedule(schedule: ScheduleConfig): ScheduleConfig {
  checkFields('schedule', schedule, Object.keys(DEFAULT_SCHEDULE));
  checkChoice('schedule', schedule.name, SCHEDULE_NAMES);
  for (const [field, spec] of Object.entries(SCHEDULE_SPECS) as [NumericScheduleField, NumberSpec][]) {
    checkSpec(spec, schedule[field]);
  }
  return schedule;
}

/** Throws InvalidSettingError naming the first invalid or unknown field of `noise`. */
export function validateNoise(noise: NoiseConfig): NoiseConfig {
  checkFields('noise', noise, Object.keys(DEFAULT_NOISE));
  checkSpec(NOISE_SPECS.sigma, noise.sigma);
  checkSpec(NOISE_SPECS.seed, noise.seed);
  return noise;
}
