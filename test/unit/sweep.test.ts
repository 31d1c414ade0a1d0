// Sweep cells and their statistics, on the CPU.

import { describe, expect, test } from 'vitest';

import { STATUS, defaultOptimizer, type OptimizerName } from '../../src/core/config.ts';
import { createOptimizerStep, initialState } from '../../src/core/optimizers.ts';
import { compileFormula } from '../../src/core/expr/index.ts';
import { findSurface } from '../../src/core/surfaces.ts';
import { cellStatistics, cellTable, largestEigenvalue, linearSpace, logSpace, quantile, stabilityLimit, surfaceStabilityLimit, sweepCells } from '../../src/core/sweep.ts';

describe('sweep axes', () => {
  test('log-spaced rates keep their ends exactly', () => {
    const rates = logSpace(0.5, 1.5, 101);
    expect(rates[0]).toBe(0.5);
    expect(rates[100]).toBe(1.5);
    // Constant ratio between neighbours: 3^(1/100).
    expect(rates[51] / rates[50]).toBeCloseTo(3 ** 0.01, 12);
  });

  test('cells: every rate for the first second value, then the next', () => {
    const cells = sweepCells(defaultOptimizer('momentum'), { lrMin: 0.1, lrMax: 1, lrCount: 3, second: { parameter: 'momentum', min: 0, max: 0.5, count: 2 } });
    expect(cells.map((cell) => [Number(cell.lr.toFixed(4)), cell.momentum])).toEqual([
      [0.1, 0],
      [0.3162, 0],
      [1, 0],
      [0.1, 0.5],
      [0.3162, 0.5],
      [1, 0.5],
    ]);
    const values = linearSpace(0, 0.9, 4);
    expect(values[0]).toBe(0);
    expect(values[3]).toBeCloseTo(0.9, 15);
    expect(values[1]).toBeCloseTo(0.3, 15);
  });

  test('the GPU table rounds 1 − β₁ from float64', () => {
    const table = cellTable([{ lr: 0.1, momentum: 0.9, beta1: 0.9 }]);
    expect(table[3]).toBe(Math.fround(0.1));
    expect(table[3]).not.toBe(Math.fround(1 - Math.fround(0.9)));
  });
});

describe('cell statistics', () => {
  test('percentiles count diverged particles as +∞', () => {
    const status = [STATUS.converged, STATUS.converged, STATUS.moving, STATUS.diverged, STATUS.diverged];
    const loss = [1, 2, 3, 1e30, 1e30];
    const steps = [10, 20, 0, 5, 5];
    const [row] = cellStatistics(1, status, loss, steps, () => 0);
    expect(row.converged).toBe(0.4);
    expect(row.diverged).toBe(0.4);
    expect(row.medianLoss).toBe(3);
    expect(row.p10Loss).toBeCloseTo(1.4, 12);
    expect(row.p90Loss).toBeNull();
    // Steps: 10, 20, ∞, ∞, ∞: the median is infinite.
    expect(row.medianStepsToConverge).toBeNull();
    expect(row.outcome).toBe('neither');
  });

  test('outcome by majority', () => {
    const rows = cellStatistics(2, [1, 1, 0, 2, 2, 1], [0, 0, 0, 9, 9, 0], [3, 4, 0, 1, 1, 7], (k) => Math.floor(k / 3));
    expect(rows.map((row) => row.outcome)).toEqual(['converged', 'diverged']);
    expect(rows[0].medianStepsToConverge).toBe(4);
  });

  test('quantile interpolates between sorted values', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([5], 0.9)).toBe(5);
    expect(quantile([], 0.5)).toBeNull();
  });
});

describe('stability limit', () => {
  test('2/L for plain descent and (2 + 2β)/L for heavy ball', () => {
    expect(stabilityLimit('gd', 4, 0)).toBe(0.5);
    expect(stabilityLimit('momentum', 4, 0.9)).toBeCloseTo(0.95, 15);
    expect(stabilityLimit('adam', 4, 0)).toBeUndefined();
  });

  test('dampening τ divides the heavy-ball limit by 1 − τ', () => {
    expect(stabilityLimit('momentum', 4, 0.9, 0.5)).toBeCloseTo(1.9, 14);
    // τ = 1: the buffer takes no gradient after the first update, so no rate diverges.
    expect(stabilityLimit('momentum', 4, 0.9, 1)).toBeUndefined();
  });

  // The brute-force check: the matrix of one update of the CPU reference's
  // optimizer (float64, after the first update) on f(x) = L x² / 2, and its
  // spectral radius, against the closed-form limit.
  const table: [OptimizerName, number, number, number][] = [];
  for (const curvature of [0.5, 4, 100]) {
    for (const momentum of [0, 0.5, 0.9, 0.99]) {
      for (const dampening of [0, 0.3, 0.9]) {
        table.push(['momentum', momentum, dampening, curvature]);
      }
      if (momentum > 0) {
        table.push(['nesterov', momentum, 0, curvature]);
      }
    }
  }

  test.each(table)('%s μ = %f, τ = %f, L = %f: radius 1 at the limit', (name, momentum, dampening, curvature) => {
    const limit = stabilityLimit(name, curvature, momentum, dampening)!;
    expect(limit).toBeGreaterThan(0);
    const radius = (lr: number) => spectralRadius(iterationMatrix(name, momentum, dampening, curvature, lr));

    // Below the limit every eigenvalue lies inside the unit circle, above it one lies outside.
    for (let k = 1; k <= 300; k++) {
      const lr = (3 * limit * k) / 300;
      if (Math.abs(lr - limit) <= 1e-6 * limit) {
        continue;
      }
      expect(radius(lr) < 1, `η = ${lr}, limit ${limit}`).toBe(lr < limit);
    }
    // At the limit the radius is 1, to float64 rounding of a few operations.
    expect(Math.abs(radius(limit) - 1)).toBeLessThan(1e-9);
  });

  test('the limit of momentum with τ = 1: radius 1 at every rate', () => {
    for (const lr of [0.01, 1, 100]) {
      expect(spectralRadius(iterationMatrix('momentum', 0.9, 1, 4, lr))).toBeCloseTo(1, 12);
    }
  });

  test('a surface with several minima: the smallest limit over them', () => {
    const himmelblau = findSurface('himmelblau')!;
    const surface = compileFormula(himmelblau.formula);
    // Himmelblau's Hessian is [[12x² + 4y − 42, 4(x + y)], [4(x + y), 4x + 12y² − 26]].
    const limits = himmelblau.minima.map(({ x, y }) => 2 / largestEigenvalue(12 * x * x + 4 * y - 42, 4 * (x + y), 4 * x + 12 * y * y - 26));
    expect(limits.length).toBe(4);
    // At (3, 2), the first listed minimum, the limit is about 0.0243; at (−3.78, −3.28) it is about 0.0150.
    expect(limits[0]).toBeCloseTo(0.0243, 4);
    expect(Math.min(...limits)).toBeCloseTo(0.015, 3);
    expect(surfaceStabilityLimit(himmelblau, surface, defaultOptimizer('gd'))).toBeCloseTo(Math.min(...limits), 12);
    expect(surfaceStabilityLimit(himmelblau, surface, defaultOptimizer('adam'))).toBeUndefined();
  });

  test('coupled weight decay adds λ to the curvature', () => {
    const parabola = findSurface('parabola')!;
    const surface = compileFormula(parabola.formula);
    // x² has curvature 2: with λ = 0.5, plain descent is stable below 2/2.5 = 0.8.
    expect(surfaceStabilityLimit(parabola, surface, { ...defaultOptimizer('gd'), weightDecay: 0.5 })).toBeCloseTo(0.8, 15);
    // Heavy ball, μ = 0.5 and λ = 1: 2(1 + μ)/(2 + λ) = 1.
    expect(surfaceStabilityLimit(parabola, surface, { ...defaultOptimizer('momentum'), momentum: 0.5, weightDecay: 1 })).toBeCloseTo(1, 15);
  });

  test('with weight decay the reference diverges at the limit', () => {
    const parabola = findSurface('parabola')!;
    const surface = compileFormula(parabola.formula);
    for (const optimizer of [{ ...defaultOptimizer('gd'), weightDecay: 0.5 }, { ...defaultOptimizer('momentum'), momentum: 0.5, weightDecay: 1 }]) {
      const limit = surfaceStabilityLimit(parabola, surface, optimizer)!;
      const step = createOptimizerStep(optimizer, (value) => value);
      // One start, 400 updates at 2% below and above the limit: the distance shrinks, then grows.
      const finalDistance = (lr: number): number => {
        const state = initialState(optimizer, (value) => value);
        const out = new Float64Array(2);
        let x = 1;
        for (let t = 0; t < 400; t++) {
          step(x, 0, 2 * x + optimizer.weightDecay * x, 0, lr, t, state, out);
          x = out[0];
        }
        return Math.abs(x);
      };
      expect(finalDistance(0.98 * limit), optimizer.name).toBeLessThan(1e-3);
      expect(finalDistance(1.02 * limit), optimizer.name).toBeGreaterThan(1);
    }
  });

  test('largest eigenvalue of a symmetric 2 × 2 matrix', () => {
    expect(largestEigenvalue(2, 0, 4)).toBe(4);
    // [[2, 1], [1, 2]] has eigenvalues 1 and 3.
    expect(largestEigenvalue(2, 1, 2)).toBeCloseTo(3, 15);
  });
});

/**
 * Builds the 2 × 2 matrix that one update (t ≥ 1) of the CPU reference applies to
 * (θ, b), the position and the momentum buffer, on f(x) = L x² / 2: its
 * columns are the updates of (1, 0) and (0, 1).
 */
function iterationMatrix(name: OptimizerName, momentum: number, dampening: number, curvature: number, lr: number): number[][] {
  const config = { ...defaultOptimizer(name, lr), momentum, dampening };
  const step = createOptimizerStep(config, (value) => value);
  const columns = [
    [1, 0],
    [0, 1],
  ].map(([position, buffer]) => {
    const state = initialState(config, (value) => value);
    state[0] = buffer;
    const out = new Float64Array(2);
    step(position, 0, curvature * position, 0, lr, 1, state, out);
    return [out[0], state[0]];
  });
  return [
    [columns[0][0], columns[1][0]],
    [columns[0][1], columns[1][1]],
  ];
}

/** Computes the largest modulus of the eigenvalues of a real 2 × 2 matrix, from its trace and determinant. */
function spectralRadius([[a, b], [c, d]]: number[][]): number {
  const trace = a + d;
  const determinant = a * d - b * c;
  const discriminant = trace * trace - 4 * determinant;
  if (discriminant < 0) {
    // A complex pair: both have modulus √det.
    return Math.sqrt(determinant);
  }
  const root = Math.sqrt(discriminant);
  return Math.max(Math.abs((trace + root) / 2), Math.abs((trace - root) / 2));
}
