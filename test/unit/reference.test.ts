// The CPU reference against closed forms, and the surface catalog against
// its published minima.

import { describe, expect, test } from 'vitest';

import { compileFormula } from '../../src/core/expr/index.ts';
import { DEFAULT_CRITERIA, DEFAULT_OPTIMIZER, STATUS, type StopCriteria } from '../../src/core/config.ts';
import { fillStarts, type Starts } from '../../src/core/grid.ts';
import { ReferenceRun, type Precision } from '../../src/core/reference.ts';
import { SURFACES, findSurface } from '../../src/core/surfaces.ts';

/** Criteria that never stop a particle early, so closed forms hold for every step. */
const NEVER_STOP: StopCriteria = { gradTol: 0, stepTol: 0, divergeBound: 3e38 };

function run(surfaceName: string, lr: number, starts: Starts, steps: number, precision: Precision, criteria = NEVER_STOP): ReferenceRun {
  const surface = compileFormula(findSurface(surfaceName)!.formula);
  const reference = new ReferenceRun({ surface, optimizer: { ...DEFAULT_OPTIMIZER, lr }, criteria, starts }, precision);
  reference.advance(steps);
  return reference;
}

/** Listed 2D starts from x, y pairs, rounded to float32 as the CLI does. */
const list = (...points: number[]): Starts => ({ kind: 'list', points: Float64Array.from(points.map(Math.fround)) });
/** Listed 1D starts (y = 0). */
const line = (...xs: number[]): Starts => list(...xs.flatMap((x) => [x, 0]));

describe('parabola x²', () => {
  test.each([0.05, 0.1, 0.3, 0.45, 0.7, 0.95])('x_n = x_0 (1 − 2η)^n at η = %s', (lr) => {
    const x0 = Math.fround(1.7);
    for (const steps of [1, 2, 5, 10, 30]) {
      const f64 = run('parabola', lr, line(x0), steps, 'f64');
      const expected = x0 * (1 - 2 * lr) ** steps;
      // float64: each update rounds once, so the relative error grows by about
      // 2⁻⁵² per step; 1e-13 leaves room for 30 steps.
      expect(Math.abs(f64.positions[0] - expected)).toBeLessThanOrEqual(1e-13 * Math.abs(x0));

      const f32 = run('parabola', lr, line(x0), steps, 'f32');
      // float32: a few roundings of relative size 2⁻²⁴ per update, compounded
      // over `steps` updates: 4 · steps · 2⁻²⁴ relative to x_0.
      expect(Math.abs(f32.positions[0] - expected)).toBeLessThanOrEqual(4 * steps * 2 ** -24 * Math.abs(x0));
    }
  });

  test('η = 0.25 halves x exactly in float32', () => {
    const reference = run('parabola', 0.25, line(1.5, -0.75, 3), 3, 'f32');
    expect(reference.positions[0]).toBe(1.5 / 8);
    expect(reference.positions[2]).toBe(-0.75 / 8);
    expect(reference.positions[4]).toBe(3 / 8);
  });

  test('diverges exactly when η > 1', () => {
    const starts = line(1.5, 0.2, -2);
    // |1 − 2η| = 0.998: about 7,000 updates to reach the step tolerance from |x| = 2.
    const stable = run('parabola', 0.999, starts, 20000, 'f32', DEFAULT_CRITERIA);
    expect(Array.from(stable.status)).toEqual([STATUS.converged, STATUS.converged, STATUS.converged]);

    // At η = 1 the factor is −1: x jumps between ±x₀ for ever, neither converging nor diverging.
    const marginal = run('parabola', 1, starts, 5000, 'f32', DEFAULT_CRITERIA);
    expect(Array.from(marginal.status)).toEqual([STATUS.moving, STATUS.moving, STATUS.moving]);
    expect(marginal.positions[0]).toBe(Math.fround(1.5));

    const unstable = run('parabola', 1.001, starts, 20000, 'f32', DEFAULT_CRITERIA);
    expect(Array.from(unstable.status)).toEqual([STATUS.diverged, STATUS.diverged, STATUS.diverged]);
  });

  test('diverged particle is frozen at its last finite position', () => {
    const reference = run('parabola', 3, line(1), 100, 'f32', DEFAULT_CRITERIA);
    // x_n = (−5)^n: |x| first exceeds the bound 1e6 at n = 9 (5⁹ ≈ 1.95e6).
    expect(reference.status[0]).toBe(STATUS.diverged);
    expect(reference.stopSteps[0]).toBe(9);
    expect(reference.positions[0]).toBe(390625);
    // The loss is computed in float32: 390625² rounded to a float32.
    expect(reference.loss[0]).toBe(Math.fround(390625 ** 2));
  });
});

describe('quadratic x² + 2y²', () => {
  test.each([0.05, 0.1, 0.2, 0.3, 0.45])('x by (1 − 2η)^n and y by (1 − 4η)^n at η = %s', (lr) => {
    const [x0, y0] = [Math.fround(-1.25), Math.fround(0.8)];
    for (const steps of [1, 3, 10, 25]) {
      const f64 = run('quadratic', lr, list(x0, y0), steps, 'f64');
      // Same reasoning as for x²: one rounding per update in float64.
      expect(Math.abs(f64.positions[0] - x0 * (1 - 2 * lr) ** steps)).toBeLessThanOrEqual(1e-13);
      expect(Math.abs(f64.positions[1] - y0 * (1 - 4 * lr) ** steps)).toBeLessThanOrEqual(1e-13);
    }
  });

  test('diverges exactly when η > 0.5', () => {
    const starts = list(1, 1, -0.5, 0.25);
    const stable = run('quadratic', 0.499, starts, 20000, 'f32', DEFAULT_CRITERIA);
    expect(Array.from(stable.status)).toEqual([STATUS.converged, STATUS.converged]);

    const marginal = run('quadratic', 0.5, starts, 5000, 'f32', DEFAULT_CRITERIA);
    expect(Array.from(marginal.status)).toEqual([STATUS.moving, STATUS.moving]);

    const unstable = run('quadratic', 0.501, starts, 20000, 'f32', DEFAULT_CRITERIA);
    expect(Array.from(unstable.status)).toEqual([STATUS.diverged, STATUS.diverged]);
  });

  test('converged particle stops at the step the tolerances are met', () => {
    const reference = run('quadratic', 0.1, list(1, 0), 1000, 'f64', DEFAULT_CRITERIA);
    // The gradient at x is 2x and the step 0.2x, so the step tolerance 1e-5
    // binds first. 0.2 · 0.8ⁿ ≤ 1e-5 needs n ≥ 45, so update 46 stops it.
    expect(reference.status[0]).toBe(STATUS.converged);
    expect(reference.stopSteps[0]).toBe(46);
    expect(reference.positions[0]).toBeCloseTo(0.8 ** 46, 15);
  });
});

describe('loss range', () => {
  // f = x² − √y is undefined below y = 0. With the bound 20, the start at x = 40 diverges on its first update.
  const surface = compileFormula('x^2 - sqrt(y)');
  const starts = list(0.5, 4, 3, 1, 0.25, -1, 40, 0);
  const criteria: StopCriteria = { gradTol: 0, stepTol: 0, divergeBound: 20 };

  test('undefined losses left out', () => {
    const reference = new ReferenceRun({ surface, optimizer: { ...DEFAULT_OPTIMIZER, lr: 0.1 }, criteria, starts }, 'f32');
    expect(Array.from(reference.status)).toEqual([STATUS.moving, STATUS.moving, STATUS.moving, STATUS.moving]);
    expect(Number.isNaN(reference.loss[2])).toBe(true);
    expect(reference.lossRange()).toEqual({ min: 0.25 - 2, max: 1600 });
  });

  test('diverged particles left out', () => {
    const reference = new ReferenceRun({ surface, optimizer: { ...DEFAULT_OPTIMIZER, lr: 0.1 }, criteria, starts }, 'f32');
    reference.advance(2);
    expect(Array.from(reference.status)).toEqual([STATUS.moving, STATUS.moving, STATUS.diverged, STATUS.diverged]);
    expect(reference.lossRange()).toEqual({ min: reference.loss[0], max: reference.loss[1] });
    expect(reference.loss[0]).toBeLessThan(reference.loss[1]);
  });

  test('every particle diverged', () => {
    const reference = run('parabola', 1.5, line(1, -2), 3, 'f32', { ...NEVER_STOP, divergeBound: 2 });
    expect(Array.from(reference.status)).toEqual([STATUS.diverged, STATUS.diverged]);
    expect(reference.lossRange()).toEqual({ min: NaN, max: NaN });
  });
});

describe('grid of starts', () => {
  test('cell centres, x fastest, from the (xmin, ymin) corner', () => {
    const out = new Float32Array(2 * 6);
    fillStarts({ kind: 'grid', nx: 3, ny: 2, domain: { xMin: -3, xMax: 3, yMin: 0, yMax: 4 } }, out);
    expect(Array.from(out)).toEqual([-2, 1, 0, 1, 2, 1, -2, 3, 0, 3, 2, 3]);
  });

  test('1D grid has y = 0', () => {
    const out = new Float32Array(2 * 4);
    fillStarts({ kind: 'grid', nx: 4, ny: 1, domain: { xMin: -2, xMax: 2, yMin: 0, yMax: 0 } }, out);
    expect(Array.from(out)).toEqual([-1.5, 0, -0.5, 0, 0.5, 0, 1.5, 0]);
  });
});

describe('surface catalog', () => {
  test.each(SURFACES.map((surface) => [surface.name, surface] as const))('%s: gradient matches central differences', (_name, definition) => {
    const surface = compileFormula(definition.formula);
    const { domain } = definition;
    const gradient = new Float64Array(2);
    for (let k = 0; k < 50; k++) {
      // A fixed low-discrepancy sequence over the domain: deterministic and well spread.
      const x = domain.xMin + (domain.xMax - domain.xMin) * ((0.5 + k * 0.618034) % 1);
      const y = definition.dims === 1 ? 0 : domain.yMin + (domain.yMax - domain.yMin) * ((0.5 + k * 0.754878) % 1);
      surface.gradient(x, y, 'f64', gradient);

      // Central differences have truncation error h²/6 · |f'''| and rounding
      // error about ε|f|/h; h = 1e-5 balances them for these surfaces, so a
      // relative tolerance of 1e-5 on the gradient scale is ample.
      const h = 1e-5;
      const dx = (surface.value(x + h, y, 'f64') - surface.value(x - h, y, 'f64')) / (2 * h);
      const dy = definition.dims === 1 ? 0 : (surface.value(x, y + h, 'f64') - surface.value(x, y - h, 'f64')) / (2 * h);
      const scale = 1 + Math.hypot(dx, dy);
      expect(Math.abs(gradient[0] - dx)).toBeLessThanOrEqual(1e-5 * scale);
      expect(Math.abs(gradient[1] - dy)).toBeLessThanOrEqual(1e-5 * scale);
    }
  });

  test.each(SURFACES.map((surface) => [surface.name, surface] as const))('%s: known minima are stationary with the published value', (_name, definition) => {
    const surface = compileFormula(definition.formula);
    const gradient = new Float64Array(2);
    const hessian = new Float64Array(3);
    for (const minimum of definition.minima) {
      // Listed values are exact or the float64 value at the listed location, and
      // locations are given to 15 or more digits, so f matches to about 1e-12.
      expect(Math.abs(surface.value(minimum.x, minimum.y, 'f64') - minimum.value)).toBeLessThanOrEqual(1e-12);

      // Rounding the location to float64 (relative 1.1e-16) leaves a gradient of
      // about the Hessian's size times that, so the bound scales with the Hessian:
      // Goldstein–Price at (1.2, 0.8) has entries near 1e4 and a gradient of 1.2e-12.
      surface.hessian(minimum.x, minimum.y, hessian);
      const [fxx, fxy, fyy] = hessian;
      surface.gradient(minimum.x, minimum.y, 'f64', gradient);
      expect(Math.hypot(gradient[0], gradient[1])).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(fxx) + Math.abs(fxy) + Math.abs(fyy)));

      // A minimum, not a saddle or maximum: the Hessian is positive definite.
      expect(fxx).toBeGreaterThan(0);
      if (definition.dims === 2) {
        expect(fxx * fyy - fxy * fxy).toBeGreaterThan(0);
      }
    }
  });

  test('every minimum lies inside the standard domain', () => {
    for (const definition of SURFACES) {
      for (const minimum of definition.minima) {
        expect(minimum.x).toBeGreaterThanOrEqual(definition.domain.xMin);
        expect(minimum.x).toBeLessThanOrEqual(definition.domain.xMax);
        expect(minimum.y).toBeGreaterThanOrEqual(definition.domain.yMin);
        expect(minimum.y).toBeLessThanOrEqual(definition.domain.yMax);
      }
    }
  });
});
