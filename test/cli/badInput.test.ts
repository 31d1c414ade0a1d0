// Bad command lines through the real launcher, as a user types them: exit
// status 2, one line on stderr naming the option, the value and what is
// accepted, nothing on stdout and no stack trace. This is a sample of each
// kind of fault for every command. test/unit/commandLine.test.ts checks
// every option and value without starting processes.

import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

import { beforeAll, describe, expect, test } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

function downhill(args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/downhill.mjs', ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      let status: number | null = 0;
      if (error !== null) {
        // A process killed by a signal or the timeout has no exit status.
        status = typeof error.code === 'number' ? error.code : null;
      }
      resolve({ status, stdout, stderr });
    });
  });
}

/** Runs every command line, a few processes at a time, because each start of the launcher takes a second or more. */
async function downhillAll(commandLines: string[][]): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < commandLines.length) {
      const k = next++;
      outcomes[k] = await downhill(commandLines[k]);
    }
  };
  const processes = Math.min(4, Math.max(2, availableParallelism()));
  await Promise.all(Array.from({ length: processes }, worker));
  return outcomes;
}

const CASES: [string, string[], RegExp][] = [
  ['run: learning rate not a number', ['run', '--lr', 'abc'], /invalid --lr "abc": expected a number from 1e-8 to 1000000/],
  ['run: learning rate -Infinity', ['run', '--lr', '-Infinity'], /invalid --lr "-Infinity": expected a number from 1e-8 to 1000000/],
  ['run: learning rate 1e300', ['run', '--lr', '1e300'], /invalid --lr "1e300": expected a number from 1e-8 to 1000000/],
  ['run: grid of 1e9', ['run', '--grid', '1e9'], /invalid --grid "1e9": expected an integer from 1 to 2048/],
  ['run: hexadecimal grid', ['run', '--grid', '0x10'], /invalid --grid "0x10": expected an integer from 1 to 2048/],
  ['run: empty steps', ['run', '--steps', ''], /invalid --steps "": expected an integer from 1 to 100,000,000/],
  ['run: steps "1e"', ['run', '--steps', '1e'], /invalid --steps "1e": expected an integer/],
  ['run: NaN noise', ['run', '--noise', 'NaN'], /invalid --noise "NaN": expected a number from 0 to 1000000/],
  ['run: domain xmin > xmax', ['run', '--domain', '2,-2,-1,1'], /invalid --domain "2,-2,-1,1": expected xmin,xmax,ymin,ymax with xmin < xmax and ymin < ymax/],
  ['run: domain xmin = xmax', ['run', '--domain', '1,1,-1,1'], /invalid --domain "1,1,-1,1": expected xmin,xmax,ymin,ymax with xmin < xmax/],
  ['run: start beyond float32', ['run', '--start', '1e300,0'], /invalid --start "1e300,0": expected X,Y per --start .*within ±100,000/],
  ['run: missing value', ['run', '--lr'], /missing value of --lr: give --lr VALUE or --lr=VALUE/],
  ['run: option in place of a value', ['run', '--grid', '--json'], /missing value of --grid/],
  ['run: unknown option', ['run', '--speed', '3'], /unknown option "--speed" for downhill run: did you mean --seed\?/],
  ['run: repeated option', ['run', '--lr', '0.1', '--lr', '0.2'], /--lr is given more than once \("0\.1", then "0\.2"\): give it once/],
  ['run: flag with a value', ['run', '--json=no'], /invalid "--json=no": --json takes no value/],
  ['run: argument that is not an option', ['run', 'quadratic'], /unexpected argument "quadratic": downhill run takes options only/],
  ['run: unknown surface', ['run', '--surface', 'banana'], /unknown --surface "banana": expected one of parabola, double-well, quadratic/],
  ['run: optimizer "constructor"', ['run', '--optimizer', 'constructor'], /unknown --optimizer "constructor": expected one of gd, momentum/],
  ['run: unknown schedule', ['run', '--schedule', 'linear'], /unknown --schedule "linear": expected one of constant, step/],
  ['run: gradient tolerance whose square is 0 in float32', ['run', '--grad-tol', '1e-30'], /invalid --grad-tol "1e-30": expected a number from 0 to 1000000, either 0 or at least 1\.09e-19/],
  ['run: tolerance too small for a double, not 0', ['run', '--grad-tol', '1e-400'], /invalid --grad-tol "1e-400": expected .*either 0 or at least 1\.09e-19/],
  ['run: momentum too small for a double, not 0', ['run', '--optimizer', 'momentum', '--momentum', '1e-400'], /invalid --momentum "1e-400": expected a number at least 0 and below 1, either 0 or at least 1\.18e-38/],
  ['run: negative step tolerance', ['run', '--step-tol', '-1'], /invalid --step-tol "-1": expected a number from 0 to 1000000/],
  ['verify: divergence bound of 0', ['verify', '--diverge-bound', '0'], /invalid --diverge-bound "0": expected a number from 1e-6 to 1e30/],
  ['run: formula of JavaScript', ['run', '--formula', 'x; process.exit(0)'], /invalid --formula "x; process\.exit\(0\)": unexpected character ';' at character 2/],
  ['basins: NaN radius', ['basins', '--radius', 'NaN'], /invalid --radius "NaN": expected a number from 1e-9 to 1000000/],
  ['verify: radius below the panel range', ['verify', '--radius', '1e-10'], /invalid --radius "1e-10": expected a number from 1e-9 to 1000000/],
  ['basins: grid of 0', ['basins', '--grid', '0'], /invalid --grid "0": expected an integer from 1 to 2048/],
  ['run: domain beside start', ['run', '--start', '1,1', '--domain', '-1,1,-1,1'], /^downhill: --domain and --start exclude each other: --domain is the region of the grid of starts, which --start replaces$/m],
  ['run: beta1 that float32 rounds to 1', ['run', '--optimizer', 'adam', '--beta1', '0.99999999'], /invalid --beta1 "0\.99999999": expected a number at least 0 and below 1, at most 0\.99999994, since float32 rounds larger values to 1/],
  ['sweep: y-max that float32 rounds to 1', ['sweep', '--optimizer', 'adam', '--sweep-y', 'beta1', '--y-max', '0.99999999'], /invalid --y-max "0\.99999999": expected a number at least 0 and below 1, at most 0\.99999994/],
  ['sweep: second axis "constructor"', ['sweep', '--optimizer', 'momentum', '--sweep-y', 'constructor'], /unknown --sweep-y "constructor": expected momentum or beta1/],
  ['sweep: 17 billion particles', ['sweep', '--grid', '2048', '--lrs', '4096', '--backend', 'cpu'], /17,179,869,184 particles exceeds the maximum 16,777,216/],
  ['sweep: infinite number of rates', ['sweep', '--lrs', 'Infinity'], /invalid --lrs "Infinity": expected an integer from 1 to 4096/],
  ['sweep: schedule minimum by its own name', ['sweep', '--schedule', 'cosine', '--schedule-lr-min', 'abc'], /invalid --schedule-lr-min "abc": expected a number from 0 to 1000000/],
  ['verify: agreement above 1', ['verify', '--min-agreement', '2'], /invalid --min-agreement "2": expected a number from 0 to 1/],
  ['verify: negative seed', ['verify', '--seed', '-1'], /invalid --seed "-1": expected an integer from 0 to 4,294,967,295/],
  ['command "constructor"', ['constructor', '--backend', 'cpu'], /unknown command "constructor": expected run, basins, sweep or verify/],
];

describe('downhill: bad input', () => {
  let outcomes: Outcome[] = [];
  let bare: Outcome;

  beforeAll(async () => {
    [bare, ...outcomes] = await downhillAll([[], ...CASES.map(([, args]) => args)]);
  }, 300_000);

  test.each(CASES.map(([name, args, message], k) => [name, args, message, k] as const))('%s: exit status 2, one line on stderr', (_name, _args, message, k) => {
    const outcome = outcomes[k];
    expect(outcome.stdout).toBe('');
    expect(outcome.stderr).toMatch(/^downhill: [^\n]+\n$/);
    expect(outcome.stderr).toMatch(message);
    expect(outcome.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    expect(outcome.status).toBe(2);
  });

  test('no command: the usage text on stderr, exit status 2', () => {
    expect(bare.stdout).toBe('');
    expect(bare.stderr).toMatch(/^usage: downhill COMMAND \[options\]/);
    expect(bare.status).toBe(2);
  });

  test('one command\'s help: its options only, exit status 0', async () => {
    const help = await downhill(['sweep', '--help']);
    expect(help.status).toBe(0);
    expect(help.stderr).toBe('');
    expect(help.stdout).toMatch(/^usage: downhill sweep \[options\]\n\nsweep: run every start at many learning rates/);
    expect(help.stdout).toContain('  --lr-min A, --lr-max B');
    expect(help.stdout).toContain('  --surface NAME');
    expect(help.stdout).not.toContain('Options of verify');
    expect(help.stdout).not.toContain('Options of basins');
    expect(help.stdout).toContain('  --backend cpu|webgpu');
  });

  test('verify\'s help leaves out the backend it does not take', async () => {
    const help = await downhill(['verify', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).not.toContain('--backend cpu|webgpu');
    expect(help.stdout).not.toContain('--precision f32|f64');
    expect(help.stdout).toContain('so it takes no --backend cpu or --precision');
    expect(help.stdout).toContain('  --min-agreement S');
  });
});
