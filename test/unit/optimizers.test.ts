// The optimizers, schedules and noise of the CPU reference against values
// worked out by hand from torch.optim's documented update rules.

import { describe, expect, test } from 'vitest';

import { compileFormula } from '../../src/core/expr/index.ts';
import {
  DEFAULT_CRITERIA,
  DEFAULT_SCHEDULE,
  OPTIMIZER_NAMES,
  STATUS,
  defaultOptimizer,
  type OptimizerConfig,
  type ScheduleConfig,
  type StopCriteria,
} from '../../src/core/config.ts';
import { gaussianPair, lowbias32, noiseBits, uniformSigned } from '../../src/core/noise.ts';
import { ReferenceRun, type Precision } from '../../src/core/reference.ts';
import { learningRateAt, rateChanges, scheduleSpan, updateRateAt } from '../../src/core/schedule.ts';

const NEVER_STOP: StopCriteria = { gradTol: 0, stepTol: 0, divergeBound: 3e38 };

/** Positions of a 1D particle after updates 1, 2 and 3 on `formula`. */
function firstThree(formula: string, config: OptimizerConfig, x0: number, precision: Precision = 'f64'): number[] {
  const surface = compileFormula(formula);
  const run = new ReferenceRun(
    { surface, optimizer: config, criteria: NEVER_STOP, starts: { kind: 'list', points: Float64Array.of(x0, 0) } },
    precision,
  );
  const xs: number[] = [];
  for (let k = 0; k < 3; k++) {
    run.advance(1);
    xs.push(run.positions[0]);
  }
  return xs;
}

function expectClose(actual: number[], expected: number[], tolerance: number): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, k) => {
    expect(Math.abs(value - expected[k]), `update ${k + 1}: ${value} against ${expected[k]}`).toBeLessThanOrEqual(tolerance);
  });
}

// On f(x) = x² (gradient 2x) from x = 1 with η = 0.1, worked by hand. A few
// float64 roundings separate these decimal values from the computed ones, so
// 1e-12 is ample.
const TOLERANCE = 1e-12;

describe('first three updates, worked by hand', () => {
  test('gd: x ← x − η g', () => {
    expectClose(firstThree('x^2', defaultOptimizer('gd'), 1), [0.8, 0.64, 0.512], TOLERANCE);
  });

  test('momentum: b₁ = g₁, then b ← μ b + (1 − τ) g', () => {
    // g = 2, b = 2, x = 0.8; g = 1.6, b = 1.8 + 1.6 = 3.4, x = 0.46; g = 0.92, b = 3.06 + 0.92 = 3.98, x = 0.062.
    expectClose(firstThree('x^2', defaultOptimizer('momentum'), 1), [0.8, 0.46, 0.062], TOLERANCE);
  });

  test('momentum with dampening: the first buffer is not dampened', () => {
    // τ = 0.5. b = 2, x = 0.8; b = 1.8 + 0.5·1.6 = 2.6, x = 0.54; b = 2.34 + 0.5·1.08 = 2.88, x = 0.252.
    expectClose(firstThree('x^2', { ...defaultOptimizer('momentum'), dampening: 0.5 }, 1), [0.8, 0.54, 0.252], TOLERANCE);
  });

  test('momentum 0 ignores dampening', () => {
    // torch.optim.SGD keeps no buffer when μ = 0, so τ = 0.5 changes nothing: plain descent.
    expectClose(firstThree('x^2', { ...defaultOptimizer('momentum'), momentum: 0, dampening: 0.5 }, 1), [0.8, 0.64, 0.512], TOLERANCE);
  });

  test('nesterov on x²/2 from 1: x₁ = 0.81, x₂ = 0.5751', () => {
    // g = 1, b = 1, step g + μb = 1.9: x = 0.81. g = 0.81, b = 0.9 + 0.81 = 1.71,
    // step 0.81 + 1.539 = 2.349: x = 0.5751. g = 0.5751, b = 1.539 + 0.5751 = 2.1141,
    // step 0.5751 + 1.90269 = 2.47779: x = 0.327321.
    expectClose(firstThree('x^2/2', defaultOptimizer('nesterov'), 1), [0.81, 0.5751, 0.327321], TOLERANCE);
  });

  test('adagrad: x ← x − η g / (√(Σg²) + ε), with learning-rate decay', () => {
    const config = { ...defaultOptimizer('adagrad'), lrDecay: 0.5, initialAccumulator: 0.25 };
    // Worked in float64, step by step, from the documented rule.
    let x = 1;
    let sum = 0.25;
    const expected: number[] = [];
    for (let t = 0; t < 3; t++) {
      const g = 2 * x;
      const lr = 0.1 / (1 + t * 0.5);
      sum += g * g;
      x -= (lr * g) / (Math.sqrt(sum) + 1e-10);
      expected.push(x);
    }
    // First update by hand: Σ = 0.25 + 4 = 4.25, x = 1 − 0.2/(2.0615528 + ε) = 0.90298575.
    expect(expected[0]).toBeCloseTo(1 - 0.2 / (Math.sqrt(4.25) + 1e-10), 14);
    expectClose(firstThree('x^2', config, 1), expected, TOLERANCE);
  });

  test('rmsprop: v ← αv + (1 − α)g², x ← x − η g / (√v + ε)', () => {
    // v = 0.01·4 = 0.04, √v = 0.2: x = 1 − 0.1·2/(0.2 + 1e-8) = 4.99999975e-8.
    const xs = firstThree('x^2', defaultOptimizer('rmsprop'), 1);
    expect(xs[0]).toBeCloseTo(1 - 0.2 / (0.2 + 1e-8), 14);
  });

  test('rmsprop centred with momentum', () => {
    const config = { ...defaultOptimizer('rmsprop'), centered: true, momentum: 0.5, alpha: 0.9 };
    let x = 1;
    let v = 0;
    let average = 0;
    let buffer = 0;
    const expected: number[] = [];
    for (let t = 0; t < 3; t++) {
      const g = 2 * x;
      v = 0.9 * v + 0.1 * g * g;
      average = 0.9 * average + 0.1 * g;
      buffer = 0.5 * buffer + g / (Math.sqrt(v - average * average) + 1e-8);
      x -= 0.1 * buffer;
      expected.push(x);
    }
    // First update: v = 0.4, ḡ = 0.2, √(v − ḡ²) = 0.6, b = 2/0.6: x = 1 − 1/3.
    expect(expected[0]).toBeCloseTo(1 - 0.1 * (2 / (0.6 + 1e-8)), 14);
    expectClose(firstThree('x^2', config, 1), expected, TOLERANCE);
  });

  test('adam: ε added after the square root (constant gradient 1e-6, η = 0.01)', () => {
    // m̂ = g and v̂ = g² on the first update, so the step is η g / (|g| + ε)
    // = 0.01 · 1e-6 / (1e-6 + 1e-8) = 0.00990099. Adding ε inside the root
    // would move 1e-4, and TensorFlow's ε̂ form would move 0.0076.
    const config = { ...defaultOptimizer('adam'), lr: 0.01 };
    const xs = firstThree('1e-6*x', config, 0);
    expect(xs[0]).toBeCloseTo(-0.00990099, 8);
    expect(Math.abs(xs[0] + 0.01 * (1e-6 / (1e-6 + 1e-8)))).toBeLessThanOrEqual(1e-17);
    // A constant gradient keeps m̂ = g and v̂ = g²: the same step every update.
    expect(xs[1] - xs[0]).toBeCloseTo(xs[0], 15);
    expect(xs[2] - xs[1]).toBeCloseTo(xs[0], 15);
  });

  test('adam in float32: corrections match the moments', () => {
    // The float32 values of 0.999 and 0.001 sum to 1 + 1.3e-8. Corrected by
    // 1 − β₂ᵗ from the rounded β₂, the first step moved 0.009900924. With the
    // moments' own recurrence it moves 0.0099009899, within float32 rounding
    // of float64, and so does every later step.
    const config = { ...defaultOptimizer('adam'), lr: 0.01 };
    const xs = firstThree('1e-6*x', config, 0, 'f32');
    const exact = -0.01 * (1e-6 / (1e-6 + 1e-8));
    expect(Math.abs(xs[0] - exact) / Math.abs(exact)).toBeLessThan(2 ** -22);
    expect(Math.abs(xs[1] - 2 * exact) / Math.abs(exact)).toBeLessThan(2 ** -21);
    expect(Math.abs(xs[2] - 3 * exact) / Math.abs(exact)).toBeLessThan(2 ** -20);
  });

  test('adam and amsgrad on x², worked by hand', () => {
    for (const amsgrad of [false, true]) {
      const config = { ...defaultOptimizer('adam'), amsgrad, beta1: 0.8, beta2: 0.9 };
      let x = 1;
      let m = 0;
      let v = 0;
      let vMax = 0;
      const expected: number[] = [];
      for (let t = 1; t <= 3; t++) {
        const g = 2 * x;
        m = 0.8 * m + 0.2 * g;
        v = 0.9 * v + 0.1 * g * g;
        vMax = Math.max(vMax, v);
        const mHat = m / (1 - 0.8 ** t);
        const vHat = (amsgrad ? vMax : v) / (1 - 0.9 ** t);
        x -= (0.1 * mHat) / (Math.sqrt(vHat) + 1e-8);
        expected.push(x);
      }
      expectClose(firstThree('x^2', config, 1), expected, TOLERANCE);
    }
  });

  test('amsgrad takes the maximum of v before the correction, as torch.optim.Adam', () => {
    // PyTorch keeps max(v) and divides it by 1 − β₂ᵗ. A maximum over the corrected v̂
    // gives y = −0.19268 after 7 updates here, where PyTorch's rule gives −0.08941.
    const surface = compileFormula('x^2 + 2*y^2');
    const optimizer = { ...defaultOptimizer('adam', 0.1), amsgrad: true };
    const run = new ReferenceRun({ surface, optimizer, criteria: NEVER_STOP, starts: { kind: 'list', points: Float64Array.of(1.5, -0.75) } }, 'f64');
    run.advance(7);

    const p = [1.5, -0.75];
    const m = [0, 0];
    const v = [0, 0];
    const vMax = [0, 0];
    for (let t = 1; t <= 7; t++) {
      const g = [2 * p[0], 4 * p[1]];
      for (const k of [0, 1]) {
        m[k] = 0.9 * m[k] + 0.1 * g[k];
        v[k] = 0.999 * v[k] + 0.001 * g[k] * g[k];
        vMax[k] = Math.max(vMax[k], v[k]);
        const denominator = Math.sqrt(vMax[k] / (1 - 0.999 ** t)) + 1e-8;
        p[k] -= (0.1 * (m[k] / (1 - 0.9 ** t))) / denominator;
      }
    }
    // The correction by recurrence and the power 0.999ᵗ agree to about 1e-15 in float64.
    expect(Math.abs(run.positions[0] - p[0])).toBeLessThan(1e-12);
    expect(Math.abs(run.positions[1] - p[1])).toBeLessThan(1e-12);
    expect(run.positions[0]).toBeCloseTo(0.81231, 5);
    expect(run.positions[1]).toBeCloseTo(-0.08941, 5);
  });

  test('adamw: decoupled decay p ← p − ηλp before the Adam step', () => {
    const config = { ...defaultOptimizer('adamw'), weightDecay: 0.5 };
    // First update: decay 1 − 0.1·0.5 = 0.95, then the Adam step 0.1·2/(2 + 1e-8).
    const xs = firstThree('x^2', config, 1);
    expect(xs[0]).toBeCloseTo(0.95 - 0.1 * (2 / (2 + 1e-8)), 14);
  });

  test('coupled weight decay adds λx to the gradient', () => {
    // g + λx = 2x + 0.5x = 2.5x: x ← x(1 − 0.25).
    expectClose(firstThree('x^2', { ...defaultOptimizer('gd'), weightDecay: 0.5 }, 1), [0.75, 0.5625, 0.421875], TOLERANCE);
  });
});

describe('a start at a minimum stays there', () => {
  test.each(OPTIMIZER_NAMES)('%s: no movement and no NaN', (name) => {
    const surface = compileFormula('x^2 + 2*y^2');
    for (const precision of ['f32', 'f64'] as const) {
      const run = new ReferenceRun(
        { surface, optimizer: { ...defaultOptimizer(name), weightDecay: 0 }, criteria: NEVER_STOP, starts: { kind: 'list', points: Float64Array.of(0, 0) } },
        precision,
      );
      run.advance(50);
      expect(run.positions[0]).toBe(0);
      expect(run.positions[1]).toBe(0);
      expect(Array.from(run.state).every(Number.isFinite)).toBe(true);
    }
  });
});

describe('stability limits', () => {
  function statusAfter(formula: string, config: OptimizerConfig, steps: number, starts: number[]): number[] {
    const surface = compileFormula(formula);
    const run = new ReferenceRun({ surface, optimizer: config, criteria: DEFAULT_CRITERIA, starts: { kind: 'list', points: Float64Array.from(starts) } }, 'f64');
    run.advance(steps);
    return Array.from(run.status);
  }

  test('gd on x² + 10y² diverges exactly above η = 0.1', () => {
    const starts = [1, 1, -0.5, 0.3, 0.2, -1];
    expect(statusAfter('x^2 + 10*y^2', defaultOptimizer('gd', 0.0995), 20000, starts)).toEqual([STATUS.converged, STATUS.converged, STATUS.converged]);
    expect(statusAfter('x^2 + 10*y^2', defaultOptimizer('gd', 0.1005), 20000, starts)).toEqual([STATUS.diverged, STATUS.diverged, STATUS.diverged]);
  });

  test.each([0, 0.5, 0.9])('heavy ball with β = %s is stable exactly while ηλ < 2 + 2β', (beta) => {
    // f = λx²/2 with λ = 4: the limit is η = (2 + 2β)/4.
    const limit = (2 + 2 * beta) / 4;
    const config = (lr: number): OptimizerConfig => ({ ...defaultOptimizer('momentum', lr), momentum: beta });
    expect(statusAfter('2*x^2', config(limit * 0.98), 50000, [1, 0, -0.3, 0])).toEqual([STATUS.converged, STATUS.converged]);
    expect(statusAfter('2*x^2', config(limit * 1.02), 50000, [1, 0, -0.3, 0])).toEqual([STATUS.diverged, STATUS.diverged]);
  });
});

describe('learning-rate schedules', () => {
  const schedule = (overrides: Partial<ScheduleConfig>): ScheduleConfig => ({ ...DEFAULT_SCHEDULE, ...overrides });

  test('constant', () => {
    expect(learningRateAt(schedule({}), 0.3, 0)).toBe(0.3);
    expect(learningRateAt(schedule({}), 0.3, 12345)).toBe(0.3);
  });

  test('step: η γ^⌊t/k⌋', () => {
    const config = schedule({ name: 'step', stepSize: 10, gamma: 0.5 });
    expect([0, 9, 10, 19, 20, 35].map((t) => learningRateAt(config, 1, t))).toEqual([1, 1, 0.5, 0.5, 0.25, 0.125]);
  });

  test('exponential: η γ^t', () => {
    const config = schedule({ name: 'exponential', gamma: 0.9 });
    expect(learningRateAt(config, 2, 0)).toBe(2);
    expect(learningRateAt(config, 2, 3)).toBeCloseTo(2 * 0.729, 15);
  });

  test('cosine: m + (η − m)(1 + cos(π min(t, T)/T))/2', () => {
    const config = schedule({ name: 'cosine', tMax: 100, lrMin: 0.01 });
    expect(learningRateAt(config, 0.1, 0)).toBeCloseTo(0.1, 15);
    expect(learningRateAt(config, 0.1, 50)).toBeCloseTo(0.055, 15);
    expect(learningRateAt(config, 0.1, 100)).toBeCloseTo(0.01, 15);
    expect(learningRateAt(config, 0.1, 250)).toBeCloseTo(0.01, 15);
  });

  test('cyclic: triangular between m and η, period 2k, starting at m', () => {
    const config = schedule({ name: 'cyclic', stepSize: 4, lrMin: 0.1 });
    const rates = [0, 1, 2, 4, 6, 8, 10, 12].map((t) => learningRateAt(config, 0.5, t));
    const expected = [0.1, 0.2, 0.3, 0.5, 0.3, 0.1, 0.3, 0.5];
    rates.forEach((rate, k) => expect(rate).toBeCloseTo(expected[k], 14));
  });

  test('warm-up scales any schedule by min(1, (t + 1)/w)', () => {
    const config = schedule({ name: 'step', stepSize: 10, gamma: 0.5, warmup: 4 });
    expect([0, 1, 2, 3, 4, 10].map((t) => learningRateAt(config, 1, t))).toEqual([0.25, 0.5, 0.75, 1, 1, 0.5]);
  });

  test('the rate of an update includes AdaGrad\'s lr_decay', () => {
    const adagrad = { ...defaultOptimizer('adagrad', 0.5), lrDecay: 0.5 };
    const cosine = schedule({ name: 'cosine', tMax: 200, lrMin: 0.05, warmup: 50 });
    // At t = 14 the schedule gives 0.14837 (warm-up factor 15/50), and AdaGrad divides it by 1 + 14 · 0.5.
    expect(learningRateAt(cosine, 0.5, 14)).toBeCloseTo(0.14837, 5);
    expect(updateRateAt(adagrad, cosine, 14)).toBe(learningRateAt(cosine, 0.5, 14) / 8);
    expect(updateRateAt(defaultOptimizer('gd', 0.5), cosine, 14)).toBe(learningRateAt(cosine, 0.5, 14));
  });

  test('a rate that changes: schedule, warm-up or lr_decay', () => {
    expect(rateChanges(defaultOptimizer('gd'), schedule({}))).toBe(false);
    expect(rateChanges(defaultOptimizer('gd'), schedule({ warmup: 5 }))).toBe(true);
    expect(rateChanges(defaultOptimizer('gd'), schedule({ name: 'cosine' }))).toBe(true);
    expect(rateChanges({ ...defaultOptimizer('adagrad'), lrDecay: 0.1 }, schedule({}))).toBe(true);
    expect(rateChanges(defaultOptimizer('adagrad'), schedule({}))).toBe(false);
  });

  test('the plotted span shows each schedule\'s shape', () => {
    expect(scheduleSpan(schedule({}))).toBe(400);
    expect(scheduleSpan(schedule({ name: 'step', stepSize: 100 }))).toBe(500);
    // 0.5⁷ < 0.01 < 0.5⁶, but never fewer than 20 updates.
    expect(scheduleSpan(schedule({ name: 'exponential', gamma: 0.5 }))).toBe(20);
    expect(scheduleSpan(schedule({ name: 'exponential', gamma: 0.99 }))).toBe(459);
    expect(scheduleSpan(schedule({ name: 'cosine', tMax: 1000 }))).toBe(1250);
    expect(scheduleSpan(schedule({ name: 'cyclic', stepSize: 30 }))).toBe(180);
    expect(scheduleSpan(schedule({ name: 'cosine', tMax: 100, warmup: 500 }))).toBe(1000);
  });

  test('a schedule changes the trajectory as its closed form says', () => {
    // gd on x² with a step schedule: η = 0.25 for two updates, then 0.125.
    const config = { ...defaultOptimizer('gd', 0.25) };
    const surface = compileFormula('x^2');
    const run = new ReferenceRun(
      { surface, optimizer: config, schedule: schedule({ name: 'step', stepSize: 2, gamma: 0.5 }), criteria: NEVER_STOP, starts: { kind: 'list', points: Float64Array.of(1, 0) } },
      'f32',
    );
    run.advance(4);
    // Factors 0.5, 0.5, 0.75, 0.75, all exact in float32.
    expect(run.positions[0]).toBe(0.5 * 0.5 * 0.75 * 0.75);
  });
});

describe('gradient noise', () => {
  test('lowbias32 of known inputs', () => {
    // Every step keeps 0 at 0, and each step is invertible, so the mixer is a bijection on 32 bits.
    expect(lowbias32(0)).toBe(0);
    const seen = new Set<number>();
    for (let k = 0; k < 4096; k++) {
      seen.add(lowbias32(k));
    }
    expect(seen.size).toBe(4096);
  });

  test('uniforms lie in [−1, 1) and are float32 values', () => {
    expect(uniformSigned(0)).toBe(-1);
    expect(uniformSigned(0xffffffff)).toBe(1 - 2 ** -23);
    for (let k = 0; k < 1000; k++) {
      const u = uniformSigned(noiseBits(7, k, 3, 0));
      expect(u).toBeGreaterThanOrEqual(-1);
      expect(u).toBeLessThan(1);
      expect(Math.fround(u)).toBe(u);
    }
  });

  test('samples are standard normal: mean, variance, tails', () => {
    const out = new Float64Array(2);
    const samples: number[] = [];
    for (let particle = 0; particle < 20000; particle++) {
      gaussianPair(42, particle, 0, Math.fround, out);
      samples.push(out[0], out[1]);
    }
    const n = samples.length;
    const mean = samples.reduce((a, b) => a + b, 0) / n;
    const variance = samples.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
    const beyondTwo = samples.filter((value) => Math.abs(value) > 2).length / n;
    // With n = 40,000 the standard error of the mean is 0.005 and of the
    // variance 0.007; five standard errors leave no room for a flaky failure.
    expect(Math.abs(mean)).toBeLessThan(0.025);
    expect(Math.abs(variance - 1)).toBeLessThan(0.035);
    // P(|Z| > 2) = 0.0455; its standard error here is 0.001.
    expect(Math.abs(beyondTwo - 0.0455)).toBeLessThan(0.005);
  });

  test('the same key gives the same sample; another key another', () => {
    const a = new Float64Array(2);
    const b = new Float64Array(2);
    gaussianPair(1, 5, 9, Math.fround, a);
    gaussianPair(1, 5, 9, Math.fround, b);
    expect(Array.from(a)).toEqual(Array.from(b));
    gaussianPair(2, 5, 9, Math.fround, b);
    expect(Array.from(a)).not.toEqual(Array.from(b));
  });

  test('noisy descent on x² settles at the noise floor instead of converging', () => {
    const surface = compileFormula('x^2 + y^2');
    const run = new ReferenceRun(
      {
        surface,
        optimizer: defaultOptimizer('gd', 0.05),
        noise: { sigma: 1, seed: 3 },
        criteria: DEFAULT_CRITERIA,
        starts: { kind: 'grid', nx: 16, ny: 16, domain: { xMin: -2, xMax: 2, yMin: -2, yMax: 2 } },
      },
      'f32',
    );
    run.advance(2000);
    // Stationary variance of x ← (1 − 2η)x − ησz is η²σ²/(1 − (1 − 2η)²) = 0.0132
    // per coordinate. Its estimate from 512 independent coordinates has a
    // relative standard error of √(2/512) = 6%; the bounds are five of those.
    let sumSquares = 0;
    for (let k = 0; k < run.positions.length; k++) {
      sumSquares += run.positions[k] ** 2;
    }
    const variance = sumSquares / run.positions.length;
    expect(variance).toBeGreaterThan(0.009);
    expect(variance).toBeLessThan(0.0175);
    expect(run.status.filter((status) => status === STATUS.converged).length).toBeLessThan(20);
  });
});
