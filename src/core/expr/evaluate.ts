import { froundFlushing, reduceAngleFloat32, SMALL_HYPERBOLIC } from './float32.ts';
import { FIRST_CONSTANT_REGISTER, Op, type Program } from './program.ts';

export type Precision = 'f32' | 'f64';

// Opcodes as module constants: V8 compiles a switch over constant case labels to a jump
// table, while `case Op.add:` reads a property per case (6x slower for the Rosenbrock
// gradient, measured with Node 20). Each type annotation makes tsc reject a value that
// drifts from Op.
const ADD: typeof Op.add = 0;
const SUBTRACT: typeof Op.subtract = 1;
const MULTIPLY: typeof Op.multiply = 2;
const DIVIDE: typeof Op.divide = 3;
const NEGATE: typeof Op.negate = 4;
const REDUCE_ANGLE: typeof Op.reduceAngle = 5;
const SIN: typeof Op.sin = 6;
const COS: typeof Op.cos = 7;
const TAN: typeof Op.tan = 8;
const ASIN: typeof Op.asin = 9;
const ACOS: typeof Op.acos = 10;
const ATAN: typeof Op.atan = 11;
const ATAN2: typeof Op.atan2 = 12;
const SINH: typeof Op.sinh = 13;
const COSH: typeof Op.cosh = 14;
const TANH: typeof Op.tanh = 15;
const EXP: typeof Op.exp = 16;
const LOG: typeof Op.log = 17;
const LOG1P: typeof Op.log1p = 18;
const SQRT: typeof Op.sqrt = 19;
const ABS: typeof Op.abs = 20;
const SIGN: typeof Op.sign = 21;
const MIN: typeof Op.min = 22;
const MAX: typeof Op.max = 23;
const POW: typeof Op.pow = 24;
const LESS: typeof Op.less = 25;
const GREATER: typeof Op.greater = 26;
const EQUAL: typeof Op.equal = 27;
const SELECT: typeof Op.select = 28;

const fround = Math.fround;

/** log1p in float32 with the operations of the WGSL helper: log(u) * v / (u - 1) with u = 1 + v. */
function log1pFloat32(v: number): number {
  const u = fround(1 + v);
  if (u === 1) return v;
  return fround(fround(fround(Math.log(u)) * v) / fround(u - 1));
}

/**
 * Runs `code` over the register file. With `float32`, each instruction's result
 * is rounded to float32 like the WGSL, and reduceAngle and log1p run the WGSL
 * helpers' float32 sequences. In float64, reduceAngle is a copy and the
 * functions are the Math ones.
 */
function run(code: Int32Array, r: Float64Array, firstResult: number, float32: boolean, flush: boolean): void {
  let d = firstResult;
  for (let pc = 0; pc < code.length; pc += 4, d++) {
    const a = code[pc + 1];
    const b = code[pc + 2];
    switch (code[pc]) {
      case ADD: r[d] = r[a] + r[b]; break;
      case SUBTRACT: r[d] = r[a] - r[b]; break;
      case MULTIPLY: r[d] = r[a] * r[b]; break;
      case DIVIDE: r[d] = r[a] / r[b]; break;
      case NEGATE: r[d] = -r[a]; break;
      case REDUCE_ANGLE: r[d] = float32 ? reduceAngleFloat32(r[a]) : r[a]; break;
      case SIN: r[d] = Math.sin(r[a]); break;
      case COS: r[d] = Math.cos(r[a]); break;
      case TAN: r[d] = Math.tan(r[a]); break;
      case ASIN: r[d] = Math.asin(r[a]); break;
      case ACOS: r[d] = Math.acos(r[a]); break;
      case ATAN: r[d] = Math.atan(r[a]); break;
      case ATAN2: r[d] = Math.atan2(r[a], r[b]); break;
      case SINH: r[d] = float32 && Math.abs(r[a]) < SMALL_HYPERBOLIC ? r[a] : Math.sinh(r[a]); break;
      case COSH: r[d] = Math.cosh(r[a]); break;
      case TANH: r[d] = float32 && Math.abs(r[a]) < SMALL_HYPERBOLIC ? r[a] : Math.tanh(r[a]); break;
      case EXP: r[d] = Math.exp(r[a]); break;
      case LOG: r[d] = Math.log(r[a]); break;
      case LOG1P: r[d] = float32 ? log1pFloat32(r[a]) : Math.log1p(r[a]); break;
      case SQRT: r[d] = Math.sqrt(r[a]); break;
      case ABS: r[d] = Math.abs(r[a]); break;
      case SIGN: r[d] = Math.sign(r[a]); break;
      case MIN: r[d] = Math.min(r[a], r[b]); break;
      case MAX: r[d] = Math.max(r[a], r[b]); break;
      case POW: r[d] = Math.pow(r[a], r[b]); break;
      case LESS: r[d] = r[a] < r[b] ? 1 : 0; break;
      case GREATER: r[d] = r[a] > r[b] ? 1 : 0; break;
      case EQUAL: r[d] = r[a] === r[b] ? 1 : 0; break;
      case SELECT: r[d] = r[a] !== 0 ? r[b] : r[code[pc + 3]]; break;
      default: throw new Error(`Internal error: unknown opcode ${code[pc]} at instruction ${(pc / 4) | 0}`);
    }
    if (float32) r[d] = flush ? froundFlushing(r[d]) : fround(r[d]);
  }
}

/**
 * Interpreter for one Program at one precision. It owns its register file, so
 * a call allocates nothing; an instance is not reentrant.
 */
export class ProgramEvaluator {
  private readonly registers: Float64Array;
  private readonly code: Int32Array;
  private readonly firstResult: number;
  private readonly float32: boolean;
  /** In float32: subnormal results become 0, as on a GPU that flushes them. */
  private readonly flush: boolean;
  readonly outputs: Int32Array;

  constructor(program: Program, precision: Precision, flushSubnormals = false) {
    this.float32 = precision === 'f32';
    this.flush = this.float32 && flushSubnormals;
    this.code = program.code;
    this.firstResult = program.firstResult;
    this.outputs = program.outputs;
    this.registers = new Float64Array(program.registerCount);

    // Constants are rounded once here, as the WGSL literals are.
    program.constants.forEach((value, index) => {
      this.registers[FIRST_CONSTANT_REGISTER + index] = this.float32 ? this.round(value) : value;
    });
  }

  /** Runs the program at (x, y); in float32, x and y are rounded first, like a vec2f. */
  run(x: number, y: number): Float64Array {
    const r = this.registers;
    r[0] = this.float32 ? this.round(x) : x;
    r[1] = this.float32 ? this.round(y) : y;
    run(this.code, r, this.firstResult, this.float32, this.flush);
    return r;
  }

  private round(value: number): number {
    return this.flush ? froundFlushing(value) : fround(value);
  }
}
