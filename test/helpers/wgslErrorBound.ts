// Forward error bounds for the float32 evaluation of a surface tree, from
// the accuracy that WGSL guarantees for each operation (WebGPU Shading
// Language, "Floating Point Accuracy"). Any two implementations within these
// bounds, such as a GPU and the float32 CPU evaluator, differ by at most
// twice the bound.
//
// The bounds follow the operations the compiler emits (src/core/expr/program.ts):
// integer powers as repeated squaring, hypot as sqrt(a*a + b*b), and sin, cos
// and tan after the reduction of the angle to about [-π, π].

import { compare } from '../../src/core/expr/build.ts';
import type { Expr } from '../../src/core/expr/index.ts';

/** Unit roundoff of float32: a correctly rounded result is within 2^-24 of it, relatively. */
const UNIT = 2 ** -24;

/** WGSL's absolute error bound of sin and cos for arguments in [-π, π]. */
const SIN_COS_ABSOLUTE = 2 ** -11;

/** WGSL's absolute error bound of log for arguments in [0.5, 2]; outside it is 3 ulp. */
const LOG_ABSOLUTE = 2 ** -21;

/** Largest power the compiler expands into multiplications (MAX_EXPANDED_EXPONENT). */
const MAX_EXPANDED_EXPONENT = 64;

/** Value of a node in float64 and a bound on how far a conforming float32 evaluation may be from it. */
export interface Bounded {
  value: number;
  error: number;
}

/** Upper bound of one float32 ulp at magnitude |v|: 2^-23 |v|, and the subnormal spacing near 0. */
function ulp(v: number): number {
  return Math.max(Math.abs(v) * 2 ** -23, 2 ** -149);
}

/** Number of multiplications in base^n by repeated squaring, as ProgramBuilder.lowerPower emits them. */
function multiplicationsOfPower(n: number): number {
  const squarings = Math.floor(Math.log2(n));
  const bits = n.toString(2).split('').filter((bit) => bit === '1').length;
  return squarings + bits - 1;
}

function add(a: Bounded, b: Bounded, sign: 1 | -1): Bounded {
  const value = a.value + sign * b.value;
  const propagated = a.error + b.error;
  return { value, error: propagated + UNIT * (Math.abs(value) + propagated) };
}

function multiply(a: Bounded, b: Bounded): Bounded {
  const value = a.value * b.value;
  const propagated = a.error * Math.abs(b.value) + b.error * Math.abs(a.value) + a.error * b.error;
  return { value, error: propagated + UNIT * (Math.abs(value) + propagated) };
}

/** WGSL: division within 2.5 ulp for divisors of magnitude 2^-126 to 2^126. */
function divide(a: Bounded, b: Bounded): Bounded {
  const value = a.value / b.value;
  const margin = Math.abs(b.value) - b.error;
  const propagated = margin > 0 ? (a.error + Math.abs(value) * b.error) / margin : Infinity;
  return { value, error: propagated + 2.5 * ulp(Math.abs(value) + propagated) };
}

function power(base: Bounded, exponent: number): Bounded {
  if (!Number.isInteger(exponent) || Math.abs(exponent) > MAX_EXPANDED_EXPONENT) {
    throw new Error(`no error bound for pow with exponent ${exponent}: WGSL's pow bound depends on exp2 and log2`);
  }
  const n = Math.abs(exponent);
  const magnitude = Math.abs(base.value);
  const value = Math.pow(base.value, n);
  // (|a| + e)^n (1 + u)^k bounds every product of n factors within e of a, each of k products rounded.
  const error = Math.pow(magnitude + base.error, n) * Math.pow(1 + UNIT, multiplicationsOfPower(n)) - Math.pow(magnitude, n);
  const positive = { value, error };
  return exponent > 0 ? positive : divide({ value: 1, error: 0 }, positive);
}

/** WGSL: sqrt is inherited from 1/inverseSqrt(x), so 2 ulp of inverseSqrt and 2.5 ulp of the division. */
function squareRoot(a: Bounded): Bounded {
  // NOTE: sqrt of an exact 0 counts as exact (1/inverseSqrt(0) = 1/+∞ = 0 in IEEE 754); WGSL's
  // accuracy table states no bound at 0. Ackley's gradient at its minimum depends on it.
  if (a.value === 0 && a.error === 0) {
    return { value: 0, error: 0 };
  }
  const value = Math.sqrt(a.value);
  const propagated = a.value > 0 ? Math.min(a.error / value, Math.sqrt(a.error)) : Math.sqrt(a.error);
  return { value, error: propagated + 4.5 * ulp(value + propagated) + UNIT * value };
}

/**
 * sin, cos or tan after the compiler's Cody–Waite reduction by k turns. The
 * reduction rounds three times, by at most u of |k C1|, |k C2| and the
 * reduced angle each, and C1 + C2 misses 2π by less than 2^-46 per turn.
 */
function periodic(name: 'sin' | 'cos' | 'tan', angle: Bounded): Bounded {
  const turns = Math.abs(Math.round(angle.value / (2 * Math.PI)));
  const reducedMagnitude = Math.PI;
  const reduction = angle.error + UNIT * (2 * turns * 2 * Math.PI + 2 * reducedMagnitude) + turns * 2 ** -46;

  const sine = { value: Math.sin(angle.value), error: reduction + SIN_COS_ABSOLUTE };
  const cosine = { value: Math.cos(angle.value), error: reduction + SIN_COS_ABSOLUTE };
  if (name === 'sin') return sine;
  if (name === 'cos') return cosine;
  // WGSL: tan is inherited from sin(x) / cos(x).
  return divide(sine, cosine);
}

/** WGSL: exp within 3 + 2|x| ulp. */
function exponential(a: Bounded): Bounded {
  const value = Math.exp(a.value);
  const propagated = value * Math.expm1(a.error);
  return { value, error: propagated + (3 + 2 * (Math.abs(a.value) + a.error)) * ulp(value + propagated) };
}

function logarithm(a: Bounded): Bounded {
  const value = Math.log(a.value);
  const margin = a.value - a.error;
  const propagated = margin > 0 ? a.error / margin : Infinity;
  return { value, error: propagated + Math.max(LOG_ABSOLUTE, 3 * ulp(Math.abs(value) + propagated)) };
}

/** WGSL: atan within 4096 ulp; atan' = 1/(1 + x²) ≤ 1. */
function arctangent(a: Bounded): Bounded {
  const value = Math.atan(a.value);
  const nearest = Math.max(0, Math.abs(a.value) - a.error);
  const propagated = a.error / (1 + nearest * nearest);
  return { value, error: propagated + 4096 * ulp(Math.abs(value) + propagated) };
}

/**
 * Computes the float64 value of `expr` at (x, y) and a bound on the error
 * of any float32 evaluation that meets WGSL's accuracy. x and y must be
 * float32 values, as both sides read them. Throws for operations without a
 * bound here (sinh, cosh, tanh, asin, acos, atan2, log1p, pow with a
 * non-integer or variable exponent).
 */
export function boundError(expr: Expr, x: number, y: number): Bounded {
  const known = new Map<Expr, Bounded>();

  const visit = (node: Expr): Bounded => {
    const cached = known.get(node);
    if (cached) return cached;
    const result = bound(node, visit, x, y);
    known.set(node, result);
    return result;
  };

  return visit(expr);
}

function bound(node: Expr, visit: (child: Expr) => Bounded, x: number, y: number): Bounded {
  switch (node.kind) {
    case 'number':
      return { value: node.value, error: Math.abs(Math.fround(node.value) - node.value) };
    case 'constant': {
      const value = node.name === 'pi' ? Math.PI : Math.E;
      return { value, error: Math.abs(Math.fround(value) - value) };
    }
    case 'variable':
      return { value: node.name === 'x' ? x : y, error: 0 };
    case 'negate': {
      const operand = visit(node.operand);
      return { value: -operand.value, error: operand.error };
    }
    case 'binary':
      return boundBinary(node, visit);
    case 'call':
      return boundCall(node, visit);
    case 'select':
      return boundSelect(node, visit);
  }
}

function boundBinary(node: Expr & { kind: 'binary' }, visit: (child: Expr) => Bounded): Bounded {
  const left = visit(node.left);
  if (node.operator === '^') {
    if (node.right.kind !== 'number') {
      throw new Error('no error bound for a variable exponent: WGSL pow depends on exp2 and log2');
    }
    return power(left, node.right.value);
  }

  const right = visit(node.right);
  switch (node.operator) {
    case '+':
      return add(left, right, 1);
    case '-':
      return add(left, right, -1);
    case '*':
      return multiply(left, right);
    case '/':
      return divide(left, right);
  }
}

function boundCall(node: Expr & { kind: 'call' }, visit: (child: Expr) => Bounded): Bounded {
  const args = node.args.map(visit);
  const [a, b] = args;
  switch (node.name) {
    case 'sin':
    case 'cos':
    case 'tan':
      return periodic(node.name, a);
    case 'exp':
      return exponential(a);
    case 'log':
      return logarithm(a);
    case 'sqrt':
      return squareRoot(a);
    case 'hypot':
      return squareRoot(add(multiply(a, a), multiply(b, b), 1));
    case 'atan':
      return arctangent(a);
    case 'abs':
      return { value: Math.abs(a.value), error: a.error };
    case 'sign':
      // The sign may come out as -1, 0 or 1 where the operand's error reaches 0.
      return { value: Math.sign(a.value), error: Math.abs(a.value) > a.error ? 0 : 2 };
    case 'min':
      return { value: Math.min(a.value, b.value), error: Math.max(a.error, b.error) };
    case 'max':
      return { value: Math.max(a.value, b.value), error: Math.max(a.error, b.error) };
    default:
      throw new Error(`no error bound for ${node.name}: its WGSL accuracy is inherited from functions not covered here`);
  }
}

/**
 * A comparison decides the same way on every implementation when the operands
 * are farther apart than their errors, or both are exact. Otherwise either
 * branch may be taken, so the bound covers the distance between the branches.
 */
function boundSelect(node: Expr & { kind: 'select' }, visit: (child: Expr) => Bounded): Bounded {
  const left = visit(node.left);
  const right = visit(node.right);
  const slack = left.error + right.error;
  const holds = compare(node.comparison, left.value, right.value);
  const taken = visit(holds ? node.whenTrue : node.whenFalse);
  if (slack === 0 || Math.abs(left.value - right.value) > slack) {
    return taken;
  }
  const other = visit(holds ? node.whenFalse : node.whenTrue);
  return { value: taken.value, error: Math.max(taken.error, other.error) + Math.abs(taken.value - other.value) };
}
