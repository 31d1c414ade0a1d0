// The basin rule and the map image, on the CPU.

import { describe, expect, test } from 'vitest';

import {
  BASIN_DIVERGED,
  BASIN_MOVING,
  BASIN_OTHER,
  basinColor,
  MAX_BASINS,
  classifyParticle,
  countBasins,
  defaultAssignmentRadius,
} from '../../src/core/basins.ts';
import { basinImage } from '../../src/core/basinImage.ts';
import { STATUS } from '../../src/core/config.ts';

const minima = [
  { x: 0, y: 0, value: 0 },
  { x: 1, y: 0, value: -1 },
];

describe('basin rule', () => {
  test('a converged particle takes the nearest minimum within the radius', () => {
    expect(classifyParticle(STATUS.converged, 0.01, 0, minima, 0.05)).toBe(0);
    expect(classifyParticle(STATUS.converged, 0.98, 0.01, minima, 0.05)).toBe(1);
    // Within the radius of both: the nearer wins.
    expect(classifyParticle(STATUS.converged, 0.6, 0, minima, 1)).toBe(1);
  });

  test('outside every radius it is converged elsewhere', () => {
    expect(classifyParticle(STATUS.converged, 0.5, 0.5, minima, 0.05)).toBe(BASIN_OTHER);
  });

  test('diverged and moving particles have their own codes', () => {
    expect(classifyParticle(STATUS.diverged, 0, 0, minima, 0.05)).toBe(BASIN_DIVERGED);
    expect(classifyParticle(STATUS.moving, 0, 0, minima, 0.05)).toBe(BASIN_MOVING);
  });

  test('with gradient noise a moving particle near a minimum takes its basin', () => {
    expect(classifyParticle(STATUS.moving, 0.98, 0.01, minima, 0.05, true)).toBe(1);
    // Outside every radius it is still not converged, never converged elsewhere.
    expect(classifyParticle(STATUS.moving, 0.5, 0.5, minima, 0.05, true)).toBe(BASIN_MOVING);
    expect(classifyParticle(STATUS.converged, 0.5, 0.5, minima, 0.05, true)).toBe(BASIN_OTHER);
    expect(classifyParticle(STATUS.diverged, 0, 0, minima, 0.05, true)).toBe(BASIN_DIVERGED);
  });

  test('the default radius is 1% of the larger side', () => {
    expect(defaultAssignmentRadius({ xMin: -5, xMax: 5, yMin: -1, yMax: 1 })).toBeCloseTo(0.1, 15);
  });

  test('counts per basin', () => {
    const counts = countBasins([0, 1, 1, BASIN_OTHER, BASIN_DIVERGED, BASIN_MOVING, BASIN_MOVING], 2);
    expect(counts).toEqual({ minima: [1, 2], other: 1, diverged: 1, moving: 2, total: 7 });
  });
});

describe('basin image', () => {
  test('row 0 of the image is the top (largest y) row of the grid', () => {
    // A 2 × 2 grid: bottom row (y small) basins 0, 1; top row diverged, moving.
    const pixels = basinImage([0, 1, BASIN_DIVERGED, BASIN_MOVING], 2, 2);
    const pixel = (k: number) => Array.from(pixels.subarray(4 * k, 4 * k + 3));
    expect(pixel(0)).toEqual(basinColor(BASIN_DIVERGED));
    expect(pixel(1)).toEqual(basinColor(BASIN_MOVING));
    expect(pixel(2)).toEqual(basinColor(0));
    expect(pixel(3)).toEqual(basinColor(1));
  });

  test('legend colours are distinct', () => {
    const codes = [...Array.from({ length: MAX_BASINS }, (_, k) => k), BASIN_OTHER, BASIN_DIVERGED, BASIN_MOVING];
    const colours = codes.map((basin) => basinColor(basin).join(','));
    expect(new Set(colours).size).toBe(colours.length);
  });
});
