// The `downhill run` command as a user calls it: through npm's launcher
// script, with real processes, exit statuses, stdout and stderr.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { describe, expect, test } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

function downhill(args: string[], env: Record<string, string> = {}): Outcome {
  const result = spawnSync(process.execPath, ['bin/downhill.mjs', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('downhill run --json', () => {
  test('quadratic on the GPU: the documented fields and closed-form values', () => {
    const outcome = downhill(['run', '--surface', 'quadratic', '--optimizer', 'gd', '--lr', '0.1', '--steps', '20', '--grid', '8', '--backend', 'webgpu', '--json']);
    expect(outcome.stderr).toBe('');
    expect(outcome.status).toBe(0);

    const report = JSON.parse(outcome.stdout);
    expect(report).toMatchObject({ surface: 'quadratic', optimizer: 'gd', lr: 0.1, steps: 20, backend: 'webgpu', particles: 64 });
    expect(typeof report.adapter).toBe('string');
    expect(report.adapter.length).toBeGreaterThan(0);
    expect(report.final).toHaveLength(64);
    expect(report.loss).toHaveLength(64);
    expect(report.status).toHaveLength(64);
    expect(report.summary.moving + report.summary.converged + report.summary.diverged).toBe(64);

    // Start 0 is the cell centre (−1.75, −1.75): after 20 updates x = −1.75 · 0.8²⁰
    // and y = −1.75 · 0.6²⁰, to float32 accuracy (relative 1e-5 covers 20 updates).
    const [x, y] = report.final[0];
    expect(x).toBeCloseTo(-1.75 * 0.8 ** 20, 6);
    expect(Math.abs(y - -1.75 * 0.6 ** 20)).toBeLessThanOrEqual(1e-5 * Math.abs(y));
  });

  test('1D surface: one number per particle, starts from --start', () => {
    const outcome = downhill(['run', '--surface', 'parabola', '--lr', '0.25', '--steps', '3', '--start', '1', '--start', '-2', '--backend', 'cpu', '--json']);
    expect(outcome.status).toBe(0);
    const report = JSON.parse(outcome.stdout);
    expect(report.final).toEqual([[0.125], [-0.25]]);
    expect(report.adapter).toBeNull();
    expect(report.backend).toBe('cpu');
  });

  test('too large a learning rate: every particle diverged, finite output', () => {
    const outcome = downhill(['run', '--surface', 'parabola', '--lr', '1.5', '--steps', '100', '--grid', '16', '--backend', 'webgpu', '--json']);
    expect(outcome.status).toBe(0);
    const report = JSON.parse(outcome.stdout);
    expect(report.summary.diverged).toBe(16);
    expect(report.loss.every(Number.isFinite)).toBe(true);
  });

  test('GPU and CPU reports agree', () => {
    const common = ['run', '--surface', 'himmelblau', '--lr', '0.01', '--steps', '300', '--grid', '6', '--json'];
    const gpu = JSON.parse(downhill([...common, '--backend', 'webgpu']).stdout);
    const cpu = JSON.parse(downhill([...common, '--backend', 'cpu']).stdout);
    expect(gpu.status).toEqual(cpu.status);
    for (let i = 0; i < gpu.final.length; i++) {
      // Polynomial surface: the same float32 operations; 1e-5 allows for fused multiply-adds.
      expect(Math.abs(gpu.final[i][0] - cpu.final[i][0])).toBeLessThanOrEqual(1e-5);
      expect(Math.abs(gpu.final[i][1] - cpu.final[i][1])).toBeLessThanOrEqual(1e-5);
    }
  });

  test('without --json: a short summary', () => {
    const outcome = downhill(['run', '--surface', 'rosenbrock', '--lr', '0.001', '--steps', '50', '--grid', '4', '--backend', 'cpu']);
    expect(outcome.status).toBe(0);
    expect(outcome.stdout).toMatch(/^rosenbrock: f = /);
    expect(outcome.stdout).toMatch(/16 particles: \d+ converged, \d+ diverged, \d+ still moving/);
  });
});

describe('downhill run --formula and --condition', () => {
  test('typed formula on the GPU: custom surface, its formula, the minimum reached', () => {
    const outcome = downhill(['run', '--formula', '(x - 1)^2 + 2*(y + 0.5)^2', '--lr', '0.1', '--steps', '300', '--grid', '4', '--backend', 'webgpu', '--json']);
    expect(outcome.stderr).toBe('');
    expect(outcome.status).toBe(0);

    const report = JSON.parse(outcome.stdout);
    expect(report).toMatchObject({ surface: 'custom', formula: '(x - 1)^2 + 2*(y + 0.5)^2', condition: null, dims: 2, particles: 16 });
    expect(report.domain).toEqual([-3, 3, -3, 3]);
    expect(report.summary.converged).toBe(16);
    for (const [x, y] of report.final) {
      // Converged: the gradient is below 1e-3, so each coordinate is within 1e-3 of the minimum (1, −0.5).
      expect(Math.abs(x - 1)).toBeLessThanOrEqual(1e-3);
      expect(Math.abs(y + 0.5)).toBeLessThanOrEqual(1e-3);
    }
  });

  test('typed formula in x alone is 1D: one number per particle', () => {
    const outcome = downhill(['run', '--formula', 'x^2', '--lr', '0.25', '--steps', '3', '--start', '1', '--start', '-2', '--backend', 'cpu', '--json']);
    expect(outcome.status).toBe(0);
    const report = JSON.parse(outcome.stdout);
    expect(report.dims).toBe(1);
    expect(report.final).toEqual([[0.125], [-0.25]]);
  });

  test('typed formula with its own domain', () => {
    const outcome = downhill(['run', '--formula', 'x^2 + y^2', '--domain', '1,3,-1,1', '--grid', '2', '--steps', '1', '--backend', 'cpu', '--json']);
    expect(outcome.status).toBe(0);
    expect(JSON.parse(outcome.stdout).domain).toEqual([1, 3, -1, 1]);
  });

  test('condition number: stable below 2/κ, diverging above', () => {
    // κ = 100: the Hessian's largest eigenvalue is 100, so plain descent is stable for η < 0.02.
    const run = (lr: string): { condition: number; summary: { diverged: number } } =>
      JSON.parse(downhill(['run', '--surface', 'ill-conditioned', '--condition', '100', '--lr', lr, '--steps', '3000', '--grid', '4', '--backend', 'cpu', '--json']).stdout);
    const stable = run('0.019');
    expect(stable.condition).toBe(100);
    expect(stable.summary.diverged).toBe(0);
    expect(run('0.021').summary.diverged).toBe(16);
  });
});

describe('downhill run: bad input', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown surface', ['--surface', 'banana'], /unknown --surface "banana": expected one of parabola, double-well, quadratic/],
    ['unknown optimizer', ['--optimizer', 'sgdx'], /unknown --optimizer "sgdx": expected one of gd/],
    ['learning rate not a number', ['--lr', 'abc'], /invalid --lr "abc": expected a positive finite number/],
    ['learning rate zero', ['--lr', '0'], /invalid --lr "0"/],
    ['learning rate negative', ['--lr', '-0.1'], /invalid --lr "-0.1"/],
    ['learning rate infinite', ['--lr', 'Infinity'], /invalid --lr "Infinity"/],
    ['learning rate NaN', ['--lr', 'NaN'], /invalid --lr "NaN"/],
    ['zero steps', ['--steps', '0'], /invalid --steps "0": expected an integer from 1/],
    ['negative steps', ['--steps', '-5'], /invalid --steps "-5"/],
    ['fractional steps', ['--steps', '2.5'], /invalid --steps "2.5"/],
    ['zero grid', ['--grid', '0'], /invalid --grid "0": expected an integer from 1 to 2,048/],
    ['negative grid', ['--grid', '-3'], /invalid --grid "-3"/],
    ['grid beyond the limits', ['--grid', '100000'], /invalid --grid "100000"/],
    ['domain reversed', ['--domain', '2,-2,-1,1'], /invalid --domain "2,-2,-1,1": expected xmin,xmax,ymin,ymax with xmin < xmax/],
    ['domain of the wrong length', ['--domain', '1,2,3'], /invalid --domain "1,2,3"/],
    ['start with one coordinate on a 2D surface', ['--start', '1'], /invalid --start "1": expected X,Y per --start/],
    ['grid and start together', ['--grid', '4', '--start', '1,1'], /--grid and --start exclude each other/],
    ['unknown backend', ['--backend', 'cuda'], /unknown --backend "cuda": expected cpu or webgpu/],
    ['unknown option', ['--speed', '3'], /Unknown option '--speed'/],
    ['surface and formula together', ['--surface', 'rosenbrock', '--formula', 'x^2'], /--surface and --formula exclude each other/],
    ['condition below 1', ['--surface', 'ill-conditioned', '--condition', '0.5'], /invalid --condition "0.5": expected a number from 1 to 10000/],
    ['domain beyond the limits', ['--domain', '-1e6,1e6,-1,1'], /invalid --domain "-1e6,1e6,-1,1": expected .*within ±100,000/],
  ];

  test.each(cases)('%s: one line on stderr, exit status 2', (_name, args, message) => {
    const outcome = downhill(['run', ...args, '--json']);
    expect(outcome.status).toBe(2);
    expect(outcome.stdout).toBe('');
    expect(outcome.stderr).toMatch(message);
    expect(outcome.stderr.trim().split('\n')).toHaveLength(1);
  });

  // Each bad formula: exit status 2 and one line naming the fault and its position. The
  // table of bad formulas runs through parseRunOptions in test/unit/cliOptions.test.ts;
  // these run the whole command, in which non-ASCII and 20,000 characters pass through argv.
  const badFormulas: [string, string, RegExp][] = [
    ['missing operand', 'x +', /invalid --formula "x \+": formula ends after '\+'; expected a number.* at position 2/],
    ['Unicode look-alike', '\u0445^2 + y', /invalid character 'х' \(U\+0445\) at position 0.*type 'x' instead/],
    ['10,000 nested parentheses', '('.repeat(10_000) + 'x' + ')'.repeat(10_000), /"\({60}"…: formula is 20001 characters long; the maximum is 2000 at position 2000/],
  ];

  test.each(badFormulas)('bad formula, %s: exit status 2, the fault and its position', (_name, formula, message) => {
    const outcome = downhill(['run', '--formula', formula, '--backend', 'cpu', '--json']);
    expect(outcome.status).toBe(2);
    expect(outcome.stdout).toBe('');
    expect(outcome.stderr).toMatch(message);
    expect(outcome.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('unknown command', () => {
    const outcome = downhill(['fly']);
    expect(outcome.status).toBe(2);
    expect(outcome.stderr).toMatch(/unknown command "fly": expected run/);
  });

  test('no WebGPU adapter: exit status 3 and how to get one', () => {
    const outcome = downhill(['run', '--backend', 'webgpu', '--json'], { VK_ICD_FILENAMES: '/nonexistent/no_icd.json' });
    expect(outcome.status).toBe(3);
    expect(outcome.stdout).toBe('');
    expect(outcome.stderr).toMatch(/no adapter/);
    expect(outcome.stderr).toMatch(/--backend cpu/);
  });
});
