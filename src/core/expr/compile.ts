import { childrenOf, forEachNode, usedVariables, type Expr, type Span } from './ast.ts';
import { numericValue } from './build.ts';
import { differentiate } from './differentiate.ts';
import { FormulaError } from './errors.ts';
import { ProgramEvaluator, type Precision } from './evaluate.ts';
import { parseFormula } from './parser.ts';
import { ProgramBuilder, type Program } from './program.ts';
import { checkDerivedConstants, quote, simplifyExpression } from './simplify.ts';
import { emitWgsl } from './wgsl.ts';

/**
 * Allocation-free evaluator of one surface at one precision, for hot loops. Not
 * reentrant. Every result is NaN where the formula is undefined.
 */
export interface SurfaceEvaluator {
  value(x: number, y: number): number;
  /** Writes out[0] = df/dx and out[1] = df/dy (0 for a 1D surface). */
  gradient(x: number, y: number, out: Float64Array): void;
  /** Writes the gradient like `gradient` and returns f, sharing the work of both. */
  valueAndGradient(x: number, y: number, out: Float64Array): number;
}

/** A formula compiled to WGSL and to CPU evaluators that run the same operations. */
export interface CompiledSurface {
  /** 2 when the formula uses y (even if y cancels out), else 1. */
  readonly dims: 1 | 2;
  /** Simplified tree of f. */
  readonly expression: Expr;
  /**
   * WGSL module defining `surface_value(p: vec2f) -> f32`,
   * `surface_gradient(p: vec2f) -> vec2f` and their checked forms, whose last
   * component is nonzero where the formula is undefined (see emitWgsl).
   */
  readonly wgsl: string;
  /**
   * Evaluates f; precision 'f32' rounds every operation to float32 like the
   * WGSL, 'f64' is plain double. NaN where the formula is undefined (outside
   * the domain of log, sqrt, asin, acos, pow or a division, for f or its gradient).
   */
  value(x: number, y: number, precision: Precision): number;
  /** Writes out[0] = df/dx and out[1] = df/dy (0 for a 1D surface); both NaN where the formula is undefined. */
  gradient(x: number, y: number, precision: Precision, out: Float64Array): void;
  /** Writes the float64 Hessian as out = [fxx, fxy, fyy] (fxy = fyy = 0 in 1D). */
  hessian(x: number, y: number, out: Float64Array): void;
  /**
   * Returns the evaluator for one precision; each call returns the same
   * object. With `flushSubnormals`, float32 results below 2⁻¹²⁶ become 0, as on a GPU
   * that flushes them.
   */
  evaluator(precision: Precision, flushSubnormals?: boolean): SurfaceEvaluator;
}

/**
 * The programs of one surface. The checked ones end with one more output, the
 * domain check of f and its gradient: nonzero where the formula is undefined.
 */
interface Programs {
  readonly value: Program;
  readonly gradient: Program;
  readonly checkedValue: Program;
  readonly checkedGradient: Program;
  readonly valueAndGradient: Program;
  readonly hessian: Program;
}

class ProgramSurfaceEvaluator implements SurfaceEvaluator {
  private readonly valueRunner: ProgramEvaluator;
  private readonly gradientRunner: ProgramEvaluator;
  private readonly bothRunner: ProgramEvaluator;

  constructor(programs: Programs, precision: Precision, flushSubnormals = false) {
    this.valueRunner = new ProgramEvaluator(programs.checkedValue, precision, flushSubnormals);
    this.gradientRunner = new ProgramEvaluator(programs.checkedGradient, precision, flushSubnormals);
    this.bothRunner = new ProgramEvaluator(programs.valueAndGradient, precision, flushSubnormals);
  }

  value(x: number, y: number): number {
    const registers = this.valueRunner.run(x, y);
    const outputs = this.valueRunner.outputs;
    return registers[outputs[1]] === 0 ? registers[outputs[0]] : Number.NaN;
  }

  gradient(x: number, y: number, out: Float64Array): void {
    const registers = this.gradientRunner.run(x, y);
    const outputs = this.gradientRunner.outputs;
    const defined = registers[outputs[2]] === 0;
    out[0] = defined ? registers[outputs[0]] : Number.NaN;
    out[1] = defined ? registers[outputs[1]] : Number.NaN;
  }

  valueAndGradient(x: number, y: number, out: Float64Array): number {
    const registers = this.bothRunner.run(x, y);
    const outputs = this.bothRunner.outputs;
    const defined = registers[outputs[3]] === 0;
    out[0] = defined ? registers[outputs[1]] : Number.NaN;
    out[1] = defined ? registers[outputs[2]] : Number.NaN;
    return defined ? registers[outputs[0]] : Number.NaN;
  }
}

class Surface implements CompiledSurface {
  private readonly float32: ProgramSurfaceEvaluator;
  private readonly float64: ProgramSurfaceEvaluator;
  /** float32 with subnormal results flushed, made on first request. */
  private float32Flushing: ProgramSurfaceEvaluator | undefined;
  private readonly hessianRunner: ProgramEvaluator;

  constructor(
    readonly dims: 1 | 2,
    readonly expression: Expr,
    readonly wgsl: string,
    private readonly programs: Programs,
  ) {
    this.float32 = new ProgramSurfaceEvaluator(programs, 'f32');
    this.float64 = new ProgramSurfaceEvaluator(programs, 'f64');
    this.hessianRunner = new ProgramEvaluator(programs.hessian, 'f64');
  }

  value(x: number, y: number, precision: Precision): number {
    return this.evaluator(precision).value(x, y);
  }

  gradient(x: number, y: number, precision: Precision, out: Float64Array): void {
    this.evaluator(precision).gradient(x, y, out);
  }

  hessian(x: number, y: number, out: Float64Array): void {
    const registers = this.hessianRunner.run(x, y);
    const outputs = this.hessianRunner.outputs;
    out[0] = registers[outputs[0]];
    out[1] = registers[outputs[1]];
    out[2] = registers[outputs[2]];
  }

  evaluator(precision: Precision, flushSubnormals = false): SurfaceEvaluator {
    if (precision === 'f32' && flushSubnormals) {
      this.float32Flushing ??= new ProgramSurfaceEvaluator(this.programs, 'f32', true);
      return this.float32Flushing;
    }
    return precision === 'f32' ? this.float32 : this.float64;
  }
}

/**
 * Compiles a tree: simplifies it, derives the gradient and Hessian
 * symbolically, merges common subexpressions, and emits WGSL and CPU programs
 * from the same instruction list. Throws FormulaError when the tree uses
 * neither x nor y or needs a constant outside float32; faults that belong to no
 * subexpression get the span of the root.
 */
export function compileExpression(expr: Expr): CompiledSurface {
  return compileTree(expr, { start: expr.span?.start ?? 0, end: expr.span?.end ?? 0 });
}

/** Parses and compiles a formula; throws FormulaError with the span of the fault. */
export function compileFormula(text: string): CompiledSurface {
  return compileTree(parseFormula(text), { start: 0, end: text.length }, text);
}

/**
 * Returns the error for the innermost subexpression of `expr` whose own
 * gradient needs a constant outside float32, with that subexpression's span.
 * An example is 0^x, whose derivative takes log(0). Returns undefined where
 * no part of the formula has such a gradient alone. Call it only on that
 * error, because it differentiates every subexpression.
 */
function gradientConstantError(expr: Expr, source: string | undefined): FormulaError | undefined {
  let found: FormulaError | undefined;
  const visit = (node: Expr): void => {
    for (const child of childrenOf(node)) {
      if (found) return;
      visit(child);
    }
    // The whole formula keeps the message about this formula.
    if (found || node === expr || !node.span || node.kind === 'number' || node.kind === 'variable' || node.kind === 'constant') return;
    const subject = source === undefined ? 'this subexpression' : quote(node, source);
    try {
      const simplified = simplifyExpression(node);
      for (const variable of ['x', 'y'] as const) {
        checkDerivedConstants(differentiate(simplified, variable), 'gradient', node.span, subject);
      }
    } catch (error) {
      if (!(error instanceof FormulaError)) throw error;
      found = error;
    }
  };
  visit(expr);
  return found;
}

/**
 * Returns the error for a power with a constant base of 0 or less and an
 * exponent that varies, such as 0^x or (-2)^y. Its derivative in the
 * exponent takes the log of the base, which is -Infinity or undefined.
 * Returns undefined where the formula has no such power.
 */
function powerBaseError(expr: Expr, source: string | undefined): FormulaError | undefined {
  let found: FormulaError | undefined;
  forEachNode(expr, (node) => {
    let base: Expr | undefined;
    let exponent: Expr | undefined;
    if (node.kind === 'binary' && node.operator === '^') {
      [base, exponent] = [node.left, node.right];
    } else if (node.kind === 'call' && node.name === 'pow') {
      [base, exponent] = node.args;
    }
    const value = base && constantValue(base);
    if (found || !exponent || !node.span || value === undefined || value > 0 || constantValue(exponent) !== undefined) return;
    found = new FormulaError(
      `${quote(node, source)} has no gradient: a power whose base is ${formatConstant(value)} changes with its exponent through log(${formatConstant(value)}), ` +
        'which is not a finite number; write the exponent as a constant, or use a positive base',
      node.span.start,
      node.span.end,
    );
  });
  return found;
}

/** Returns the value of a number, or of a negated one, as the parser reads -2; undefined for anything else. */
function constantValue(node: Expr): number | undefined {
  if (node.kind === 'negate') {
    const operand = numericValue(node.operand);
    return operand === undefined ? undefined : -operand;
  }
  return numericValue(node);
}

function formatConstant(value: number): string {
  return Object.is(value, -0) ? '0' : String(value);
}

/** Compiles a parsed formula; `source`, its text where known, lets messages quote the formula as written. */
function compileTree(expr: Expr, whole: Span, source?: string): CompiledSurface {
  const variables = usedVariables(expr);
  if (variables.size === 0) {
    throw new FormulaError('formula uses neither x nor y; a surface is a function of x, or of x and y', whole.start, whole.end);
  }

  const dropped: Expr[] = [];
  const f = simplifyExpression(expr, dropped, source);
  const fx = differentiate(f, 'x');
  const fy = differentiate(f, 'y');
  try {
    checkDerivedConstants(fx, 'gradient', whole);
    checkDerivedConstants(fy, 'gradient', whole);
  } catch (error) {
    if (!(error instanceof FormulaError)) throw error;
    throw powerBaseError(expr, source) ?? gradientConstantError(expr, source) ?? error;
  }

  const fxx = differentiate(fx, 'x');
  const fxy = differentiate(fx, 'y');
  const fyy = differentiate(fy, 'y');
  for (const entry of [fxx, fxy, fyy]) checkDerivedConstants(entry, 'Hessian', whole);

  const builder = new ProgramBuilder();
  const [value, dx, dy, dxx, dxy, dyy] = [f, fx, fy, fxx, fxy, fyy].map((tree) => builder.lower(tree));
  // Subexpressions that simplification folded away, such as log(x) in 0*log(x), still make the formula undefined where they are.
  const undefinedFlag = builder.domainCheck([value, dx, dy, ...dropped.map((tree) => builder.lower(tree))]);
  const programs: Programs = {
    value: builder.extract([value]),
    gradient: builder.extract([dx, dy]),
    checkedValue: builder.extract([value, undefinedFlag]),
    checkedGradient: builder.extract([dx, dy, undefinedFlag]),
    valueAndGradient: builder.extract([value, dx, dy, undefinedFlag]),
    hessian: builder.extract([dxx, dxy, dyy]),
  };

  const dims = variables.has('y') ? 2 : 1;
  const wgsl = emitWgsl({ value: programs.value, gradient: programs.gradient, checkedValue: programs.checkedValue, checkedGradient: programs.checkedGradient });
  return new Surface(dims, f, wgsl, programs);
}
