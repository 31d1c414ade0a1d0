import { forEachNode, type Expr, type FunctionName } from './ast.ts';
import { numericValue } from './build.ts';

/**
 * Opcodes of the linear program. Every instruction writes one new register
 * (SSA). `reduceAngle` maps an angle to about [-π, π] before sin, cos and tan.
 * `less`, `greater` and `equal` yield a boolean for `select`, stored as 1 or 0 on the CPU.
 */
export const Op = {
  add: 0, subtract: 1, multiply: 2, divide: 3, negate: 4,
  reduceAngle: 5, sin: 6, cos: 7, tan: 8, asin: 9, acos: 10, atan: 11, atan2: 12,
  sinh: 13, cosh: 14, tanh: 15, exp: 16, log: 17, log1p: 18, sqrt: 19, abs: 20, sign: 21,
  min: 22, max: 23, pow: 24, less: 25, greater: 26, equal: 27, select: 28,
} as const;
export type Op = (typeof Op)[keyof typeof Op];

/** Name of each opcode, indexed by opcode; WGSL builtins have the same name. */
export const OP_NAMES: readonly string[] = Object.keys(Op);

/** Largest |n| for which a^n becomes multiplications: at most 10 (n = 63), plus a division for n < 0. */
export const MAX_EXPANDED_EXPONENT = 64;

/** Registers 0 and 1 hold x and y; constants follow from register 2. */
export const FIRST_CONSTANT_REGISTER = 2;

const BINARY_OPS = new Set<number>([
  Op.add, Op.subtract, Op.multiply, Op.divide, Op.atan2, Op.min, Op.max, Op.pow, Op.less, Op.greater, Op.equal,
]);

/** Instructions whose operands may be swapped without changing any bit of the result. */
const COMMUTATIVE = new Set<number>([Op.add, Op.multiply]);

/** Id that domainCheck uses for "no operation here can leave its domain". */
const NO_FLAG = -1;

/** Functions that lower to one instruction of the same name. */
const DIRECT_CALLS: ReadonlyMap<FunctionName, Op> = new Map<FunctionName, Op>([
  ['asin', Op.asin], ['acos', Op.acos], ['atan', Op.atan], ['atan2', Op.atan2],
  ['sinh', Op.sinh], ['cosh', Op.cosh], ['tanh', Op.tanh], ['exp', Op.exp], ['log', Op.log],
  ['log1p', Op.log1p], ['sqrt', Op.sqrt], ['abs', Op.abs], ['sign', Op.sign], ['min', Op.min], ['max', Op.max],
]);

const PERIODIC_CALLS: ReadonlyMap<FunctionName, Op> = new Map<FunctionName, Op>([
  ['sin', Op.sin], ['cos', Op.cos], ['tan', Op.tan],
]);

const COMPARISONS = new Map([['<', Op.less], ['>', Op.greater], ['==', Op.equal]]);

/**
 * Straight-line program over a register file: registers 0 and 1 are x and y,
 * then `constants`, then one register per instruction in order.
 */
export interface Program {
  /** Float64 values of registers FIRST_CONSTANT_REGISTER onward. */
  readonly constants: Float64Array;
  /** Four entries per instruction: opcode and three operand registers (unused ones are 0). */
  readonly code: Int32Array;
  /** Register of each output, such as [df/dx, df/dy]. */
  readonly outputs: Int32Array;
  /** Register that instruction 0 writes, which is FIRST_CONSTANT_REGISTER + constants.length. */
  readonly firstResult: number;
  readonly registerCount: number;
}

type Value =
  | { readonly kind: 'input'; readonly register: number }
  | { readonly kind: 'constant'; readonly value: number }
  | { readonly kind: 'instruction'; readonly op: Op; readonly operands: readonly number[] };

/**
 * Lowers trees into one shared list of values with common subexpressions
 * merged: structurally equal nodes (same opcode, same operand values) get one
 * id, so a subtree that occurs in f, in the gradient and in the Hessian is
 * computed once. `extract` then cuts out the program for a set of outputs.
 */
export class ProgramBuilder {
  private readonly values: Value[] = [
    { kind: 'input', register: 0 },
    { kind: 'input', register: 1 },
  ];
  private readonly ids = new Map<string, number>();
  private readonly lowered = new Map<Expr, number>();

  private intern(key: string, value: Value): number {
    const known = this.ids.get(key);
    if (known !== undefined) return known;

    const id = this.values.length;
    this.values.push(value);
    this.ids.set(key, id);
    return id;
  }

  private constant(value: number): number {
    const normalized = value === 0 ? 0 : value; // one register for 0 and -0
    return this.intern(`c${normalized}`, { kind: 'constant', value: normalized });
  }

  private instruction(op: Op, ...operands: number[]): number {
    if (COMMUTATIVE.has(op) && operands[0] > operands[1]) operands.reverse();
    return this.intern(`${op}:${operands.join(',')}`, { kind: 'instruction', op, operands });
  }

  /** Lowers a tree (or DAG) and returns the id of its value. */
  lower(expr: Expr): number {
    const known = this.lowered.get(expr);
    if (known !== undefined) return known;

    const id = this.lowerNode(expr);
    this.lowered.set(expr, id);
    return id;
  }

  private lowerNode(expr: Expr): number {
    switch (expr.kind) {
      case 'number':
      case 'constant':
        return this.constant(numericValue(expr)!);
      case 'variable':
        return expr.name === 'x' ? 0 : 1;
      case 'negate':
        return this.instruction(Op.negate, this.lower(expr.operand));
      case 'binary': {
        if (expr.operator === '^') return this.lowerPower(this.lower(expr.left), expr.right);
        const left = this.lower(expr.left);
        const right = this.lower(expr.right);
        const op = { '+': Op.add, '-': Op.subtract, '*': Op.multiply, '/': Op.divide }[expr.operator];
        return this.instruction(op, left, right);
      }
      case 'call':
        return this.lowerCall(expr.name, expr.args.map((arg) => this.lower(arg)), expr.args);
      case 'select': {
        const condition = this.instruction(COMPARISONS.get(expr.comparison)!, this.lower(expr.left), this.lower(expr.right));
        return this.instruction(Op.select, condition, this.lower(expr.whenTrue), this.lower(expr.whenFalse));
      }
    }
  }

  private lowerCall(name: FunctionName, args: readonly number[], trees: readonly Expr[]): number {
    const periodic = PERIODIC_CALLS.get(name);
    if (periodic !== undefined) return this.instruction(periodic, this.instruction(Op.reduceAngle, args[0]));

    const direct = DIRECT_CALLS.get(name);
    if (direct !== undefined && args.length === 1) return this.instruction(direct, args[0]);
    if (direct !== undefined) {
      // build.ts nests min and max into pairs; fold here too for trees that skipped it.
      return args.slice(1).reduce((folded, arg) => this.instruction(direct, folded, arg), args[0]);
    }

    if (name === 'pow') return this.lowerPower(args[0], trees[1]);

    // hypot(a, b) = sqrt(a*a + b*b): WGSL has no hypot, and both sides must run the same operations.
    // NOTE: this overflows float32 for |a| or |b| above about 1.8e19, where a true hypot would not.
    const first = this.instruction(Op.multiply, args[0], args[0]);
    const second = this.instruction(Op.multiply, args[1], args[1]);
    return this.instruction(Op.sqrt, this.instruction(Op.add, first, second));
  }

  /** Lowers base^exponent: integer constant exponents become multiplications by repeated squaring. */
  private lowerPower(base: number, exponentTree: Expr): number {
    const exponent = numericValue(exponentTree);
    if (exponent === undefined) return this.instruction(Op.pow, base, this.lower(exponentTree));
    if (exponent === 0.5) return this.instruction(Op.sqrt, base);
    if (!lowersWithoutPow(exponent)) {
      // WGSL defines pow through exp2(b * log2(a)), so a negative base has no result on the GPU even
      // for integer b; domainCheck marks it undefined on both sides.
      return this.instruction(Op.pow, base, this.constant(exponent));
    }
    if (exponent === 0) return this.constant(1);

    let product = -1;
    let square = base;
    for (let remaining = Math.abs(exponent); ; ) {
      if (remaining & 1) product = product < 0 ? square : this.instruction(Op.multiply, product, square);
      remaining >>= 1;
      if (remaining === 0) break;
      square = this.instruction(Op.multiply, square, square);
    }
    return exponent < 0 ? this.instruction(Op.divide, this.constant(1), product) : product;
  }

  /**
   * Lowers the domain check of `outputs`: a value that is 1 where an operation
   * they depend on is outside its domain, else 0. The domains are log(a) for
   * a > 0, log1p(a) for a > -1, sqrt(a) for a >= 0, asin and acos for
   * |a| <= 1, a / b for b != 0, and pow(a, b) for a > 0, or a = 0 with b > 0
   * (WGSL leaves every other case undefined, and a GPU may return any finite
   * value there). Only
   * the branch that a `select` takes counts, so `x > 0 ? log(x) : 0` is defined
   * everywhere. The check is built from ordinary instructions, so the WGSL and
   * the CPU evaluators run the same comparisons.
   */
  domainCheck(outputs: readonly number[]): number {
    // Operands have smaller ids than their instructions, so one backward pass
    // marks the values the outputs need and one forward pass gives their flags
    // (no recursion, which deep formulas would overflow).
    const count = this.values.length;
    const needed = new Uint8Array(count);
    for (const id of outputs) needed[id] = 1;
    for (let id = count - 1; id >= 0; id--) {
      const value = this.values[id];
      if (needed[id] && value.kind === 'instruction') for (const operand of value.operands) needed[operand] = 1;
    }

    const flags = new Int32Array(count).fill(NO_FLAG);
    for (let id = 0; id < count; id++) {
      const value = this.values[id];
      if (needed[id] && value.kind === 'instruction') flags[id] = this.instructionFlag(value.op, value.operands, flags);
    }

    const flag = outputs.reduce((combined, id) => this.eitherFlag(combined, flags[id]), NO_FLAG);
    return flag === NO_FLAG ? this.constant(0) : flag;
  }

  /** Id of the 0-or-1 flag of one instruction, or NO_FLAG where nothing it depends on can leave its domain. */
  private instructionFlag(op: Op, operands: readonly number[], flags: Int32Array): number {
    if (op === Op.select) {
      const [condition, whenTrue, whenFalse] = operands.map((operand) => flags[operand]);
      const taken = whenTrue === NO_FLAG && whenFalse === NO_FLAG
        ? NO_FLAG
        : this.instruction(Op.select, operands[0], this.flagOrZero(whenTrue), this.flagOrZero(whenFalse));
      return this.eitherFlag(condition, taken);
    }
    return operands.reduce((combined, operand) => this.eitherFlag(combined, flags[operand]), this.ownFlag(op, operands));
  }

  /** The flag of one instruction's own domain, from its operands. */
  private ownFlag(op: Op, operands: readonly number[]): number {
    const [a, b] = operands;
    const isTrue = (condition: number): number => this.instruction(Op.select, condition, this.constant(1), this.constant(0));
    const isFalse = (condition: number): number => this.instruction(Op.select, condition, this.constant(0), this.constant(1));
    switch (op) {
      case Op.log:
        return isFalse(this.instruction(Op.greater, a, this.constant(0)));
      case Op.log1p:
        return isFalse(this.instruction(Op.greater, a, this.constant(-1)));
      case Op.sqrt:
        return isTrue(this.instruction(Op.less, a, this.constant(0)));
      case Op.asin:
      case Op.acos:
        return isTrue(this.instruction(Op.greater, this.instruction(Op.abs, a), this.constant(1)));
      case Op.divide: {
        const divisor = this.values[b];
        if (divisor.kind === 'constant' && divisor.value !== 0) return NO_FLAG;
        return isTrue(this.instruction(Op.equal, b, this.constant(0)));
      }
      case Op.pow: {
        const negative = isTrue(this.instruction(Op.less, a, this.constant(0)));
        const exponent = this.values[b];
        if (exponent.kind === 'constant' && exponent.value > 0) return negative;
        const zeroBase = isTrue(this.instruction(Op.equal, a, this.constant(0)));
        const notPositive = isFalse(this.instruction(Op.greater, b, this.constant(0)));
        return this.instruction(Op.max, negative, this.instruction(Op.multiply, zeroBase, notPositive));
      }
      default:
        return NO_FLAG;
    }
  }

  private flagOrZero(flag: number): number {
    return flag === NO_FLAG ? this.constant(0) : flag;
  }

  /** The flag that is 1 where either flag is. */
  private eitherFlag(first: number, second: number): number {
    if (first === NO_FLAG || first === second) return second;
    if (second === NO_FLAG) return first;
    return this.instruction(Op.max, first, second);
  }

  /**
   * Cuts out the instructions that the outputs depend on, in order, and numbers
   * their registers. Instructions of other outputs are left out, so a gradient
   * program computes f only where the gradient uses it.
   */
  extract(outputs: readonly number[]): Program {
    const live = new Uint8Array(this.values.length);
    for (const id of outputs) live[id] = 1;
    for (let id = this.values.length - 1; id >= 0; id--) {
      const value = this.values[id];
      if (live[id] && value.kind === 'instruction') for (const operand of value.operands) live[operand] = 1;
    }

    const registers = new Int32Array(this.values.length);
    const constants: number[] = [];
    this.values.forEach((value, id) => {
      if (value.kind === 'input') registers[id] = value.register;
      if (value.kind === 'constant' && live[id]) registers[id] = FIRST_CONSTANT_REGISTER + constants.push(value.value) - 1;
    });

    const firstResult = FIRST_CONSTANT_REGISTER + constants.length;
    const code: number[] = [];
    this.values.forEach((value, id) => {
      if (value.kind !== 'instruction' || !live[id]) return;
      registers[id] = firstResult + code.length / 4;
      const [a = 0, b = 0, c = 0] = value.operands.map((operand) => registers[operand]);
      code.push(value.op, a, b, c);
    });

    return {
      constants: Float64Array.from(constants),
      code: Int32Array.from(code),
      outputs: Int32Array.from(outputs, (id) => registers[id]),
      firstResult,
      registerCount: firstResult + code.length / 4,
    };
  }
}

/** Returns how many operands an opcode reads: 3 for select, 2 or 1 for the others. */
export function operandCount(op: number): number {
  if (op === Op.select) return 3;
  return BINARY_OPS.has(op) ? 2 : 1;
}

/**
 * Returns whether lowerPower turns a power with this constant exponent into
 * multiplications or a square root rather than WGSL's pow. An exponent that
 * is not constant comes as undefined, and always takes pow.
 */
function lowersWithoutPow(exponent: number | undefined): boolean {
  return exponent !== undefined && (exponent === 0.5 || (Number.isInteger(exponent) && Math.abs(exponent) <= MAX_EXPANDED_EXPONENT));
}

/** Functions whose WGSL accuracy is looser than a few ulp (WebGPU Shading Language, "Floating Point Accuracy"). */
const LOOSELY_BOUNDED = new Set<string>(['sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'atan2', 'sinh', 'cosh', 'tanh', 'exp', 'log', 'log1p']);

/**
 * Names the operations of `expr` whose WGSL accuracy is looser than a few
 * ulp, sorted: the trigonometric, hyperbolic, exponential and logarithmic
 * functions, and `pow` for a power that lowerPower does not turn into
 * multiplications or a square root.
 */
export function looselyBoundedFunctions(expr: Expr): string[] {
  const found = new Set<string>();
  forEachNode(expr, (node) => {
    if (node.kind === 'call' && LOOSELY_BOUNDED.has(node.name)) {
      found.add(node.name);
    }
    let exponent: Expr | undefined;
    if (node.kind === 'call' && node.name === 'pow') {
      exponent = node.args[1];
    } else if (node.kind === 'binary' && node.operator === '^') {
      exponent = node.right;
    }
    if (exponent && !lowersWithoutPow(numericValue(exponent))) {
      found.add('pow');
    }
  });
  return [...found].sort();
}
