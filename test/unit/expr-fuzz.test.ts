// Fuzz test of the formula compiler through compileFormula, the entry point of
// the panel and the command line: 10,000 seeded inputs (grammatical formulas,
// mutations of them, hostile inputs) plus a fixed list of injection attempts.
// Each input must compile, or be rejected with a FormulaError whose message a
// person can read, within 100 ms. The WGSL of those that compile takes nothing
// from the input text but numbers. test/gpu/expr-fuzz.test.ts runs the same
// inputs' WGSL on an adapter.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { compileFormula, FormulaError, MAX_FORMULA_LENGTH } from '../../src/core/expr/index.ts';
import { fuzzInputs, type FuzzInput } from '../helpers/formulaFuzz.ts';

/** Same seed and count as the GPU fuzz test, so both see the same formulas. */
const SEED = 20_240_917;
const INPUT_COUNT = 10_000;

/** Limit of CPU time per input, for compilation plus one evaluation of value, gradient and Hessian. */
const TIME_LIMIT_MS = 100;

/** Maximum length of a rejection message: one or two lines next to the formula field. */
const MAX_MESSAGE_LENGTH = 400;

/** Injection attempts and stack-depth attacks that must each be rejected, whatever the generator draws. */
const HOSTILE: readonly string[] = [
  'x; }',
  'x; } fn evil() -> f32 { return 1.0; }',
  'fn',
  'fn main() {}',
  '@compute @workgroup_size(1) fn f() {}',
  'x /* comment */',
  'x // comment',
  '`x`',
  '${x}',
  'constructor',
  'x + constructor(1)',
  '__proto__',
  '__proto__(x)',
  'x.constructor.constructor("return 1")()',
  'toString(x)',
  'eval(x)',
  'Function(x)',
  'x\n}\nfn f() {',
  'select(x, y, true)',
  'p.x',
  't0 + x',
  'surface_value(p)',
  'sign(x)',
  '('.repeat(10_000) + 'x' + ')'.repeat(10_000),
  '('.repeat(1999) + 'x',
  '-'.repeat(1999) + 'x',
  'x' + '^x'.repeat(999),
  'sin('.repeat(1000) + 'x',
  'x' + '+x'.repeat(6000),
  '\u0000x',
  '\ud800x',
  'x\u202e+y',
  '\u{1f600}',
];

/** Names the WGSL may contain: keywords, types, builtins the emitter calls, its parameter, helper locals and registers. */
const WGSL_NAMES = new Set([
  'fn', 'let', 'return', 'select', 'f32', 'vec2f', 'vec3f', 'p', 'x', 'y',
  'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'atan2', 'sinh', 'cosh', 'tanh',
  'exp', 'log', 'sqrt', 'abs', 'sign', 'min', 'max', 'pow', 'round',
  'angle', 'turns', 'u', 'v',
  'surface_value', 'surface_gradient', 'surface_reduce_angle', 'surface_log1p', 'surface_tanh', 'surface_sinh',
  'surface_value_checked', 'surface_gradient_checked',
]);

/**
 * One WGSL token: a name, an f32 literal as the emitter writes it (digits, optional
 * fraction and exponent, `f` suffix), or one of the operators and punctuation it uses.
 */
const WGSL_TOKEN = /\s+|[A-Za-z_][A-Za-z0-9_]*|\d+(\.\d*)?(e[+-]?\d+)?f|->|==|[-+*/<>=(){},:;.]/y;

/** Formulas whose WGSL contains every helper and its comments, so that their comment lines are the known ones. */
const REFERENCE_FORMULAS = ['sin(x) + log1p(y) + x^y + tanh(x)'];

interface Outcome {
  readonly input: FuzzInput;
  /**
   * CPU time of the process (all threads, so garbage collection counts) in the
   * fastest of up to MEASUREMENTS runs. CPU time rather than wall time,
   * because other processes on a shared 2-core machine can make the wall time
   * of the same run several times longer.
   */
  readonly milliseconds: number;
  /** Wall time of the same run, for the report. */
  readonly wallMilliseconds: number;
  /** How many times the input ran: 1 unless the first run exceeded the time limit. */
  readonly runs: number;
  /** The compiled surface's WGSL, or undefined when the input was rejected or threw. */
  readonly wgsl?: string;
  readonly error?: unknown;
}

/**
 * Runs per input when the first one exceeds the time limit. A major garbage
 * collection can stall one run; a slow compiler is slow every time.
 */
const MEASUREMENTS = 3;

const outcomes: Outcome[] = [];
let evalCalls = 0;

/** Compiles one input and evaluates the result once, so that the CPU evaluators run too. */
function compileAndEvaluate(text: string): { wgsl?: string; error?: unknown } {
  const out = new Float64Array(3);
  try {
    const surface = compileFormula(text);
    surface.value(0.75, -0.5, 'f32');
    surface.gradient(0.75, -0.5, 'f64', out);
    surface.hessian(0.75, -0.5, out);
    return { wgsl: surface.wgsl };
  } catch (error) {
    return { error };
  }
}

/** Compiles and evaluates an input, timed, and runs it again while it exceeds the time limit. */
function runInput(input: FuzzInput): Outcome {
  let milliseconds = Infinity;
  let wallMilliseconds = Infinity;
  let runs = 0;
  let result: { wgsl?: string; error?: unknown } = {};
  while (runs < MEASUREMENTS && milliseconds >= TIME_LIMIT_MS) {
    const startedWall = performance.now();
    const startedCpu = process.cpuUsage();
    result = compileAndEvaluate(input.text);
    const cpu = process.cpuUsage(startedCpu);
    const cpuMilliseconds = (cpu.user + cpu.system) / 1000;
    if (cpuMilliseconds < milliseconds) {
      milliseconds = cpuMilliseconds;
      wallMilliseconds = performance.now() - startedWall;
    }
    runs++;
  }
  return { input, milliseconds, wallMilliseconds, runs, ...result };
}

/** Describes an input for a failure message: its source, its length and its first 120 characters. */
function describeInput(input: FuzzInput): string {
  return `${input.source} input of ${input.text.length} characters ${JSON.stringify(input.text.slice(0, 120))}`;
}

/** Comment lines of the emitter's fixed text: the header and the helpers' comments. */
function knownCommentLines(): Set<string> {
  const lines = new Set<string>();
  for (const formula of REFERENCE_FORMULAS) {
    for (const line of compileFormula(formula).wgsl.split('\n')) {
      if (line.trimStart().startsWith('//')) lines.add(line);
    }
  }
  return lines;
}

/** Returns what in `wgsl` is not an allowed token or a known comment line, as short descriptions. */
function unexpectedWgsl(wgsl: string, comments: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const line of wgsl.split('\n')) {
    if (line.trimStart().startsWith('//')) {
      if (!comments.has(line)) problems.push(`unknown comment ${JSON.stringify(line)}`);
      continue;
    }

    WGSL_TOKEN.lastIndex = 0;
    while (WGSL_TOKEN.lastIndex < line.length) {
      const start = WGSL_TOKEN.lastIndex;
      const match = WGSL_TOKEN.exec(line);
      if (match === null) {
        problems.push(`unexpected text ${JSON.stringify(line.slice(start, start + 20))}`);
        break;
      }

      const token = match[0];
      const isName = /^[A-Za-z_]/.test(token);
      if (isName && !WGSL_NAMES.has(token) && !/^t\d+$/.test(token)) problems.push(`unknown name ${token}`);
    }
  }
  return problems;
}

beforeAll(() => {
  // The compiler must never hand text to eval; a spy on the global counts any call.
  const spy = vi.spyOn(globalThis, 'eval');

  const inputs: FuzzInput[] = [
    ...fuzzInputs(SEED, INPUT_COUNT),
    ...HOSTILE.map((text): FuzzInput => ({ source: 'hostile', text })),
  ];
  for (const input of inputs) outcomes.push(runInput(input));

  evalCalls = spy.mock.calls.length;
  spy.mockRestore();
});

afterAll(() => {
  const compiled = outcomes.filter((outcome) => outcome.wgsl !== undefined).length;
  const slowest = outcomes.reduce((worst, outcome) => (outcome.milliseconds > worst.milliseconds ? outcome : worst));
  const slowestWall = outcomes.reduce((worst, outcome) => (outcome.wallMilliseconds > worst.wallMilliseconds ? outcome : worst));
  const total = outcomes.reduce((sum, outcome) => sum + outcome.milliseconds, 0);
  const repeated = outcomes.filter((outcome) => outcome.runs > 1).length;
  console.log(
    `expr-fuzz: ${outcomes.length} inputs, ${compiled} compiled, ${outcomes.length - compiled} rejected, ` +
      `${(total / 1000).toFixed(1)} s of CPU time in all, ${repeated} measured again. ` +
      `Slowest ${slowest.milliseconds.toFixed(1)} ms of CPU time: ${describeInput(slowest.input)}. ` +
      `Slowest ${slowestWall.wallMilliseconds.toFixed(1)} ms of wall time: ${describeInput(slowestWall.input)}`,
  );
});

describe('formula fuzz', () => {
  it('covers every source and both outcomes', () => {
    expect(outcomes.length).toBe(INPUT_COUNT + HOSTILE.length);
    for (const source of ['grammar', 'mutation', 'hostile'] as const) {
      const ofSource = outcomes.filter((outcome) => outcome.input.source === source);
      expect(ofSource.length, source).toBeGreaterThan(INPUT_COUNT / 20);
    }

    // About a third compiles; both outcomes must be common, or the generator has drifted.
    const compiled = outcomes.filter((outcome) => outcome.wgsl !== undefined).length;
    expect(compiled).toBeGreaterThan(INPUT_COUNT / 5);
    expect(outcomes.length - compiled).toBeGreaterThan(INPUT_COUNT / 5);
    expect(outcomes.some((outcome) => outcome.input.text.length > 10_000)).toBe(true);
  });

  it('throws nothing but FormulaError', () => {
    const crashes = outcomes
      .filter((outcome) => outcome.error !== undefined && !(outcome.error instanceof FormulaError))
      .map((outcome) => `${String(outcome.error)} for ${describeInput(outcome.input)}`);
    expect(crashes.slice(0, 10)).toEqual([]);
  });

  it('rejects with a readable message and span', () => {
    const problems: string[] = [];
    for (const { input, error } of outcomes) {
      if (!(error instanceof FormulaError)) continue;

      const { message, start, end } = error;
      const where = describeInput(input);
      if (message.trim() === '') problems.push(`empty message for ${where}`);
      if (message.length > MAX_MESSAGE_LENGTH) problems.push(`message of ${message.length} characters for ${where}`);
      // Control and format characters, lone surrogates and combining marks garble a message when it is shown.
      if (/[\p{C}\p{M}\u2028\u2029]/u.test(message)) problems.push(`unprintable character in ${JSON.stringify(message)} for ${where}`);
      if (/Internal error|Maximum call stack|undefined is|\[object /.test(message)) problems.push(`${JSON.stringify(message)} for ${where}`);
      if (!(start >= 0 && start <= end && end <= input.text.length)) problems.push(`span ${start}-${end} for ${where}`);
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('rejects every hostile input of the fixed list', () => {
    const hostile = outcomes.slice(INPUT_COUNT);
    for (const outcome of hostile) {
      expect(outcome.error, describeInput(outcome.input)).toBeInstanceOf(FormulaError);
    }
  });

  it('rejects 10,000 nested parentheses as too long', () => {
    const nested = outcomes.find((outcome) => outcome.input.text.startsWith('('.repeat(10_000)))!;
    expect((nested.error as FormulaError).message).toMatch(`the maximum is ${MAX_FORMULA_LENGTH}`);
  });

  it('rejects deep nesting within the length limit', () => {
    const nested = outcomes.find((outcome) => outcome.input.text === '('.repeat(1999) + 'x')!;
    expect((nested.error as FormulaError).message).toMatch(/nests deeper than 100 levels/);
  });

  it(`handles each input within ${TIME_LIMIT_MS} ms of CPU time`, () => {
    const slowest = outcomes.reduce((worst, outcome) => (outcome.milliseconds > worst.milliseconds ? outcome : worst));
    expect(slowest.milliseconds, describeInput(slowest.input)).toBeLessThan(TIME_LIMIT_MS);
  });

  it('emits WGSL of allowed tokens only', () => {
    const comments = knownCommentLines();
    const problems: string[] = [];
    for (const { input, wgsl } of outcomes) {
      if (wgsl === undefined) continue;
      for (const problem of unexpectedWgsl(wgsl, comments)) problems.push(`${problem} for ${describeInput(input)}`);
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('never calls eval', () => {
    expect(evalCalls).toBe(0);
  });
});

describe('expression compiler source', () => {
  it('contains no eval, Function or dynamic import', () => {
    // The CPU side interprets a register program (evaluate.ts); no formula text becomes JavaScript.
    const folder = join(import.meta.dirname, '../../src/core/expr');
    for (const file of readdirSync(folder).filter((name) => name.endsWith('.ts'))) {
      const source = readFileSync(join(folder, file), 'utf8');
      expect(source, file).not.toMatch(/\beval\s*\(|\bFunction\s*\(|new\s+Function\b|\bimport\s*\(|\.constructor\b/);
    }
  });
});
