import { describe, expect, it } from 'vitest';

import { compileFormula, type CompiledSurface } from '../../src/core/expr/index.ts';
import { differenceStep as step, differenceTolerance, randomPointsIn, SURFACES, type SurfaceCase } from './exprHelpers.ts';

const POINTS_PER_SURFACE = 40;

function randomPoints(surface: SurfaceCase, seed: number): [number, number][] {
  return randomPointsIn(surface.x, surface.y, POINTS_PER_SURFACE, seed);
}

function gradientAt(compiled: CompiledSurface, x: number, y: number): Float64Array {
  const out = new Float64Array(2);
  compiled.gradient(x, y, 'f64', out);
  return out;
}

describe('symbolic gradient', () => {
  it.each(SURFACES.map((surface, index) => [surface.name, surface, index]))(
    'matches central differences for %s',
    (_name, surface, index) => {
      const compiled = compileFormula(surface.formula);
      for (const [x, y] of randomPoints(surface, 1000 + index)) {
        const gradient = gradientAt(compiled, x, y);
        const value = compiled.value(x, y, 'f64');

        const hx = step(x);
        const dx = (compiled.value(x + hx, y, 'f64') - compiled.value(x - hx, y, 'f64')) / (2 * hx);
        expect(Math.abs(gradient[0] - dx), `df/dx at (${x}, ${y})`).toBeLessThanOrEqual(differenceTolerance(value, gradient[0], hx));

        const hy = step(y);
        const dy = (compiled.value(x, y + hy, 'f64') - compiled.value(x, y - hy, 'f64')) / (2 * hy);
        expect(Math.abs(gradient[1] - dy), `df/dy at (${x}, ${y})`).toBeLessThanOrEqual(differenceTolerance(value, gradient[1], hy));
      }
    },
  );

  it('writes 0 for df/dy of a 1D surface', () => {
    const compiled = compileFormula('x^4 - 3*x^2 + x');
    expect(compiled.dims).toBe(1);
    expect(gradientAt(compiled, 1.5, 7)[1]).toBe(0);
  });

  it('returns value and gradient together', () => {
    const compiled = compileFormula(SURFACES[0].formula);
    const both = new Float64Array(2);
    for (const precision of ['f32', 'f64'] as const) {
      const evaluator = compiled.evaluator(precision);
      const value = evaluator.valueAndGradient(0.3, -0.7, both);
      const separate = new Float64Array(2);
      evaluator.gradient(0.3, -0.7, separate);
      // Both programs run the same instructions on the same inputs, so the results are identical.
      expect(value).toBe(evaluator.value(0.3, -0.7));
      expect(Array.from(both)).toEqual(Array.from(separate));
    }
  });
});

describe('symbolic Hessian', () => {
  it.each(SURFACES.map((surface, index) => [surface.name, surface, index]))(
    'matches differences of the gradient for %s',
    (_name, surface, index) => {
      const compiled = compileFormula(surface.formula);
      const hessian = new Float64Array(3);
      for (const [x, y] of randomPoints(surface, 2000 + index)) {
        compiled.hessian(x, y, hessian);
        const gradient = gradientAt(compiled, x, y);

        const hx = step(x);
        const [gxPlus, gxMinus] = [gradientAt(compiled, x + hx, y), gradientAt(compiled, x - hx, y)];
        const fxx = (gxPlus[0] - gxMinus[0]) / (2 * hx);
        const fxy = (gxPlus[1] - gxMinus[1]) / (2 * hx);
        const hy = step(y);
        const fyy = (gradientAt(compiled, x, y + hy)[1] - gradientAt(compiled, x, y - hy)[1]) / (2 * hy);

        expect(Math.abs(hessian[0] - fxx), `fxx at (${x}, ${y})`).toBeLessThanOrEqual(differenceTolerance(gradient[0], hessian[0], hx));
        expect(Math.abs(hessian[1] - fxy), `fxy at (${x}, ${y})`).toBeLessThanOrEqual(differenceTolerance(gradient[1], hessian[1], hx));
        expect(Math.abs(hessian[2] - fyy), `fyy at (${x}, ${y})`).toBeLessThanOrEqual(differenceTolerance(gradient[1], hessian[2], hy));
      }
    },
  );

  it('is zero off the diagonal for a 1D surface', () => {
    const hessian = new Float64Array(3);
    compileFormula('sin(3*x) + 0.1*x^2').hessian(0.4, 2, hessian);
    expect(hessian[0]).toBeCloseTo(-9 * Math.sin(1.2) + 0.2, 12);
    expect(hessian[1]).toBe(0);
    expect(hessian[2]).toBe(0);
  });
});

describe('nonsmooth points', () => {
  const ackley = compileFormula(SURFACES.find((surface) => surface.name === 'ackley')!.formula);

  it('gives Ackley the value 0 at the origin', () => {
    // (-20 - e) + (20 + e) cancels up to a few ulps of 22.7 (3.6e-15 each) in float64.
    expect(Math.abs(ackley.value(0, 0, 'f64'))).toBeLessThanOrEqual(1e-12);
  });

  it.each(['f32', 'f64'] as const)('gives Ackley a zero gradient at the origin in %s', (precision) => {
    const gradient = new Float64Array(2);
    ackley.gradient(0, 0, precision, gradient);
    // Adding 0 maps -0 to 0 and keeps NaN, so the check accepts either zero and nothing else.
    expect(gradient[0] + 0).toBe(0);
    expect(gradient[1] + 0).toBe(0);
  });

  it.each([
    ['abs(x) + abs(y)', 0, 0, [0, 0]],
    ['hypot(x, y)', 0, 0, [0, 0]],
    ['sqrt(x^2 + y^2)', 0, 0, [0, 0]],
    ['min(x, y)', 1, 1, [0, 1]],
    ['max(x, y)', 1, 1, [0, 1]],
    ['min(x, y)', 0.5, 1, [1, 0]],
    ['max(x, y)', 0.5, 1, [0, 1]],
  ])('gives %s at (%d, %d) the subgradient %j', (formula, x, y, expected) => {
    const gradient = new Float64Array(2);
    for (const precision of ['f32', 'f64'] as const) {
      compileFormula(formula).gradient(x, y, precision, gradient);
      expect(Array.from(gradient, (component) => component + 0)).toEqual(expected);
    }
  });
});
