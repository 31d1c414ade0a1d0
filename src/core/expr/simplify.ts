import { forEachNode, type Expr, type Span } from './ast.ts';
import { add, call, divide, multiply, negate, num, numericValue, power, select, subtract } from './build.ts';
import { excerpt, FormulaError } from './errors.ts';
import { FLOAT32_MAX, isFiniteFloat32 } from './float32.ts';
import { formatExpression } from './format.ts';

/** Maximum length of a subexpression that a message about a constant quotes in full. */
const MAX_SUBEXPRESSION_LENGTH = 80;

/** Domain of each operation, for messages about a constant that folds to NaN or Infinity. */
const DOMAINS: ReadonlyMap<string, string> = new Map([
  ['log', 'log needs an argument > 0'],
  ['log1p', 'log1p needs an argument > -1'],
  ['sqrt', 'sqrt needs an argument >= 0'],
  ['asin', 'asin needs an argument in [-1, 1]'],
  ['acos', 'acos needs an argument in [-1, 1]'],
  ['pow', 'a negative base needs an integer exponent'],
  ['^', 'a negative base needs an integer exponent'],
  ['/', 'it divides by zero'],
]);

/** Formats a constant for messages with three significant digits, such as 2.69e43. */
export function formatMagnitude(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return value.toExponential(2).replace('e+', 'e');
}

/** Returns a subexpression as the formula writes it (`**` included) where its text is known, else in the compiler's notation. */
export function quote(node: Expr, source: string | undefined): string {
  if (source === undefined || !node.span) {
    return excerpt(formatExpression(node), MAX_SUBEXPRESSION_LENGTH);
  }
  // A parenthesized operand's span leaves out its parentheses, so a span that starts or ends inside
  // one is carried back past its '(' or on past its ')'.
  const depthChange = (character: string): number => {
    if (character === '(') return 1;
    if (character === ')') return -1;
    return 0;
  };
  let start = node.span.start;
  let end = node.span.end;
  let open = 0;
  let unopened = 0;
  for (const character of source.slice(start, end)) {
    open += depthChange(character);
    unopened = Math.max(unopened, -open);
  }
  open += unopened;
  while (unopened > 0 && start > 0) {
    start--;
    unopened -= source[start] === '(' ? 1 : 0;
  }
  while (open > 0 && end < source.length) {
    open += depthChange(source[end]);
    end++;
  }
  // Line breaks and tabs typed inside the subexpression would break the message's line.
  return excerpt(source.slice(start, end).replace(/\s+/g, ' ').trim(), MAX_SUBEXPRESSION_LENGTH);
}

/** Returns the message for a constant outside float32; `base` is the value of a power's base, where the constant is a power. */
function describeBadConstant(original: Expr, value: number, source: string | undefined, base?: number): string {
  const text = quote(original, source);
  let domain: string | undefined;
  if (original.kind === 'call') domain = DOMAINS.get(original.name);
  if (original.kind === 'binary') domain = DOMAINS.get(original.operator);
  // A power's fault depends on its base: 0 to a negative power divides by 0, and a positive base only overflows.
  if (base === 0 && !Number.isNaN(value)) domain = '0 to a negative power divides by zero';
  if (base !== undefined && base > 0) domain = undefined;
  const reason = domain === undefined ? '' : `: ${domain}`;

  if (Number.isNaN(value)) return `${text} is undefined (NaN)${reason}`;
  if (!Number.isFinite(value)) return `${text} = ${value}, which is not a finite float32 number${reason}`;
  return `${text} = ${formatMagnitude(value)} overflows float32 (largest ${formatMagnitude(FLOAT32_MAX)})`;
}

function rebuild(node: Expr, visit: (child: Expr) => Expr): Expr {
  switch (node.kind) {
    case 'number':
      return num(node.value);
    case 'variable':
    case 'constant':
      return node;
    case 'negate':
      return negate(visit(node.operand));
    case 'binary': {
      const left = visit(node.left);
      const right = visit(node.right);
      switch (node.operator) {
        case '+':
          return add(left, right);
        case '-':
          return subtract(left, right);
        case '*':
          return multiply(left, right);
        case '/':
          return divide(left, right);
        case '^':
          return power(left, right);
      }
      break;
    }
    case 'call':
      return call(node.name, node.args.map(visit));
    case 'select':
      return select(node.comparison, visit(node.left), visit(node.right), visit(node.whenTrue), visit(node.whenFalse));
  }
}

/**
 * Throws FormulaError when a constant argument of hypot overflows float32 once
 * squared. hypot(a, b) runs as sqrt(a*a + b*b), so the square of a constant is
 * a product of two literals, which WGSL evaluates when it creates the shader
 * and rejects when the product exceeds the largest float32.
 */
function checkHypotConstants(original: Expr, simplified: Expr, source: string | undefined): void {
  if (simplified.kind !== 'call' || simplified.name !== 'hypot') return;

  for (const arg of simplified.args) {
    const value = numericValue(arg);
    if (value === undefined) continue;

    // The product of two float32 values is exact in float64, so this equals the product that WGSL computes before rounding.
    const square = Math.fround(value) * Math.fround(value);
    if (square <= FLOAT32_MAX) continue;
    throw new FormulaError(
      `${quote(original, source)} squares ${formatMagnitude(value)} to ${formatMagnitude(square)}, which overflows ` +
        `float32 (largest ${formatMagnitude(FLOAT32_MAX)}); hypot(a, b) is computed as sqrt(a*a + b*b)`,
      original.span?.start ?? 0,
      original.span?.end ?? 0,
    );
  }
}

/**
 * Simplifies a tree bottom-up with the rewrites of build.ts. Throws FormulaError
 * at the innermost subexpression that folds to a constant outside float32 (NaN,
 * ±Infinity, or beyond ±3.40e38), with that subexpression's span, such as
 * `exp(100) = 2.69e43 overflows float32 (largest 3.40e38)`, and at a hypot
 * whose constant argument overflows float32 once squared.
 *
 * A rewrite such as 0 * a = 0, 0 / a = 0 or a^0 = 1 drops `a`, and with it the
 * points where `a` is undefined. When `dropped` is given, each such `a`
 * (simplified) is added to it, so that the domain check can still count them.
 */
export function simplifyExpression(expr: Expr, dropped?: Expr[], source?: string): Expr {
  const done = new Map<Expr, Expr>();

  const visit = (node: Expr): Expr => {
    const known = done.get(node);
    if (known !== undefined) return known;

    const result = rebuild(node, visit);
    // x/0 is not a constant, so the check below misses it, but it is undefined wherever x is.
    if (result.kind !== 'number' && node.kind === 'binary' && node.operator === '/' && numericValue(visit(node.right)) === 0) {
      throw new FormulaError(
        `${quote(node, source)} divides by zero, so it is undefined everywhere`,
        node.span?.start ?? 0,
        node.span?.end ?? 0,
      );
    }
    if (result.kind === 'number' && !isFiniteFloat32(result.value)) {
      let base: number | undefined;
      if (node.kind === 'binary' && node.operator === '^') {
        base = numericValue(visit(node.left));
      } else if (node.kind === 'call' && node.name === 'pow') {
        base = numericValue(visit(node.args[0]));
      }
      throw new FormulaError(describeBadConstant(node, result.value, source, base), node.span?.start ?? 0, node.span?.end ?? 0);
    }
    checkHypotConstants(node, result, source);
    if (dropped && numericValue(result) !== undefined) {
      // A select that folds takes one branch, and only the taken branch counts, so only operators and calls are followed here.
      const operands = node.kind === 'binary' ? [node.left, node.right] : node.kind === 'call' ? node.args : [];
      for (const operand of operands) {
        const simplified = visit(operand);
        if (numericValue(simplified) === undefined) dropped.push(simplified);
      }
      // 0 / a = 0 also drops the division itself, which is undefined where a = 0.
      const divisor = node.kind === 'binary' && node.operator === '/' ? visit(node.right) : undefined;
      if (divisor !== undefined && numericValue(divisor) === undefined) {
        dropped.push({ kind: 'binary', operator: '/', left: num(1), right: divisor });
      }
    }
    done.set(node, result);
    return result;
  };

  return visit(expr);
}

/**
 * Throws FormulaError when a derived tree (a gradient or Hessian entry) contains
 * a constant outside float32, such as 2*(3e38*x)*3e38 in the derivative of
 * (3e38*x)^2. The error spans `span`, since the constant is not in the text.
 */
export function checkDerivedConstants(expr: Expr, derivative: 'gradient' | 'Hessian', span: Span, subject = 'this formula'): void {
  forEachNode(expr, (node) => {
    if (node.kind !== 'number' || isFiniteFloat32(node.value)) return;
    throw new FormulaError(
      `the ${derivative} of ${subject} needs the constant ${formatMagnitude(node.value)}, ` +
        `which is not a finite float32 number (largest ${formatMagnitude(FLOAT32_MAX)})`,
      span.start,
      span.end,
    );
  });
}
