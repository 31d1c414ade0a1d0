// The height range of the drawn surface (robust top, automatic log scale)
// and the contour levels chosen for it.

import { describe, expect, it } from 'vitest';

import { compileFormula } from '../../src/core/expr/index.ts';
import { SURFACES, type Domain } from '../../src/core/surfaces.ts';
import { chooseContourLevels, contourCoordinate, niceStep } from '../../src/render/contourLevels.ts';
import {
  createHeightMap,
  drawnLoss,
  lossAtHeight,
  NORMALIZED_MAX,
  normalizeLoss,
  sampleLoss,
  storableLoss,
  unclippedHeight,
  type HeightMap,
} from '../../src/render/heightMap.ts';

const SQUARE: Domain = { xMin: -1, xMax: 1, yMin: -1, yMax: 1 };

function mapOf(samples: number[], kind: 'linear' | 'log' | 'auto' = 'auto', knownMinimum?: number): HeightMap {
  return createHeightMap(SQUARE, Float64Array.from(samples), kind, { knownMinimum });
}

/** Builds a height map over [min, top] with the log offset that createHeightMap chooses (span × 1e-4). */
function rangeMap(kind: 'linear' | 'log', min: number, top: number): HeightMap {
  const span = top - min;
  return { centerX: 0, centerY: 0, scale: 1, lossMin: min, lossSpan: span, kind, logOffset: span * 1e-4, height: 0.8 };
}

describe('storableLoss', () => {
  it.each([
    [0, 0],
    [-1e30, -1e30],
    [2.9e38, 2.9e38],
    [3e38, NaN],
    [1e300, NaN],
    [-1e300, NaN],
    [Infinity, NaN],
    [NaN, NaN],
  ])('%s as the kernels store it: %s', (loss, expected) => {
    expect(storableLoss(loss)).toBe(expected);
  });

  it('samples beyond float32 are NaN', () => {
    // Sampled through drawnLoss, as the apps draw the surface.
    const surface = compileFormula('exp(exp(exp(x)))');
    const f = (x: number): number => surface.value(x, 0, 'f64');
    const samples = sampleLoss((x, y) => drawnLoss(surface, x, y), { xMin: 0, xMax: 1.7, yMin: 0, yMax: 0 }, 1, 3);
    // At x = 0 and 0.85 the loss is about 15.2 and 3.2e4. At 1.7 it is about 1e103: finite in float64, not in float32.
    expect(samples[0]).toBe(f(0));
    expect(samples[1]).toBe(f(0.85));
    expect(Number.isFinite(f(1.7))).toBe(true);
    expect(Number.isNaN(samples[2])).toBe(true);
  });
});

describe('drawnLoss', () => {
  it('a hole where float32 overflows partway', () => {
    // exp(90.5) is about 1.8e39: beyond float32, so the kernels compute ∞/∞ and store no loss.
    const surface = compileFormula('exp(x + 90)/exp(x + 89) + y^2');
    expect(surface.value(0.5, 0.5, 'f64')).toBeCloseTo(Math.E + 0.25, 12);
    expect(Number.isNaN(surface.value(0.5, 0.5, 'f32'))).toBe(true);
    expect(Number.isNaN(drawnLoss(surface, 0.5, 0.5))).toBe(true);
  });

  it('the float64 loss elsewhere', () => {
    const surface = compileFormula('exp(x + 80)/exp(x + 79) + y^2');
    expect(drawnLoss(surface, 0.5, 0.5)).toBe(surface.value(0.5, 0.5, 'f64'));
  });
});

describe('createHeightMap', () => {
  it('ignores one huge outlier when choosing the top', () => {
    // 199 samples from 0 to 9.9 and one of 1e9: the 99th percentile is 9.8, not 1e9.
    const samples = Array.from({ length: 199 }, (_, i) => i / 20);
    samples.push(1e9);
    const map = mapOf(samples, 'linear');
    expect(map.lossMin).toBe(0);
    expect(map.lossMin + map.lossSpan).toBe(9.85);
    expect(normalizeLoss(map, 1e9)).toBe(NORMALIZED_MAX);
  });

  it('ignores non-finite samples', () => {
    // The finite samples 1 to 101: the 99th percentile is 100.
    const samples = [Number.NaN, ...Array.from({ length: 101 }, (_, i) => i + 1), Number.POSITIVE_INFINITY];
    const map = mapOf(samples, 'linear');
    expect(map.lossMin).toBe(1);
    expect(map.lossSpan).toBe(99);
  });

  it('starts at a known minimum below the samples', () => {
    expect(mapOf([1, 2, 3], 'linear', -1.5).lossMin).toBe(-1.5);
    expect(mapOf([1, 2, 3], 'linear', 4).lossMin).toBe(1);
  });

  it('inverts heights on both scales', () => {
    const samples = Array.from({ length: 100 }, (_, i) => (i + 1) ** 3);
    for (const kind of ['linear', 'log'] as const) {
      const map = mapOf(samples, kind);
      for (const loss of [1, 7.5, 1000, 500000]) {
        expect(lossAtHeight(map, unclippedHeight(map, loss))).toBeCloseTo(loss, 6);
      }
    }
  });

  it('chooses log for wide ranges among the built-ins', () => {
    const logSurfaces: string[] = [];
    for (const surface of SURFACES) {
      const compiled = compileFormula(surface.formula);
      const samples = sampleLoss((x, y) => compiled.value(x, y, 'f64'), surface.domain, surface.dims, 129);
      if (createHeightMap(surface.domain, samples, 'auto').kind === 'log') {
        logSurfaces.push(surface.name);
      }
    }
    expect(logSurfaces).toEqual(['rosenbrock', 'beale', 'three-hump-camel', 'six-hump-camel', 'goldstein-price']);
  });
});

describe('niceStep', () => {
  it.each([
    [1, 1],
    [1.3, 1],
    [1.5, 2],
    [3, 2],
    [3.3, 5],
    [7, 5],
    [7.2, 10],
    [0.027, 0.02],
    [2700, 2000],
  ])('rounds %d to %d', (raw, step) => {
    expect(niceStep(raw)).toBeCloseTo(step, 12);
  });
});

describe('chooseContourLevels', () => {
  it('spaces linear levels by a round step', () => {
    const map = rangeMap('linear', -78.33, 137.2);
    const levels = chooseContourLevels(map);
    expect(levels.map((level) => level.loss)).toEqual([-60, -40, -20, 0, 20, 40, 60, 80, 100, 120]);
    for (const level of levels) {
      expect(level.height).toBeCloseTo((level.loss + 78.33) / (137.2 + 78.33), 12);
    }
  });

  it.each([0.7, 3, 12, 99, 1234, 5e5])('gives 5 to 13 linear levels over a span of %d', (span) => {
    const levels = chooseContourLevels(rangeMap('linear', 0, span));
    expect(levels.length).toBeGreaterThanOrEqual(5);
    expect(levels.length).toBeLessThanOrEqual(13);
    expect(levels[levels.length - 1].height).toBeLessThanOrEqual(1);
    expect(levels[0].height).toBeGreaterThan(0);
  });

  it('places log levels at 1, 2 and 5 per decade above the minimum', () => {
    // Span 1000: the offset is 0.1, so five decades of levels run from 0.1 to 1000 above the minimum 3.
    const map = rangeMap('log', 3, 1003);
    const above = chooseContourLevels(map).map((level) => Number((level.loss - 3).toPrecision(6)));
    expect(above).toEqual([0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]);
  });

  it('keeps only decades when the log range covers more than five', () => {
    const map: HeightMap = { ...rangeMap('log', 0, 1e6), logOffset: 1e-3 };
    const levels = chooseContourLevels(map).map((level) => level.loss);
    expect(levels).toEqual([1e-3, 1e-2, 0.1, 1, 10, 100, 1000, 1e4, 1e5, 1e6]);
  });

  it('gives ascending heights on both scales', () => {
    for (const kind of ['linear', 'log'] as const) {
      const heights = chooseContourLevels(rangeMap(kind, -2, 2500)).map((level) => level.height);
      expect(heights).toEqual([...heights].sort((a, b) => a - b));
    }
  });
});

describe('contourCoordinate', () => {
  const levels = [
    { loss: 1, height: 0.2 },
    { loss: 2, height: 0.5 },
    { loss: 5, height: 0.6 },
  ];

  it('is an integer at each level and linear between them', () => {
    expect(contourCoordinate(levels, 0.2)).toBe(0);
    expect(contourCoordinate(levels, 0.5)).toBe(1);
    expect(contourCoordinate(levels, 0.6)).toBe(2);
    expect(contourCoordinate(levels, 0.35)).toBeCloseTo(0.5, 12);
    expect(contourCoordinate(levels, 0.55)).toBeCloseTo(1.5, 12);
  });

  it('stays half-way to the next integer beyond the levels', () => {
    expect(contourCoordinate(levels, -5)).toBe(-0.5);
    expect(contourCoordinate(levels, 10)).toBe(2.5);
    expect(contourCoordinate(levels, Number.POSITIVE_INFINITY)).toBe(2.5);
    expect(contourCoordinate([], 0.3)).toBe(0.5);
  });
});
