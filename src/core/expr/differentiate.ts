import type { Expr, Variable } from './ast.ts';
import { add, call, divide, multiply, negate, num, numericValue, power, select, subtract } from './build.ts';

const ZERO = num(0);
const ONE = num(1);

/**
 * Differentiates a simplified tree with respect to one variable; the result is
 * simplified too. Each shared node is differentiated once, and the derivative
 * reuses the nodes of `expr` (d exp(u) = exp(u) u'), so repeated application
 * for the Hessian grows the DAG linearly.
 *
 * Where the derivative is undefined but a subgradient or a finite limit exists,
 * the rules pick it instead of NaN: d sqrt(u) and d hypot(a, b) are 0 where the
 * value is 0, d|u| = sign(u) u' with sign(0) = 0, and d min(a, b) follows the
 * smaller argument (b on a tie), max likewise.
 */
export function differentiate(expr: Expr, variable: Variable): Expr {
  const done = new Map<Expr, Expr>();

  const derive = (node: Expr): Expr => {
    const known = done.get(node);
    if (known !== undefined) return known;

    const result = deriveNode(node, variable, derive);
    done.set(node, result);
    return result;
  };

  return derive(expr);
}

function deriveNode(node: Expr, variable: Variable, derive: (child: Expr) => Expr): Expr {
  switch (node.kind) {
    case 'number':
    case 'constant':
      return ZERO;

    case 'variable':
      return node.name === variable ? ONE : ZERO;

    case 'negate':
      return negate(derive(node.operand));

    case 'binary': {
      const { left: u, right: v } = node;
      const du = derive(u);
      const dv = derive(v);
      switch (node.operator) {
        case '+':
          return add(du, dv);
        case '-':
          return subtract(du, dv);
        case '*':
          return add(multiply(du, v), multiply(u, dv));
        case '/':
          // (u/v)' = (u' - (u/v) v') / v reuses the quotient itself.
          return divide(subtract(du, multiply(node, dv)), v);
        case '^':
          return derivePower(node, u, v, du, dv);
      }
      break;
    }

    case 'call':
      return deriveCall(node, derive);

    case 'select':
      return select(node.comparison, node.left, node.right, derive(node.whenTrue), derive(node.whenFalse));
  }
}

function derivePower(node: Expr, base: Expr, exponent: Expr, dBase: Expr, dExponent: Expr): Expr {
  const constantExponent = numericValue(exponent);
  if (constantExponent !== undefined) {
    // (u^n)' = n u^(n-1) u'
    return multiply(num(constantExponent), multiply(power(base, num(constantExponent - 1)), dBase));
  }

  const constantBase = numericValue(base);
  if (constantBase !== undefined) {
    // (c^v)' = c^v log(c) v'
    return multiply(num(Math.log(constantBase)), multiply(node, dExponent));
  }

  // (u^v)' = u^v (v' log(u) + v u'/u)
  return multiply(node, add(multiply(dExponent, call('log', [base])), divide(multiply(exponent, dBase), base)));
}

function deriveCall(node: Expr & { kind: 'call' }, derive: (child: Expr) => Expr): Expr {
  const [u, v] = node.args;
  const du = derive(u);
  if (node.args.length === 1 && numericValue(du) === 0) return ZERO;

  switch (node.name) {
    case 'sin':
      return multiply(call('cos', [u]), du);
    case 'cos':
      return negate(multiply(call('sin', [u]), du));
    case 'tan':
      // tan' = 1 + tan^2, which reuses the value.
      return multiply(add(multiply(node, node), ONE), du);
    case 'asin':
      return divide(du, call('sqrt', [subtract(ONE, multiply(u, u))]));
    case 'acos':
      return negate(divide(du, call('sqrt', [subtract(ONE, multiply(u, u))])));
    case 'atan':
      return divide(du, add(multiply(u, u), ONE));
    case 'atan2': {
      // atan2(u, v)' = (v u' - u v') / (u^2 + v^2); undefined at u = v = 0, where no limit exists.
      const dv = derive(v);
      return divide(subtract(multiply(v, du), multiply(u, dv)), add(multiply(u, u), multiply(v, v)));
    }
    case 'sinh':
      return multiply(call('cosh', [u]), du);
    case 'cosh':
      return multiply(call('sinh', [u]), du);
    case 'tanh':
      return multiply(subtract(ONE, multiply(node, node)), du);
    case 'exp':
      return multiply(node, du);
    case 'log':
      return divide(du, u);
    case 'log1p':
      return divide(du, add(u, ONE));
    case 'sqrt':
      // u'/(2 sqrt(u)), but 0 where sqrt(u) = 0: the subgradient at a cone's tip, as in Ackley at the origin.
      return select('==', node, ZERO, ZERO, divide(du, multiply(num(2), node)));
    case 'abs':
      return multiply(call('sign', [u]), du);
    case 'sign':
      return ZERO;
    case 'hypot': {
      // (u u' + v v') / hypot(u, v), and 0 at u = v = 0 like sqrt.
      const dv = derive(v);
      return select('==', node, ZERO, ZERO, divide(add(multiply(u, du), multiply(v, dv)), node));
    }
    case 'min':
      return select('<', u, v, du, derive(v));
    case 'max':
      return select('>', u, v, du, derive(v));
    case 'pow':
      // build.ts turns pow(a, b) into a^b, so simplified trees contain no pow call.
      return derive(power(u, v));
  }
}
