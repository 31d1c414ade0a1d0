/**
 * The downhill command line. Results go to stdout, diagnostics to stderr.
 * Run it through `npm run --silent downhill -- COMMAND [options]`, which sets
 * up the Vulkan driver for Dawn (bin/downhill.mjs).
 */
import { parseArgs } from 'node:util';
import { NoAdapterError, WebGpuUnavailableError, LimitExceededError } from '../gpu/errors.ts';
import { FORMULA_FUNCTIONS, FormulaError } from '../core/expr/index.ts';
import { CONDITION_NUMBER } from '../core/limits.ts';
import { SURFACE_NAMES } from '../core/surfaces.ts';
import { EXIT_INTERNAL, EXIT_NO_ADAPTER, EXIT_OK, EXIT_USAGE, UsageError } from './errors.ts';
import { parseRunOptions, RUN_OPTION_TABLE } from './options.ts';
import { formatRunReport, runCommand } from './runCommand.ts';
import { registerNodeShaders } from './shaders.ts';

/** Column where the help text of an option starts. */
const HELP_COLUMN = 26;

/** Joins items with commas into lines of at most 100 characters, indented to HELP_COLUMN after the first. */
function wrapList(items: readonly string[]): string {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    const next = line === '' ? item : `${line}, ${item}`;
    if (HELP_COLUMN + next.length > 100 && line !== '') {
      lines.push(`${line},`);
      line = item;
    } else {
      line = next;
    }
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(HELP_COLUMN)}`);
}

const USAGE = `usage: downhill run [options]

Descends a grid (or list) of starts and prints every particle's final state.

  --surface NAME          ${wrapList(SURFACE_NAMES.map((name) => (name === 'quadratic' ? 'quadratic (default)' : name)))}
  --formula EXPR          a typed surface instead of --surface: f(x) or f(x, y) written with
                          + - * / ^, numbers, pi, e and the functions
                          ${wrapList([...FORMULA_FUNCTIONS.keys()])}
  --condition K           condition number κ of --surface ill-conditioned, ${CONDITION_NUMBER.min} to ${CONDITION_NUMBER.max} (default ${CONDITION_NUMBER.default})
  --optimizer NAME        gd (default)
  --lr X                  learning rate, a positive number (default 0.1)
  --steps N               updates per particle (default 100)
  --grid N                N×N starts at cell centres of the domain, x fastest (1D: N starts; default 8)
  --start X[,Y]           one start; repeat for more (instead of --grid)
  --domain XMIN,XMAX[,YMIN,YMAX]
                          region of the grid of starts (default: the surface's standard domain,
                          [-3, 3] or [-3, 3]² for --formula)
  --backend cpu|webgpu    where to compute (default webgpu)
  --precision f32|f64     arithmetic of --backend cpu (default f32, as the GPU)
  --json                  one JSON object on stdout instead of a summary

Exit status: 0 done, 2 invalid command line, 3 no WebGPU adapter, 70 internal error.`;

/**
 * Joins `--option -1.5` into `--option=-1.5` for options that take a value,
 * because util.parseArgs reads a token starting with '-' as another option.
 */
function attachNegativeValues(args: string[], table: Record<string, { type: string }>): string[] {
  const joined: string[] = [];
  for (let k = 0; k < args.length; k++) {
    const name = args[k].startsWith('--') ? args[k].slice(2) : undefined;
    const next = args[k + 1];
    if (name !== undefined && table[name]?.type === 'string' && next !== undefined && /^-[\d.]/.test(next)) {
      joined.push(`${args[k]}=${next}`);
      k++;
    } else {
      joined.push(args[k]);
    }
  }
  return joined;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (command !== 'run') {
    throw new UsageError(`unknown command ${JSON.stringify(command)}: expected run (see downhill --help)`);
  }

  let values;
  try {
    ({ values } = parseArgs({ args: attachNegativeValues(rest, RUN_OPTION_TABLE), options: RUN_OPTION_TABLE, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)} (see downhill --help)`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT_OK;
  }

  const options = parseRunOptions(values);
  registerNodeShaders();
  const report = await runCommand(options);
  process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : `${formatRunReport(report)}\n`);
  return EXIT_OK;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof FormulaError || error instanceof LimitExceededError) {
      process.stderr.write(`downhill: ${error.message}\n`);
      process.exit(EXIT_USAGE);
    }
    if (error instanceof NoAdapterError || error instanceof WebGpuUnavailableError) {
      process.stderr.write(`downhill: ${error.message} Or run on the CPU reference with --backend cpu.\n`);
      process.exit(EXIT_NO_ADAPTER);
    }
    process.stderr.write(`downhill: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(EXIT_INTERNAL);
  },
);
