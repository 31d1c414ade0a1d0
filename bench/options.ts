/**
 * Command-line options of `npm run bench`.
 */
import { parseArgs } from 'node:util';

export const USAGE = `Usage: npm run bench -- [options]

Runs the same descent workloads through the product's GPU pipeline, a minimal
WGSL kernel and the CPU reference, then the app in headless Chromium, and
prints particle-steps per second with ratios. Results go to stdout, progress
to stderr.

Options:
  --quick            65,536 and 1,048,576 particles, 3 timed runs, 3 s per app grid
  --full             65,536, 1,048,576 and 4,194,304 particles, 5 timed runs, 10 s per app grid
                     (default: the sizes of --full with 3 timed runs and 5 s per app grid)
  --sizes N,N,...    particle counts to run instead; each must be a square (256² = 65536)
  --repetitions N    timed runs per path and workload (the median is reported)
  --no-app           skip the app in headless Chromium
  --docs             also write the results into docs/benchmarks.md, between its
                     "bench:begin" and "bench:end" markers
  --help             print this text`;

export interface BenchOptions {
  sizes: number[];
  /** Updates per dispatch. */
  steps: number;
  warmups: number;
  repetitions: number;
  /** Particle-steps that one timed run should reach at least, by doing several dispatches at small sizes. */
  minParticleStepsPerRun: number;
  /** Particles of the CPU reference's subsample. */
  referenceParticles: number;
  app: { grids: number[]; surface: string; lr: number; stepsPerFrame: number; warmupSeconds: number; windowSeconds: number; minFrames: number } | undefined;
  writeDocs: boolean;
  /** The command line as typed, for the report. */
  command: string;
}

/** A command-line option that is invalid; the message names it and what is accepted. */
export class BenchUsageError extends Error {
  override name = 'BenchUsageError';
}

export function parseBenchOptions(argv: string[]): BenchOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        quick: { type: 'boolean' },
        full: { type: 'boolean' },
        sizes: { type: 'string' },
        repetitions: { type: 'string' },
        'no-app': { type: 'boolean' },
        docs: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
    });
  } catch (error) {
    throw new BenchUsageError(error instanceof Error ? error.message : String(error));
  }
  const values = parsed.values;
  if (values.help) {
    return 'help';
  }
  if (values.quick && values.full) {
    throw new BenchUsageError('--quick and --full exclude each other; give one of them');
  }

  const largest = values.quick ? [] : [4_194_304];
  let windowSeconds = 5;
  if (values.quick) {
    windowSeconds = 3;
  } else if (values.full) {
    windowSeconds = 10;
  }
  const options: BenchOptions = {
    sizes: [65_536, 1_048_576, ...largest],
    steps: 100,
    warmups: 1,
    repetitions: values.full ? 5 : 3,
    minParticleStepsPerRun: 2 ** 25,
    referenceParticles: 65_536,
    app: values['no-app']
      ? undefined
      : { grids: [256, 1024], surface: 'rosenbrock', lr: 0.0001, stepsPerFrame: 100, warmupSeconds: 3, windowSeconds, minFrames: 5 },
    writeDocs: values.docs ?? false,
    command: ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' '),
  };

  if (values.sizes !== undefined) {
    options.sizes = values.sizes.split(',').map((text) => parseSquare(text.trim()));
  }
  if (values.repetitions !== undefined) {
    const repetitions = Number(values.repetitions);
    if (!Number.isInteger(repetitions) || repetitions < 1 || repetitions > 100) {
      throw new BenchUsageError(`invalid --repetitions ${JSON.stringify(values.repetitions)}: expected an integer from 1 to 100`);
    }
    options.repetitions = repetitions;
  }
  return options;
}

function parseSquare(text: string): number {
  const count = Number(text);
  const side = Math.round(Math.sqrt(count));
  if (!Number.isInteger(count) || count < 1 || side * side !== count) {
    throw new BenchUsageError(`invalid size ${JSON.stringify(text)} in --sizes: expected a square number of particles, such as 65536 (256²)`);
  }
  return count;
}
