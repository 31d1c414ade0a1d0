// The range of the log loss axes. uPlot places log ticks by stepping from the
// lower end, which loops until the array overflows when that end is not an
// exact power of ten, lies below about 1e-25, or equals the upper end.

import { describe, expect, test } from 'vitest';

import { LOG_FLOOR, logLossRange } from '../../src/ui/historyPlot.ts';

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
