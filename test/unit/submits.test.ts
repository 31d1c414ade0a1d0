// How long runs are split into submits: never more than MAX_STEPS_PER_DISPATCH
// updates or MAX_PARTICLE_STEPS_PER_SUBMIT particle-steps in one submit.

import { describe, expect, test } from 'vitest';

import { GRID_2D, MAX_PARTICLE_STEPS_PER_SUBMIT, MAX_STEPS_PER_DISPATCH, planDispatches, stepsPerSubmit } from '../../src/core/limits.ts';

describe('stepsPerSubmit', () => {
  test('small runs keep the dispatch limit', () => {
    expect(stepsPerSubmit(1)).toBe(MAX_STEPS_PER_DISPATCH);
    expect(stepsPerSubmit(65_536)).toBe(MAX_STEPS_PER_DISPATCH);
    expect(stepsPerSubmit(65_536, 64)).toBe(64);
  });

  test('the largest grid is split by particle-steps', () => {
    const particles = GRID_2D.max * GRID_2D.max;
    const steps = stepsPerSubmit(particles);
    expect(steps).toBe(256);
    expect(steps * particles).toBeLessThanOrEqual(MAX_PARTICLE_STEPS_PER_SUBMIT);
    expect((steps + 1) * particles).toBeGreaterThan(MAX_PARTICLE_STEPS_PER_SUBMIT);
  });

  test.each([1_000, 1_048_576, 4_194_305, 5_000_000, 100_000_000])('%i particles stay within the submit size', (particles) => {
    const steps = stepsPerSubmit(particles);
    expect(Number.isInteger(steps)).toBe(true);
    expect(steps).toBeGreaterThanOrEqual(1);
    expect(steps).toBeLessThanOrEqual(MAX_STEPS_PER_DISPATCH);
    expect(steps * particles).toBeLessThanOrEqual(MAX_PARTICLE_STEPS_PER_SUBMIT);
  });

  test('more particles than one submit may hold still get one update', () => {
    expect(stepsPerSubmit(MAX_PARTICLE_STEPS_PER_SUBMIT * 2)).toBe(1);
  });
});

describe('planDispatches', () => {
  test('a long run of 4,194,305 particles is split by particle-steps', () => {
    // 2^30 / 4,194,305 = 255.99…, so 255 updates per submit.
    expect(planDispatches(4_194_305, 257)).toEqual([255, 2]);
  });

  test('a long run of few particles is split by the dispatch limit', () => {
    expect(planDispatches(65_536, 5_000)).toEqual([MAX_STEPS_PER_DISPATCH, MAX_STEPS_PER_DISPATCH, 1_000]);
  });

  test('a smaller dispatch limit is kept', () => {
    expect(planDispatches(256, 200, 64)).toEqual([64, 64, 64, 8]);
  });

  test.each([
    [1, 1],
    [4_194_304, 2_000],
    [5_000_000, 1_234],
  ])('%i particles, %i updates: every update once, every submit within the bound', (particles, steps) => {
    const dispatches = planDispatches(particles, steps);
    expect(dispatches.reduce((sum, updates) => sum + updates, 0)).toBe(steps);
    for (const updates of dispatches) {
      expect(updates * particles).toBeLessThanOrEqual(MAX_PARTICLE_STEPS_PER_SUBMIT);
    }
  });
});
