// Validation of the app's settings: surface, typed formula, condition
// number, domain and z scale, each rejected with a message naming the value.

import { describe, expect, it, test } from 'vitest';

import { FormulaError } from '../../src/core/expr/index.ts';
import { decimalValue, InvalidSettingError, underflowsToZero } from '../../src/core/limits.ts';
import { DEFAULT_SETTINGS, largestGrid, surfaceDims, validateSettings, type AppSettings } from '../../src/ui/settings.ts';

function settingsWith(update: Partial<AppSettings>): AppSettings {
  return { ...DEFAULT_SETTINGS, ...update };
}

describe('validateSettings', () => {
  it('accepts the defaults', () => {
    expect(validateSettings(DEFAULT_SETTINGS)).toEqual(DEFAULT_SETTINGS);
  });

  it('accepts tolerances of 0 and from 1.09e-19, whose square float32 keeps', () => {
    for (const tolerance of [0, 1.09e-19, 1e-10, 1e6]) {
      const settings: AppSettings = { ...DEFAULT_SETTINGS, criteria: { ...DEFAULT_SETTINGS.criteria, gradTol: tolerance, stepTol: tolerance } };
      expect(validateSettings(settings).criteria.gradTol).toBe(tolerance);
      expect(Math.fround(tolerance * tolerance) === 0 || Math.fround(tolerance * tolerance) >= 2 ** -126).toBe(true);
    }
    const below = { ...DEFAULT_SETTINGS, criteria: { ...DEFAULT_SETTINGS.criteria, gradTol: 1e-20 } };
    expect(() => validateSettings(below)).toThrow(/^invalid gradient tolerance 1e-20: expected a number from 0 to 1000000, either 0 or at least 1\.09e-19 \(the GPU compares its square/);
  });

  it('accepts a typed formula and takes its dimension', () => {
    const settings = settingsWith({ surface: 'custom', formula: 'x^4 - x^2', grid: 33 });
    expect(validateSettings(settings)).toEqual(settings);
    expect(surfaceDims(settings)).toBe(1);
  });

  it('rejects a bad formula with its span', () => {
    const settings = settingsWith({ surface: 'custom', formula: 'x + foo' });
    expect(() => validateSettings(settings)).toThrow(FormulaError);
    expect(() => validateSettings(settings)).toThrow(expect.objectContaining({ start: 4, end: 7 }));
  });

  it('sets the y bounds of a 1D domain to 0', () => {
    const valid = validateSettings(settingsWith({ surface: 'parabola', grid: 33, domain: { xMin: -1, xMax: 3, yMin: 5, yMax: 2 } }));
    expect(valid.domain).toEqual({ xMin: -1, xMax: 3, yMin: 0, yMax: 0 });
  });

  it.each([
    ['unknown surface', { surface: 'banana' }, /invalid surface "banana": expected one of parabola, double-well, .* or custom/],
    ['custom without formula', { surface: 'custom' }, /invalid formula undefined: expected a formula in x, or in x and y/],
    ['condition below 1', { condition: 0.5 }, /invalid condition number κ 0\.5: expected a number from 1 to 10000/],
    ['condition not finite', { condition: Number.NaN }, /invalid condition number κ "NaN"/],
    ['reversed domain', { domain: { xMin: 2, xMax: -2, yMin: -1, yMax: 1 } }, /invalid domain "\[2, -2\] × \[-1, 1\]": expected xmin < xmax and ymin < ymax/],
    ['flat 2D domain', { domain: { xMin: -2, xMax: 2, yMin: 0, yMax: 0 } }, /invalid domain "\[-2, 2\] × \[0, 0\]"/],
    ['domain beyond ±1e5', { domain: { xMin: -2e5, xMax: 2, yMin: -1, yMax: 1 } }, /within ±100,000/],
    ['unknown z scale', { zScale: 'cubic' as AppSettings['zScale'] }, /invalid z scale "cubic": expected one of "auto", "linear", "log"/],
  ] as [string, Partial<AppSettings>, RegExp][])('rejects %s', (_label, update, message) => {
    expect(() => validateSettings(settingsWith(update))).toThrow(InvalidSettingError);
    expect(() => validateSettings(settingsWith(update))).toThrow(message);
  });
});

describe('decimal text', () => {
  test.each([
    ['0', 0],
    ['-0', -0],
    ['0.000e-5', 0],
    ['1e-400', Number.MIN_VALUE],
    ['-1e-400', -Number.MIN_VALUE],
    ['0.5', 0.5],
    ['1e-5', 1e-5],
  ])('%s reads as %d', (text, value) => {
    expect(decimalValue(text)).toBe(value);
  });

  test.each([
    ['1e-400', true],
    ['-0.5e-330', true],
    ['0.000e-5', false],
    ['5e-324', false],
    ['1e400', false],
  ])('%s underflows to 0: %s', (text, underflows) => {
    expect(underflowsToZero(text)).toBe(underflows);
  });
});

describe('largest grid', () => {
  test('without a sweep, the grid range itself', () => {
    expect(largestGrid(DEFAULT_SETTINGS, 2)).toBe(2048);
    expect(largestGrid(DEFAULT_SETTINGS, 1)).toBe(1_048_576);
  });

  test('64 × 32 phase map: 90 per side', () => {
    const settings: AppSettings = { ...DEFAULT_SETTINGS, sweep: { ...DEFAULT_SETTINGS.sweep, enabled: true, lrCount: 64, second: 'momentum', secondCount: 32 } };
    expect(largestGrid(settings, 2)).toBe(90);
    expect(largestGrid(settings, 1)).toBe(8192);
    // The grid it gives passes validation with a momentum run, and one more per side does not.
    const momentum = { ...settings, runs: [{ ...settings.runs[0], optimizer: { ...settings.runs[0].optimizer, name: 'momentum' as const, momentum: 0.9 } }] };
    expect(() => validateSettings({ ...momentum, grid: 90 })).not.toThrow();
    expect(() => validateSettings({ ...momentum, grid: 91 })).toThrow(/number of particles per configuration/);
  });
});
