import type { BinaryOperator, Comparison, Expr, FunctionName } from './ast.ts';

/**
 * Smart constructors: each takes simplified operands and returns a simplified
 * node. They fold constants in float64, drop neutral elements, move numeric
 * factors to the front and gather them (2*(3*x) becomes 6*x), and move constant
 * terms to the end of sums and gather them. Every rewrite is an identity of real
 * arithmetic wherever the original is defined. Some give a value where the
 * original is NaN or Infinity (a*0 and 0/a become 0), and reassociation can
 * change the float rounding.
 */

/** Float64 implementations for folding constant calls; a Map so that no prototype name is found. */
const FOLD: ReadonlyMap<FunctionName, (...args: number[]) => number> = new Map<FunctionName, (...args: number[]) => number>([
  ['sin', Math.sin], ['cos', Math.cos], ['tan', Math.tan],
  ['asin', Math.asin], ['acos', Math.acos], ['atan', Math.atan], ['atan2', Math.atan2],
  ['sinh', Math.sinh], ['cosh', Math.cosh], ['tanh', Math.tanh],
  ['exp', Math.exp], ['log', Math.log], ['log1p', Math.log1p], ['sqrt', Math.sqrt], ['abs', Math.abs],
  ['min', Math.min], ['max', Math.max], ['pow', Math.pow], ['hypot', Math.hypot], ['sign', Math.sign],
]);

/** Returns a number node; -0 becomes +0, so that no negative zero reaches the WGSL or the evaluators. */
export function num(value: number): Expr {
  return { kind: 'number', value: value === 0 ? 0 : value };
}

/** Returns the value of a number or named-constant node, else undefined. */
export function numericValue(expr: Expr): number | undefined {
  if (expr.kind === 'number') return expr.value;
  if (expr.kind === 'constant') return expr.name === 'pi' ? Math.PI : Math.E;
  return undefined;
}

function binary(operator: BinaryOperator, left: Expr, right: Expr): Expr {
  return { kind: 'binary', operator, left, right };
}

/** Returns the numeric factor c of a product `c*q`, else undefined. */
function leadingFactor(expr: Expr): number | undefined {
  if (expr.kind !== 'binary' || expr.operator !== '*') return undefined;
  return numericValue(expr.left);
}

/** Returns the numeric term c of `p + c` (as c) or `p - c` (as -c), else undefined. */
function trailingTerm(expr: Expr): number | undefined {
  if (expr.kind !== 'binary' || (expr.operator !== '+' && expr.operator !== '-')) return undefined;
  const value = numericValue(expr.right);
  if (value === undefined) return undefined;
  return expr.operator === '+' ? value : -value;
}

/** Tells whether 1/value is exact and within float32 range, so x/value may become (1/value)*x. */
function hasExactReciprocal(value: number): boolean {
  const exponent = Math.log2(Math.abs(value));
  return Number.isInteger(exponent) && Math.abs(exponent) <= 126;
}

/** Builds -a. */
export function negate(a: Expr): Expr {
  const value = numericValue(a);
  if (value !== undefined) return num(-value);
  if (a.kind === 'negate') return a.operand;

  if (a.kind === 'binary') {
    if (a.operator === '-') return subtract(a.right, a.left);
    const factor = numericValue(a.left);
    if (factor !== undefined && a.operator === '*') return multiply(num(-factor), a.right);
    if (factor !== undefined && a.operator === '/') return divide(num(-factor), a.right);
  }
  return { kind: 'negate', operand: a };
}

/** Builds a + b. */
export function add(a: Expr, b: Expr): Expr {
  const left = numericValue(a);
  const right = numericValue(b);
  if (left !== undefined && right !== undefined) return num(left + right);
  if (left === 0) return b;
  if (right === 0) return a;

  if (b.kind === 'negate') return subtract(a, b.operand);
  if (a.kind === 'negate') return subtract(b, a.operand);
  if (left !== undefined) return add(b, a);

  if (right !== undefined) {
    if (right < 0) return subtract(a, num(-right));
    const term = trailingTerm(a);
    if (term !== undefined && a.kind === 'binary') return add(a.left, num(term + right));
  }

  const factor = leadingFactor(b);
  if (factor !== undefined && factor < 0 && b.kind === 'binary') return subtract(a, multiply(num(-factor), b.right));
  return binary('+', a, b);
}

/** Builds a - b. */
export function subtract(a: Expr, b: Expr): Expr {
  const left = numericValue(a);
  const right = numericValue(b);
  if (left !== undefined && right !== undefined) return num(left - right);
  if (right === 0) return a;
  if (left === 0) return negate(b);

  if (b.kind === 'negate') return add(a, b.operand);

  if (right !== undefined) {
    if (right < 0) return add(a, num(-right));
    const term = trailingTerm(a);
    if (term !== undefined && a.kind === 'binary') return add(a.left, num(term - right));
  }

  const factor = leadingFactor(b);
  if (factor !== undefined && factor < 0 && b.kind === 'binary') return add(a, multiply(num(-factor), b.right));
  if (a.kind === 'negate') return negate(add(a.operand, b));
  return binary('-', a, b);
}

/** Builds a * b. */
export function multiply(a: Expr, b: Expr): Expr {
  const left = numericValue(a);
  const right = numericValue(b);
  if (left !== undefined && right !== undefined) return num(left * right);
  if (left === 0 || right === 0) return num(0);
  if (left === 1) return b;
  if (right === 1) return a;
  if (left === -1) return negate(b);
  if (right === -1) return negate(a);

  if (a.kind === 'negate') return negate(multiply(a.operand, b));
  if (b.kind === 'negate') return negate(multiply(a, b.operand));
  if (right !== undefined) return multiply(b, a);

  if (b.kind === 'binary' && (b.operator === '*' || b.operator === '/')) {
    const factor = numericValue(b.left);
    // c1*(c2*q) = (c1*c2)*q and a*(c*q) = c*(a*q), and the same for c/q.
    if (factor !== undefined && b.operator === '*') {
      return left !== undefined ? multiply(num(left * factor), b.right) : multiply(b.left, multiply(a, b.right));
    }
    if (factor !== undefined) {
      return left !== undefined ? divide(num(left * factor), b.right) : divide(multiply(b.left, a), b.right);
    }
  }

  const factor = leadingFactor(a);
  if (left === undefined && factor !== undefined && a.kind === 'binary') return multiply(a.left, multiply(a.right, b));
  return binary('*', a, b);
}

/** Builds a / b. */
export function divide(a: Expr, b: Expr): Expr {
  const left = numericValue(a);
  const right = numericValue(b);
  if (left !== undefined && right !== undefined) return num(left / right);
  if (right === 1) return a;
  if (right === -1) return negate(a);
  if (left === 0) return num(0);

  if (a.kind === 'negate') return negate(divide(a.operand, b));
  if (b.kind === 'negate') return negate(divide(a, b.operand));

  if (right !== undefined) {
    const factor = leadingFactor(a);
    if (factor !== undefined && a.kind === 'binary') return multiply(num(factor / right), a.right);
    if (hasExactReciprocal(right)) return multiply(num(1 / right), a);
  }

  const factor = leadingFactor(b);
  if (left !== undefined && factor !== undefined && b.kind === 'binary') return divide(num(left / factor), b.right);
  return binary('/', a, b);
}

/** Builds a^b. Exponent 0.5 becomes sqrt; integer powers of powers and of negations are merged. */
export function power(a: Expr, b: Expr): Expr {
  const base = numericValue(a);
  const exponent = numericValue(b);
  if (base !== undefined && exponent !== undefined) return num(Math.pow(base, exponent));
  if (exponent === 1) return a;
  if (exponent === 0 || base === 1) return num(1);
  if (exponent === 0.5) return call('sqrt', [a]);
  if (exponent === -0.5) return divide(num(1), call('sqrt', [a]));

  if (exponent !== undefined && Number.isInteger(exponent)) {
    // (p^m)^n = p^(m*n) holds for integers m and n, and (-p)^n = ±p^n.
    if (a.kind === 'binary' && a.operator === '^') {
      const inner = numericValue(a.right);
      if (inner !== undefined && Number.isInteger(inner)) return power(a.left, num(inner * exponent));
    }
    if (a.kind === 'negate') {
      const even = power(a.operand, b);
      return exponent % 2 === 0 ? even : negate(even);
    }
  }
  return binary('^', a, b);
}

/** Builds a function call; pow becomes `^`, and min or max of more than two arguments nests pairs. */
export function call(name: FunctionName, args: readonly Expr[]): Expr {
  if (name === 'pow') return power(args[0], args[1]);
  if ((name === 'min' || name === 'max') && args.length > 2) {
    return args.slice(1).reduce((folded, arg) => call(name, [folded, arg]), args[0]);
  }

  const values = args.map(numericValue);
  if (values.every((value) => value !== undefined)) return num(FOLD.get(name)!(...(values as number[])));

  const [first] = args;
  if (name === 'abs' && first.kind === 'negate') return call('abs', [first.operand]);
  if (name === 'abs' && first.kind === 'call' && first.name === 'abs') return first;
  if ((name === 'min' || name === 'max') && args[0] === args[1]) return first;
  return { kind: 'call', name, args };
}

/** Applies a comparison of the formula language to two numbers. */
export function compare(comparison: Comparison, a: number, b: number): boolean {
  if (comparison === '<') return a < b;
  if (comparison === '>') return a > b;
  return a === b;
}

/** Builds `left comparison right ? whenTrue : whenFalse`. */
export function select(comparison: Comparison, left: Expr, right: Expr, whenTrue: Expr, whenFalse: Expr): Expr {
  const a = numericValue(left);
  const b = numericValue(right);
  if (a !== undefined && b !== undefined) {
    return compare(comparison, a, b) ? whenTrue : whenFalse;
  }

  if (whenTrue === whenFalse) return whenTrue;
  const trueValue = numericValue(whenTrue);
  if (trueValue !== undefined && trueValue === numericValue(whenFalse)) return whenTrue;
  return { kind: 'select', comparison, left, right, whenTrue, whenFalse };
}
