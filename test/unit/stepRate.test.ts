// The status line's particle-step rate: moving particles only, averaged over a window of
// snapshots, without the first interval after a start, a reset or a stall.

import { describe, expect, test } from 'vitest';

import { RATE_FIRST_SPAN_MS, RATE_STALL_MS, RATE_WINDOW_MS, StepRate } from '../../src/ui/statusBar.ts';

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
    rate.add(10, 1000, 100);
    rate.add(110, 600, 1100);
    // The first counted interval is taken as it is: 100 updates × (1000 + 600) / 2 particles in 1 s.
    expect(rate.value).toBeCloseTo(8e4, 6);
  });

  test('the first interval does not count', () => {
    const rate = new StepRate();
    // A reset's snapshot, then frames 250 ms apart that come 2 ms after it: the first interval alone reads 125 times the rate.
    rate.add(0, 4096, 0);
    rate.add(4, 4096, 2);
    rate.add(8, 4096, 252);
    rate.add(12, 4096, 502);
    expect(rate.value).toBe((8 * 4096) / 0.5);
    // After a reset, the same again.
    rate.reset();
    rate.add(0, 4096, 1000);
    rate.add(4, 4096, 1002);
    expect(rate.value).toBe(0);
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
    // Over the last ten bursts the shown rate stays within 15% of the mean rate, where a raw rate spans a factor of 24.
    for (const value of values) {
      expect(value).toBeGreaterThan(0.85 * 4e5);
      expect(value).toBeLessThan(1.15 * 4e5);
    }
  });

  test('a change settles within the window', () => {
    const rate = new StepRate();
    let time = 0;
    for (let k = 0; k <= 20; k++) {
      time = 100 * k;
      rate.add(10 * k, 1000, time);
    }
    expect(rate.value).toBeCloseTo(1e5, 6);
    // The moving particles drop to 100, so the rate falls from 1e5 to 1e4: halfway through the window
    // it is between the two, and once the window holds only the new snapshots it is 1e4.
    for (let k = 1; k <= RATE_WINDOW_MS / 200; k++) {
      rate.add(200 + 10 * k, 100, time + 100 * k);
    }
    expect(rate.value).toBeGreaterThan(2e4);
    expect(rate.value).toBeLessThan(9e4);
    for (let k = RATE_WINDOW_MS / 200 + 1; k <= RATE_WINDOW_MS / 100 + 1; k++) {
      rate.add(200 + 10 * k, 100, time + 100 * k);
    }
    expect(rate.value).toBeCloseTo(1e4, 6);
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
    // 12 updates in the 750 ms after the first interval, which alone reads 125 times the rate: the rate itself.
    expect(rate.value).toBe(65536);
  });

  test('no update for a second reads 0, and reset forgets', () => {
    const rate = new StepRate();
    rate.add(0, 10, 0);
    rate.add(1, 10, 10);
    rate.add(11, 10, 610);
    expect(rate.value).toBeCloseTo(1000 / 6, 6);
    rate.add(11, 10, 610 + RATE_STALL_MS);
    expect(rate.value).toBe(0);
    // After the stall the rate starts again from the mean of the new snapshots, without the interval over the stall.
    rate.add(21, 10, 1910);
    expect(rate.value).toBe(0);
    rate.add(31, 10, 2510);
    expect(rate.value).toBeCloseTo(1000 / 6, 6);
    rate.reset();
    expect(rate.value).toBe(0);
  });
});
