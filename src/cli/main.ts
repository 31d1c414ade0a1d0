/**
 * The downhill command line. Results go to stdout, diagnostics to stderr.
 * Run it through `npm run --silent downhill -- COMMAND [options]`, which sets
 * up the Vulkan driver for Dawn (bin/downhill.mjs).
 */
import { NoAdapterError, WebGpuUnavailableError, LimitExceededError } from '../gpu/errors.ts';
import { FORMULA_FUNCTIONS, FormulaError } from '../core/expr/index.ts';
import { CONDITION_NUMBER, DIVERGE_BOUND, formatLimit, InvalidSettingError, LEARNING_RATE, MAX_TOLERANCE, MIN_TOLERANCE } from '../core/limits.ts';
import { DEFAULT_CRITERIA } from '../core/config.ts';
import { SURFACE_NAMES } from '../core/surfaces.ts';
import { EXIT_CHECK_FAILED, EXIT_INTERNAL, EXIT_NO_ADAPTER, EXIT_OK, EXIT_USAGE, UsageError } from './errors.ts';
import { basinsCommand } from './basinsCommand.ts';
import { formatBasinsReport } from './basinsText.ts';
import { parseCommandLine } from './commandLine.ts';
import { sweepCommand } from './sweepCommand.ts';
import { formatSweepReport } from './sweepText.ts';
import { verifyCommand } from './verifyCommand.ts';
import { formatAgreement, formatVerifyReport, FULL_CHECK_BUDGET } from '../core/verify.ts';
import { formatRunReport, runCommand } from './runCommand.ts';
import { registerNodeShaders } from './shaders.ts';
import { counted, criteriaLines, settingsText } from './wording.ts';

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

/** The options that choose where a run computes; verify computes on both sides itself. */
const BACKEND_OPTIONS = `  --backend cpu|webgpu    where to compute (default webgpu; verify takes webgpu only)
  --precision f32|f64     arithmetic of --backend cpu (default f32, as the GPU); f64 starts from
                          the starts rounded to float32, the values the GPU starts from`;

const VERIFY_BACKEND = `  (verify runs on the GPU and reruns on the CPU in float32 and float64 itself,
  so it takes no --backend cpu or --precision)`;

const COMMON_OPTIONS = `
  --surface NAME          ${wrapList(SURFACE_NAMES.map((name) => (name === 'quadratic' ? 'quadratic (default)' : name)))}
  --formula EXPR          a typed surface instead of --surface: f(x) or f(x, y) written with
                          + - * / ^, numbers, pi, e and the functions
                          ${wrapList([...FORMULA_FUNCTIONS.keys()])}
  --condition K           condition number κ of --surface ill-conditioned, ${CONDITION_NUMBER.min} to ${CONDITION_NUMBER.max} (default ${CONDITION_NUMBER.default})
  --optimizer NAME        gd (default), momentum, nesterov, adagrad, rmsprop, adam, adamw
  --lr X                  learning rate η, ${formatLimit(LEARNING_RATE.min)} to ${formatLimit(LEARNING_RATE.max)} (default 0.1)
  --momentum M            momentum, nesterov (default 0.9), rmsprop (default 0)
  --dampening D           momentum's dampening (default 0)
  --weight-decay L        L2 penalty added to the gradient; adamw decays the weights directly (default 0, adamw 0.01)
  --eps E                 adagrad (default 1e-10), rmsprop, adam, adamw (default 1e-8); 1e-37 to 1
  --lr-decay D            adagrad: η / (1 + t·D) (default 0)
  --initial-accumulator A adagrad's starting sum of squared gradients (default 0)
  --alpha A               rmsprop's smoothing constant (default 0.99)
  --centered              rmsprop: divide by the centred second moment
  --beta1 B, --beta2 B    adam, adamw moment decay rates (default 0.9, 0.999)
  --amsgrad               adam, adamw: divide by the running maximum of v, bias-corrected
  --schedule NAME         constant (default), step, exponential, cosine, cyclic; rate at update t (t = 0 first):
                            step: η·γ^⌊t/k⌋   exponential: η·γ^t
                            cosine: m + (η − m)(1 + cos(π·min(t, T)/T))/2
                            cyclic: triangular between m and η with period 2k, starting at m
  --step-size K, --gamma G, --t-max T, --lr-min M
                          the schedule's parameters (defaults 100, 0.5, 1000, 0)
  --warmup W              multiply the rate by min(1, (t + 1)/W) (default 0: none)
  --noise S               Gaussian noise of standard deviation S added to every gradient component
  --seed N                seed of the noise generator, 0 to 4294967295 (default 1)
  --steps N               updates per particle (default 100)
  --grid N                N×N starts at cell centres of the domain, x fastest (1D: N starts; default 8)
  --start X[,Y]           one start; repeat for more (instead of --grid)
  --domain XMIN,XMAX[,YMIN,YMAX]
                          region of the grid of starts (default: the surface's standard domain,
                          [-3, 3] or [-3, 3]² for --formula)
  --grad-tol G            a particle converges on the update whose gradient norm is at most G
  --step-tol S            and whose step length is at most S (defaults ${formatLimit(DEFAULT_CRITERIA.gradTol)}, ${formatLimit(DEFAULT_CRITERIA.stepTol)});
                          each 0 or ${formatLimit(MIN_TOLERANCE)} to ${formatLimit(MAX_TOLERANCE)}, as the GPU compares their squares;
                          0 stops where the square rounds to 0, which may differ between GPU and CPU
  --diverge-bound B       a particle diverges when |x| or |y| exceeds B or is not finite
                          (default ${formatLimit(DEFAULT_CRITERIA.divergeBound)}; ${formatLimit(DIVERGE_BOUND.min)} to ${formatLimit(DIVERGE_BOUND.max)})
${BACKEND_OPTIONS}
  --json                  one JSON object on stdout instead of a summary`;


/** One-line descriptions of the commands, for the usage texts. */
const COMMANDS = {
  run: "descend a grid (or list) of starts and print every particle's final state",
  basins: 'descend a grid of starts and print which minimum each start reaches',
  sweep: 'run every start at many learning rates at once and print, per rate, the\n           share diverged, loss percentiles and updates to converge',
  verify: 'run on the GPU, rerun on the CPU in float32 and float64, and print how far apart they are',
} as const;

type Command = keyof typeof COMMANDS;

/** Options that only one command takes. */
const COMMAND_OPTIONS: Partial<Record<Command, string>> = {
  basins: `Options of basins:
  --radius R              converged particles within R of a known minimum take its basin (default 1% of the domain)
  --png FILE              write the basin map as a PNG of grid × grid pixels (grid × 1 in 1D) and
                          print the colour of every minimum and outcome`,
  sweep: `Options of sweep (instead of --lr):
  --lr-min A, --lr-max B  learning rates from A to B, log-spaced (default 0.01 to 1)
  --lrs N                 number of rates (default 64); --lrs 1 runs --lr-min alone and
                          rejects --lr-max
  --sweep-y NAME          a phase map: momentum (momentum, nesterov, rmsprop) or beta1 (adam, adamw)
  --y-min A, --y-max B, --ys N
                          its values, linearly spaced (default 0 to 0.99, 32 values); --ys 1 runs
                          --y-min alone and rejects --y-max
  --csv FILE              write the table as CSV
  --png FILE              write the phase map as a PNG, one pixel per cell: converged, diverged or neither
  --schedule-lr-min M     the minimum of a cosine or cyclic schedule (--lr-min is the sweep's here)`,
  verify: `Options of verify:
  (the CPU reruns every particle while particles × steps is at most ${FULL_CHECK_BUDGET.toLocaleString('en-US')},
  and a uniform sample of ${FULL_CHECK_BUDGET.toLocaleString('en-US')} / steps particles beyond)
  --min-agreement S       exit with status 1 when the share of particles whose status or basin agrees
                          between the GPU and the CPU in float32 is below S (0 to 1)
  --radius R              assignment radius of the basins compared (default 1% of the domain)`,
};

const EXIT_STATUS = `Exit status: 0 done, 1 verify below --min-agreement, 2 invalid command line, 3 no WebGPU adapter,
70 internal error.`;

const USAGE = [
  'usage: downhill COMMAND [options]',
  'See downhill COMMAND --help for the options of one command.',
  `Commands:\n${Object.entries(COMMANDS).map(([name, text]) => `  ${name.padEnd(8)} ${text}`).join('\n')}`,
  `Options of every command:\n${COMMON_OPTIONS}`,
  ...Object.values(COMMAND_OPTIONS),
  EXIT_STATUS,
].join('\n\n');

/** Returns the usage text of one command: what it does, the options of every command, and its own. */
function commandUsage(command: Command): string {
  const own = COMMAND_OPTIONS[command];
  return [
    `usage: downhill ${command} [options]`,
    `${command}: ${COMMANDS[command].replace(/\n +/g, `\n${' '.repeat(command.length + 2)}`)}`,
    `Options:\n${command === 'verify' ? COMMON_OPTIONS.replace(BACKEND_OPTIONS, VERIFY_BACKEND) : COMMON_OPTIONS}`,
    ...(own === undefined ? [] : [own]),
    EXIT_STATUS,
  ].join('\n\n');
}

/**
 * The message for a missing adapter, with the fix for this command rather
 * than the browser's. bin/downhill.mjs points Dawn at the SwiftShader of
 * Debian's chromium package when that package is installed.
 */
function noAdapterMessage(command: string | undefined): string {
  // verify compares the GPU with the CPU, so --backend cpu is no way out for it.
  const cpu = command === 'verify' ? '' : ', or run with --backend cpu';
  return (
    'downhill: no WebGPU adapter: Dawn found no Vulkan driver (a GPU driver, or SwiftShader on the CPU); ' +
    `install Debian's chromium package, which ships SwiftShader (\`npm run setup\` does it as root)${cpu}\n`
  );
}

/** Writes a report to stdout: one JSON object with --json, otherwise the summary for a person. */
function printReport<T>(report: T, json: boolean, format: (report: T) => string): void {
  process.stdout.write(json ? `${JSON.stringify(report)}\n` : `${format(report)}\n`);
}

async function main(argv: string[]): Promise<number> {
  const commandLine = parseCommandLine(argv);
  if (commandLine.command === 'help') {
    // Requested with --help, the usage text is the output. Without a command it explains a usage error.
    const text = commandLine.topic === undefined ? USAGE : commandUsage(commandLine.topic);
    (commandLine.status === EXIT_OK ? process.stdout : process.stderr).write(`${text}\n`);
    return commandLine.status;
  }

  registerNodeShaders();
  const { options } = commandLine;
  switch (commandLine.command) {
    case 'sweep':
      printReport(await sweepCommand(commandLine.options), options.json, (report) => formatSweepReport(report, commandLine.options));
      return EXIT_OK;
    case 'verify': {
      const report = await verifyCommand(commandLine.options);
      // The text ends with what each comparison means, as the app's report does.
      printReport(report, options.json, (shown) => {
        // What was verified first, as run, basins and sweep begin, so that a pasted report can be rerun.
        const heading = `${shown.surface}: ${settingsText(commandLine.options)}, ${counted(shown.steps, 'step')}`;
        return [heading, ...criteriaLines(shown.criteria), formatVerifyReport(shown), '', ...shown.explanation].join('\n');
      });
      if (report.passed === false) {
        const { statusAgreement, basinAgreement } = report.gpuVsF32;
        process.stderr.write(
          `downhill: verify below --min-agreement ${report.minAgreement}: status ${formatAgreement(statusAgreement)}, basin ${formatAgreement(basinAgreement)} agree\n`,
        );
        return EXIT_CHECK_FAILED;
      }
      return EXIT_OK;
    }
    case 'basins':
      printReport(await basinsCommand(commandLine.options), options.json, (report) => formatBasinsReport(report, commandLine.options));
      return EXIT_OK;
    case 'run':
      printReport(await runCommand(commandLine.options), options.json, formatRunReport);
      return EXIT_OK;
  }
}

/**
 * Exits with `code` once stdout and stderr have taken all that was written.
 * Node writes to pipes asynchronously, so exiting at once would cut a long
 * report short (at 64 KiB on Linux). The exit itself is needed because the
 * GPU device keeps the event loop alive.
 */
function exitWhenWritten(code: number): void {
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main(process.argv.slice(2)).then(exitWhenWritten, (error: unknown) => {
  if (error instanceof UsageError || error instanceof FormulaError || error instanceof InvalidSettingError || error instanceof LimitExceededError) {
    process.stderr.write(`downhill: ${error.message}\n`);
    exitWhenWritten(EXIT_USAGE);
    return;
  }
  if (error instanceof NoAdapterError || error instanceof WebGpuUnavailableError) {
    process.stderr.write(noAdapterMessage(process.argv[2]));
    exitWhenWritten(EXIT_NO_ADAPTER);
    return;
  }
  process.stderr.write(`downhill: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  exitWhenWritten(EXIT_INTERNAL);
});
