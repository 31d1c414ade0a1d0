import { describe, expect, it } from 'vitest';

import { compileFormula, formatExpression, parseFormula, simplifyExpression } from '../../src/core/expr/index.ts';
import { evaluateTree, SURFACES, seededRandom } from './exprHelpers.ts';

describe('simplifyExpression', () => {
  it.each([
    ['x + 0', 'x'],
    ['0 + x', 'x'],
    ['x - 0', 'x'],
    ['0 - x', '-x'],
    ['x*1', 'x'],
    ['1*x', 'x'],
    ['x*0', '0'],
    ['0*x', '0'],
    ['x/1', 'x'],
    ['--x', 'x'],
    ['x^1', 'x'],
    ['x^0', '1'],
    ['2*(3*x)', '6*x'],
    ['2*x*3*y', '6*(x*y)'],
    ['x*2', '2*x'],
    ['2 + 3*4 + x', 'x + 14'],
    ['x + 1 + 2', 'x + 3'],
    ['x - 1 - 2', 'x - 3'],
    ['x + -2', 'x - 2'],
    ['x - -y', 'x + y'],
    ['-(x - y)', 'y - x'],
    ['-x*y', '-(x*y)'],
    ['-(2*x)', '-2*x'],
    ['x/2', '0.5*x'],
    ['x/3', 'x/3'],
    ['(6*x)/3', '2*x'],
    ['pow(x, 2)', 'x^2'],
    ['x^0.5', 'sqrt(x)'],
    ['x^-0.5', '1/sqrt(x)'],
    ['(x^2)^3', 'x^6'],
    ['(x^2)^0.5', 'sqrt(x^2)'],
    ['(-x)^2', 'x^2'],
    ['(-x)^3', '-x^3'],
    ['sin(pi/2)*x', 'x'],
    ['2*pi*x', '6.283185307179586*x'],
    ['pi*x', 'pi*x'],
    ['abs(-x)', 'abs(x)'],
    ['min(x, y, 1)', 'min(min(x, y), 1)'],
    ['x*(1/y)', 'x/y'],
  ])('rewrites %s as %s', (text, expected) => {
    expect(formatExpression(simplifyExpression(parseFormula(text)))).toBe(expected);
  });

  it.each(SURFACES.map((surface, index) => [surface.name, surface, index]))('keeps the value of %s', (_name, surface, index) => {
    const tree = parseFormula(surface.formula);
    const compiled = compileFormula(surface.formula);
    const random = seededRandom(3000 + index);
    for (let i = 0; i < 50; i++) {
      const x = surface.x[0] + (surface.x[1] - surface.x[0]) * random();
      const y = surface.y[0] + (surface.y[1] - surface.y[0]) * random();
      const direct = evaluateTree(tree, x, y);
      // Reassociated sums and products, and x*x in place of pow(x, 2), round differently: allow
      // 1e-12 of the value or 1e-12 absolute, far above float64 rounding of these short chains.
      expect(Math.abs(compiled.value(x, y, 'f64') - direct), `at (${x}, ${y})`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(direct)));
    }
  });
});
