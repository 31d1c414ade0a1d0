/** Span of a parsed node in the formula text: 0-based offsets, `end` exclusive. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export type Variable = 'x' | 'y';
export type NamedConstant = 'pi' | 'e';
export type BinaryOperator = '+' | '-' | '*' | '/' | '^';
export type Comparison = '<' | '>' | '==';

/**
 * Function names of the formula language, plus `sign`, which only derivatives
 * contain (d|u| = sign(u) u'), so the parser does not accept it.
 */
export type FunctionName =
  | 'sin' | 'cos' | 'tan' | 'asin' | 'acos' | 'atan' | 'atan2'
  | 'sinh' | 'cosh' | 'tanh' | 'exp' | 'log' | 'log1p' | 'sqrt' | 'abs'
  | 'min' | 'max' | 'pow' | 'hypot' | 'sign';

/**
 * Node of a surface formula. Nodes are immutable and may be shared, so a tree
 * from the compiler is in general a DAG. `span` is set on nodes from the parser.
 * `select` exists only in derivatives: it is `whenTrue` where
 * `left comparison right` holds, else `whenFalse` (WGSL `select`).
 */
export type Expr =
  | { readonly kind: 'number'; readonly value: number; readonly span?: Span }
  | { readonly kind: 'variable'; readonly name: Variable; readonly span?: Span }
  | { readonly kind: 'constant'; readonly name: NamedConstant; readonly span?: Span }
  | { readonly kind: 'negate'; readonly operand: Expr; readonly span?: Span }
  | {
      readonly kind: 'binary';
      readonly operator: BinaryOperator;
      readonly left: Expr;
      readonly right: Expr;
      readonly span?: Span;
    }
  | { readonly kind: 'call'; readonly name: FunctionName; readonly args: readonly Expr[]; readonly span?: Span }
  | {
      readonly kind: 'select';
      readonly comparison: Comparison;
      readonly left: Expr;
      readonly right: Expr;
      readonly whenTrue: Expr;
      readonly whenFalse: Expr;
      readonly span?: Span;
    };

/** Number of arguments a function accepts: an exact count, or at least 2 for min and max. */
export interface Arity {
  readonly min: number;
  readonly max: number;
  /** Argument list as the error message shows it, such as "(y, x)". */
  readonly signature: string;
}

const ONE: Arity = { min: 1, max: 1, signature: '(u)' };

/**
 * Functions a formula may call. A `Map`, so that names such as `constructor`
 * or `__proto__` are not found through the object prototype.
 */
export const FORMULA_FUNCTIONS: ReadonlyMap<string, Arity> = new Map<FunctionName, Arity>([
  ['sin', ONE], ['cos', ONE], ['tan', ONE],
  ['asin', ONE], ['acos', ONE], ['atan', ONE],
  ['atan2', { min: 2, max: 2, signature: '(y, x)' }],
  ['sinh', ONE], ['cosh', ONE], ['tanh', ONE],
  ['exp', ONE], ['log', ONE], ['log1p', ONE], ['sqrt', ONE], ['abs', ONE],
  ['min', { min: 2, max: Infinity, signature: '(a, b, ...)' }],
  ['max', { min: 2, max: Infinity, signature: '(a, b, ...)' }],
  ['pow', { min: 2, max: 2, signature: '(base, exponent)' }],
  ['hypot', { min: 2, max: 2, signature: '(a, b)' }],
]);

export const VARIABLES: ReadonlyMap<string, Variable> = new Map<string, Variable>([['x', 'x'], ['y', 'y']]);

/** Named constants and their float64 values. */
export const CONSTANTS: ReadonlyMap<string, number> = new Map<string, number>([['pi', Math.PI], ['e', Math.E]]);

/** Every name a formula may use, in the order error messages list them. */
export const ACCEPTED_NAMES: readonly string[] = [...VARIABLES.keys(), ...CONSTANTS.keys(), ...FORMULA_FUNCTIONS.keys()];

/** Returns the operands of a node, in evaluation order. */
export function childrenOf(expr: Expr): readonly Expr[] {
  switch (expr.kind) {
    case 'negate':
      return [expr.operand];
    case 'binary':
      return [expr.left, expr.right];
    case 'call':
      return expr.args;
    case 'select':
      return [expr.left, expr.right, expr.whenTrue, expr.whenFalse];
    default:
      return [];
  }
}

/** Visits every distinct node of a tree or DAG once, in no particular order. */
export function forEachNode(expr: Expr, visit: (node: Expr) => void): void {
  const visited = new Set<Expr>();
  const pending: Expr[] = [expr];

  while (pending.length > 0) {
    const node = pending.pop()!;
    if (visited.has(node)) continue;
    visited.add(node);

    visit(node);
    pending.push(...childrenOf(node));
  }
}

/** Collects the variables that occur in `expr`. */
export function usedVariables(expr: Expr): Set<Variable> {
  const found = new Set<Variable>();
  forEachNode(expr, (node) => {
    if (node.kind === 'variable') found.add(node.name);
  });
  return found;
}
