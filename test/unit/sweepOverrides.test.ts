// The Optimizer folder's fields that a running sweep sets, and the notes about
// it beside them and under the schedule plot.

import { describe, expect, test } from 'vitest';

import { scheduleSweepCaption, sweepOverrideNote, sweepOverrides } from '../../src/ui/sweepOverrides.ts';
import { DEFAULT_SETTINGS, type AppSettings, type SweepSettings } from '../../src/ui/settings.ts';

function withSweep(sweep: Partial<SweepSettings>): AppSettings {
  return { ...DEFAULT_SETTINGS, sweep: { ...DEFAULT_SETTINGS.sweep, ...sweep } };
}

describe('sweep overrides', () => {
  test('sweep off overrides nothing', () => {
    const settings = withSweep({ enabled: false, second: 'momentum' });
    expect(sweepOverrides(settings)).toEqual({ lr: false, second: undefined });
    expect(sweepOverrideNote(settings)).toBeUndefined();
    expect(scheduleSweepCaption(settings)).toBeUndefined();
  });

  test('sweep sets the rate', () => {
    const settings = withSweep({ enabled: true, lrMin: 0.5, lrMax: 1.5, lrCount: 64 });
    expect(sweepOverrides(settings)).toEqual({ lr: true, second: undefined });
    expect(sweepOverrideNote(settings)).toBe('The sweep sets η (0.5 to 1.5, 64 rates): the field applies when the sweep is off.');
    expect(scheduleSweepCaption(settings)).toBe(
      'The sweep sets η. The curves show the schedule at its lowest rate, 0.5, and at its highest, 1.5, with the swept rates between them.',
    );
  });

  test('phase map sets rate and second axis', () => {
    const settings = withSweep({ enabled: true, lrMin: 0.1, lrMax: 3, lrCount: 32, second: 'beta1', secondMin: 0, secondMax: 0.9, secondCount: 16 });
    expect(sweepOverrides(settings)).toEqual({ lr: true, second: 'beta1' });
    expect(sweepOverrideNote(settings)).toBe('The phase map sets η (0.1 to 3, 32 rates) and β₁ (0 to 0.9, 16 values): the fields apply when the sweep is off.');
  });
});
