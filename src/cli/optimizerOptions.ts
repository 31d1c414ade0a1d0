/**
 * Command-line options of the optimizer, the learning-rate schedule and the
 * gradient noise: --momentum, --beta1, --schedule, --noise and the rest, with
 * the ranges of src/core/hyperparameters.ts and torch.optim's defaults.
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
} from '../core/config.ts';
import { NOISE_SPECS, OPTIMIZER_FLAGS, OPTIMIZER_SPECS, SCHEDULE_SPECS, describeAccepted, inRange, listNames, type NumberSpec } from '../core/hyperparameters.ts';
import { decimalValue, describeInterval, formatSettingValue } from '../core/limits.ts';
import { UsageError } from './errors.ts';

/** parseArgs entries of these options. */
export const OPTIMIZER_OPTION_TABLE = {
  momentum: { type: 'string' },
  dampening: { type: 'string' },
  'weight-decay': { type: 'string' },
  eps: { type: 'string' },
  'lr-decay': { type: 'string' },
  'initial-accumulator': { type: 'string' },
  alpha: { type: 'string' },
  centered: { type: 'boolean' },
  beta1: { type: 'string' },
  beta2: { type: 'string' },
  amsgrad: { type: 'boolean' },
  schedule: { type: 'string' },
  'step-size': { type: 'string' },
  gamma: { type: 'string' },
  't-max': { type: 'string' },
  'lr-min': { type: 'string' },
  warmup: { type: 'string' },
  noise: { type: 'string' },
  seed: { type: 'string' },
} as const;

export type RawOptimizerOptions = Partial<Record<keyof typeof OPTIMIZER_OPTION_TABLE, string | boolean>> & { optimizer?: string; lr?: string };

export interface OptimizerChoice {
  optimizer: OptimizerConfig;
  schedule: ScheduleConfig;
  noise: NoiseConfig;
}

/** Parses a decimal or scientific number; anything else (including '', 'NaN', '0x10') is undefined. */
export function parseDecimal(text: string): number | undefined {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim())) {
    return undefined;
  }
  return decimalValue(text);
}

/** Reads --flag as a number within `spec`; throws UsageError naming the value and the range. */
export function numberFlag(spec: NumberSpec, text: string): number {
  const value = parseDecimal(text);
  if (value === undefined || !inRange(spec, value)) {
    const accepted = value === undefined ? describeInterval(spec) : describeAccepted(spec, value);
    throw new UsageError(`invalid --${spec.flag} ${formatSettingValue(text)}: expected ${accepted}`);
  }
  return value;
}

/**
 * Validates the optimizer name, its hyperparameters, the schedule and the
 * noise. `flagNames` renames options in messages where a command reads one
 * under another name (sweep takes the schedule's --lr-min as
 * --schedule-lr-min).
 */
export function parseOptimizerOptions(raw: RawOptimizerOptions, flagNames: Readonly<Record<string, string>> = {}): OptimizerChoice {
  const named = <T extends NumberSpec>(spec: T): T => ({ ...spec, flag: flagNames[spec.flag] ?? spec.flag });

  const name = raw.optimizer ?? 'gd';
  if (!(OPTIMIZER_NAMES as readonly string[]).includes(name)) {
    throw new UsageError(`unknown --optimizer ${formatSettingValue(name)}: expected one of ${OPTIMIZER_NAMES.join(', ')}`);
  }
  const optimizerName = name as OptimizerName;
  const optimizer = defaultOptimizer(optimizerName, raw.lr === undefined ? 0.1 : numberFlag(OPTIMIZER_SPECS.lr, raw.lr));

  for (const [field, spec] of Object.entries(OPTIMIZER_SPECS)) {
    const text = raw[spec.flag as keyof RawOptimizerOptions];
    if (field === 'lr' || text === undefined) {
      continue;
    }
    if (!spec.optimizers.includes(optimizerName)) {
      throw new UsageError(`--${named(spec).flag} applies to ${listNames(spec.optimizers)}, not ${optimizerName}`);
    }
    (optimizer as unknown as Record<string, number>)[field] = numberFlag(named(spec), String(text));
  }
  for (const [field, spec] of Object.entries(OPTIMIZER_FLAGS)) {
    if (raw[spec.flag as keyof RawOptimizerOptions] === true) {
      if (!spec.optimizers.includes(optimizerName)) {
        throw new UsageError(`--${spec.flag} applies to ${listNames(spec.optimizers)}, not ${optimizerName}`);
      }
      optimizer[field as 'centered' | 'amsgrad'] = true;
    }
  }
  if (optimizerName === 'nesterov' && (optimizer.momentum <= 0 || optimizer.dampening !== 0)) {
    throw new UsageError('nesterov needs --momentum above 0 and no dampening (as torch.optim.SGD requires)');
  }

  const scheduleName = (raw.schedule as string | undefined) ?? 'constant';
  if (!(SCHEDULE_NAMES as readonly string[]).includes(scheduleName)) {
    throw new UsageError(`unknown --schedule ${formatSettingValue(scheduleName)}: expected one of ${SCHEDULE_NAMES.join(', ')}`);
  }
  const schedule: ScheduleConfig = { ...DEFAULT_SCHEDULE, name: scheduleName as ScheduleName };
  for (const [field, spec] of Object.entries(SCHEDULE_SPECS)) {
    const text = raw[spec.flag as keyof RawOptimizerOptions];
    if (text === undefined) {
      continue;
    }
    if (!spec.schedules.includes(schedule.name)) {
      throw new UsageError(`--${named(spec).flag} applies to --schedule ${listNames(spec.schedules)}, not ${schedule.name}`);
    }
    (schedule as unknown as Record<string, number>)[field] = numberFlag(named(spec), String(text));
  }

  const noise: NoiseConfig = { ...DEFAULT_NOISE };
  if (raw.noise !== undefined) {
    noise.sigma = numberFlag(named(NOISE_SPECS.sigma), String(raw.noise));
  }
  if (raw.seed !== undefined) {
    noise.seed = numberFlag(named(NOISE_SPECS.seed), String(raw.seed));
  }

  return { optimizer, schedule, noise };
}
