// The check for a surface undefined at every start, where every particle
// diverges at its first update and the scene would show nothing.

import { describe, expect, test } from 'vitest';

import { compileFormula } from '../../src/core/expr/index.ts';
import { fillStarts, undefinedStartsProblem, type GridStarts } from '../../src/core/grid.ts';

function gridPoints(n: number, domain = { xMin: -2, xMax: 2, yMin: -2, yMax: 2 }): Float32Array {
  const starts: GridStarts = { kind: 'grid', nx: n, ny: n, domain };
  const points = new Float32Array(2 * n * n);
  fillStarts(starts, points);
  return points;
}

describe('undefinedStartsProblem', () => {
  test('x/(y - y) is undefined at every start', () => {
    expect(undefinedStartsProblem(compileFormula('x/(y - y)'), gridPoints(4))).toBe('at all 16 starts, so every particle diverges at its first update');
  });

  test('a gradient past float32 counts too', () => {
    // The x component 2x exp(x²) overflows float32 at |x| = 10.
    const points = Float32Array.of(10, 1, -10, -1);
    expect(undefinedStartsProblem(compileFormula('exp(x^2) + y'), points)).toBe('at all 2 starts, so every particle diverges at its first update');
  });

  test('one defined start clears it', () => {
    expect(undefinedStartsProblem(compileFormula('log(x) + y^2'), gridPoints(4))).toBeUndefined();
    expect(undefinedStartsProblem(compileFormula('x^2 + y^2'), gridPoints(4))).toBeUndefined();
  });

  test('the domain decides', () => {
    const negative = { xMin: -3, xMax: -1, yMin: -1, yMax: 1 };
    expect(undefinedStartsProblem(compileFormula('log(x) + y^2'), gridPoints(4, negative))).toMatch(/^at all 16 starts/);
  });

  test('one start', () => {
    expect(undefinedStartsProblem(compileFormula('sqrt(x)'), Float32Array.of(-1, 0))).toBe('at the start, so the particle diverges at its first update');
  });

  test('a large grid is sampled', () => {
    // 100 × 100 starts with a limit of 64: every 157th start, 64 in all.
    expect(undefinedStartsProblem(compileFormula('x/(y - y)'), gridPoints(100), 64)).toBe('at all 64 starts checked (of 10,000), so particles diverge at their first update');
  });

  test('no starts, no problem', () => {
    expect(undefinedStartsProblem(compileFormula('x/(y - y)'), new Float32Array(0))).toBeUndefined();
  });
});
