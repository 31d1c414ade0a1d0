// Seeded generator of formula text for fuzz tests of the expression compiler:
// formulas from the full grammar, mutations of them, and hostile inputs that
// aim at the lexer, the parser's stack, the emitters and the prototype chain.
// The same seed gives the same inputs on every machine.

/** Functions of the formula language with the number of arguments each takes (min and max take 2 or more). */
const FUNCTIONS: readonly (readonly [string, number])[] = [
  ['sin', 1], ['cos', 1], ['tan', 1], ['asin', 1], ['acos', 1], ['atan', 1], ['atan2', 2],
  ['sinh', 1], ['cosh', 1], ['tanh', 1], ['exp', 1], ['log', 1], ['log1p', 1], ['sqrt', 1], ['abs', 1],
  ['min', 2], ['max', 2], ['pow', 2], ['hypot', 2],
];

const OPERATORS = ['+', '-', '*', '/', '^', '**'];

/** Number literals in every form the lexer reads, from tiny to near the float32 limit. */
const NUMBER_LITERALS = [
  '0', '1', '2', '3', '10', '100', '0.5', '.5', '1.', '2.5', '0.1', '1e-3', '1.5e-3', '2.5E+4', '3e2',
  '1e-38', '1e-40', '1e-45', '1e-50', '1e-400', '1.17549435e-38', '1e30', '1e38', '3.4e38', '3.4028234e38',
  '0000012.50000e0', '123456789', '0.000000001', '1e+0', '9.999999e37', '6.02e23', '1e19', '2e19',
];

/** Exponents for `^`: integers small and large (repeated squaring ends at 64), and non-integers. */
const EXPONENTS = ['2', '3', '4', '-1', '-2', '0', '1', '0.5', '-0.5', '1.5', '(1/3)', '63', '64', '65', '-64', '100', '2.5', 'y', 'x'];

/** Fragments that try to escape into WGSL, JavaScript or the object prototype. */
const INJECTIONS = [
  'x; }', '}', '{', 'fn', 'fn main() {}', '@compute', '@compute @workgroup_size(1) fn f() {}', '/*', '*/', '//',
  '`', '`${x}`', '${x}', 'constructor', '__proto__', 'prototype', 'toString', 'valueOf', 'hasOwnProperty',
  'eval(x)', 'Function(x)', 'alert(1)', 'process.exit()', 'require(x)', 'import(x)', 'this', 'globalThis',
  'p.x', 't0', 'surface_value(p)', 'surface_gradient', 'let t0 = x;', 'return x;', 'var<storage>', 'x\n}\nfn f() {',
  '"x"', "'x'", '\\', '\\n', 'x = 1', 'x == y', 'x ? y : 1', 'x && y', '[x]', 'x.y', '#', '$', '%', '&', '|', '~', '!',
  '<', '>', ':', ';', '?', '@', 'NaN', 'Infinity', 'undefined', 'null', 'sign(x)', 'select(x, y, true)', 'round(x)',
  'vec2f(x, y)', 'f32(x)', 'x.constructor.constructor', 'sin.call', 'min.apply', '0x10', '0b1', '1_000', '1n',
];

/** Characters outside printable ASCII: look-alikes, control characters, surrogates, marks and emoji. */
const UNICODE_SAMPLES = [
  '\u0445', '\u0443', '\u03c0', '\u2212', '\u2013', '\u00d7', '\u00b7', '\u00f7', '\u00b2', '\u00a0', '\u2009',
  '\uff12', '\uff58', '\u200b', '\u200d', '\u202e', '\ufeff', '\u0301', '\u0000', '\u0007', '\u001b', '\u007f',
  '\u0085', '\u2028', '\u2029', '\ud800', '\udfff', '\u{1f600}', '\u{1d465}', '\u00e9', '\u4e2d', '\u0640', '\ufffd',
];

/**
 * Xorshift32 (Marsaglia, 2003): a fast seeded generator of 32-bit integers,
 * good enough to pick fuzz inputs, never used where statistics matter.
 */
export class FuzzRandom {
  private state: number;

  constructor(seed: number) {
    // Xorshift never leaves the state 0, so a zero seed is replaced.
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** Returns the next 32-bit unsigned integer. */
  nextUint32(): number {
    let s = this.state;
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    this.state = s >>> 0;
    return this.state;
  }

  /** Returns an integer in [0, n). */
  below(n: number): number {
    return Math.floor((this.nextUint32() / 4294967296) * n);
  }

  /** Returns true with probability `p`. */
  chance(p: number): boolean {
    return this.nextUint32() / 4294967296 < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)];
  }
}

/** One fuzz input and the generator that made it, so that a failure names its source. */
export interface FuzzInput {
  readonly source: 'grammar' | 'mutation' | 'hostile';
  readonly text: string;
}

function space(random: FuzzRandom): string {
  if (!random.chance(0.3)) return '';
  return random.pick([' ', '  ', '\t', '\n', '\r\n']);
}

function numberLiteral(random: FuzzRandom): string {
  if (random.chance(0.6)) return random.pick(NUMBER_LITERALS);

  // A random literal: integer part, optional fraction, optional exponent of either sign and case.
  const integer = random.chance(0.2) ? '' : String(random.below(1000));
  let literal = integer + (integer === '' || random.chance(0.5) ? '.' + String(random.below(100000)) : '');
  if (random.chance(0.4)) {
    literal += random.pick(['e', 'E']) + random.pick(['', '+', '-']) + String(random.below(60));
  }
  return literal;
}

function atom(random: FuzzRandom): string {
  const roll = random.below(10);
  if (roll < 6) return random.pick(['x', 'y']);
  if (roll < 7) return random.pick(['pi', 'e']);
  return numberLiteral(random);
}

function functionCall(random: FuzzRandom, depth: number): string {
  const [name, arity] = random.pick(FUNCTIONS);
  let count = arity;
  if ((name === 'min' || name === 'max') && random.chance(0.3)) count += 1 + random.below(3);

  const args: string[] = [];
  for (let i = 0; i < count; i++) args.push(grammaticalFormula(random, depth - 1));
  return `${name}${space(random)}(${args.join(',' + space(random))})`;
}

/**
 * Generates a formula from the full grammar: every operator (`**` included),
 * signs, parentheses, every function with its arity, constants, numbers in
 * every notation, and integer and non-integer powers. `depth` bounds the
 * recursion; a formula may still use no variable or fold to a value outside
 * float32, which the compiler rejects.
 */
export function grammaticalFormula(random: FuzzRandom, depth: number): string {
  if (depth <= 0) return atom(random);

  const roll = random.below(12);
  if (roll < 2) return atom(random);
  if (roll < 5) {
    const left = grammaticalFormula(random, depth - 1);
    const right = grammaticalFormula(random, depth - 1);
    return `${left}${space(random)}${random.pick(OPERATORS)}${space(random)}${right}`;
  }
  if (roll < 6) return `${random.pick(['-', '+', '--', '-+'])}${grammaticalFormula(random, depth - 1)}`;
  if (roll < 7) return `(${space(random)}${grammaticalFormula(random, depth - 1)}${space(random)})`;
  if (roll < 8) {
    const base = random.chance(0.5) ? atom(random) : `(${grammaticalFormula(random, depth - 1)})`;
    return `${base}^${random.pick(EXPONENTS)}`;
  }
  return functionCall(random, depth);
}

/** Wraps a formula in `levels` layers of parentheses, calls or signs, for the nesting limit. */
export function deeplyNested(random: FuzzRandom, levels: number): string {
  const inner = grammaticalFormula(random, 2);
  const kind = random.below(4);
  if (kind === 0) return '('.repeat(levels) + inner + ')'.repeat(levels);
  if (kind === 1) {
    const name = random.pick(['sin', 'exp', 'sqrt', 'abs', 'tanh', 'log1p', 'cos']);
    return `${name}(`.repeat(levels) + inner + ')'.repeat(levels);
  }
  if (kind === 2) return '-'.repeat(levels) + inner;
  // Right-associative powers nest too: x^x^...^x.
  return Array.from({ length: levels }, () => random.pick(['x', 'y', '1.01', '(x+1)'])).join('^') + '^' + inner;
}

/** Applies one to four random edits to a formula. */
export function mutateFormula(random: FuzzRandom, text: string): string {
  let result = text;
  const edits = 1 + random.below(4);

  for (let i = 0; i < edits; i++) {
    const position = random.below(result.length + 1);
    const edit = random.below(10);
    if (edit === 0) {
      // Insert one character of the formula alphabet or printable ASCII.
      const alphabet = '()+-*/^,.eExy0123456789 ' + String.fromCharCode(0x20 + random.below(95));
      result = result.slice(0, position) + random.pick([...alphabet]) + result.slice(position);
    } else if (edit === 1) {
      result = result.slice(0, position) + result.slice(position + 1 + random.below(3));
    } else if (edit === 2 && result.length >= 2) {
      const j = Math.min(position, result.length - 2);
      result = result.slice(0, j) + result[j + 1] + result[j] + result.slice(j + 2);
    } else if (edit === 3) {
      result = result.slice(0, position) + random.pick(UNICODE_SAMPLES) + result.slice(position);
    } else if (edit === 4) {
      result = result.slice(0, position);
    } else if (edit === 5) {
      result = random.chance(0.5) ? '('.repeat(1 + random.below(3)) + result : result + ')'.repeat(1 + random.below(3));
    } else if (edit === 6) {
      const name = random.pick(['foo', 'X', 'Y', 'xy', 'sinx', 'Sin', 'ln', 'log10', 'cbrt', 'sign', 'z', 'pi2', '_', 'e1']);
      result = result.slice(0, position) + name + result.slice(position);
    } else if (edit === 7) {
      result = result.slice(0, position) + random.pick(INJECTIONS) + result.slice(position);
    } else if (edit === 8) {
      // Duplicate a slice, which makes unbalanced or repeated structure.
      const end = Math.min(result.length, position + 1 + random.below(12));
      result = result.slice(0, end) + result.slice(position, end) + result.slice(end);
    } else {
      result = result.slice(0, position) + random.pick([',', '(', ')', '^', '**', '-', 'e', '.', '1e', 'E+']) + result.slice(position);
    }
  }
  return result;
}

/** Returns a hostile input: huge, deeply nested, or built to reach the emitters or the prototype chain. */
export function hostileInput(random: FuzzRandom): string {
  const kind = random.below(14);
  switch (kind) {
    case 0:
      return '('.repeat(10_000 + random.below(1000)) + 'x' + ')'.repeat(10_000);
    case 1:
      return '('.repeat(1000 + random.below(999)) + 'x';
    case 2:
      return '-'.repeat(1500 + random.below(498)) + 'x';
    case 3:
      return 'x' + '+x'.repeat(5000 + random.below(5000));
    case 4:
      return 'x' + random.pick(['*x', '+y', '-x', '/y', '*2']).repeat(900 + random.below(99));
    case 5:
      return 'sin('.repeat(100 + random.below(400)) + 'x' + ')'.repeat(100 + random.below(400));
    case 6:
      return `${random.pick(['min', 'max'])}(${Array.from({ length: 300 + random.below(600) }, () => atom(random)).join(',')})`;
    case 7:
      return '1'.repeat(1 + random.below(1990)) + '*x';
    case 8:
      return 'x*0.' + '0'.repeat(random.below(1990)) + '1';
    case 9:
      return 'x^' + random.pick(['x^', '2^', 'y^', '(-1)^']).repeat(40 + random.below(80)) + '2';
    case 10:
      return deeplyNested(random, 90 + random.below(20));
    case 11:
      return grammaticalFormula(random, 4) + random.pick(INJECTIONS) + grammaticalFormula(random, 2);
    case 12:
      return random.pick(INJECTIONS).repeat(1 + random.below(2000));
    default:
      return Array.from({ length: 1 + random.below(60) }, () => random.pick(UNICODE_SAMPLES)).join('');
  }
}

/**
 * Returns `count` seeded inputs: about half formulas from the grammar (some
 * nested near the depth limit), two fifths mutations of such formulas, and
 * the rest hostile inputs.
 */
export function fuzzInputs(seed: number, count: number): FuzzInput[] {
  const random = new FuzzRandom(seed);
  const inputs: FuzzInput[] = [];

  for (let i = 0; i < count; i++) {
    const roll = random.below(100);
    if (roll < 48) {
      const text = random.chance(0.05) ? deeplyNested(random, 80 + random.below(25)) : grammaticalFormula(random, 1 + random.below(6));
      inputs.push({ source: 'grammar', text });
    } else if (roll < 90) {
      inputs.push({ source: 'mutation', text: mutateFormula(random, grammaticalFormula(random, 1 + random.below(5))) });
    } else {
      inputs.push({ source: 'hostile', text: hostileInput(random) });
    }
  }
  return inputs;
}
