// Minima found from converged particles: clustering of end points and
// Newton refinement, on end points of the float32 CPU reference.

import { describe, expect, it } from 'vitest';

import { MAX_BASINS } from '../../src/core/basins.ts';
import { DEFAULT_CRITERIA, DEFAULT_OPTIMIZER, STATUS } from '../../src/core/config.ts';
import { compileFormula } from '../../src/core/expr/index.ts';
import { clusterMinima, combineMinima, newtonMinimum, type FoundMinimum } from '../../src/core/minima.ts';
import { ReferenceRun } from '../../src/core/reference.ts';
import { findSurface, type Domain } from '../../src/core/surfaces.ts';

/** Runs the float32 CPU reference from a grid of starts and returns its end points and statuses. */
function endPoints(formula: string, domain: Domain, grid: number, lr: number, steps: number): ReferenceRun {
  const surface = compileFormula(formula);
  const dims = surface.dims;
  const run = new ReferenceRun(
    {
      surface,
      optimizer: { ...DEFAULT_OPTIMIZER, lr },
      criteria: DEFAULT_CRITERIA,
      starts: { kind: 'grid', nx: grid, ny: dims === 1 ? 1 : grid, domain },
    },
    'f32',
  );
  run.advance(steps);
  return run;
}

describe('clusterMinima', () => {
  it('finds exactly the four minima of Himmelblau', () => {
    const himmelblau = findSurface('himmelblau')!;
    const run = endPoints(himmelblau.formula, himmelblau.domain, 24, 0.01, 3000);
    const converged = run.status.filter((status) => status === STATUS.converged).length;
    expect(converged).toBe(24 * 24);

    const found = clusterMinima(run.positions, run.status, compileFormula(himmelblau.formula), { domain: himmelblau.domain });
    expect(found).toHaveLength(4);
    expect(found.reduce((sum, minimum) => sum + minimum.count, 0)).toBe(converged);

    for (const known of himmelblau.minima) {
      const match = found.find((minimum) => Math.hypot(minimum.x - known.x, minimum.y - known.y) < 1e-3);
      expect(match, `minimum at (${known.x}, ${known.y})`).toBeDefined();
      // Newton in float64 lands on the catalog's 15-digit location.
      expect(match!.refined).toBe(true);
      expect(Math.abs(match!.x - known.x)).toBeLessThanOrEqual(1e-12);
      expect(Math.abs(match!.y - known.y)).toBeLessThanOrEqual(1e-12);
      expect(Math.abs(match!.value)).toBeLessThanOrEqual(1e-20);
    }
  });

  it('finds one minimum of a bowl', () => {
    const domain: Domain = { xMin: -3, xMax: 3, yMin: -3, yMax: 3 };
    const formula = '(x - 1)^2 + 2*(y + 0.5)^2 + 0.5*x*y';
    const run = endPoints(formula, domain, 16, 0.1, 500);
    const found = clusterMinima(run.positions, run.status, compileFormula(formula), { domain });
    expect(found).toHaveLength(1);
    expect(found[0].count).toBe(256);
    expect(found[0].refined).toBe(true);

    // Gradient (2(x − 1) + 0.5y, 4(y + 0.5) + 0.5x) = 0 at x = 36/31, y = −20/31.
    expect(found[0].x).toBeCloseTo(36 / 31, 14);
    expect(found[0].y).toBeCloseTo(-20 / 31, 14);
  });

  it('finds both wells of a 1D double well', () => {
    const doubleWell = findSurface('double-well')!;
    const run = endPoints(doubleWell.formula, doubleWell.domain, 64, 0.02, 2000);
    const found = clusterMinima(run.positions, run.status, compileFormula(doubleWell.formula), { domain: doubleWell.domain });
    expect(found.map((minimum) => minimum.x)).toEqual(doubleWell.minima.map((minimum) => minimum.x).map((x) => expect.closeTo(x, 13)));
    expect(found.every((minimum) => minimum.y === 0)).toBe(true);
  });

  it('ignores particles that have not converged', () => {
    const surface = compileFormula('x^2 + y^2');
    const domain: Domain = { xMin: -1, xMax: 1, yMin: -1, yMax: 1 };
    const positions = [0, 0, 0.5, 0.5, 0.9, -0.9, Number.NaN, 0, 0.0001, 0];
    const status = [STATUS.converged, STATUS.moving, STATUS.diverged, STATUS.converged, STATUS.converged];
    const found = clusterMinima(positions, status, surface, { domain });
    expect(found).toEqual([{ x: 0, y: 0, value: 0, count: 2, refined: true }]);
  });

  it('returns nothing when no particle converged', () => {
    const surface = compileFormula('x^2 - y^2');
    const found = clusterMinima([0.5, 0.5], [STATUS.diverged], surface, { domain: { xMin: -1, xMax: 1, yMin: -1, yMax: 1 } });
    expect(found).toEqual([]);
  });

  it('keeps a degenerate minimum unrefined', () => {
    // x⁴ + y⁴ has a singular Hessian at 0: Newton converges only linearly and does not settle.
    const surface = compileFormula('x^4 + y^4');
    const domain: Domain = { xMin: -1, xMax: 1, yMin: -1, yMax: 1 };
    const found = clusterMinima([0.01, 0.002, -0.005, 0.004], [STATUS.converged, STATUS.converged], surface, { domain });
    expect(found).toEqual([{ x: -0.005, y: 0.004, value: surface.value(-0.005, 0.004, 'f64'), count: 2, refined: false }]);
  });

  it('merges end points within the tolerance and splits farther ones', () => {
    const surface = compileFormula('(x^2 - 1)^2 + y^2');
    const domain: Domain = { xMin: -2, xMax: 2, yMin: -2, yMax: 2 };
    const points = [0.94, 0, 0.97, 0, 1.0, 0, 1.03, 0, -1.01, 0.005];
    const status = [1, 1, 1, 1, 1];

    // Points 0.03 apart link at 1% of the side (0.04), so the chain is one cluster; the wells are 2 apart.
    const found = clusterMinima(points, status, surface, { domain });
    expect(found.map((minimum) => [minimum.x, minimum.y, minimum.count])).toEqual([
      [-1, 0, 1],
      [1, 0, 4],
    ]);

    // At 0.5% (0.02) no two points link. Only the clusters within 0.02 of a minimum refine to it;
    // the others keep their end point, sorted by value.
    const split = clusterMinima(points, status, surface, { domain, tolerance: 0.005 });
    expect(split.map((minimum) => [minimum.x, minimum.count, minimum.refined])).toEqual([
      [-1, 1, true],
      [1, 1, true],
      [0.97, 1, false],
      [1.03, 1, false],
      [0.94, 1, false],
    ]);
  });

  it('merges clusters that refine to the same minimum', () => {
    // Two groups 0.03 apart on either side of x = 1, each within 0.015 of it: split at a merge distance of 0.02, joined after Newton.
    const surface = compileFormula('(x^2 - 1)^2 + y^2');
    const found = clusterMinima([0.985, 0, 0.986, 0, 1.015, 0], [1, 1, 1], surface, {
      domain: { xMin: -2, xMax: 2, yMin: -2, yMax: 2 },
      tolerance: 0.005,
    });
    expect(found).toEqual([{ x: 1, y: 0, value: 0, count: 3, refined: true }]);
  });

  it('clusters a million end points in bounded time', () => {
    // Every end point within 1e-4 of one of two minima: dense cells, decided by their bounding boxes.
    const count = 1_000_000;
    const positions = new Float64Array(2 * count);
    for (let i = 0; i < count; i++) {
      positions[2 * i] = (i % 2 === 0 ? 1 : -1) + ((i % 97) - 48) * 1e-6;
      positions[2 * i + 1] = ((i % 89) - 44) * 1e-6;
    }
    const status = new Uint8Array(count).fill(STATUS.converged);
    const started = performance.now();
    const found = clusterMinima(positions, status, compileFormula('(x^2 - 1)^2 + y^2'), { domain: { xMin: -2, xMax: 2, yMin: -2, yMax: 2 } });
    // A bound against quadratic blow-up (1e12 pairs), not a performance claim.
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(found.map((minimum) => minimum.count)).toEqual([count / 2, count / 2]);
  });
});

describe('newtonMinimum', () => {
  it('rejects a saddle', () => {
    expect(newtonMinimum(compileFormula('x^2 - y^2'), 0.1, 0.1, 20)).toBeUndefined();
  });

  it('converges on Rosenbrock near (1, 1)', () => {
    // The Hessian is positive definite only close to the valley floor, where y − x² < 0.005.
    const minimum = newtonMinimum(compileFormula('(1 - x)^2 + 100*(y - x^2)^2'), 1.01, 1.02, 20);
    expect(minimum!.x).toBeCloseTo(1, 15);
    expect(minimum!.y).toBeCloseTo(1, 15);
  });
});

describe('combineMinima', () => {
  const found = (x: number, y: number, value: number): FoundMinimum => ({ x, y, value, count: 1, refined: true });

  it('adds the local minima of rastrigin to its one known minimum', () => {
    const rastrigin = findSurface('rastrigin')!;
    const surface = compileFormula(rastrigin.formula);
    const run = endPoints(rastrigin.formula, rastrigin.domain, 24, 0.002, 3000);
    const clusters = clusterMinima(run.positions, run.status, surface, { domain: rastrigin.domain });
    const radius = 0.01 * (rastrigin.domain.xMax - rastrigin.domain.xMin);
    const combined = combineMinima(rastrigin.minima, [], clusters, radius, MAX_BASINS);

    expect(combined[0]).toEqual({ x: 0, y: 0, value: 0, known: true });
    expect(combined.filter((minimum) => minimum.known)).toHaveLength(1);
    // Small steps stop in the local minimum next to each start: dozens of them, near integer points.
    expect(combined.length).toBeGreaterThan(20);
    for (const minimum of combined.slice(1)) {
      expect(Math.abs(minimum.x - Math.round(minimum.x)), `x of (${minimum.x}, ${minimum.y})`).toBeLessThan(0.05);
      expect(Math.abs(minimum.y - Math.round(minimum.y)), `y of (${minimum.x}, ${minimum.y})`).toBeLessThan(0.05);
    }
    // Nearly every converged start now lies within the radius of a listed minimum.
    const listed = combined.length;
    let near = 0;
    let converged = 0;
    for (let i = 0; i < run.particleCount; i++) {
      if (run.status[i] !== STATUS.converged) continue;
      converged++;
      const [x, y] = [run.positions[2 * i], run.positions[2 * i + 1]];
      if (combined.some((minimum) => Math.hypot(minimum.x - x, minimum.y - y) <= radius)) near++;
    }
    expect(listed).toBeLessThanOrEqual(MAX_BASINS);
    expect(converged).toBeGreaterThan(0.9 * run.particleCount);
    expect(near / converged).toBeGreaterThan(0.95);
  });

  it('drops a found minimum within the radius of a known one', () => {
    const combined = combineMinima([{ x: 0, y: 0, value: 0 }], [], [found(0.001, 0, 0), found(1, 1, 2)], 0.01, 64);
    expect(combined).toEqual([
      { x: 0, y: 0, value: 0, known: true },
      { x: 1, y: 1, value: 2, known: false },
    ]);
  });

  it('keeps earlier found minima in their places and appends new ones by value', () => {
    const first = combineMinima([], [], [found(1, 0, 5)], 0.01, 64);
    const second = combineMinima([], first, [found(2, 0, 1), found(1.0001, 0, 5), found(3, 0, 0.5)], 0.01, 64);
    expect(second.map((minimum) => minimum.x)).toEqual([1, 3, 2]);
    // A minimum no longer found drops out.
    const third = combineMinima([], second, [found(3, 0, 0.5)], 0.01, 64);
    expect(third.map((minimum) => minimum.x)).toEqual([3]);
  });

  it('returns at most maxMinima, the known ones first', () => {
    const many = Array.from({ length: 10 }, (_, k) => found(k + 1, 0, k));
    const combined = combineMinima([{ x: 0, y: 0, value: -1 }], [], many, 0.01, 4);
    expect(combined.map((minimum) => minimum.x)).toEqual([0, 1, 2, 3]);
    expect(combined[0].known).toBe(true);
  });
});
