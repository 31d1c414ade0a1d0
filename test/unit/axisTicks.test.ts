// Ticks of the 2D and 1D views' axes, and the mapping from the orthographic
// camera's projection to canvas pixels that places them.

import { OrthographicCamera, Vector3 } from 'three';
import { describe, expect, test } from 'vitest';

import { createHeightMap, NORMALIZED_MAX, NORMALIZED_MIN, unclippedHeight } from '../../src/render/heightMap.ts';
import { AXIS_MARGIN, fitOrthographic, ndcToPixel, ORTHOGRAPHIC_HALF, type LinearScale, type LossScale } from '../../src/render/viewGeometry.ts';
import { chooseTicks, formatTickLabels, lossAxisTitle, pixelOf, valueAt } from '../../src/ui/axisTicks.ts';
import { formatAxisValues, formatTicks } from '../../src/ui/format.ts';

const domain = { xMin: -5, xMax: 5, yMin: -5, yMax: 5 };
/** x from -5 at pixel 100 to 5 at pixel 500: 40 pixels per unit. */
const xScale: LinearScale = { kind: 'linear', min: -5, max: 5, pixelMin: 100, pixelMax: 500 };
/** y from -5 at row 500 up to 5 at row 100, as on the canvas, where rows grow downwards. */
const yScale: LinearScale = { kind: 'linear', min: -5, max: 5, pixelMin: 500, pixelMax: 100 };

function values(ticks: { value: number }[]): number[] {
  return ticks.map((tick) => tick.value);
}

describe('axis ticks', () => {
  test('whole domain at 40 px per unit', () => {
    const ticks = chooseTicks(xScale, 0, 1000, 40);
    expect(values(ticks)).toEqual([-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5]);
    ticks.forEach((tick) => expect(tick.pixel).toBeCloseTo(300 + 40 * tick.value, 9));
    expect(ticks.map((tick) => tick.label)).toEqual(['-5', '-4', '-3', '-2', '-1', '0', '1', '2', '3', '4', '5']);
  });

  test('wider spacing takes a 2 step', () => {
    expect(values(chooseTicks(xScale, 0, 1000, 70))).toEqual([-4, -2, 0, 2, 4]);
  });

  test('visible part only after a zoom', () => {
    // Pixels 300 to 400 show x from 0 to 2.5.
    expect(values(chooseTicks(xScale, 300, 400, 40))).toEqual([0, 1, 2]);
  });

  test('domain out of sight', () => {
    expect(chooseTicks(xScale, 600, 900, 40)).toEqual([]);
  });

  test('y axis with rows growing downwards', () => {
    const ticks = chooseTicks(yScale, 0, 1000, 70);
    expect(values(ticks)).toEqual([-4, -2, 0, 2, 4]);
    expect(ticks[0].pixel).toBeCloseTo(460, 9);
    expect(ticks[4].pixel).toBeCloseTo(140, 9);
  });

  test('wide labels get fewer ticks', () => {
    // 0.1 to 0.2 over 200 pixels: a 0.01 step fits one-character labels 18 px apart, not "0.15" beside "0.16".
    const scale: LinearScale = { kind: 'linear', min: 0.1, max: 0.2, pixelMin: 0, pixelMax: 200 };
    const spacing = (a: string, b: string) => (6.7 * (a.length + b.length)) / 2 + 18;
    const ticks = chooseTicks(scale, 0, 200, spacing);
    expect(values(ticks)).toEqual([0.1, 0.15, 0.2]);
    for (let k = 1; k < ticks.length; k++) {
      expect(ticks[k].pixel - ticks[k - 1].pixel).toBeGreaterThanOrEqual(spacing(ticks[k - 1].label, ticks[k].label));
    }
  });

  test('valueAt inverts pixelOf', () => {
    for (const value of [-5, -1.25, 0, 3.5, 5]) {
      expect(valueAt(yScale, pixelOf(yScale, value))).toBeCloseTo(value, 12);
    }
  });
});

describe('loss axis ticks', () => {
  /** Heights 0 at row 400 and 1 at row 200: the 1D view's loss axis. */
  function lossScale(losses: number[], kind: 'linear' | 'log'): LossScale {
    const map = createHeightMap(domain, Float64Array.from(losses), kind);
    return { kind: 'loss', map, pixelAtZero: 400, pixelAtOne: 200 };
  }

  test('linear scale: 1-2-5 steps at the drawn heights', () => {
    const scale = lossScale([0, 10, 20, 40, 100], 'linear');
    const ticks = chooseTicks(scale, 0, 1000, 36);
    // The range's top is the 99th percentile, 40, so heights NORMALIZED_MIN to NORMALIZED_MAX span losses -8 to 50
    // over 290 pixels: at most 9 ticks, so a 10 step (a 5 step gives 12).
    expect(values(ticks)).toEqual([0, 10, 20, 30, 40, 50]);
    for (const tick of ticks) {
      expect(tick.pixel).toBeCloseTo(400 - 200 * unclippedHeight(scale.map, tick.value), 9);
      expect(tick.pixel).toBeGreaterThanOrEqual(400 - 200 * NORMALIZED_MAX - 1e-9);
      expect(tick.pixel).toBeLessThanOrEqual(400 - 200 * NORMALIZED_MIN + 1e-9);
    }
    expect(lossAxisTitle(scale)).toBe('loss');
  });

  test('log scale from 0: the minimum and decades', () => {
    const scale = lossScale([0, 1e-3, 1e-2, 0.1, 1, 10, 100, 1000, 1e4], 'log');
    const ticks = chooseTicks(scale, 0, 1000, 36);
    expect(ticks[0].value).toBe(0);
    expect(values(ticks).slice(1).every((value) => Number.isInteger(Math.log10(value)))).toBe(true);
    for (let k = 1; k < ticks.length; k++) {
      expect(Math.abs(ticks[k].pixel - ticks[k - 1].pixel)).toBeGreaterThanOrEqual(36);
    }
    expect(lossAxisTitle(scale)).toBe('loss, log scale');
  });

  test('log scale from -1: labels as loss − min', () => {
    const scale = lossScale([-1, 0, 9, 99, 999, 9999], 'log');
    const ticks = chooseTicks(scale, 0, 1000, 36);
    expect(ticks[0]).toMatchObject({ value: -1, label: '0' });
    const decade = ticks.find((tick) => tick.value === 99);
    expect(decade?.label).toBe('100');
    expect(lossAxisTitle(scale)).toBe('loss − min, log scale');
  });
});

describe('tick labels', () => {
  test('formatted as the app formats values', () => {
    expect(formatTickLabels([-0.5, 0, 2.5, 1e21])).toEqual(['-0.5', '0', '2.5', '1e21']);
  });

  test('more digits where 4 make neighbours alike', () => {
    expect(formatTickLabels([1.0001, 1.0002, 1.0003])).toEqual(['1.0001', '1.0002', '1.0003']);
  });

  test('one form along an axis', () => {
    // formatValue writes 1e5 with an exponent and 99980 without.
    expect(formatTickLabels([99900, 99920, 99940, 99960, 99980, 100000])).toEqual(['99900', '99920', '99940', '99960', '99980', '100000']);
    expect(formatTicks(null, [0, 50000, 100000, null])).toEqual(['0', '50000', '100000', '']);
    expect(formatTicks(null, [-1e6, -5e5, 0, 5e5, 1e6])).toEqual(['-1e6', '-5e5', '0', '5e5', '1e6']);
    // Ticks that all have an exponent keep formatValue's forms; past 1e6 a mixed axis gets exponents throughout.
    expect(formatAxisValues([5e5, 1e6, 1.5e6])).toEqual(['5e5', '1e6', '1.5e6']);
    expect(formatAxisValues([80000, 1080000, 2080000])).toEqual(['8.00e4', '1.08e6', '2.08e6']);
    expect(formatAxisValues([0.0002, 0.0004, 0.0006, 0.0008, 0.001])).toEqual(['0.0002', '0.0004', '0.0006', '0.0008', '0.001']);
  });

  test('log ticks keep their mixed forms', () => {
    expect(formatTicks(null, [0.01, 1, 100, 10000, 1e6])).toEqual(['0.01', '1', '100', '10000', '1e6']);
  });
});

describe('orthographic view to pixels', () => {
  /** Returns the 2D view's camera: above the origin, looking down, y up the screen. */
  function topDownCamera(width: number, height: number, insetLeft: number, insetRight: number): OrthographicCamera {
    const fit = fitOrthographic(width, height, insetLeft, insetRight);
    const camera = new OrthographicCamera(fit.left, fit.right, fit.top, fit.bottom, -20, 20);
    camera.up.set(0, 1, 0);
    camera.position.set(0, 0, 5);
    camera.lookAt(new Vector3(0, 0, 0));
    camera.updateMatrixWorld();
    camera.updateProjectionMatrix();
    return camera;
  }

  test('square centred in the room right of the axis margin', () => {
    const [width, height] = [1280, 800];
    const camera = topDownCamera(width, height, 400, 332);
    const viewport = { x: 0, y: 0, width, height };
    const low = ndcToPixel(new Vector3(-1, -1, 0).project(camera), viewport);
    const high = ndcToPixel(new Vector3(1, 1, 0).project(camera), viewport);
    // The room is 548 px wide; less the margins, 500 × 754, so 500 / 2.3 px per world unit.
    const scale = (548 - AXIS_MARGIN.left) / (2 * ORTHOGRAPHIC_HALF);
    const centreX = 400 + AXIS_MARGIN.left + (548 - AXIS_MARGIN.left) / 2;
    const centreY = AXIS_MARGIN.top + (height - AXIS_MARGIN.top - AXIS_MARGIN.bottom) / 2;
    expect(low.px).toBeCloseTo(centreX - scale, 6);
    expect(high.px).toBeCloseTo(centreX + scale, 6);
    expect(low.py).toBeCloseTo(centreY + scale, 6);
    expect(high.py).toBeCloseTo(centreY - scale, 6);
    // The square's margin and AXIS_MARGIN stay clear of the panels.
    expect(centreX - ORTHOGRAPHIC_HALF * scale - AXIS_MARGIN.left).toBeCloseTo(400, 6);
  });

  test('half of the stacked side-by-side view keeps its margins', () => {
    // 560 × 400, as each half of a side-by-side view stacked in an 800 px high window: the square fits
    // 400 − 20 − 26 = 354 px, so its top edge (world 1.15) is AXIS_MARGIN.top below the viewport's top.
    const fit = fitOrthographic(560, 400, 0, 0);
    const scale = (400 - AXIS_MARGIN.top - AXIS_MARGIN.bottom) / (2 * ORTHOGRAPHIC_HALF);
    expect(fit.top * scale).toBeCloseTo(ORTHOGRAPHIC_HALF * scale + AXIS_MARGIN.top, 6);
    expect(-fit.bottom * scale).toBeCloseTo(ORTHOGRAPHIC_HALF * scale + AXIS_MARGIN.bottom, 6);
  });

  test('a narrow room draws under the panels', () => {
    // 1000 − 400 − 332 = 268 px is under 0.4 of 700: the whole width is used.
    const fit = fitOrthographic(1000, 700, 400, 332);
    expect(fit.roomLeft).toBe(0);
    expect(fit.roomWidth).toBe(1000);
  });

  test('viewport offset of the side-by-side view', () => {
    expect(ndcToPixel({ x: -1, y: 1 }, { x: 300, y: 400, width: 200, height: 100 })).toEqual({ px: 300, py: 400 });
    expect(ndcToPixel({ x: 0.5, y: -0.5 }, { x: 300, y: 400, width: 200, height: 100 })).toEqual({ px: 450, py: 475 });
  });
});
