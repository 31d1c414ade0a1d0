import { FLOAT32_MAX, INVERSE_TWO_PI, SMALL_HYPERBOLIC, TWO_PI_HIGH, TWO_PI_LOW } from './float32.ts';
import { FIRST_CONSTANT_REGISTER, OP_NAMES, Op, operandCount, type Program } from './program.ts';

/**
 * Returns the decimal of `digits` significant digits that reads back to the
 * float32 `rounded` without exceeding the largest float32, or undefined.
 * WGSL rejects an f32 literal whose decimal value exceeds the largest float32,
 * even where round-to-nearest would give that float32 (Tint in `webgpu` 0.6.2
 * rejects 3.4028235e+38f), so a decimal above it is moved one unit in its last
 * digit toward zero. Only ±FLOAT32_MAX itself needs that.
 */
function literalDecimal(rounded: number, digits: number): number | undefined {
  let decimal = Number(rounded.toPrecision(digits));
  if (Math.abs(decimal) > FLOAT32_MAX) {
    const lastDigit = 10 ** (Math.floor(Math.log10(Math.abs(decimal))) - digits + 1);
    decimal = Number((decimal - Math.sign(decimal) * lastDigit).toPrecision(digits));
  }
  return Math.fround(decimal) === rounded && Math.abs(decimal) <= FLOAT32_MAX ? decimal : undefined;
}

/**
 * Formats a float32 value as a WGSL f32 literal that reads back to the same
 * bits: the shortest of 1 to 9 significant digits that round-trips within
 * float32 range (9 digits always do), with an `f` suffix so that no
 * abstract-float arithmetic happens, and negative values in parentheses, such
 * as `(-2.5f)`. -0 is written as 0.0f.
 */
export function formatF32Literal(value: number): string {
  const rounded = Math.fround(value);
  if (!Number.isFinite(rounded)) throw new Error(`Internal error: constant ${value} is not a finite float32`);
  if (rounded === 0) return '0.0f';

  let digits = 1;
  let decimal = literalDecimal(rounded, digits);
  while (decimal === undefined && digits < 9) {
    digits++;
    decimal = literalDecimal(rounded, digits);
  }
  if (decimal === undefined) throw new Error(`Internal error: no f32 literal of 9 digits for ${rounded}`);

  // String() drops trailing zeros and gives forms WGSL accepts: 0.001, 1e-7, 1.5e+30.
  const text = String(decimal);
  const literal = (/[.e]/.test(text) ? text : `${text}.0`) + 'f';
  return rounded < 0 ? `(${literal})` : literal;
}

const INFIX: ReadonlyMap<number, string> = new Map([
  [Op.add, '+'], [Op.subtract, '-'], [Op.multiply, '*'], [Op.divide, '/'],
  [Op.less, '<'], [Op.greater, '>'], [Op.equal, '=='],
]);

const HELPERS: ReadonlyMap<number, string> = new Map([
  [Op.reduceAngle, 'surface_reduce_angle'],
  [Op.log1p, 'surface_log1p'],
  [Op.tanh, 'surface_tanh'],
  [Op.sinh, 'surface_sinh'],
]);

const REDUCE_ANGLE_HELPER = `// Reduces an angle to about [-pi, pi], where WGSL bounds the error of sin and cos
// (absolute 2^-11). Cody-Waite: 2*pi is split into a float32 part and a remainder.
// NOTE: a GPU compiler may fuse turns * C into an FMA, which changes the last bits.
fn surface_reduce_angle(angle: f32) -> f32 {
  let turns = round(angle * ${formatF32Literal(INVERSE_TWO_PI)});
  return (angle - turns * ${formatF32Literal(TWO_PI_HIGH)}) - turns * ${formatF32Literal(TWO_PI_LOW)};
}
`;

const LOG1P_HELPER = `// log(1 + v) without losing v where 1 + v rounds (WGSL has no log1p):
// log(u) * v / (u - 1) with u = 1 + v, and v itself where u rounds to 1.
// NOTE: WGSL allows log an absolute error of 2^-21 near 1, which limits the relative accuracy for small v.
fn surface_log1p(v: f32) -> f32 {
  let u = 1.0f + v;
  return select(log(u) * v / (u - 1.0f), v, u == 1.0f);
}
`;

const SMALL_HYPERBOLIC_HELPERS = `// tanh and sinh of v where |v| < 2^-12, where both equal v in float32 (their
// relative difference from v is below v^2/3 < 2^-25). WGSL derives them from exp
// with an absolute error bound, and SwiftShader's tanh(-2.235e-8) is -5.96e-8.
fn surface_tanh(v: f32) -> f32 {
  return select(tanh(v), v, abs(v) < ${formatF32Literal(SMALL_HYPERBOLIC)});
}
fn surface_sinh(v: f32) -> f32 {
  return select(sinh(v), v, abs(v) < ${formatF32Literal(SMALL_HYPERBOLIC)});
}
`;

function registerText(program: Program, register: number): string {
  if (register === 0) return 'p.x';
  if (register === 1) return 'p.y';
  if (register < program.firstResult) return formatF32Literal(program.constants[register - FIRST_CONSTANT_REGISTER]);
  return `t${register - program.firstResult}`;
}

function instructionText(program: Program, pc: number): string {
  const op = program.code[pc];
  const [a, b, c] = [1, 2, 3].map((offset) => registerText(program, program.code[pc + offset]));

  const infix = INFIX.get(op);
  if (infix !== undefined) return `${a} ${infix} ${b}`;
  if (op === Op.negate) return `-${a}`;
  if (op === Op.select) return `select(${c}, ${b}, ${a})`;

  const name = HELPERS.get(op) ?? OP_NAMES[op];
  return operandCount(op) === 1 ? `${name}(${a})` : `${name}(${a}, ${b})`;
}

function emitFunction(program: Program, header: string, result: (outputs: string[]) => string): string {
  const lines = [header];
  for (let pc = 0; pc < program.code.length; pc += 4) {
    lines.push(`  let t${pc / 4} = ${instructionText(program, pc)};`);
  }
  lines.push(`  return ${result(Array.from(program.outputs, (register) => registerText(program, register)))};`, '}', '');
  return lines.join('\n');
}

function usesOp(programs: readonly Program[], op: number): boolean {
  return programs.some((program) => program.code.some((value, index) => index % 4 === 0 && value === op));
}

/** The programs that emitWgsl turns into WGSL functions. */
export interface WgslPrograms {
  /** One output: f. */
  value: Program;
  /** Two outputs: df/dx and df/dy. */
  gradient: Program;
  /** f, then the domain check (nonzero where f or its gradient is undefined). */
  checkedValue: Program;
  /** df/dx, df/dy, then the domain check. */
  checkedGradient: Program;
}

/**
 * Emits the WGSL module of a surface: `surface_value(p: vec2f) -> f32`,
 * `surface_gradient(p: vec2f) -> vec2f`, their checked forms
 * `surface_value_checked(p: vec2f) -> vec2f` (f, check) and
 * `surface_gradient_checked(p: vec2f) -> vec3f` (df/dx, df/dy, check), plus
 * the `surface_` helpers they call. The check is nonzero where the formula is
 * undefined, where WGSL allows any value for the others. Nothing else is
 * declared at module scope, so the text can precede a compute shader. The text
 * comes from the programs alone: registers, our literals and fixed names.
 */
export function emitWgsl(programs: WgslPrograms): string {
  const all = [programs.value, programs.gradient, programs.checkedValue, programs.checkedGradient];
  const parts = [
    '// Surface functions generated by the downhill expression compiler. Every operation is f32;',
    '// the CPU reference evaluator runs the same operations in the same order.',
    '',
  ];

  if (usesOp(all, Op.reduceAngle)) parts.push(REDUCE_ANGLE_HELPER);
  if (usesOp(all, Op.log1p)) parts.push(LOG1P_HELPER);
  if (usesOp(all, Op.tanh) || usesOp(all, Op.sinh)) parts.push(SMALL_HYPERBOLIC_HELPERS);

  parts.push(emitFunction(programs.value, 'fn surface_value(p: vec2f) -> f32 {', ([f]) => f));
  parts.push(emitFunction(programs.gradient, 'fn surface_gradient(p: vec2f) -> vec2f {', ([dx, dy]) => `vec2f(${dx}, ${dy})`));
  parts.push(emitFunction(programs.checkedValue, 'fn surface_value_checked(p: vec2f) -> vec2f {', ([f, check]) => `vec2f(${f}, ${check})`));
  parts.push(emitFunction(programs.checkedGradient, 'fn surface_gradient_checked(p: vec2f) -> vec3f {', ([dx, dy, check]) => `vec3f(${dx}, ${dy}, ${check})`));
  return parts.join('\n');
}
