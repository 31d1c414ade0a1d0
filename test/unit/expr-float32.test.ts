import { describe, expect, it } from 'vitest';

import { compileFormula, reduceAngleFloat32, roundHalfToEven } from '../../src/core/expr/index.ts';

const fround = Math.fround;

/** Unit roundoff of float32, 2^-24: the relative error bound of one correctly rounded operation. */
const UNIT_ROUNDOFF_32 = 2 ** -24;

/** Points k/8 on a square grid; each coordinate is exact in float32, so inputs add no rounding. */
function grid(half: number): [number, number][] {
  const points: [number, number][] = [];
  for (let i = -half * 8; i <= half * 8; i += 3) {
    for (let j = -half * 8; j <= half * 8; j += 3) points.push([i / 8, j / 8]);
  }
  return points;
}

function countInstructions(wgsl: string, entryPoint: string): number {
  const body = wgsl.slice(wgsl.indexOf(`fn ${entryPoint}(`));
  return body.slice(0, body.indexOf('\n}')).split('\n').filter((line) => line.trim().startsWith('let ')).length;
}

describe('float32 evaluator against float64', () => {
  // M is the formula with every term made positive. A sum of products evaluated with n
  // correctly rounded operations is within n u M / (1 - n u) of the exact value (the standard
  // forward error bound). The test counts n + 2 operations, because the constants 0.26 and
  // 0.48 are themselves rounded to float32. The last column is the half-width of the grid.
  it.each([
    ['x^2 + 2*y^2', 'x^2 + 2*y^2', 4],
    ['(1-x)^2 + 100*(y-x^2)^2', '(1+abs(x))^2 + 100*(abs(y)+x^2)^2', 2],
    ['(x^2+y-11)^2 + (x+y^2-7)^2', '(x^2+abs(y)+11)^2 + (abs(x)+y^2+7)^2', 5],
    [
      '(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2',
      '(1.5 + abs(x) + abs(x*y))^2 + (2.25 + abs(x) + abs(x)*y^2)^2 + (2.625 + abs(x) + abs(x*y^3))^2',
      4.5,
    ],
    [
      '(1 + (x+y+1)^2*(19 - 14*x + 3*x^2 - 14*y + 6*x*y + 3*y^2)) * (30 + (2*x-3*y)^2*(18 - 32*x + 12*x^2 + 48*y - 36*x*y + 27*y^2))',
      '(1 + (abs(x)+abs(y)+1)^2*(19 + 14*abs(x) + 3*x^2 + 14*abs(y) + 6*abs(x*y) + 3*y^2)) * (30 + (2*abs(x)+3*abs(y))^2*(18 + 32*abs(x) + 12*x^2 + 48*abs(y) + 36*abs(x*y) + 27*y^2))',
      2,
    ],
    ['(x + 2*y - 7)^2 + (2*x + y - 5)^2', '(abs(x) + 2*abs(y) + 7)^2 + (2*abs(x) + abs(y) + 5)^2', 10],
    ['0.26*(x^2 + y^2) - 0.48*x*y', '0.26*(x^2 + y^2) + 0.48*abs(x*y)', 10],
    ['(x^4 - 16*x^2 + 5*x + y^4 - 16*y^2 + 5*y)/2', '(x^4 + 16*x^2 + 5*abs(x) + y^4 + 16*y^2 + 5*abs(y))/2', 5],
  ])('keeps %s within n u M', (formula, magnitudeFormula, half) => {
    const surface = compileFormula(formula);
    const magnitude = compileFormula(magnitudeFormula);
    const operations = countInstructions(surface.wgsl, 'surface_value') + 2;
    const relativeBound = (operations * UNIT_ROUNDOFF_32) / (1 - operations * UNIT_ROUNDOFF_32);

    for (const [x, y] of grid(half)) {
      const difference = Math.abs(surface.value(x, y, 'f32') - surface.value(x, y, 'f64'));
      expect(difference, `at (${x}, ${y})`).toBeLessThanOrEqual(relativeBound * magnitude.value(x, y, 'f64'));
    }
  });

  it('keeps the Rosenbrock gradient within n u M', () => {
    const surface = compileFormula('(1-x)^2 + 100*(y-x^2)^2');
    // Term-wise magnitudes of df/dx = 2(x - 1) - 400 x (y - x^2) and df/dy = 200 (y - x^2).
    const magnitudeX = (x: number, y: number): number => 2 * (Math.abs(x) + 1) + 400 * Math.abs(x) * (Math.abs(y) + x * x);
    const magnitudeY = (x: number, y: number): number => 200 * (Math.abs(y) + x * x);
    const operations = countInstructions(surface.wgsl, 'surface_gradient');
    const relativeBound = (operations * UNIT_ROUNDOFF_32) / (1 - operations * UNIT_ROUNDOFF_32);

    const single = new Float64Array(2);
    const double = new Float64Array(2);
    for (const [x, y] of grid(2)) {
      surface.gradient(x, y, 'f32', single);
      surface.gradient(x, y, 'f64', double);
      expect(Math.abs(single[0] - double[0]), `df/dx at (${x}, ${y})`).toBeLessThanOrEqual(relativeBound * magnitudeX(x, y));
      expect(Math.abs(single[1] - double[1]), `df/dy at (${x}, ${y})`).toBeLessThanOrEqual(relativeBound * magnitudeY(x, y));
    }
  });

  it.each([
    ['rastrigin', '20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)'],
    ['ackley', '-20*exp(-0.2*sqrt(0.5*(x^2+y^2))) - exp(0.5*(cos(2*pi*x)+cos(2*pi*y))) + e + 20'],
  ])('keeps %s within 1e-4 absolute', (_name, formula) => {
    // On |x|, |y| <= 5: the float32 angle 2*pi*x is off by up to about 5e-6 (2*pi rounded, the
    // product and the reduction, each a few ulps of 32). A cosine moves by at most that, and the
    // factor 10 (Rastrigin) or e (Ackley) scales it to 5e-5. Sums of terms up to 80 add a few ulps
    // of 80 (4.8e-6 each). 1e-4 covers the total.
    const surface = compileFormula(formula);
    for (const [x, y] of grid(5)) {
      const difference = Math.abs(surface.value(x, y, 'f32') - surface.value(x, y, 'f64'));
      expect(difference, `at (${x}, ${y})`).toBeLessThanOrEqual(1e-4);
    }
  });
});

describe('float32 evaluator rounding', () => {
  // Inputs that are not float32 numbers, so that rounding the inputs and each step matters.
  const SAMPLES: readonly [number, number][] = [
    [0.1, 0.2],
    [1 / 3, -2 / 7],
    [1.7, -2.3],
    [-123.456, 0.001],
    [Math.PI, Math.E],
    [1e-3, 3e3],
  ];

  it.each(SAMPLES)('rounds x^2 + 2*y^2 at (%d, %d) step by step', (x0, y0) => {
    const [x, y] = [fround(x0), fround(y0)];
    const expected = fround(fround(x * x) + fround(2 * fround(y * y)));
    expect(compileFormula('x^2 + 2*y^2').value(x0, y0, 'f32')).toBe(expected);
  });

  it.each(SAMPLES)('rounds Rosenbrock at (%d, %d) step by step', (x0, y0) => {
    const [x, y] = [fround(x0), fround(y0)];
    const a = fround(1 - x);
    const b = fround(y - fround(x * x));
    const expected = fround(fround(a * a) + fround(100 * fround(b * b)));
    expect(compileFormula('(1-x)^2 + 100*(y-x^2)^2').value(x0, y0, 'f32')).toBe(expected);
  });

  it.each(SAMPLES)('rounds the gradient of x^3 at (%d, %d) step by step', (x0) => {
    const x = fround(x0);
    const gradient = new Float64Array(2);
    compileFormula('x^3').gradient(x0, 0, 'f32', gradient);
    // d/dx x^3 = 3*x^2, with x^2 computed as x*x.
    expect(gradient[0]).toBe(fround(fround(x * x) * 3));
  });

  it.each(SAMPLES)('reduces the sine argument at (%d, %d) like the WGSL helper', (x0) => {
    const x = fround(x0);
    const high = fround(2 * Math.PI);
    const low = fround(2 * Math.PI - high);
    const turns = roundHalfToEven(fround(x * fround(1 / (2 * Math.PI))));
    const reduced = fround(fround(x - fround(turns * high)) - fround(turns * low));
    expect(compileFormula('sin(x)').value(x0, 0, 'f32')).toBe(fround(Math.sin(reduced)));
  });

  it.each(SAMPLES)('rounds log1p at (%d, %d) like the WGSL helper', (_x0, y0) => {
    const v = fround(Math.abs(y0));
    const u = fround(1 + v);
    const expected = u === 1 ? v : fround(fround(fround(Math.log(u)) * v) / fround(u - 1));
    expect(compileFormula('log1p(abs(y))').value(0, y0, 'f32')).toBe(expected);
  });

  it('returns v for log1p of a v that vanishes next to 1', () => {
    expect(compileFormula('log1p(x)').value(1e-9, 0, 'f32')).toBe(fround(1e-9));
  });
});

describe('roundHalfToEven', () => {
  it.each([
    [0.5, 0],
    [1.5, 2],
    [2.5, 2],
    [3.5, 4],
    [-0.5, -0],
    [-1.5, -2],
    [-2.5, -2],
    [2.4999, 2],
    [2.5001, 3],
    [-7.7, -8],
    [2 ** 52 + 1, 2 ** 52 + 1],
  ])('rounds %d to %d', (value, expected) => {
    expect(roundHalfToEven(value)).toBe(expected);
  });
});

describe('reduceAngleFloat32', () => {
  it('keeps cosines of angles up to 100 within 1e-5', () => {
    // For |a| <= 100, |k| <= 16 and k*2pi_f32 is rounded once (ulp 7.6e-6 near 100), so the
    // reduced angle is off by at most about 4e-6 from a - 2 pi k computed exactly.
    for (let angle = -100; angle <= 100; angle += 0.37) {
      const a = fround(angle);
      const reduced = reduceAngleFloat32(a);
      expect(Math.abs(reduced), `reduced ${a}`).toBeLessThanOrEqual(Math.PI + 1e-5);
      expect(Math.abs(Math.cos(reduced) - Math.cos(a)), `cos ${a}`).toBeLessThanOrEqual(1e-5);
    }
  });
});
