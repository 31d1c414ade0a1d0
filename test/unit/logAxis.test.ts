// The loss axes of the plots. uPlot places log ticks by stepping from the
// lower end, which loops until the array overflows when that end is not an
// exact power of ten, lies below about 1e-25, or equals the upper end. A
// negative loss turns the axis to uPlot's asinh scale.

import { describe, expect, test } from 'vitest';

import { formatTicks } from '../../src/ui/format.ts';
import { roundUp } from '../../src/ui/sweepPlots.ts';
import { asinhTicks, LOG_FLOOR, logLossRange, LOSS_AXIS_INCREMENTS, lossAxisFor, lossScale, lossTicks, plottedLoss } from '../../src/ui/lossAxis.ts';

const range = (min: number | null, max: number | null) => logLossRange(undefined as never, min as number, max as number, 'loss');

describe('log loss axis range', () => {
  test.each([
    [1e-30, 10, [1e-20, 10]],
    [9.999999999999999e-31, 10, [1e-20, 10]],
    [LOG_FLOOR, LOG_FLOOR, [1e-20, 1e-19]],
    [0.3, 0.3, [0.1, 1]],
    [1, 1, [1, 10]],
    [2e-7, 3.4e38, [1e-7, 1e39]],
    [0.05, 120, [0.01, 1000]],
  ])('data from %s to %s', (min, max, expected) => {
    expect(range(min, max)).toEqual(expected);
  });

  test.each([
    [null, null],
    [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
    [Number.NaN, 1],
    [0, 1],
    [-1, 1],
  ])('no usable data: %s to %s', (min, max) => {
    expect(range(min, max)).toEqual([1, 10]);
  });
});

describe('loss axis kind', () => {
  test.each([
    [[1, 0.5, 0, null, undefined], 'log'],
    [[], 'log'],
    [[Number.NaN, 3], 'log'],
    [[2, -1e-30], 'asinh'],
    [[null, -5, 7], 'asinh'],
  ] as const)('%j: %s', (losses, kind) => {
    expect(lossAxisFor(losses)).toBe(kind);
  });

  test('log scale: distribution 3, zero at the floor', () => {
    expect(lossScale('log').distr).toBe(3);
    expect(plottedLoss('log', 0)).toBe(LOG_FLOOR);
    expect(plottedLoss('log', 0.5)).toBe(0.5);
    expect(plottedLoss('log', null)).toBe(null);
  });

  test('asinh scale: distribution 4, losses as they are', () => {
    expect(lossScale('asinh')).toEqual({ distr: 4, asinh: 1 });
    expect(plottedLoss('asinh', -1.0316)).toBe(-1.0316);
    expect(plottedLoss('asinh', 0)).toBe(0);
  });
});

describe('asinh axis ticks', () => {
  test.each([
    [-1.5, 120, [-1, 0, 1, 10, 100]],
    [-80, -0.5, [-10, -1]],
    [-1000, 1000, [-1000, -100, -10, -1, 0, 1, 10, 100, 1000]],
    [2.03, 2.21, [2, 2.2].filter((tick) => tick >= 2.03)],
    [0.2, 0.7, [0.2, 0.7]],
  ])('%s to %s', (min, max, expected) => {
    expect(asinhTicks(min, max)).toEqual(expected);
  });

  test('no ticks for an empty or undefined range', () => {
    expect(asinhTicks(1, 1)).toEqual([]);
    expect(asinhTicks(Number.NaN, 1)).toEqual([]);
  });
});

// Losses a float32 kernel can report: the smallest normal value to the largest finite one.
const FLOAT32_LOG_RANGES: [number, number][] = [
  [1.2e-38, 3.4e38],
  [7e32, 7e32],
  [6.9e32, 7.4e32],
  [1e17, 1e18],
  [3e37, 3.4e38],
  [1.2e-38, 1e-30],
  [1e-5, 12345],
];
const FLOAT32_ASINH_RANGES: [number, number][] = [
  [-3.4e38, 3.4e38],
  [-7e32, 2],
  [-3.4e38, -1.2e-38],
  [-1e-30, -1.2e-38],
  [-1.2e-38, 1.2e-38],
  [-1.5, 7e32],
];

/** Returns whether uPlot 1.6.32 draws the axis: it needs an increment that spaces ticks `space` pixels apart on `height` pixels. */
function uPlotFindsIncrement(min: number, max: number, height = 130, space = 30): boolean {
  return LOSS_AXIS_INCREMENTS.some((increment) => (height * increment) / (max - min) >= space);
}

/** Checks the ticks of a `kind` loss axis from `min` to `max`: at least two, inside the range, each with its own label. */
function expectLabelledTicks(kind: 'log' | 'asinh', min: number, max: number): number[] {
  const options = lossTicks(kind, 7);
  const splits = (options.splits as (...args: unknown[]) => number[])(undefined, 2, min, max, 0, 0);
  const labels = formatTicks(undefined, splits);

  expect(uPlotFindsIncrement(min, max)).toBe(true);
  expect(options.incrs).toEqual(LOSS_AXIS_INCREMENTS);
  expect(splits.length).toBeGreaterThanOrEqual(2);
  expect(splits.every((tick) => tick >= min && tick <= max)).toBe(true);
  expect(labels.every((label) => label !== '')).toBe(true);
  expect(new Set(labels).size).toBe(labels.length);
  return splits;
}

describe('loss axis ticks over float32 ranges', () => {
  test.each(FLOAT32_LOG_RANGES)('log axis, losses %s to %s', (lowest, highest) => {
    const [min, max] = range(lowest, highest) as [number, number];
    const splits = expectLabelledTicks('log', min, max);
    expect(splits.length).toBeLessThanOrEqual(7);
  });

  test.each(FLOAT32_ASINH_RANGES)('asinh axis, losses %s to %s', (min, max) => {
    expectLabelledTicks('asinh', min, max);
  });

  test("uPlot's default increments miss huge ranges", () => {
    // uPlot's default list ends at 5e31: an axis from 1e32 to 1e33 got no tick at all.
    expect((130 * 5e31) / (1e33 - 1e32)).toBeLessThan(30);
    expect(uPlotFindsIncrement(1e32, 1e33)).toBe(true);
  });
});

describe('axis labels', () => {
  test('tick labels drop the exponent plus sign', () => {
    expect(formatTicks(undefined, [1e21, -5e5, 0.25, -1e-7, null])).toEqual(['1e21', '-5e5', '0.25', '-1e-7', '']);
  });

  test.each([
    [0, 1],
    [0.7, 1],
    [1, 1],
    [1.3, 2],
    [3400, 5000],
    [5000, 5000],
    [5001, 10000],
  ])('updates axis up to %s ends at %s', (value, top) => {
    expect(roundUp(value)).toBe(top);
  });
});
