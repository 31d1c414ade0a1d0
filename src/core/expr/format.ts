import type { Expr } from './ast.ts';

/** Binding strength, loosest first; a child that binds looser than its place needs parentheses. */
const SUM = 1;
const PRODUCT = 2;
const UNARY = 3;
const POWER = 4;
const ATOM = 5;

interface Formatted {
  readonly text: string;
  readonly precedence: number;
}

function wrap(child: Formatted, minimum: number): string {
  return child.precedence >= minimum ? child.text : `(${child.text})`;
}

function formatNode(expr: Expr): Formatted {
  switch (expr.kind) {
    case 'number':
      // String() gives the shortest text that reads back as the same float64.
      return expr.value < 0 || Object.is(expr.value, -0)
        ? { text: String(expr.value), precedence: UNARY }
        : { text: String(expr.value), precedence: ATOM };

    case 'variable':
    case 'constant':
      return { text: expr.name, precedence: ATOM };

    case 'negate': {
      const operand = formatNode(expr.operand);
      // `--x` would parse, but `-(-x)` reads better.
      const text = operand.precedence === UNARY ? `(${operand.text})` : wrap(operand, UNARY);
      return { text: `-${text}`, precedence: UNARY };
    }

    case 'binary': {
      const left = formatNode(expr.left);
      const right = formatNode(expr.right);
      switch (expr.operator) {
        case '+':
        case '-':
          // The right operand of a sum needs parentheses at equal strength: x - (y - 1).
          return { text: `${wrap(left, SUM)} ${expr.operator} ${wrap(right, SUM + 1)}`, precedence: SUM };
        case '*':
        case '/':
          return { text: `${wrap(left, PRODUCT)}${expr.operator}${wrap(right, PRODUCT + 1)}`, precedence: PRODUCT };
        case '^':
          // The base must be an atom, because -x^2 means -(x^2); the exponent may be signed.
          return { text: `${wrap(left, ATOM)}^${wrap(right, UNARY)}`, precedence: POWER };
      }
      break;
    }

    case 'call':
      return { text: `${expr.name}(${expr.args.map((arg) => formatNode(arg).text).join(', ')})`, precedence: ATOM };

    case 'select': {
      const parts = [expr.left, expr.right, expr.whenTrue, expr.whenFalse].map((part) => formatNode(part).text);
      return { text: `(${parts[0]} ${expr.comparison} ${parts[1]} ? ${parts[2]} : ${parts[3]})`, precedence: ATOM };
    }
  }
}

/**
 * Formats a tree as infix text with the fewest parentheses that keep its
 * structure, such as `(1 - x)^2 + 100*(y - x^2)^2`. The parser reads the text
 * back to the same tree, except that negative numbers come back as negated
 * numbers and `select` nodes (only in derivatives, shown as `(a < b ? c : d)`)
 * are not part of the formula language. Shared subtrees are written out each
 * time they occur.
 */
export function formatExpression(expr: Expr): string {
  return formatNode(expr).text;
}
