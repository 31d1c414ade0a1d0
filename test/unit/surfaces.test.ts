// The catalog of built-in surfaces: published values, minima checked with
// Newton's method in float64, saddles, constant Hessians, and symbolic
// derivatives against central differences.

import { describe, expect, it } from 'vitest';

import { compileFormula, type CompiledSurface } from '../../src/core/expr/index.ts';
import { CONDITION_NUMBER } from '../../src/core/limits.ts';
import { newtonMinimum } from '../../src/core/minima.ts';
import { ILL_CONDITIONED_ANGLE_DEGREES, illConditionedQuadratic } from '../../src/core/surfaceCatalog.ts';
import { customSurface, findSurface, SURFACE_NAMES, SURFACES, type SurfaceDefinition } from '../../src/core/surfaces.ts';
import { differenceStep, differenceTolerance, randomPointsIn } from './exprHelpers.ts';

const compiled = new Map<string, CompiledSurface>(SURFACES.map((surface) => [surface.name, compileFormula(surface.formula)]));

function surfaceNamed(name: string): CompiledSurface {
  return compiled.get(name)!;
}

function gradientAt(surface: CompiledSurface, x: number, y: number): Float64Array {
  const out = new Float64Array(2);
  surface.gradient(x, y, 'f64', out);
  return out;
}

function hessianAt(surface: CompiledSurface, x: number, y: number): Float64Array {
  const out = new Float64Array(3);
  surface.hessian(x, y, out);
  return out;
}

/** Eigenvalues of the symmetric 2×2 matrix [[a, b], [b, c]], ascending. */
function eigenvalues2(a: number, b: number, c: number): [number, number] {
  const mean = (a + c) / 2;
  const radius = Math.hypot((a - c) / 2, b);
  return [mean - radius, mean + radius];
}

/** Real roots of t³ + pt + q = 0 with three real roots (p < 0), ascending: the trigonometric solution. */
function depressedCubicRoots(p: number, q: number): [number, number, number] {
  const amplitude = 2 * Math.sqrt(-p / 3);
  const angle = Math.acos(((3 * q) / (2 * p)) * Math.sqrt(-3 / p)) / 3;
  const roots = [0, 1, 2].map((k) => amplitude * Math.cos(angle - (2 * Math.PI * k) / 3));
  return roots.sort((a, b) => a - b) as [number, number, number];
}

describe('catalog', () => {
  it('lists every surface of the library', () => {
    expect(SURFACE_NAMES).toEqual([
      'parabola',
      'double-well',
      'quadratic',
      'ill-conditioned',
      'saddle',
      'monkey-saddle',
      'rosenbrock',
      'himmelblau',
      'rastrigin',
      'ackley',
      'beale',
      'booth',
      'matyas',
      'three-hump-camel',
      'six-hump-camel',
      'styblinski-tang',
      'goldstein-price',
    ]);
  });

  it.each(SURFACES.map((surface) => [surface.name, surface]))('%s: consistent entry', (_name, surface: SurfaceDefinition) => {
    expect(surfaceNamed(surface.name).dims).toBe(surface.dims);
    expect(surface.domain.xMin).toBeLessThan(surface.domain.xMax);
    if (surface.dims === 2) {
      expect(surface.domain.yMin).toBeLessThan(surface.domain.yMax);
    } else {
      expect([surface.domain.yMin, surface.domain.yMax]).toEqual([0, 0]);
    }
    expect(surface.description.length).toBeGreaterThan(20);
    expect(surface.source.length).toBeGreaterThan(20);

    for (const minimum of surface.minima) {
      expect(minimum.x).toBeGreaterThanOrEqual(surface.domain.xMin);
      expect(minimum.x).toBeLessThanOrEqual(surface.domain.xMax);
      expect(minimum.y).toBeGreaterThanOrEqual(surface.domain.yMin);
      expect(minimum.y).toBeLessThanOrEqual(surface.domain.yMax);
    }

    // The global minima share the lowest value; a saddle surface lists none.
    const lowest = Math.min(...surface.minima.map((minimum) => minimum.value));
    for (const minimum of surface.minima) {
      expect(minimum.global, `${minimum.x}, ${minimum.y}`).toBe(minimum.value === lowest);
    }
    expect(surface.minima.length > 0 || (surface.saddles?.length ?? 0) > 0).toBe(true);
  });

  it('finds surfaces by name and rejects unknown names', () => {
    expect(findSurface('himmelblau')?.minima).toHaveLength(4);
    expect(findSurface('banana')).toBeUndefined();
    expect(findSurface('constructor')).toBeUndefined();
  });

  it('describes a typed formula without minima', () => {
    const surface = customSurface('x^4 - x^2', 1);
    expect(surface).toMatchObject({ name: 'custom', formula: 'x^4 - x^2', dims: 1, minima: [], allMinimaListed: false });
    expect(surface.domain.yMin).toBe(0);
  });
});

describe('published values', () => {
  // Values from the sources named in the catalog; exact ones compare within a
  // few ulps of float64, rounded published ones within half their last digit.
  it.each([
    ['himmelblau', 3, 2, 0, 0],
    ['beale', 3, 0.5, 0, 0],
    ['rastrigin', 1, 1, 2, 1e-13],
    ['goldstein-price', 0, -1, 3, 1e-13],
    ['rosenbrock', 1, 1, 0, 0],
    ['booth', 1, 3, 0, 0],
    ['matyas', 0, 0, 0, 0],
    ['three-hump-camel', 0, 0, 0, 0],
    ['six-hump-camel', 0.0898, -0.7126, -1.0316, 5e-5],
    ['six-hump-camel', -0.0898, 0.7126, -1.0316, 5e-5],
    // The survey's −39.16599 per coordinate is off in its fifth digit: the value at t = −2.903534 is −39.166166.
    ['styblinski-tang', -2.903534, -2.903534, -78.33233, 5e-6],
    ['parabola', 0, 0, 0, 0],
    ['saddle', 0, 0, 0, 0],
    ['monkey-saddle', 0, 0, 0, 0],
  ])('%s(%d, %d) = %d', (name, x, y, expected, tolerance) => {
    expect(Math.abs(surfaceNamed(name).value(x, y, 'f64') - expected)).toBeLessThanOrEqual(tolerance);
  });

  it('Ackley(0, 0) = 0 with a zero gradient, not NaN', () => {
    const ackley = surfaceNamed('ackley');
    // (−20 − e) + (e + 20) cancels exactly in float64; float32 leaves at most 1 ulp of 22.7 (1.9e-6).
    expect(ackley.value(0, 0, 'f64')).toBe(0);
    expect(Math.abs(ackley.value(0, 0, 'f32'))).toBeLessThanOrEqual(2 ** -19);
    for (const precision of ['f32', 'f64'] as const) {
      const gradient = new Float64Array(2);
      ackley.gradient(0, 0, precision, gradient);
      // Adding 0 maps −0 to 0 and keeps NaN, so only a true zero passes.
      expect(gradient[0] + 0, precision).toBe(0);
      expect(gradient[1] + 0, precision).toBe(0);
    }
  });
});

describe('listed minima', () => {
  const cases = SURFACES.flatMap((surface) => surface.minima.map((minimum) => [surface.name, minimum.x, minimum.y, minimum] as const));

  it.each(cases)('%s at (%d, %d): Newton stays, Hessian positive definite', (name, _x, _y, minimum) => {
    const surface = surfaceNamed(name);
    const scale = Math.max(1, Math.abs(minimum.x), Math.abs(minimum.y));

    // Newton's method in float64 from the listed point settles within 1e-10 of it.
    const refined = newtonMinimum(surface, minimum.x, minimum.y, 50);
    expect(refined, 'Newton settles').toBeDefined();
    expect(Math.abs(refined!.x - minimum.x)).toBeLessThanOrEqual(1e-10 * scale);
    expect(Math.abs(refined!.y - minimum.y)).toBeLessThanOrEqual(1e-10 * scale);

    // The listed value is f at the listed point, to float64 rounding of its terms.
    expect(Math.abs(surface.value(minimum.x, minimum.y, 'f64') - minimum.value)).toBeLessThanOrEqual(1e-11 * Math.max(1, Math.abs(minimum.value)));

    // Positive definite Hessian: a strict local minimum.
    const [fxx, fxy, fyy] = hessianAt(surface, minimum.x, minimum.y);
    expect(fxx).toBeGreaterThan(0);
    if (surface.dims === 2) {
      expect(fxx * fyy - fxy * fxy).toBeGreaterThan(0);
    }
  });

  it('double well: minima are the outer roots of 4x³ − 4x + 0.3', () => {
    // 4x³ − 4x + 0.3 = 0 is x³ − x + 0.075 = 0.
    const [left, middle, right] = depressedCubicRoots(-1, 0.075);
    const minima = findSurface('double-well')!.minima;
    expect(Math.abs(minima[0].x - left)).toBeLessThanOrEqual(1e-14);
    expect(Math.abs(minima[1].x - right)).toBeLessThanOrEqual(1e-14);
    // The middle root is the maximum between the wells.
    expect(hessianAt(surfaceNamed('double-well'), middle, 0)[0]).toBeLessThan(0);
  });

  it('Styblinski–Tang: coordinates are the outer roots of t³ − 8t + 1.25', () => {
    const [low, , high] = depressedCubicRoots(-8, 1.25);
    const coordinates = new Set(findSurface('styblinski-tang')!.minima.flatMap((minimum) => [minimum.x, minimum.y]));
    expect([...coordinates].sort((a, b) => a - b).map((value) => value.toPrecision(15))).toEqual([low, high].map((value) => value.toPrecision(15)));
  });

  it('three-hump camel: side minima at x = ±√(2.1 + √0.91), y = −x/2', () => {
    const x = Math.sqrt(2.1 + Math.sqrt(0.91));
    const side = findSurface('three-hump-camel')!.minima.filter((minimum) => minimum.x > 0)[0];
    expect(Math.abs(side.x - x)).toBeLessThanOrEqual(1e-15);
    expect(Math.abs(side.y + x / 2)).toBeLessThanOrEqual(1e-15);
  });
});

describe('saddles', () => {
  it('x² − y²: stationary, indefinite, and unbounded below', () => {
    const saddle = surfaceNamed('saddle');
    expect(Array.from(gradientAt(saddle, 0, 0), (value) => value + 0)).toEqual([0, 0]);
    const [fxx, fxy, fyy] = hessianAt(saddle, 0, 0);
    expect(fxx * fyy - fxy * fxy).toBeLessThan(0);
    expect(saddle.value(0, 10, 'f64')).toBe(-100);
    expect(findSurface('saddle')!.saddles).toEqual([{ x: 0, y: 0, value: 0, kind: 'saddle' }]);
  });

  it('monkey saddle: gradient and Hessian vanish, three valleys descend', () => {
    const monkey = surfaceNamed('monkey-saddle');
    expect(Array.from(gradientAt(monkey, 0, 0), (value) => value + 0)).toEqual([0, 0]);
    expect(Array.from(hessianAt(monkey, 0, 0), (value) => value + 0)).toEqual([0, 0, 0]);
    // f = r³ cos 3φ: negative along φ = 180°, ±60°, positive between them.
    for (const degrees of [180, 60, -60]) {
      const angle = (degrees * Math.PI) / 180;
      expect(monkey.value(Math.cos(angle), Math.sin(angle), 'f64')).toBeCloseTo(-1, 12);
    }
    expect(findSurface('monkey-saddle')!.saddles?.[0].kind).toBe('degenerate');
  });
});

describe('constant Hessians', () => {
  const quadratics = SURFACES.filter((surface) => surface.hessianEigenvalues !== undefined);

  it('cover every quadratic surface', () => {
    expect(quadratics.map((surface) => surface.name)).toEqual(['parabola', 'quadratic', 'ill-conditioned', 'saddle', 'booth', 'matyas']);
  });

  it.each(quadratics.map((surface) => [surface.name, surface]))('%s: listed eigenvalues everywhere', (_name, definition: SurfaceDefinition) => {
    const surface = surfaceNamed(definition.name);
    const box = definition.domain;
    for (const [x, y] of randomPointsIn([box.xMin, box.xMax], [box.yMin, box.yMax], 20, 7)) {
      const [fxx, fxy, fyy] = hessianAt(surface, x, y);
      const computed = definition.dims === 1 ? [fxx] : eigenvalues2(fxx, fxy, fyy);
      computed.forEach((value, k) => {
        // Sums of a few products of the formula's constants: float64 rounding only.
        expect(Math.abs(value - definition.hessianEigenvalues![k])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(value)));
      });
    }
  });

  it.each([1, 2.5, 10, 1000, CONDITION_NUMBER.max])('ill-conditioned κ = %d: eigenvalues 1 and κ, axis turned 30°', (condition) => {
    const definition = illConditionedQuadratic(condition);
    expect(findSurface('ill-conditioned', condition)).toEqual(definition);
    expect(definition.hessianEigenvalues).toEqual([1, condition]);

    const surface = compileFormula(definition.formula);
    const [fxx, fxy, fyy] = hessianAt(surface, 0.3, -0.7);
    const [small, large] = eigenvalues2(fxx, fxy, fyy);
    expect(Math.abs(small - 1)).toBeLessThanOrEqual(1e-12 * condition);
    expect(Math.abs(large - condition)).toBeLessThanOrEqual(1e-12 * condition);

    // The stiff direction (cos 30°, sin 30°) is an eigenvector of eigenvalue κ.
    const angle = (ILL_CONDITIONED_ANGLE_DEGREES * Math.PI) / 180;
    const [u, v] = [Math.cos(angle), Math.sin(angle)];
    expect(Math.abs(fxx * u + fxy * v - condition * u)).toBeLessThanOrEqual(1e-12 * condition);
    expect(Math.abs(fxy * u + fyy * v - condition * v)).toBeLessThanOrEqual(1e-12 * condition);
  });

  it('ill-conditioned formula contains only numbers, x, y and sqrt', () => {
    const formula = illConditionedQuadratic(123.5).formula;
    expect(formula).toContain('123.5*');
    expect(formula.replace(/sqrt|[xy]|[\d.]+|[-+*/^() ]/g, '')).toBe('');
  });

  it.each([0.5, 0, -1, Number.NaN, Number.POSITIVE_INFINITY])('ill-conditioned rejects κ = %d', (condition) => {
    expect(() => illConditionedQuadratic(condition)).toThrow(RangeError);
  });
});

describe('symbolic derivatives of every built-in', () => {
  const POINTS = 40;

  it.each(SURFACES.map((surface, index) => [surface.name, surface, index]))('%s: gradient and Hessian match central differences', (_name, definition: SurfaceDefinition, index) => {
    const surface = surfaceNamed(definition.name);
    const box = definition.domain;
    for (const [x, y] of randomPointsIn([box.xMin, box.xMax], [box.yMin, box.yMax], POINTS, 3000 + index)) {
      const value = surface.value(x, y, 'f64');
      const gradient = gradientAt(surface, x, y);
      const hessian = hessianAt(surface, x, y);

      const hx = differenceStep(x);
      const dx = (surface.value(x + hx, y, 'f64') - surface.value(x - hx, y, 'f64')) / (2 * hx);
      expect(Math.abs(gradient[0] - dx), `df/dx at (${x}, ${y})`).toBeLessThanOrEqual(differenceTolerance(value, gradient[0], hx));
      const [plus, minus] = [gradientAt(surface, x + hx, y), gradientAt(surface, x - hx, y)];
      const fxx = (plus[0] - minus[0]) / (2 * hx);
      expect(Math.abs(hessian[0] - fxx), `fxx at (${x}, ${y})`).toBeLessThanOrEqual(differenceTolerance(gradient[0], hessian[0], hx));

      if (definition.dims === 2) {
        const hy = differenceStep(y);
        const dy = (surface.value(x, y + hy, 'f64') - surface.value(x, y - hy, 'f64')) / (2 * hy);
        expect(Math.abs(gradient[1] - dy), `df/dy at (${x}, ${y})`).toBeLessThanOrEqual(differenceTolerance(value, gradient[1], hy));
        const fxy = (plus[1] - minus[1]) / (2 * hx);
        expect(Math.abs(hessian[1] - fxy), `fxy at (${x}, ${y})`).toBeLessThanOrEqual(differenceTolerance(gradient[1], hessian[1], hx));
        const fyy = (gradientAt(surface, x, y + hy)[1] - gradientAt(surface, x, y - hy)[1]) / (2 * hy);
        expect(Math.abs(hessian[2] - fyy), `fyy at (${x}, ${y})`).toBeLessThanOrEqual(differenceTolerance(gradient[1], hessian[2], hy));
      }
    }
  });
});
