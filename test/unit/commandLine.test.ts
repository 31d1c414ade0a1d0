// Bad command lines of every command, read by parseCommandLine without
// starting a process: each is a UsageError of one line that names the option,
// the value given and what is accepted. test/cli/badInput.test.ts runs a
// sample of them through the real launcher.

import { describe, expect, it } from 'vitest';

import { COMMAND_NAMES, COMMAND_OPTIONS, parseCommandLine, type CommandName } from '../../src/cli/commandLine.ts';
import { UsageError } from '../../src/cli/errors.ts';

/** Returns the message of the UsageError that parseCommandLine throws for argv. */
function usageMessage(argv: string[]): string {
  let result: unknown;
  try {
    result = parseCommandLine(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error(`parseCommandLine accepted ${JSON.stringify(argv).slice(0, 200)}: ${JSON.stringify(result).slice(0, 200)}`);
}

/** Checks the form shared by every message: one line, short enough to read. */
function expectOneLine(message: string): void {
  expect(message).not.toContain('\n');
  expect(message.length).toBeLessThan(400);
}

/** JSON quoting as the messages write a value, as a pattern. */
function quoted(value: string): string {
  return JSON.stringify(value).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Values that no number option accepts. */
const NOT_NUMBERS = ['abc', 'NaN', 'Infinity', '-Infinity', '+Infinity', '0x10', '1e', '1e9999', '-1e9999', '', ' ', '1,5', '1_000', '½', '١'];

interface NumberOption {
  command: CommandName;
  option: string;
  /** Arguments that make the option apply (an optimizer or schedule that reads it). */
  context: string[];
  /** Numbers outside the accepted range. */
  outOfRange: string[];
}

const NUMBER_OPTIONS: NumberOption[] = [
  { command: 'run', option: 'lr', context: [], outOfRange: ['-1', '0', '1e-9', '1e7', '1e300', '-0'] },
  { command: 'run', option: 'steps', context: [], outOfRange: ['-1', '0', '1.5', '1e9'] },
  { command: 'run', option: 'grid', context: [], outOfRange: ['-1', '0', '1.5', '2049', '1e9'] },
  { command: 'run', option: 'condition', context: ['--surface', 'ill-conditioned'], outOfRange: ['-1', '0', '0.5', '10001', '1e300'] },
  { command: 'run', option: 'momentum', context: ['--optimizer', 'momentum'], outOfRange: ['-1', '1', '1e300'] },
  { command: 'run', option: 'dampening', context: ['--optimizer', 'momentum'], outOfRange: ['-1', '1.5'] },
  { command: 'run', option: 'weight-decay', context: [], outOfRange: ['-1', '1001', '1e300'] },
  { command: 'run', option: 'eps', context: ['--optimizer', 'adam'], outOfRange: ['-1', '0', '2'] },
  { command: 'run', option: 'lr-decay', context: ['--optimizer', 'adagrad'], outOfRange: ['-1', '1e300'] },
  { command: 'run', option: 'initial-accumulator', context: ['--optimizer', 'adagrad'], outOfRange: ['-1', '1e300'] },
  { command: 'run', option: 'alpha', context: ['--optimizer', 'rmsprop'], outOfRange: ['-1', '1'] },
  { command: 'run', option: 'beta1', context: ['--optimizer', 'adam'], outOfRange: ['-1', '1', '1e300'] },
  { command: 'run', option: 'beta2', context: ['--optimizer', 'adamw'], outOfRange: ['-1', '1'] },
  { command: 'run', option: 'step-size', context: ['--schedule', 'step'], outOfRange: ['-1', '0', '1.5', '1e9'] },
  { command: 'run', option: 'gamma', context: ['--schedule', 'exponential'], outOfRange: ['-1', '0', '11'] },
  { command: 'run', option: 't-max', context: ['--schedule', 'cosine'], outOfRange: ['0', '1.5', '1e9'] },
  { command: 'run', option: 'lr-min', context: ['--schedule', 'cyclic'], outOfRange: ['-1', '1e7', '1e300'] },
  { command: 'run', option: 'warmup', context: [], outOfRange: ['-1', '1.5', '1e9'] },
  { command: 'run', option: 'noise', context: [], outOfRange: ['-1', '1e7', '1e300'] },
  { command: 'run', option: 'seed', context: [], outOfRange: ['-1', '1.5', '4294967296'] },
  { command: 'basins', option: 'radius', context: [], outOfRange: ['-1', '0', '1e300'] },
  { command: 'basins', option: 'grid', context: [], outOfRange: ['0', '1e9'] },
  { command: 'verify', option: 'min-agreement', context: [], outOfRange: ['-1', '1.5'] },
  { command: 'verify', option: 'radius', context: [], outOfRange: ['0', '1e300'] },
  { command: 'verify', option: 'steps', context: [], outOfRange: ['0', '1e9'] },
  { command: 'sweep', option: 'lr-min', context: [], outOfRange: ['-1', '0', '1e300'] },
  { command: 'sweep', option: 'lr-max', context: [], outOfRange: ['-1', '0', '1e300'] },
  { command: 'sweep', option: 'lrs', context: [], outOfRange: ['-1', '0', '1.5', '4097'] },
  { command: 'sweep', option: 'y-min', context: ['--optimizer', 'momentum', '--sweep-y', 'momentum'], outOfRange: ['-1', '1'] },
  { command: 'sweep', option: 'y-max', context: ['--optimizer', 'adam', '--sweep-y', 'beta1'], outOfRange: ['-1', '1', '1e300'] },
  { command: 'sweep', option: 'ys', context: ['--optimizer', 'momentum', '--sweep-y', 'momentum'], outOfRange: ['0', '1.5', '4097'] },
  { command: 'sweep', option: 'schedule-lr-min', context: ['--schedule', 'cosine'], outOfRange: ['-1', '1e300'] },
  { command: 'sweep', option: 'noise', context: [], outOfRange: ['-1'] },
];

const NUMBER_CASES: [string, string, string, string[], string][] = NUMBER_OPTIONS.flatMap(({ command, option, context, outOfRange }) =>
  [...NOT_NUMBERS, ...outOfRange].map((value): [string, string, string, string[], string] => [command, option, JSON.stringify(value), context, value]),
);

describe('number options', () => {
  it.each(NUMBER_CASES)('%s --%s %s: rejected with the value and the range', (command, option, _shown, context, value) => {
    // --option=VALUE, so that values such as '' and '-1' reach the option as typed.
    const message = usageMessage([command, ...context, `--${option}=${value}`]);
    expect(message).toMatch(new RegExp(`^invalid --${option} ${quoted(value)}: expected (a|an) `));
    expectOneLine(message);
  });

  it.each(NUMBER_OPTIONS.filter(({ outOfRange }) => outOfRange.includes('-1')).map(({ command, option, context }) => [command, option, context] as const))(
    '%s --%s -1 as two arguments: rejected as a number, not a missing value',
    (command, option, context) => {
      expect(usageMessage([command, ...context, `--${option}`, '-1'])).toMatch(new RegExp(`^invalid --${option} "-1": expected`));
    },
  );

  it('a share for verify has no float32 floor: --min-agreement 1e-50 is accepted', () => {
    const parsed = parseCommandLine(['verify', '--min-agreement', '1e-50']);
    if (parsed.command !== 'verify') {
      throw new Error(`parsed as ${parsed.command}, not verify`);
    }
    expect(parsed.options.minAgreement).toBe(1e-50);
    // A setting that reaches the GPU keeps the floor.
    expect(usageMessage(['run', '--noise', '1e-50'])).toMatch(/^invalid --noise "1e-50": expected .*1\.18e-38/);
  });

  it('shortens a long value to 60 characters', () => {
    const message = usageMessage(['run', '--lr', '9'.repeat(10_000)]);
    expect(message).toMatch(/^invalid --lr "9{60}"…: expected a number from 1e-8 to 1000000$/);
  });
});

/** Options whose value is a list of numbers. */
const LIST_CASES: [string, string, string[], RegExp][] = [
  ['domain', 'not a number', ['--domain', 'abc'], /^invalid --domain "abc": expected xmin,xmax,ymin,ymax with xmin < xmax and ymin < ymax/],
  ['domain', 'empty', ['--domain='], /^invalid --domain "": expected xmin,xmax,ymin,ymax/],
  ['domain', 'NaN bound', ['--domain', 'NaN,1,0,1'], /^invalid --domain "NaN,1,0,1": expected/],
  ['domain', 'infinite bound', ['--domain', '-1,Infinity,0,1'], /^invalid --domain "-1,Infinity,0,1": expected/],
  ['domain', 'hexadecimal bound', ['--domain', '0x10,20,0,1'], /^invalid --domain "0x10,20,0,1": expected/],
  ['domain', 'missing bound', ['--domain', '1,,2,3'], /^invalid --domain "1,,2,3": expected/],
  ['domain', 'three bounds', ['--domain', '1,2,3'], /^invalid --domain "1,2,3": expected xmin,xmax,ymin,ymax .* \(quadratic is 2D\)/],
  ['domain', 'five bounds', ['--domain', '0,1,0,1,0'], /^invalid --domain "0,1,0,1,0": expected/],
  ['domain', 'xmin > xmax', ['--domain', '2,-2,-1,1'], /^invalid --domain "2,-2,-1,1": expected xmin,xmax,ymin,ymax with xmin < xmax and ymin < ymax/],
  ['domain', 'xmin = xmax', ['--domain', '1,1,-1,1'], /^invalid --domain "1,1,-1,1": expected xmin,xmax,ymin,ymax with xmin < xmax/],
  ['domain', 'ymin > ymax', ['--domain', '-1,1,2,1'], /^invalid --domain "-1,1,2,1": expected/],
  ['domain', 'ymin = ymax', ['--domain', '-1,1,0,0'], /^invalid --domain "-1,1,0,0": expected/],
  ['domain', 'bounds of 1e300', ['--domain', '-1e300,1e300,-1,1'], /^invalid --domain "-1e300,1e300,-1,1": expected .*every bound within ±100,000/],
  ['domain', 'too narrow', ['--domain', '1000,1000.5,-1,1'], /^invalid --domain "1000,1000.5,-1,1": expected .*at least 0\.001 times/],
  ['domain', '2D on a 1D surface', ['--surface', 'parabola', '--domain', '-1,1,-1,1'], /^invalid --domain "-1,1,-1,1": expected xmin,xmax with xmin < xmax.* \(parabola is 1D\)/],
  ['domain', 'reversed in 1D', ['--surface', 'parabola', '--domain', '1,-1'], /^invalid --domain "1,-1": expected xmin,xmax with xmin < xmax/],
  ['domain', 'of a basins map', ['basins', '--domain', '3,2,0,1'], /^invalid --domain "3,2,0,1": expected/],
  ['start', 'not a number', ['--start', 'abc'], /^invalid --start "abc": expected X,Y per --start \(quadratic is 2D\)/],
  ['start', 'empty', ['--start='], /^invalid --start "": expected X,Y per --start/],
  ['start', 'one coordinate in 2D', ['--start', '1'], /^invalid --start "1": expected X,Y per --start/],
  ['start', 'three coordinates', ['--start', '1,2,3'], /^invalid --start "1,2,3": expected X,Y per --start/],
  ['start', 'two coordinates in 1D', ['--surface', 'parabola', '--start', '1,2'], /^invalid --start "1,2": expected one number X per --start \(parabola is 1D\)/],
  ['start', 'NaN', ['--start', 'NaN,0'], /^invalid --start "NaN,0": expected/],
  ['start', 'infinite', ['--start', '0,-Infinity'], /^invalid --start "0,-Infinity": expected/],
  ['start', 'beyond float32', ['--start', '1e300,0'], /^invalid --start "1e300,0": expected X,Y per --start \(quadratic is 2D\), each within ±100,000/],
  ['start', 'beyond the domain bound', ['--start', '0,100001'], /^invalid --start "0,100001": expected .*within ±100,000/],
  ['start', 'the second of two', ['--start', '1,1', '--start', '1,x'], /^invalid --start "1,x": expected/],
];

describe('list options', () => {
  it.each(LIST_CASES)('--%s %s: rejected with the value and the format', (_option, _label, args, message) => {
    const command = args[0] === 'basins' ? [] : ['run'];
    const text = usageMessage([...command, ...args]);
    expect(text).toMatch(message);
    expectOneLine(text);
  });
});

/** Options whose value is a name from a list. */
const NAME_CASES: [string, string, string[], RegExp][] = [
  ['surface', 'banana', [], /^unknown --surface "banana": expected one of parabola, double-well, quadratic, .*, or a typed --formula$/],
  ['surface', '', [], /^unknown --surface "": expected one of parabola/],
  ['surface', 'constructor', [], /^unknown --surface "constructor": expected one of/],
  ['surface', '__proto__', [], /^unknown --surface "__proto__": expected one of/],
  ['surface', 'Rosenbrock', [], /^unknown --surface "Rosenbrock": expected one of/],
  ['surface', 'custom', [], /^unknown --surface "custom": expected one of/],
  ['optimizer', 'sgdx', [], /^unknown --optimizer "sgdx": expected one of gd, momentum, nesterov, adagrad, rmsprop, adam, adamw$/],
  ['optimizer', '', [], /^unknown --optimizer "": expected one of gd/],
  ['optimizer', 'constructor', [], /^unknown --optimizer "constructor": expected one of gd/],
  ['optimizer', 'Adam', [], /^unknown --optimizer "Adam": expected one of gd/],
  ['schedule', 'linear', [], /^unknown --schedule "linear": expected one of constant, step, exponential, cosine, cyclic$/],
  ['schedule', 'toString', [], /^unknown --schedule "toString": expected one of constant/],
  ['schedule', '', [], /^unknown --schedule "": expected one of constant/],
  ['backend', 'cuda', [], /^unknown --backend "cuda": expected cpu or webgpu$/],
  ['backend', '', [], /^unknown --backend "": expected cpu or webgpu$/],
  ['precision', 'f16', ['--backend', 'cpu'], /^unknown --precision "f16": expected f32 or f64$/],
  ['sweep-y', 'gamma', ['--optimizer', 'momentum'], /^unknown --sweep-y "gamma": expected momentum or beta1$/],
  ['sweep-y', 'constructor', ['--optimizer', 'momentum'], /^unknown --sweep-y "constructor": expected momentum or beta1$/],
  ['sweep-y', '__proto__', ['--optimizer', 'momentum'], /^unknown --sweep-y "__proto__": expected momentum or beta1$/],
  ['sweep-y', 'toString', [], /^unknown --sweep-y "toString": expected momentum or beta1$/],
  ['sweep-y', '', [], /^unknown --sweep-y "": expected momentum or beta1$/],
];

describe('name options', () => {
  it.each(NAME_CASES)('--%s %j: rejected with the names accepted', (option, value, context, message) => {
    const command = option === 'sweep-y' ? 'sweep' : 'run';
    const text = usageMessage([command, ...context, `--${option}=${value}`]);
    expect(text).toMatch(message);
    expectOneLine(text);
  });

  it.each(COMMAND_NAMES)('%s: an unknown surface', (command) => {
    expect(usageMessage([command, '--surface', 'banana'])).toMatch(/^unknown --surface "banana"/);
  });
});

const FORMULA_CASES: [string, string, RegExp][] = [
  ['empty', '', /^invalid --formula "": at character 1: formula is empty/],
  ['missing operand', 'x +', /^invalid --formula "x \+": at character 3: formula ends after '\+'/],
  ['unknown function', 'foo(x)', /unknown name 'foo' at character 1/],
  ['constructor', 'constructor', /unknown name 'constructor' at character 1/],
  ['__proto__', 'x * __proto__', /unknown name '__proto__' at character 5/],
  ['JavaScript', 'x; process.exit(1)', /unexpected character ';' at character 2/],
  ['template literal', '`${x}`', /at character 1/],
  ['call of eval', 'eval("x")', /at character \d/],
  ['NaN literal', 'NaN * x', /unknown name 'NaN' at character 1/],
  ['Infinity literal', 'x + Infinity', /unknown name 'Infinity' at character 5/],
  ['hexadecimal number', 'x + 0x10', /at character \d/],
  ['overflowing constant', '1e300 * x', /at character \d/],
  ['no variable', '1 + 2', /formula uses neither x nor y/],
  ['a third variable', 'x + z', /unknown name 'z' at character 5/],
];

describe('--formula', () => {
  it.each(FORMULA_CASES)('%s: rejected with the fault and its position', (_label, formula, message) => {
    const text = usageMessage(['run', `--formula=${formula}`]);
    expect(text).toMatch(/^invalid --formula /);
    expect(text).toMatch(message);
    expectOneLine(text);
  });

  it('accepts a formula that starts with a minus sign', () => {
    const commandLine = parseCommandLine(['run', '--formula', '-x^2 + y^2 + x^4', '--backend', 'cpu']);
    expect(commandLine).toMatchObject({ command: 'run', options: { surface: { formula: '-x^2 + y^2 + x^4' } } });
  });
});

describe('the words of a command line', () => {
  it.each(['fly', 'RUN', '', 'constructor', '__proto__', 'toString', '--lr', '-x'])('unknown command %j', (command) => {
    expect(usageMessage([command, '--json'])).toMatch(new RegExp(`^unknown command ${quoted(command)}: expected run, basins, sweep or verify`));
  });

  it.each(COMMAND_NAMES)('%s: an argument that is not an option', (command) => {
    expect(usageMessage([command, 'quadratic'])).toMatch(new RegExp(`^unexpected argument "quadratic": downhill ${command} takes options only`));
    expect(usageMessage([command, '--', '--lr', '1'])).toMatch(/^unexpected argument "--"/);
    expect(usageMessage([command, '--json', 'yes'])).toMatch(/^unexpected argument "yes"/);
  });

  const UNKNOWN_OPTIONS: [string, RegExp][] = [
    ['--speed', /^unknown option "--speed" for downhill run: did you mean --seed\? \(see downhill run --help\)$/],
    ['--setps', /^unknown option "--setps" for downhill run: did you mean --steps\?/],
    ['--LR', /^unknown option "--LR" for downhill run \(see downhill run --help\)$/],
    ['--lr_min', /^unknown option "--lr_min" for downhill run: did you mean --lr-min\?/],
    ['--x', /^unknown option "--x" for downhill run \(see downhill run --help\)$/],
    ['-x', /^unknown option "-x" for downhill run \(see downhill run --help\)$/],
    ['-lr', /^unknown option "-lr" for downhill run: options start with two dashes, as in --lr$/],
    ['-1', /^unknown option "-1" for downhill run/],
    ['--constructor', /^unknown option "--constructor" for downhill run/],
    ['--__proto__', /^unknown option "--__proto__" for downhill run/],
    ['--png', /^unknown option "--png" for downhill run: --png applies to basins and sweep$/],
    ['--radius=1', /^unknown option "--radius" for downhill run: --radius applies to basins and verify$/],
    ['--min-agreement', /^unknown option "--min-agreement" for downhill run: --min-agreement applies to verify$/],
  ];

  it.each(UNKNOWN_OPTIONS)('unknown option %s', (option, message) => {
    const text = usageMessage(['run', option, '1']);
    expect(text).toMatch(message);
    expectOneLine(text);
  });

  it('names the command an option of another belongs to', () => {
    expect(usageMessage(['verify', '--lrs', '4'])).toMatch(/^unknown option "--lrs" for downhill verify: --lrs applies to sweep$/);
    expect(usageMessage(['basins', '--csv', 'x.csv'])).toMatch(/^unknown option "--csv" for downhill basins: --csv applies to sweep$/);
    expect(usageMessage(['sweep', '--min-agreement', '1'])).toMatch(/^unknown option "--min-agreement" for downhill sweep: --min-agreement applies to verify$/);
  });

  const VALUE_OPTIONS = COMMAND_NAMES.flatMap((command) =>
    Object.entries(COMMAND_OPTIONS[command])
      .filter(([, spec]) => spec.type === 'string')
      .map(([option]) => [command, option] as const),
  );
  // Every command has the flags of run and no others.
  const FLAGS = Object.entries(COMMAND_OPTIONS.run)
    .filter(([, spec]) => spec.type === 'boolean')
    .flatMap(([option]) => COMMAND_NAMES.map((command) => [command, option] as const));

  it.each(VALUE_OPTIONS)('%s --%s without its value', (command, option) => {
    const message = new RegExp(`^missing value of --${option}: give --${option} VALUE or --${option}=VALUE`);
    expect(usageMessage([command, `--${option}`])).toMatch(message);
    expect(usageMessage([command, `--${option}`, '--json'])).toMatch(message);
    expect(usageMessage([command, `--${option}`, '-h'])).toMatch(message);
  });

  it.each(VALUE_OPTIONS.filter(([, option]) => option !== 'start'))('%s --%s given twice', (command, option) => {
    expect(usageMessage([command, `--${option}`, 'a', `--${option}=b`])).toMatch(new RegExp(`^--${option} is given more than once \\("a", then "b"\\): give it once$`));
  });

  it.each(FLAGS)('%s --%s with a value, and given twice', (command, option) => {
    expect(usageMessage([command, `--${option}=yes`])).toMatch(new RegExp(`^invalid "--${option}=yes": --${option} takes no value$`));
    expect(usageMessage([command, `--${option}=`])).toMatch(new RegExp(`^invalid "--${option}=": --${option} takes no value$`));
    expect(usageMessage([command, `--${option}`, `--${option}`])).toMatch(new RegExp(`^--${option} is given more than once: give it once$`));
  });

  it('repeats --start, the one option that takes several values', () => {
    const commandLine = parseCommandLine(['run', '--start', '1,1', '--start=-1,-1', '--start', '-2,0.5']);
    const starts = commandLine.command === 'run' ? commandLine.options.starts : undefined;
    expect(starts?.kind).toBe('list');
    expect(Array.from(starts?.kind === 'list' ? starts.points : [])).toEqual([1, 1, -1, -1, -2, 0.5]);
  });

  it('takes a negative value as two arguments', () => {
    const commandLine = parseCommandLine(['run', '--optimizer', 'momentum', '--momentum', '0.5', '--domain', '-3,-1,-2,-1']);
    expect(commandLine).toMatchObject({ options: { optimizer: { momentum: 0.5 }, domain: { xMin: -3, xMax: -1, yMin: -2, yMax: -1 } } });
  });

  it('without a command: the usage text, exit status 2', () => {
    expect(parseCommandLine([])).toEqual({ command: 'help', status: 2 });
    expect(parseCommandLine(['--help'])).toEqual({ command: 'help', status: 0 });
    expect(parseCommandLine(['sweep', '-h'])).toEqual({ command: 'help', status: 0, topic: 'sweep' });
  });
});

/** Options that are valid alone but not together, or not for this command. */
const COMBINATION_CASES: [string, string[], RegExp][] = [
  ['surface and formula', ['run', '--surface', 'booth', '--formula', 'x^2'], /^--surface and --formula exclude each other/],
  ['grid and start', ['run', '--grid', '4', '--start', '0,0'], /^--grid and --start exclude each other/],
  ['condition on another surface', ['run', '--condition', '10'], /^--condition applies only to --surface ill-conditioned/],
  ['f64 on the GPU', ['run', '--precision', 'f64'], /^--precision f64 needs --backend cpu/],
  ['hyperparameter of another optimizer', ['run', '--optimizer', 'adam', '--momentum', '0.5'], /^--momentum applies to momentum, nesterov and rmsprop, not adam$/],
  ['flag of another optimizer', ['run', '--amsgrad'], /^--amsgrad applies to adam and adamw, not gd$/],
  ['nesterov without momentum', ['run', '--optimizer', 'nesterov', '--momentum', '0'], /^nesterov needs --momentum above 0 and no dampening/],
  ['option of another schedule', ['run', '--schedule', 'step', '--t-max', '10'], /^--t-max applies to --schedule cosine, not step$/],
  ['basins of a list of starts', ['basins', '--start', '1,1'], /^basins needs a grid of starts/],
  ['basins PNG without a name', ['basins', '--png', ' '], /^invalid --png "": expected a file name$/],
  ['verify on the CPU', ['verify', '--backend', 'cpu'], /^verify compares the GPU with the CPU/],
  ['sweep with --lr', ['sweep', '--lr', '0.1'], /^sweep varies the learning rate: give --lr-min and --lr-max instead of --lr$/],
  ['sweep rates reversed', ['sweep', '--lr-min', '1', '--lr-max', '0.5'], /^invalid --lr-min 1 and --lr-max 0\.5: expected lr-min < lr-max$/],
  ['sweep rates equal', ['sweep', '--lr-min', '0.5', '--lr-max', '0.5'], /^invalid --lr-min 0\.5 and --lr-max 0\.5: expected lr-min < lr-max$/],
  ['one rate with --lr-max', ['sweep', '--lrs', '1', '--lr-max', '2'], /^--lrs 1 runs the single rate --lr-min: leave out --lr-max, or give --lrs 2 or more$/],
  ['one second value with --y-max', ['sweep', '--optimizer', 'adam', '--sweep-y', 'beta1', '--ys', '1', '--y-max', '0.5'], /^--ys 1 runs the single value --y-min: leave out --y-max/],
  ['second axis reversed', ['sweep', '--optimizer', 'adam', '--sweep-y', 'beta1', '--y-min', '0.9', '--y-max', '0.1'], /^invalid --y-min 0\.9 and --y-max 0\.1: expected y-min < y-max$/],
  ['second axis of another optimizer', ['sweep', '--sweep-y', 'beta1'], /^--sweep-y beta1 applies to adam, adamw, not gd$/],
  ['second axis values without the axis', ['sweep', '--ys', '8'], /^--y-min, --y-max and --ys need --sweep-y/],
  ['phase map PNG without the axis', ['sweep', '--png', 'map.png'], /^--png writes a phase map: give --sweep-y too$/],
  ['phase map with a fixed momentum', ['sweep', '--optimizer', 'momentum', '--sweep-y', 'momentum', '--momentum', '0.5'], /^--sweep-y momentum varies momentum from --y-min to --y-max: leave out --momentum$/],
  ['phase map with a fixed beta1', ['sweep', '--optimizer', 'adam', '--sweep-y', 'beta1', '--beta1', '0.5'], /^--sweep-y beta1 varies beta1 from --y-min to --y-max: leave out --beta1$/],
  ['CSV and PNG in one file', ['sweep', '--optimizer', 'momentum', '--sweep-y', 'momentum', '--csv', 'map.png', '--png', './map.png'], /^--csv and --png name the same file "map\.png": give each its own$/],
  ['sweep CSV without a name', ['sweep', '--csv='], /^invalid --csv "": expected a file name$/],
  ['schedule minimum of another schedule', ['sweep', '--schedule-lr-min', '0.1'], /^--schedule-lr-min applies to --schedule cosine and cyclic, not constant$/],
  ['too many sweep cells', ['sweep', '--optimizer', 'momentum', '--sweep-y', 'momentum', '--lrs', '4096', '--ys', '4096'], /^a sweep of 16,777,216 cells exceeds the maximum 65,536/],
  ['too many sweep particles', ['sweep', '--grid', '2048', '--lrs', '4096'], /^a sweep of 4,096 cells × 4,194,304 starts = 17,179,869,184 particles exceeds the maximum 16,777,216/],
  ['too many sweep particles in 1D', ['sweep', '--surface', 'parabola', '--grid', '1048576', '--lrs', '17'], /particles exceeds the maximum 16,777,216/],
];

describe('combinations', () => {
  it.each(COMBINATION_CASES)('%s', (_label, argv, message) => {
    const text = usageMessage(argv);
    expect(text).toMatch(message);
    expectOneLine(text);
  });

  it('runs --lrs 1 at --lr-min alone', () => {
    // --lr-min 3 lies above the default --lr-max 1, which a single rate does not use.
    expect(parseCommandLine(['sweep', '--lrs', '1', '--lr-min', '3'])).toMatchObject({ command: 'sweep', options: { axes: { lrMin: 3, lrMax: 3, lrCount: 1 } } });
    expect(parseCommandLine(['sweep', '--lrs', '1'])).toMatchObject({ command: 'sweep', options: { axes: { lrMin: 0.01, lrMax: 0.01, lrCount: 1 } } });
  });

  it('runs --ys 1 at --y-min alone', () => {
    const argv = ['sweep', '--optimizer', 'adam', '--sweep-y', 'beta1', '--ys', '1', '--y-min', '0.5'];
    expect(parseCommandLine(argv)).toMatchObject({ command: 'sweep', options: { axes: { second: { parameter: 'beta1', min: 0.5, max: 0.5, count: 1 } } } });
  });

  it('accepts the largest sweep', () => {
    expect(parseCommandLine(['sweep', '--grid', '2048', '--lrs', '4'])).toMatchObject({ command: 'sweep', options: { axes: { lrCount: 4 } } });
  });
});
