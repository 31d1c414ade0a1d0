// Presets: each one's scene is its own, whatever the panel held before.

import { describe, expect, test } from 'vitest';

import { DEFAULT_CRITERIA } from '../../src/core/config.ts';
import { applyPresetSettings, PRESETS } from '../../src/ui/presets.ts';
import { DEFAULT_SETTINGS, cloneSettings, validateSettings } from '../../src/ui/settings.ts';

describe('presets', () => {
  test.each(PRESETS.map((preset) => [preset.name, preset] as const))('%s: clears sweep, map and criteria', (_name, preset) => {
    const before = cloneSettings(DEFAULT_SETTINGS);
    before.runs = [{ ...before.runs[0], optimizer: { ...before.runs[0].optimizer, name: 'adam' } }];
    before.sweep = { ...before.sweep, enabled: true, second: 'beta1' };
    before.basinView = 'map';
    before.zScale = 'log';
    before.trails = false;
    before.radius = 0.3;
    before.criteria = { gradTol: 0.5, stepTol: 0, divergeBound: 1e30 };
    before.noise = { sigma: 0.3, seed: 7 };

    const after = validateSettings(applyPresetSettings(before, preset));
    expect(after.sweep.enabled).toBe(false);
    // A phase map over β₁ left behind would block the sweep of the preset's gd from being turned on.
    expect(after.sweep.second).toBe('none');
    expect(validateSettings({ ...after, sweep: { ...after.sweep, enabled: true } }).sweep.enabled).toBe(true);
    expect(after.zScale).toBe('auto');
    expect(after.trails).toBe(true);
    expect(after.radius).toBeNull();
    expect(after.basinView).toBe('off');
    expect(after.criteria).toEqual(DEFAULT_CRITERIA);
    expect(after.noise.sigma).toBe(0);
    expect(after.runs).toHaveLength(1);
    expect(after.runs[0].optimizer.name).toBe('gd');
    expect(after.runs[0].optimizer.lr).toBe(preset.lr);
    expect(after.surface).toBe(preset.settings.surface);
  });
});
