import { forEachNode, type Expr, type Span } from './ast.ts';
import { add, call, divide, multiply, negate, num, power, select, subtract } from './build.ts';
import { FormulaError } from './errors.ts';
import { FLOAT32_MAX, isFiniteFloat32 } from './float32.ts';
import { formatExpression } from './format.ts';

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

function describeBadConstant(original: Expr, value: number): string {
  const text = formatExpression(original);
  let domain: string | undefined;
  if (original.kind === 'call') domain = DOMAINS.get(original.name);
  if (original.kind === 'binary') domain = DOMAINS.get(original.operator);
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
 * Simplifies a tree bottom-up with the rewrites of build.ts. Throws FormulaError
 * at the innermost subexpression that folds to a constant outside float32 (NaN,
 * ±Infinity, or beyond ±3.40e38), with that subexpression's span, such as
 * `exp(100) = 2.69e43 overflows float32 (largest 3.40e38)`.
 */
export function simplifyExpression(expr: Expr): Expr {
  const done = new Map<Expr, Expr>();

  const visit = (node: Expr): Expr => {
    const known = done.get(node);
    if (known !== undefined) return known;

    const result = rebuild(node, visit);
    if (result.kind === 'number' && !isFiniteFloat32(result.value)) {
      throw new FormulaError(describeBadConstant(node, result.value), node.span?.start ?? 0, node.span?.end ?? 0);
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
export function checkDerivedConstants(expr: Expr, derivative: 'gradient' | 'Hessian', span: Span): void {
  forEachNode(expr, (node) => {
    if (node.kind !== 'number' || isFiniteFloat32(node.value)) return;
    throw new FormulaError(
      `the ${derivative} of this formula needs the constant ${formatMagnitude(node.value)}, ` +
        `which is not a finite float32 number (largest ${formatMagnitude(FLOAT32_MAX)})`,
      span.start,
      span.end,
    );
  });
}
