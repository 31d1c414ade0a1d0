/** Wording helpers shared by the text reports of the commands. */
import { DEFAULT_CRITERIA, DEFAULT_NOISE, DEFAULT_SCHEDULE, defaultOptimizer, type OptimizerConfig, type StopCriteria } from '../core/config.ts';
import { NOISE_SPECS, OPTIMIZER_FLAGS, OPTIMIZER_SPECS, SCHEDULE_SPECS } from '../core/hyperparameters.ts';
import { formatLimit } from '../core/limits.ts';
import type { OptimizerChoice } from './optimizerOptions.ts';

/** Writes a count with its noun, singular for 1: "1 step", "200 steps". */
export function counted(count: number, noun: string): string {
  return `${count} ${count === 1 ? noun : `${noun}s`}`;
}

/** Formats a value to six significant digits without trailing zeros: 3, -0.994959, 0.96015. */
export function sixDigits(value: number): string {
  return String(Number(value.toPrecision(6)));
}

/**
 * Returns the line that names the stopping criteria as options, so that a pasted report can be
 * rerun, or no line for the defaults. A report spreads the result into its lines.
 */
export function criteriaLines(criteria: StopCriteria): string[] {
  const { gradTol, stepTol, divergeBound } = criteria;
  if (gradTol === DEFAULT_CRITERIA.gradTol && stepTol === DEFAULT_CRITERIA.stepTol && divergeBound === DEFAULT_CRITERIA.divergeBound) {
    return [];
  }
  return [`stopping: --grad-tol ${formatLimit(gradTol)} --step-tol ${formatLimit(stepTol)} --diverge-bound ${formatLimit(divergeBound)}`];
}

/** Options of `settingsText`: the settings to leave out and the flags to rename. */
export interface SettingsWording {
  /** Hyperparameters that a sweep varies, so that they have no single value to name. */
  swept?: readonly (keyof OptimizerConfig)[];
  /** Flags that a command reads under another name, such as sweep's --schedule-lr-min, as given to parseOptimizerOptions. */
  flagNames?: Readonly<Record<string, string>>;
}

/**
 * Names the optimizer, its learning rate, and every optimizer, schedule and noise setting that
 * differs from its default, each under its command-line flag so that the line can be rerun:
 * "adam, lr 0.1, beta1 0.5, amsgrad, cosine schedule (t-max 500, lr-min 0.001), noise σ 0.3 (seed 7)".
 * Settings that the optimizer or schedule does not read are left out, and so is the seed while
 * the noise is off, because none of them changes the result.
 */
export function settingsText(choice: OptimizerChoice, wording: SettingsWording = {}): string {
  const { optimizer, schedule, noise } = choice;
  const swept = wording.swept ?? [];
  const flag = (name: string): string => wording.flagNames?.[name] ?? name;
  const parts: string[] = [optimizer.name];
  if (!swept.includes('lr')) {
    parts.push(`lr ${formatLimit(optimizer.lr)}`);
  }

  // In the order of OptimizerConfig, which is that of the help text.
  const defaults = defaultOptimizer(optimizer.name);
  for (const field of Object.keys(defaults) as (keyof OptimizerConfig)[]) {
    if (field === 'name' || field === 'lr' || swept.includes(field) || optimizer[field] === defaults[field]) {
      continue;
    }
    if (field === 'centered' || field === 'amsgrad') {
      if (OPTIMIZER_FLAGS[field].optimizers.includes(optimizer.name)) {
        parts.push(flag(OPTIMIZER_FLAGS[field].flag));
      }
      continue;
    }
    const spec = OPTIMIZER_SPECS[field];
    if (spec.optimizers.includes(optimizer.name)) {
      parts.push(`${flag(spec.flag)} ${formatLimit(optimizer[field])}`);
    }
  }

  const scheduleParameters: string[] = [];
  for (const field of Object.keys(SCHEDULE_SPECS) as (keyof typeof SCHEDULE_SPECS)[]) {
    const spec = SCHEDULE_SPECS[field];
    if (spec.schedules.includes(schedule.name) && schedule[field] !== DEFAULT_SCHEDULE[field]) {
      scheduleParameters.push(`${flag(spec.flag)} ${formatLimit(schedule[field])}`);
    }
  }
  if (schedule.name !== DEFAULT_SCHEDULE.name || scheduleParameters.length > 0) {
    parts.push(`${schedule.name} schedule${scheduleParameters.length > 0 ? ` (${scheduleParameters.join(', ')})` : ''}`);
  }

  if (noise.sigma > 0) {
    const seed = noise.seed === DEFAULT_NOISE.seed ? '' : ` (${flag(NOISE_SPECS.seed.flag)} ${noise.seed})`;
    parts.push(`${flag(NOISE_SPECS.sigma.flag)} σ ${formatLimit(noise.sigma)}${seed}`);
  }
  return parts.join(', ');
}
