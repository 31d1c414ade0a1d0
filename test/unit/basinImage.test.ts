// The basin map's shading and its images for the PNG export, on the CPU.

import { describe, expect, test } from 'vitest';

import { basinDifferenceImage, basinImage, sideBySideGap, sideBySideImage } from '../../src/core/basinImage.ts';
import { BASIN_DIVERGED, BASIN_MOVING, basinColor } from '../../src/core/basins.ts';
import { AGREEING_DIM, MIN_BRIGHTNESS, NUMBER_MATH, basinsDiffer, convergenceBrightness } from '../../src/core/basinShading.ts';
import { linearRgb, linearToSrgb } from '../../src/core/colorScience.ts';
import { DIFFERENCE_COLOR } from '../../src/core/palette.ts';

const brightness = (steps: number, stepsDone: number): number => convergenceBrightness(NUMBER_MATH, steps, stepsDone);

/** Scales the linear light of `color` by `factor` and returns it as 8-bit sRGB. */
function scaled(color: readonly [number, number, number], factor: number): number[] {
  return linearRgb(color).map((channel) => linearToSrgb(channel * factor));
}

function pixel(pixels: Uint8Array, k: number): number[] {
  return Array.from(pixels.subarray(4 * k, 4 * k + 4));
}

describe('convergence brightness', () => {
  test('1 at no update, MIN_BRIGHTNESS at all updates done and past them', () => {
    expect(brightness(0, 1000)).toBe(1);
    expect(brightness(1000, 1000)).toBeCloseTo(MIN_BRIGHTNESS, 12);
    expect(brightness(5000, 1000)).toBeCloseTo(MIN_BRIGHTNESS, 12);
  });

  test('logarithmic in the updates', () => {
    // log(32) / log(1024) = 0.5 of the way from 1 to MIN_BRIGHTNESS.
    expect(brightness(31, 1023)).toBeCloseTo(1 - 0.5 * (1 - MIN_BRIGHTNESS), 12);
    const values = [0, 1, 10, 100, 500].map((steps) => brightness(steps, 500));
    for (let k = 1; k < values.length; k++) {
      expect(values[k], `after ${[0, 1, 10, 100, 500][k]} updates`).toBeLessThan(values[k - 1]);
    }
  });

  test('fewer than 2 updates done count as 2', () => {
    expect(brightness(1, 0)).toBeCloseTo(brightness(1, 2), 12);
    expect(brightness(1, 1)).toBeCloseTo(1 - Math.log(2) / Math.log(3) * (1 - MIN_BRIGHTNESS), 12);
  });
});

describe('basin images', () => {
  const shading = { stopSteps: [0, 100, 100, 40], stepsDone: 100 };

  test('shaded by the updates each start took, except a start still moving', () => {
    // Bottom row: basin 0 after 0 updates, basin 1 after 100; top row: diverged after 100, moving.
    const pixels = basinImage([0, 1, BASIN_DIVERGED, BASIN_MOVING], 2, 2, shading);
    expect(pixel(pixels, 2)).toEqual([...basinColor(0), 255]);
    expect(pixel(pixels, 3)).toEqual([...scaled(basinColor(1), MIN_BRIGHTNESS), 255]);
    expect(pixel(pixels, 0)).toEqual([...scaled(basinColor(BASIN_DIVERGED), MIN_BRIGHTNESS), 255]);
    expect(pixel(pixels, 1)).toEqual([...basinColor(BASIN_MOVING), 255]);
  });

  test('flat legend colours without shading', () => {
    const pixels = basinImage([0, 1, BASIN_DIVERGED, BASIN_MOVING], 2, 2);
    expect(pixel(pixels, 3)).toEqual([...basinColor(1), 255]);
    expect(pixel(pixels, 0)).toEqual([...basinColor(BASIN_DIVERGED), 255]);
  });

  test('difference: marked where settled basins differ, else the first map dimmed', () => {
    const first = [0, 1, BASIN_DIVERGED, BASIN_MOVING];
    const second = [1, 1, 2, 0];
    const pixels = basinDifferenceImage(first, second, 2, 2, shading);
    expect(pixel(pixels, 2), 'basins 0 and 1').toEqual([...DIFFERENCE_COLOR, 255]);
    expect(pixel(pixels, 3), 'both basin 1').toEqual([...scaled(basinColor(1), MIN_BRIGHTNESS * AGREEING_DIM), 255]);
    expect(pixel(pixels, 0), 'diverged and basin 2').toEqual([...DIFFERENCE_COLOR, 255]);
    expect(pixel(pixels, 1), 'moving in the first').toEqual([...scaled(basinColor(BASIN_MOVING), AGREEING_DIM), 255]);
  });

  test('basinsDiffer leaves out a start moving in either configuration', () => {
    expect(basinsDiffer(0, 1)).toBe(true);
    expect(basinsDiffer(0, BASIN_DIVERGED)).toBe(true);
    expect(basinsDiffer(2, 2)).toBe(false);
    expect(basinsDiffer(BASIN_MOVING, 1)).toBe(false);
    expect(basinsDiffer(1, BASIN_MOVING)).toBe(false);
  });
});

describe('side-by-side image', () => {
  /** Returns a 3 × 2 image whose pixel k is (base + k, 0, 0, 255). */
  function numbered(base: number): Uint8Array {
    const pixels = new Uint8Array(4 * 6);
    for (let k = 0; k < 6; k++) {
      pixels.set([base + k, 0, 0, 255], 4 * k);
    }
    return pixels;
  }

  test('gap of 1/32 of the side across it, at least 1 pixel', () => {
    expect(sideBySideGap(24, 24, 'columns')).toBe(1);
    expect(sideBySideGap(64, 32, 'columns')).toBe(2);
    expect(sideBySideGap(64, 32, 'rows')).toBe(1);
    expect(sideBySideGap(512, 512, 'rows')).toBe(16);
    // A 1D map stacked: one row each, one row between.
    expect(sideBySideGap(512, 1, 'rows')).toBe(1);
  });

  test('columns: the second map right of the first, a transparent column between', () => {
    const image = sideBySideImage(numbered(10), numbered(100), 3, 2, 'columns');
    expect([image.width, image.height]).toEqual([7, 2]);
    const at = (x: number, y: number) => pixel(image.pixels, y * image.width + x);
    expect(at(0, 0)).toEqual([10, 0, 0, 255]);
    expect(at(2, 1)).toEqual([15, 0, 0, 255]);
    expect(at(3, 0)).toEqual([0, 0, 0, 0]);
    expect(at(3, 1)).toEqual([0, 0, 0, 0]);
    expect(at(4, 0)).toEqual([100, 0, 0, 255]);
    expect(at(6, 1)).toEqual([105, 0, 0, 255]);
  });

  test('rows: the second map below the first, a transparent row between', () => {
    const image = sideBySideImage(numbered(10), numbered(100), 3, 2, 'rows');
    expect([image.width, image.height]).toEqual([3, 5]);
    const at = (x: number, y: number) => pixel(image.pixels, y * image.width + x);
    expect(at(2, 1)).toEqual([15, 0, 0, 255]);
    expect([0, 1, 2].map((x) => at(x, 2)[3])).toEqual([0, 0, 0]);
    expect(at(0, 3)).toEqual([100, 0, 0, 255]);
    expect(at(2, 4)).toEqual([105, 0, 0, 255]);
  });
});
