// Shared helpers for the expression compiler tests.
import type { Expr } from '../../src/core/expr/index.ts';

/** Writes a tree fully parenthesized, such as (+ (* 2 x) 1), so tests see its exact shape. */
export function toSExpression(expr: Expr): string {
  switch (expr.kind) {
    case 'number':
      return String(expr.value);
    case 'variable':
    case 'constant':
      return expr.name;
    case 'negate':
      return `(neg ${toSExpression(expr.operand)})`;
    case 'binary':
      return `(${expr.operator} ${toSExpression(expr.left)} ${toSExpression(expr.right)})`;
    case 'call':
      return `(${[expr.name, ...expr.args.map(toSExpression)].join(' ')})`;
    case 'select':
      return `(select ${expr.comparison} ${[expr.left, expr.right, expr.whenTrue, expr.whenFalse].map(toSExpression).join(' ')})`;
  }
}

const FUNCTIONS: ReadonlyMap<string, (...args: number[]) => number> = new Map<string, (...args: number[]) => number>([
  ['sin', Math.sin], ['cos', Math.cos], ['tan', Math.tan], ['asin', Math.asin], ['acos', Math.acos],
  ['atan', Math.atan], ['atan2', Math.atan2], ['sinh', Math.sinh], ['cosh', Math.cosh], ['tanh', Math.tanh],
  ['exp', Math.exp], ['log', Math.log], ['log1p', Math.log1p], ['sqrt', Math.sqrt], ['abs', Math.abs],
  ['min', Math.min], ['max', Math.max], ['pow', Math.pow], ['hypot', Math.hypot], ['sign', Math.sign],
]);

/** Evaluates a tree directly in float64, independent of the compiler's simplifier and programs. */
export function evaluateTree(expr: Expr, x: number, y: number): number {
  const at = (child: Expr): number => evaluateTree(child, x, y);
  switch (expr.kind) {
    case 'number':
      return expr.value;
    case 'variable':
      return expr.name === 'x' ? x : y;
    case 'constant':
      return expr.name === 'pi' ? Math.PI : Math.E;
    case 'negate':
      return -at(expr.operand);
    case 'binary': {
      const [a, b] = [at(expr.left), at(expr.right)];
      return { '+': a + b, '-': a - b, '*': a * b, '/': a / b, '^': Math.pow(a, b) }[expr.operator];
    }
    case 'call':
      return FUNCTIONS.get(expr.name)!(...expr.args.map(at));
    case 'select': {
      const [a, b] = [at(expr.left), at(expr.right)];
      if (expr.comparison === '<') return a < b ? at(expr.whenTrue) : at(expr.whenFalse);
      if (expr.comparison === '>') return a > b ? at(expr.whenTrue) : at(expr.whenFalse);
      return a === b ? at(expr.whenTrue) : at(expr.whenFalse);
    }
  }
}

/** Mulberry32: a small seeded PRNG, so that random test points are the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Returns `count` seeded random points, uniform in the box x × y. */
export function randomPointsIn(x: readonly [number, number], y: readonly [number, number], count: number, seed: number): [number, number][] {
  const random = seededRandom(seed);
  const points: [number, number][] = [];
  for (let i = 0; i < count; i++) {
    const px = x[0] + (x[1] - x[0]) * random();
    const py = y[0] + (y[1] - y[0]) * random();
    points.push([px, py]);
  }
  return points;
}

const EPSILON_64 = 2 ** -52;

/** Central-difference step for a coordinate: 1e-6 relative, at least 1e-6 absolute. */
export function differenceStep(coordinate: number): number {
  return 1e-6 * Math.max(1, Math.abs(coordinate));
}

/**
 * Tolerance of a central difference (g(t+h) - g(t-h)) / 2h, where |g| is `size`
 * and |g'| is `slope`. Rounding: assuming each g is within 50 ulps of 1 + |g|
 * (the longest operation chains here are shorter), the quotient is off by up to
 * 50 eps (1 + |g|) / h. Truncation is h^2 |g'''| / 6 = 1.7e-13 |g'''| at h = 1e-6,
 * so the second term allows |g'''| up to about 6e6 (1 + |g'|).
 */
export function differenceTolerance(size: number, slope: number, h: number): number {
  return (50 * EPSILON_64 * (1 + Math.abs(size))) / h + 1e-6 * (1 + Math.abs(slope));
}

/** Test surfaces with the box their random points come from, chosen inside each function's domain. */
export interface SurfaceCase {
  readonly name: string;
  readonly formula: string;
  readonly x: readonly [number, number];
  readonly y: readonly [number, number];
}

export const SURFACES: readonly SurfaceCase[] = [
  { name: 'rosenbrock', formula: '(1-x)^2 + 100*(y-x^2)^2', x: [-2, 2], y: [-1, 3] },
  { name: 'himmelblau', formula: '(x^2+y-11)^2 + (x+y^2-7)^2', x: [-5, 5], y: [-5, 5] },
  { name: 'rastrigin', formula: '20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)', x: [-5.12, 5.12], y: [-5.12, 5.12] },
  {
    name: 'ackley',
    formula: '-20*exp(-0.2*sqrt(0.5*(x^2+y^2))) - exp(0.5*(cos(2*pi*x)+cos(2*pi*y))) + e + 20',
    x: [-5, 5],
    y: [-5, 5],
  },
  { name: 'beale', formula: '(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2', x: [-4.5, 4.5], y: [-4.5, 4.5] },
  {
    name: 'goldstein-price',
    formula:
      '(1 + (x+y+1)^2*(19 - 14*x + 3*x^2 - 14*y + 6*x*y + 3*y^2)) * (30 + (2*x-3*y)^2*(18 - 32*x + 12*x^2 + 48*y - 36*x*y + 27*y^2))',
    x: [-2, 2],
    y: [-2, 2],
  },
  { name: 'booth', formula: '(x + 2*y - 7)^2 + (2*x + y - 5)^2', x: [-10, 10], y: [-10, 10] },
  { name: 'matyas', formula: '0.26*(x^2 + y^2) - 0.48*x*y', x: [-10, 10], y: [-10, 10] },
  { name: 'three-hump camel', formula: '2*x^2 - 1.05*x^4 + x^6/6 + x*y + y^2', x: [-5, 5], y: [-5, 5] },
  {
    name: 'levi',
    formula: 'sin(3*pi*x)^2 + (x-1)^2*(1 + sin(3*pi*y)^2) + (y-1)^2*(1 + sin(2*pi*y)^2)',
    x: [-10, 10],
    y: [-10, 10],
  },
  { name: 'styblinski-tang', formula: '(x^4 - 16*x^2 + 5*x + y^4 - 16*y^2 + 5*y)/2', x: [-5, 5], y: [-5, 5] },
  { name: 'sin cos', formula: 'sin(x)*cos(y)', x: [-4, 4], y: [-4, 4] },
  { name: 'tan', formula: 'tan(x/2) + y^2', x: [-2, 2], y: [-2, 2] },
  { name: 'asin acos', formula: 'asin(x/2) + acos(y/2)', x: [-1.5, 1.5], y: [-1.5, 1.5] },
  { name: 'atan', formula: 'atan(x*y) + x^2', x: [-3, 3], y: [-3, 3] },
  { name: 'atan2', formula: 'atan2(y, x + 3) + 0.1*y^2', x: [-2, 2], y: [-2, 2] },
  { name: 'hyperbolic', formula: 'sinh(x/3)*cosh(y/3) + tanh(x*y)', x: [-3, 3], y: [-3, 3] },
  { name: 'exp log', formula: 'log(1 + x^2 + y^2) + exp(-x^2)', x: [-3, 3], y: [-3, 3] },
  { name: 'log1p', formula: 'log1p(x^2 + y^2) - log1p(x/2)', x: [-1.5, 3], y: [-3, 3] },
  { name: 'sqrt', formula: 'sqrt(1 + x^2 + y^2) + sqrt(x^2 + y^2)', x: [-3, 3], y: [-3, 3] },
  { name: 'abs', formula: 'abs(x) + abs(y - 1)*x', x: [-3, 3], y: [-3, 3] },
  { name: 'min max', formula: 'min(x^2, y^2 + 1) + max(x, y, 0.5)', x: [-3, 3], y: [-3, 3] },
  { name: 'pow variable exponent', formula: 'pow(2 + x^2, y) + x^y', x: [0.5, 2], y: [-2, 2] },
  { name: 'monkey saddle', formula: 'pow(x, 3) - 3*x*y^2', x: [-2, 2], y: [-2, 2] },
  { name: 'fractional power', formula: '(x^2 + y^2 + 1)^1.5 + y^0.5', x: [-2, 2], y: [0.2, 3] },
  { name: 'negative powers', formula: '1/(1 + x^2) + (2 + y)^-3 + x^-2', x: [0.5, 3], y: [-1, 1] },
  { name: 'hypot', formula: 'hypot(x, y + 0.5) + hypot(2*x, 1)', x: [-3, 3], y: [-3, 3] },
  { name: 'quotient', formula: 'x/(1 + y^2) - y/(2 + x^2)', x: [-3, 3], y: [-3, 3] },
  { name: 'constants', formula: 'e^(x/2) + pi*y', x: [-2, 2], y: [-2, 2] },
  { name: '1D quartic', formula: 'x^4 - 3*x^2 + x', x: [-2, 2], y: [0, 0] },
  { name: '1D wave', formula: 'sin(3*x) + 0.1*x^2', x: [-5, 5], y: [0, 0] },
  { name: 'only y', formula: 'y^2 + cos(y)', x: [0, 0], y: [-3, 3] },
];
