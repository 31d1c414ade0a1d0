// The status line's particle-step rate: moving particles only, smoothed over about a second,
// and averaged over its whole span until that span reaches a second.

import { describe, expect, test } from 'vitest';

import { RATE_FIRST_SPAN_MS, RATE_SMOOTHING_MS, StepRate } from '../../src/ui/statusBar.ts';

describe('particle-step rate', () => {
  test('steady snapshots give steps times moving particles per second', () => {
    const rate = new StepRate();
    for (let k = 0; k <= 10; k++) {
      rate.add(100 * k, 1000, 250 * k);
    }
    // 100 updates of 1,000 particles every 0.25 s.
    expect(rate.value).toBeCloseTo(4e5, 6);
  });

  test('converged and diverged particles do not count', () => {
    const rate = new StepRate();
    for (let k = 0; k <= 20; k++) {
      rate.add(100 * k, 250, 250 * k);
    }
    expect(rate.value).toBeCloseTo(1e5, 6);
  });

  test('particles that stop during an interval count half', () => {
    const rate = new StepRate();
    rate.add(0, 1000, 0);
    rate.add(100, 600, 1000);
    // The first rate is taken as it is: 100 updates × (1000 + 600) / 2 particles in 1 s.
    expect(rate.value).toBeCloseTo(8e4, 6);
  });

  test('bursts of snapshots do not make it flicker', () => {
    const rate = new StepRate();
    // Snapshots alternate between 20 ms and 480 ms apart with 100 updates each, so single-interval
    // rates alternate between 5e6 and 2.1e5; the mean is 100 × 1000 per 0.25 s = 4e5.
    let time = 0;
    let steps = 0;
    rate.add(steps, 1000, time);
    const values: number[] = [];
    for (let k = 0; k < 40; k++) {
      time += k % 2 === 0 ? 20 : 480;
      steps += 100;
      rate.add(steps, 1000, time);
      if (k >= 20) values.push(rate.value);
    }
    // Over the last ten bursts the shown rate stays within 25% of the mean rate, where a raw rate spans a factor of 24.
    for (const value of values) {
      expect(value).toBeGreaterThan(0.75 * 4e5);
      expect(value).toBeLessThan(1.25 * 4e5);
    }
  });

  test('a change settles within a few time constants', () => {
    const rate = new StepRate();
    let time = 0;
    for (let k = 0; k <= 20; k++) {
      time = 100 * k;
      rate.add(10 * k, 1000, time);
    }
    expect(rate.value).toBeCloseTo(1e5, 6);
    // The moving particles drop to 100, so the rate falls from 1e5 towards 1e4. Three time constants
    // shrink the gap of 9e4 by e⁻³ ≈ 0.05; the first interval counts the mean of 1,000 and 100 particles.
    for (let k = 1; k <= (3 * RATE_SMOOTHING_MS) / 100; k++) {
      rate.add(200 + 10 * k, 100, time + 100 * k);
    }
    expect(rate.value).toBeGreaterThan(1e4);
    expect(rate.value - 1e4).toBeLessThan(0.06 * 9e4);
  });

  test('early bursts give no spike', () => {
    const rate = new StepRate();
    // After a page load, the first snapshots arrive 2 ms apart with 4 updates each, then every 250 ms.
    // 4,096 particles at 16 updates a second are 65,536 particle-steps a second.
    rate.add(0, 4096, 0);
    rate.add(4, 4096, 2);
    // One interval of 2 ms is no rate yet.
    expect(rate.value).toBe(0);
    let time = 2;
    let steps = 4;
    for (let k = 1; k <= 3; k++) {
      time += 250;
      steps += 4;
      rate.add(steps, 4096, time);
      // No rate before the snapshots span RATE_FIRST_SPAN_MS.
      expect(rate.value === 0).toBe(time < RATE_FIRST_SPAN_MS);
    }
    // 16 updates in 752 ms: within 40% of the true rate, where the first interval alone reads 125 times it.
    expect(rate.value).toBeCloseTo((16 * 4096) / 0.752, 3);
    expect(rate.value).toBeLessThan(1.4 * 65536);
  });

  test('no update for a second reads 0, and reset forgets', () => {
    const rate = new StepRate();
    rate.add(0, 10, 0);
    rate.add(10, 10, 600);
    expect(rate.value).toBeCloseTo(1000 / 6, 6);
    rate.add(10, 10, 600 + RATE_SMOOTHING_MS);
    expect(rate.value).toBe(0);
    // After the stall the rate starts again from the mean of the new snapshots.
    rate.add(20, 10, 1900);
    expect(rate.value).toBeCloseTo(100 / 1.3, 6);
    rate.reset();
    expect(rate.value).toBe(0);
  });
});
