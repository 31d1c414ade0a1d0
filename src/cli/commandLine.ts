/**
 * Reading of the command line: the command, then its options, all checked
 * before anything runs. Every fault is a UsageError whose one-line message
 * names the option, the value given and what is accepted.
 */
import { parseArgs } from 'node:util';
import { formatSettingValue } from '../core/limits.ts';
import { BASINS_OPTION_TABLE, parseBasinsOptions, type BasinsOptions } from './basinsCommand.ts';
import { EXIT_OK, EXIT_USAGE, UsageError } from './errors.ts';
import { parseRunOptions, RUN_OPTION_TABLE, type RawRunOptions, type RunOptions } from './options.ts';
import { parseSweepOptions, splitSweepValues, SWEEP_FLAG_NAMES, SWEEP_OPTION_TABLE, type SweepOptions } from './sweepCommand.ts';
import { parseVerifyOptions, VERIFY_OPTION_TABLE, type VerifyOptions } from './verifyCommand.ts';

export const COMMAND_NAMES = ['run', 'basins', 'sweep', 'verify'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
}

/** util.parseArgs tables of each command: the options of `run`, and the command's own. */
export const COMMAND_OPTIONS: Readonly<Record<CommandName, Readonly<Record<string, OptionSpec>>>> = {
  run: RUN_OPTION_TABLE,
  basins: { ...RUN_OPTION_TABLE, ...BASINS_OPTION_TABLE },
  sweep: { ...RUN_OPTION_TABLE, ...SWEEP_OPTION_TABLE },
  verify: { ...RUN_OPTION_TABLE, ...VERIFY_OPTION_TABLE },
};

/** Option values as typed: text, true for a flag, a list for a repeatable option. */
export type RawValues = Record<string, string | boolean | string[] | undefined>;

/** A command line read and checked: the usage text to print (with its exit status), or a command with its options. */
export type CommandLine =
  | { command: 'help'; status: typeof EXIT_OK | typeof EXIT_USAGE; topic?: CommandName }
  | { command: 'run'; options: RunOptions }
  | { command: 'basins'; options: BasinsOptions }
  | { command: 'sweep'; options: SweepOptions }
  | { command: 'verify'; options: VerifyOptions };

/**
 * Reads argv (without node and the script) and validates every option of
 * the command. Throws UsageError, naming the first invalid argument, for an
 * unknown command or option, a missing or repeated value, and any value out
 * of range. Without a command it returns the usage text with exit status 2.
 */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const [command, ...rest] = argv;
  if (command === undefined) {
    return { command: 'help', status: EXIT_USAGE };
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    return { command: 'help', status: EXIT_OK };
  }
  if (!(COMMAND_NAMES as readonly string[]).includes(command)) {
    throw new UsageError(`unknown command ${formatSettingValue(command)}: expected run, basins, sweep or verify (see downhill --help)`);
  }

  const name = command as CommandName;
  const values = readOptions(name, rest);
  if (values.help === true) {
    return { command: 'help', status: EXIT_OK, topic: name };
  }

  switch (name) {
    case 'sweep': {
      const { run, sweep } = splitSweepValues(values);
      return { command: name, options: parseSweepOptions(parseRunOptions(run as RawRunOptions, SWEEP_FLAG_NAMES), sweep) };
    }
    case 'basins':
      return { command: name, options: parseBasinsOptions(parseRunOptions(values as RawRunOptions), values as { png?: string; radius?: string }) };
    case 'verify':
      return { command: name, options: parseVerifyOptions(parseRunOptions(values as RawRunOptions), values as { 'min-agreement'?: string; radius?: string }) };
    case 'run':
      return { command: name, options: parseRunOptions(values as RawRunOptions) };
  }
}

/**
 * Collects the options of `command` from args. util.parseArgs splits the
 * arguments (non-strict, so that a value may start with '-', as in --lr -1
 * or --formula -x^2), and the checks here replace its strict mode with
 * messages that name the option and what it takes.
 */
export function readOptions(command: CommandName, args: readonly string[]): RawValues {
  const table = COMMAND_OPTIONS[command];
  const { tokens } = parseArgs({ args: [...args], options: table, strict: false, allowPositionals: true, tokens: true });
  const values: RawValues = {};

  for (const token of tokens) {
    if (token.kind !== 'option') {
      const text = token.kind === 'positional' ? token.value : '--';
      throw new UsageError(`unexpected argument ${formatSettingValue(text)}: downhill ${command} takes options only, such as --lr 0.1 (see downhill ${command} --help)`);
    }

    // As typed: a group of short options such as -lr is one argument.
    const written = args[token.index];
    const isLong = token.rawName.startsWith('--');
    const spec = Object.hasOwn(table, token.name) && (isLong || token.rawName === '-h') ? table[token.name] : undefined;
    if (spec === undefined) {
      throw unknownOption(command, isLong ? token.rawName : written);
    }

    const name = token.name;
    if (spec.type === 'boolean' && token.value !== undefined) {
      throw new UsageError(`invalid ${formatSettingValue(written)}: --${name} takes no value`);
    }
    if (spec.type === 'string' && (token.value === undefined || (!token.inlineValue && namesOption(token.value, table)))) {
      throw new UsageError(`missing value of --${name}: give --${name} VALUE or --${name}=VALUE (see downhill ${command} --help for what it accepts)`);
    }

    const previous = values[name];
    if (previous !== undefined && !spec.multiple) {
      const both = typeof previous === 'string' ? ` (${formatSettingValue(previous)}, then ${formatSettingValue(token.value)})` : '';
      throw new UsageError(`--${name} is given more than once${both}: give it once`);
    }
    if (spec.multiple) {
      values[name] = [...((previous as string[] | undefined) ?? []), token.value as string];
    } else {
      values[name] = spec.type === 'boolean' ? true : token.value;
    }
  }
  return values;
}

/** True when an argument taken as a value is an option of the table, so the option before it lacks its value. */
function namesOption(text: string, table: Readonly<Record<string, OptionSpec>>): boolean {
  return text === '-h' || (text.startsWith('--') && Object.hasOwn(table, text.slice(2).split('=')[0]));
}

/** Names the commands that have an option of this name, or the closest option of this command. */
function unknownOption(command: CommandName, written: string): UsageError {
  const name = written.replace(/^--?/, '').split('=')[0];
  const quoted = formatSettingValue(written);
  if (Object.hasOwn(COMMAND_OPTIONS[command], name)) {
    // Typed with one dash, as in -lr.
    return new UsageError(`unknown option ${quoted} for downhill ${command}: options start with two dashes, as in --${name}`);
  }
  const others = COMMAND_NAMES.filter((other) => Object.hasOwn(COMMAND_OPTIONS[other], name));
  if (others.length > 0) {
    const list = others.length === 1 ? others[0] : `${others.slice(0, -1).join(', ')} and ${others[others.length - 1]}`;
    return new UsageError(`unknown option ${quoted} for downhill ${command}: --${name} applies to ${list}`);
  }
  const closest = closestName(name, Object.keys(COMMAND_OPTIONS[command]));
  const suggestion = closest === undefined ? '' : `: did you mean --${closest}?`;
  return new UsageError(`unknown option ${quoted} for downhill ${command}${suggestion} (see downhill ${command} --help)`);
}

/** Finds the option name within 2 edits of `name` (insert, delete, substitute, swap neighbours), and within fewer edits than half its length. */
function closestName(name: string, names: readonly string[]): string | undefined {
  const limit = Math.min(2, Math.ceil(name.length / 2) - 1);
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of names) {
    // A length difference alone costs that many edits.
    if (Math.abs(candidate.length - name.length) > limit) {
      continue;
    }
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Computes the optimal string alignment distance: Levenshtein, with a swap of neighbouring characters as one edit. */
function editDistance(a: string, b: string): number {
  // rows[i][j] is the distance between the first i characters of a and the first j of b.
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push(new Array<number>(b.length + 1).fill(0));
    rows[i][0] = i;
  }
  for (let j = 0; j <= b.length; j++) {
    rows[0][j] = j;
  }

  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
      }
    }
  }
  return rows[a.length][b.length];
}
