// The domain check of compiled formulas: where an operation of f or of its
// gradient is undefined, every CPU evaluator returns NaN, and the WGSL
// computes the same flag from the same instructions.

import { describe, expect, it } from 'vitest';

import { compileFormula } from '../../src/core/expr/index.ts';

interface Case {
  formula: string;
  /** Points where f or its gradient is undefined. */
  undefinedAt: [number, number][];
  /** Points where both are defined. */
  definedAt: [number, number][];
}

const CASES: Case[] = [
  { formula: 'log(x) + y^2', undefinedAt: [[-1, 0], [0, 2], [-1e-30, 0]], definedAt: [[1e-30, 0], [0.5, -3]] },
  { formula: 'log1p(x)', undefinedAt: [[-1, 0], [-2, 0]], definedAt: [[-0.5, 0], [3, 0]] },
  { formula: 'sqrt(x) + y', undefinedAt: [[-0.25, 0], [-1e-30, 0]], definedAt: [[0.25, 1], [0, 0]] },
  { formula: 'asin(x) + acos(y)', undefinedAt: [[1.5, 0], [0, -1.01]], definedAt: [[0.5, -0.5]] },
  { formula: '1 / (x - y)', undefinedAt: [[2, 2]], definedAt: [[2, 1]] },
  // WGSL pow is undefined for a negative base, even with an integer exponent beyond the expanded ones.
  { formula: 'x^2.5 + x^100', undefinedAt: [[-0.5, 0]], definedAt: [[0.5, 0], [0, 0]] },
  // At x = 0, df/dy = x^y log(x) takes the log of 0.
  { formula: 'x^y', undefinedAt: [[-2, 2], [0, -1], [0, 1]], definedAt: [[2, -1], [0.5, 0]] },
  { formula: 'x^2 + 2*y^2', undefinedAt: [], definedAt: [[-1e30, 1e30], [0, 0]] },
  // Simplification folds these terms to a constant; the points where they are undefined stay undefined.
  { formula: 'x^2 + 0*log(x)', undefinedAt: [[-1.5, 0], [0, 0]], definedAt: [[1.5, 0]] },
  { formula: 'x^2 + 0/x', undefinedAt: [[0, 0]], definedAt: [[-1.5, 0], [1.5, 0]] },
  { formula: 'x^(1/2)*0 + y^2', undefinedAt: [[-1.5, 1]], definedAt: [[1.5, 1], [0, 1]] },
  { formula: 'sqrt(y)^0 + x^2', undefinedAt: [[1, -1]], definedAt: [[1, 0], [1, 4]] },
];

describe('domain check', () => {
  for (const { formula, undefinedAt, definedAt } of CASES) {
    const surface = compileFormula(formula);
    const gradient = new Float64Array(2);

    it.each(undefinedAt)(`${formula} is undefined at (%f, %f)`, (x, y) => {
      for (const precision of ['f32', 'f64'] as const) {
        expect(surface.value(x, y, precision), `value, ${precision}`).toBeNaN();
        surface.gradient(x, y, precision, gradient);
        expect(gradient[0], `df/dx, ${precision}`).toBeNaN();
        expect(gradient[1], `df/dy, ${precision}`).toBeNaN();
        expect(surface.evaluator(precision).valueAndGradient(x, y, gradient), `valueAndGradient, ${precision}`).toBeNaN();
      }
    });

    if (definedAt.length > 0) {
      it.each(definedAt)(`${formula} is defined at (%f, %f)`, (x, y) => {
        expect(Number.isNaN(surface.value(x, y, 'f32'))).toBe(false);
        surface.gradient(x, y, 'f32', gradient);
        expect(Number.isNaN(gradient[0])).toBe(false);
        expect(Number.isNaN(gradient[1])).toBe(false);
      });
    }
  }

  it('counts only the branch a select takes', () => {
    // The derivative of sqrt(x) is sqrt(x) == 0 ? 0 : 0.5 / sqrt(x): the division by zero at x = 0 is not taken.
    const surface = compileFormula('sqrt(x) + y');
    const gradient = new Float64Array(2);
    surface.gradient(0, 0, 'f32', gradient);
    expect(Array.from(gradient)).toEqual([0, 1]);
    const checked = surface.wgsl.slice(surface.wgsl.indexOf('fn surface_gradient_checked('));
    expect(checked).toMatch(/select\(t\d+, 0\.0f, t\d+\)/);
  });

  it('adds no check to formulas without restricted operations', () => {
    const wgsl = compileFormula('x^2 + 2*y^2').wgsl;
    const checked = wgsl.slice(wgsl.indexOf('fn surface_gradient_checked('));
    expect(checked).toContain(', 0.0f);');
    expect(checked).not.toMatch(/ [<>] | == /);
  });

  it('emits the check for the GPU from the same comparisons', () => {
    const wgsl = compileFormula('log(x) + y^2').wgsl;
    const checked = wgsl.slice(wgsl.indexOf('fn surface_gradient_checked('));
    expect(checked).toMatch(/p\.x > 0\.0f/);
    expect(checked).toMatch(/return vec3f\(t\d+, t\d+, t\d+\);/);
  });
});
