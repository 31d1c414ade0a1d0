/**
 * The Optimizer folder fields that a running sweep sets in place of their own
 * values, and the notes about it beside the fields and under the schedule plot.
 */
import type { SweepParameter } from '../core/sweep.ts';
import { formatValue } from './format.ts';
import type { AppSettings } from './settings.ts';

/** Fields of the Optimizer folder that a running sweep overrides. */
export interface SweepOverrides {
  /** The sweep runs every rate from lrMin to lrMax in place of η. */
  lr: boolean;
  /** The phase map's second axis, which runs its own values in place of the field's. */
  second: SweepParameter | undefined;
}

const PARAMETER_LABELS: Record<SweepParameter, string> = { momentum: 'momentum', beta1: 'β₁' };

/** Returns the fields that `settings`' sweep sets: none while the sweep is off. */
export function sweepOverrides(settings: AppSettings): SweepOverrides {
  const sweep = settings.sweep;
  if (!sweep.enabled) {
    return { lr: false, second: undefined };
  }
  return { lr: true, second: sweep.second === 'none' ? undefined : sweep.second };
}

/**
 * Returns the note beside the overridden fields, such as "The sweep sets η
 * (0.5 to 1.5, 64 rates): the field applies when the sweep is off.", or
 * undefined while the sweep is off.
 */
export function sweepOverrideNote(settings: AppSettings): string | undefined {
  const overrides = sweepOverrides(settings);
  if (!overrides.lr) {
    return undefined;
  }
  const sweep = settings.sweep;
  const rates = `η (${formatValue(sweep.lrMin)} to ${formatValue(sweep.lrMax)}, ${sweep.lrCount} rates)`;
  if (overrides.second === undefined) {
    return `The sweep sets ${rates}: the field applies when the sweep is off.`;
  }
  const values = `${PARAMETER_LABELS[overrides.second]} (${formatValue(sweep.secondMin)} to ${formatValue(sweep.secondMax)}, ${sweep.secondCount} values)`;
  return `The phase map sets ${rates} and ${values}: the fields apply when the sweep is off.`;
}

/** Returns the caption of the schedule plot during a sweep, which names the two rates it draws, or undefined while the sweep is off. */
export function scheduleSweepCaption(settings: AppSettings): string | undefined {
  if (!settings.sweep.enabled) {
    return undefined;
  }
  return `The sweep sets η. The curves show the schedule at its lowest rate, ${formatValue(settings.sweep.lrMin)}, and at its highest, ${formatValue(settings.sweep.lrMax)}, with the swept rates between them.`;
}
