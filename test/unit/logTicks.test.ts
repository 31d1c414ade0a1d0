// Ticks of the plots' logarithmic axes: labels within a decade, on both sides
// of a power of ten, and no more labels than fit on a long range.

import { describe, expect, test } from 'vitest';

import { logTicks } from '../../src/ui/logTicks.ts';

describe('log axis ticks', () => {
  test('a sweep within one decade gets round values', () => {
    expect(logTicks(0.3, 0.7, 6)).toEqual([0.3, 0.4, 0.5, 0.6, 0.7]);
  });

  test('a sweep across 1 labels both sides of it', () => {
    expect(logTicks(0.5, 1.5, 6)).toEqual([0.5, 0.7, 1, 1.5]);
  });

  test('two decades: 1, 2 and 5 of each', () => {
    expect(logTicks(0.01, 1, 8)).toEqual([0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]);
  });

  test('many decades: powers of ten, thinned to fit', () => {
    expect(logTicks(0.01, 1e6, 9)).toEqual([0.01, 0.1, 1, 10, 100, 1000, 10000, 100000, 1e6]);
    const thinned = logTicks(1e-20, 1e20, 5);
    expect(thinned.length).toBeLessThanOrEqual(5);
    expect(thinned[0]).toBe(1e-20);
    expect(thinned.every((value, k) => k === 0 || value > thinned[k - 1])).toBe(true);
  });

  test('a range within 1 to 2 gets half steps', () => {
    expect(logTicks(1, 1.6, 6)).toEqual([1, 1.5]);
  });

  test('a range too narrow for two round values: linear ticks', () => {
    expect(logTicks(0.99, 1.01, 6)).toEqual([0.99, 0.995, 1, 1.005, 1.01]);
    expect(logTicks(5, 5.5, 6)).toEqual([5, 5.1, 5.2, 5.3, 5.4, 5.5]);
  });

  test('one tick: the roundest value', () => {
    expect(logTicks(0.3, 30, 1)).toEqual([1]);
  });

  test('never more than the maximum, on any range', () => {
    for (const [min, max] of [[0.01, 1], [0.5, 1.5], [1e-8, 1e8], [0.2, 0.9], [3e-5, 7e2], [0.99, 1.01], [5, 5.5]]) {
      for (let maxTicks = 1; maxTicks <= 12; maxTicks++) {
        const ticks = logTicks(min, max, maxTicks);
        expect(ticks.length, `${min} to ${max}, ${maxTicks} ticks`).toBeLessThanOrEqual(maxTicks);
        expect(ticks.length, `${min} to ${max}, ${maxTicks} ticks`).toBeGreaterThan(0);
      }
    }
  });

  test('float32 ranges keep labelled ticks', () => {
    // From the smallest normal float32 to the largest, in whole decades as the loss axes round them.
    for (const [min, max] of [[1e-38, 1e39], [1e32, 1e33], [1e-38, 1e-37], [1e38, 1e39], [1e-20, 1e39], [1e17, 1e18]]) {
      for (const maxTicks of [2, 4, 7]) {
        const ticks = logTicks(min, max, maxTicks);
        expect(ticks.length, `${min} to ${max}, ${maxTicks} ticks`).toBeGreaterThanOrEqual(2);
        expect(ticks.length, `${min} to ${max}, ${maxTicks} ticks`).toBeLessThanOrEqual(maxTicks);
        expect(ticks.every((tick) => tick >= min && tick <= max), `${min} to ${max} contains its ticks`).toBe(true);
      }
    }
  });

  test('degenerate ranges give no ticks', () => {
    expect(logTicks(0, 1, 5)).toEqual([]);
    expect(logTicks(1, 1, 5)).toEqual([]);
    expect(logTicks(2, 1, 5)).toEqual([]);
  });
});
