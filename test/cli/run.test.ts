// The `downhill run` command as a user calls it: through npm's launcher
// script, with real processes, exit statuses, stdout and stderr.

import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PNG } from 'pngjs';
import { describe, expect, test } from 'vitest';

import { basinColor } from '../../src/core/basins.ts';
import { cssHex } from '../../src/core/colorScience.ts';
import { CONVERGED_COLOR, DIVERGED_COLOR, NEITHER_COLOR } from '../../src/core/palette.ts';
import { DEFAULT_SCHEDULE, defaultOptimizer } from '../../src/core/config.ts';
import { settingsText } from '../../src/cli/wording.ts';
import { downhill, repoRoot } from '../helpers/downhillProcess.ts';

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

  test('summary median of an even count', () => {
    const args = ['run', '--surface', 'quadratic', '--optimizer', 'gd', '--lr', '0.1', '--steps', '20', '--grid', '8', '--backend', 'cpu'];
    const losses = (JSON.parse(downhill([...args, '--json']).stdout).loss as number[]).sort((a, b) => a - b);
    expect(losses).toHaveLength(64);
    const median = (losses[31] + losses[32]) / 2;
    // The 32nd and 33rd losses differ by half: the upper one alone is no median.
    expect(losses[32] / losses[31]).toBeGreaterThan(1.2);
    const text = downhill(args).stdout;
    expect(text).toContain(`min ${losses[0].toPrecision(6)}, median ${median.toPrecision(6)}, max ${losses[63].toPrecision(6)}`);
  });

  test('stopping criteria: stop steps on both backends', () => {
    for (const backend of ['cpu', 'webgpu']) {
      // x₀ = 1 at η 0.1: update k uses the gradient 2·0.8^(k−1), first at most 0.1 for k = 15 (0.088; k = 14 gives 0.110).
      const converging = JSON.parse(
        downhill(['run', '--surface', 'parabola', '--lr', '0.1', '--start', '1', '--steps', '50', '--grad-tol', '0.1', '--step-tol', '1', '--backend', backend, '--json']).stdout,
      );
      expect(converging.criteria).toEqual({ gradTol: 0.1, stepTol: 1, divergeBound: 1e6 });
      expect(converging.status).toEqual(['converged']);
      expect(converging.stopSteps).toEqual([15]);
      // At η 1.05, |x| grows by 1.1 a step: 1.1²⁴ = 9.85 stays within 10, 1.1²⁵ = 10.8 passes it, and the last position inside is kept.
      const diverging = JSON.parse(downhill(['run', '--surface', 'parabola', '--lr', '1.05', '--start', '1', '--steps', '50', '--diverge-bound', '10', '--backend', backend, '--json']).stdout);
      expect(diverging.status).toEqual(['diverged']);
      expect(diverging.stopSteps).toEqual([25]);
      expect(diverging.final[0][0]).toBeCloseTo(1.1 ** 24, 4);
    }
  });

  test('text reports name custom criteria', () => {
    const line = 'stopping: --grad-tol 0.1 --step-tol 1e-5 --diverge-bound 1000000';
    for (const command of ['run', 'basins', 'sweep']) {
      const custom = downhill([command, '--surface', 'parabola', '--grid', '4', '--steps', '5', '--backend', 'cpu', '--grad-tol', '0.1']).stdout.split('\n');
      expect(custom, command).toContain(line);
      const defaults = downhill([command, '--surface', 'parabola', '--grid', '4', '--steps', '5', '--backend', 'cpu']).stdout;
      expect(defaults, command).not.toMatch(/^stopping:/m);
    }
    // verify runs on the GPU; its text begins with what was verified.
    const verify = downhill(['verify', '--surface', 'parabola', '--grid', '4', '--steps', '5', '--grad-tol', '0.1']).stdout.split('\n');
    expect(verify.slice(0, 2)).toEqual(['parabola: gd, lr 0.1, 5 steps', line]);
  });

  test('stopping criteria reach basins, sweep and verify', () => {
    // A bound of 1e-6 makes every start off 0 diverge on its first update.
    const tight = ['--diverge-bound', '1e-6', '--grid', '4', '--steps', '5', '--json'];
    const basins = JSON.parse(downhill(['basins', '--surface', 'quadratic', '--backend', 'cpu', ...tight]).stdout);
    expect(basins.criteria.divergeBound).toBe(1e-6);
    expect(basins.diverged).toBe(1);
    const sweep = JSON.parse(downhill(['sweep', '--surface', 'parabola', '--lrs', '2', '--backend', 'cpu', ...tight]).stdout);
    expect(sweep.criteria.divergeBound).toBe(1e-6);
    expect(sweep.diverged).toEqual([1, 1]);
    const verify = JSON.parse(downhill(['verify', '--surface', 'quadratic', '--grad-tol', '0', ...tight]).stdout);
    expect(verify.criteria).toEqual({ gradTol: 0, stepTol: 1e-5, divergeBound: 1e-6 });
    expect(verify.gpuVsF32.statusAgreement).toBe(1);
  });

  test('verify --json carries the configuration that run --json carries', () => {
    const args = ['--surface', 'himmelblau', '--optimizer', 'adam', '--amsgrad', '--lr', '0.05', '--steps', '20', '--grid', '4', '--noise', '0.3', '--seed', '9', '--schedule', 'cosine', '--json'];
    const verify = JSON.parse(downhill(['verify', ...args]).stdout);
    const run = JSON.parse(downhill(['run', ...args, '--backend', 'webgpu']).stdout);
    for (const key of ['surface', 'formula', 'condition', 'optimizer', 'lr', 'hyperparameters', 'schedule', 'noise', 'grid', 'domain', 'criteria', 'dims']) {
      expect(verify[key], key).toEqual(run[key]);
    }
    expect(verify.hyperparameters.amsgrad).toBe(true);
    expect(verify.schedule.name).toBe('cosine');
    expect(verify.noise).toEqual({ sigma: 0.3, seed: 9 });
    expect(verify.domain).toEqual([-5, 5, -5, 5]);
    // The particle behind the largest difference, where the GPU left it as run --json reports it.
    const largest = verify.gpuVsF32.largest;
    expect(largest.relativeError).toBe(verify.gpuVsF32.maxRelError);
    expect([largest.gpu.x, largest.gpu.y]).toEqual(run.final[largest.index]);
    expect(largest.gpu.status).toBe(run.status[largest.index]);
  });

  test('report longer than a pipe buffer arrives whole', () => {
    // About 700 kB of JSON through a pipe, ten times the 64 KiB at which an early exit cut it.
    const outcome = downhill(['run', '--grid', '96', '--steps', '10', '--json', '--backend', 'cpu']);
    expect(outcome.status).toBe(0);
    expect(outcome.stdout.length).toBeGreaterThan(600_000);
    const report = JSON.parse(outcome.stdout);
    expect(report.particles).toBe(96 * 96);
    expect(report.final).toHaveLength(96 * 96);
    expect(report.stopSteps).toHaveLength(96 * 96);
  });
});

describe('text summaries name the settings', () => {
  // The summary line is the first line of basins, sweep and verify, and the second of run.
  const settingsLine = (args: string[]): string => {
    const outcome = downhill(args);
    expect(outcome.stderr).toBe('');
    expect(outcome.status).toBe(0);
    return outcome.stdout.split('\n')[args[0] === 'run' ? 1 : 0];
  };

  test('defaults: the line as before', () => {
    expect(settingsLine(['run', '--steps', '20', '--grid', '8', '--backend', 'cpu'])).toBe('gd, lr 0.1, 20 steps on cpu (f32)');
    expect(settingsLine(['basins', '--surface', 'himmelblau', '--steps', '5', '--grid', '4', '--backend', 'cpu'])).toBe('himmelblau: gd, lr 0.1, 5 steps, 4×4 starts');
    expect(settingsLine(['sweep', '--lrs', '3', '--steps', '5', '--grid', '3', '--backend', 'cpu'])).toBe('quadratic: gd, 3 learning rates from 0.01 to 1, 9 starts each, 5 steps');
    // Given at their defaults, the settings are still left out.
    expect(settingsLine(['run', '--optimizer', 'adamw', '--weight-decay', '0.01', '--beta1', '0.9', '--schedule', 'constant', '--steps', '5', '--grid', '2', '--backend', 'cpu'])).toBe(
      'adamw, lr 0.1, 5 steps on cpu (f32)',
    );
  });

  test('weight decay in run and basins', () => {
    const options = ['--surface', 'himmelblau', '--weight-decay', '0.1', '--lr', '0.01', '--steps', '3000', '--grid', '8', '--backend', 'cpu'];
    expect(settingsLine(['run', ...options])).toBe('gd, lr 0.01, weight-decay 0.1, 3000 steps on cpu (f32)');
    expect(settingsLine(['basins', ...options])).toBe('himmelblau: gd, lr 0.01, weight-decay 0.1, 3000 steps, 8×8 starts');
  });

  test('adam: beta1, amsgrad and the schedule', () => {
    const line = settingsLine(['run', '--surface', 'himmelblau', '--optimizer', 'adam', '--beta1', '0.5', '--amsgrad', '--schedule', 'cosine', '--steps', '100', '--grid', '4', '--backend', 'cpu']);
    expect(line).toBe('adam, lr 0.1, beta1 0.5, amsgrad, cosine schedule, 100 steps on cpu (f32)');
  });

  test('every kind of setting at once', () => {
    const line = settingsLine([
      'run', '--optimizer', 'adam', '--lr', '0.05', '--beta1', '0.5', '--beta2', '0.99', '--eps', '1e-7', '--amsgrad', '--weight-decay', '0.1',
      '--schedule', 'cosine', '--t-max', '500', '--lr-min', '0.001', '--warmup', '10', '--noise', '0.3', '--seed', '7', '--steps', '5', '--grid', '2', '--backend', 'cpu',
    ]);
    expect(line).toBe('adam, lr 0.05, weight-decay 0.1, eps 1e-7, beta1 0.5, beta2 0.99, amsgrad, cosine schedule (t-max 500, lr-min 0.001, warmup 10), noise σ 0.3 (seed 7), 5 steps on cpu (f32)');
  });

  test('other optimizers and schedules', () => {
    const cases: [string[], string][] = [
      [['--optimizer', 'rmsprop', '--momentum', '0.3', '--alpha', '0.9', '--centered'], 'rmsprop, lr 0.1, momentum 0.3, alpha 0.9, centered'],
      [['--optimizer', 'adagrad', '--lr-decay', '0.01', '--initial-accumulator', '0.1', '--eps', '1e-6'], 'adagrad, lr 0.1, eps 1e-6, lr-decay 0.01, initial-accumulator 0.1'],
      [['--optimizer', 'nesterov', '--momentum', '0.5', '--schedule', 'step', '--step-size', '20', '--gamma', '0.9'], 'nesterov, lr 0.1, momentum 0.5, step schedule (step-size 20, gamma 0.9)'],
      [['--optimizer', 'momentum', '--dampening', '0.5', '--schedule', 'cyclic', '--lr-min', '0.01'], 'momentum, lr 0.1, dampening 0.5, cyclic schedule (lr-min 0.01)'],
      [['--optimizer', 'adamw', '--weight-decay', '0'], 'adamw, lr 0.1, weight-decay 0'],
      [['--lr', '0.00001', '--warmup', '10'], 'gd, lr 1e-5, constant schedule (warmup 10)'],
      // The default seed is left out, and a seed without noise changes nothing.
      [['--noise', '0.3', '--seed', '1'], 'gd, lr 0.1, noise σ 0.3'],
      [['--seed', '7'], 'gd, lr 0.1'],
    ];
    for (const [options, settings] of cases) {
      expect(settingsLine(['run', ...options, '--steps', '5', '--grid', '2', '--backend', 'cpu']), options.join(' ')).toBe(`${settings}, 5 steps on cpu (f32)`);
    }
  });

  test('settings nothing reads: left out', () => {
    const optimizer = { ...defaultOptimizer('gd'), momentum: 0.3, beta1: 0.5, amsgrad: true };
    const schedule = { ...DEFAULT_SCHEDULE, gamma: 0.9, tMax: 10 };
    expect(settingsText({ optimizer, schedule, noise: { sigma: 0, seed: 7 } })).toBe('gd, lr 0.1');
  });

  test('sweep: momentum and schedule, not the swept rate', () => {
    const line = settingsLine(['sweep', '--optimizer', 'momentum', '--momentum', '0.5', '--schedule', 'step', '--lrs', '3', '--steps', '5', '--grid', '3', '--backend', 'cpu']);
    expect(line).toBe('quadratic: momentum, momentum 0.5, step schedule, 3 learning rates from 0.01 to 1, 9 starts each, 5 steps');
  });

  test('sweep phase map: the swept beta1 left out', () => {
    const line = settingsLine([
      'sweep', '--optimizer', 'adam', '--beta2', '0.99', '--schedule', 'cosine', '--schedule-lr-min', '0.001', '--noise', '0.3', '--seed', '7',
      '--sweep-y', 'beta1', '--ys', '2', '--lrs', '2', '--steps', '5', '--grid', '2', '--backend', 'cpu',
    ]);
    // The schedule's minimum under sweep's own flag for it, since --lr-min is the sweep's.
    expect(line).toBe('quadratic: adam, beta2 0.99, cosine schedule (schedule-lr-min 0.001), noise σ 0.3 (seed 7), 2 learning rates from 0.01 to 1 × 2 values of beta1 from 0 to 0.99, 4 starts each, 5 steps');
  });

  test('verify names the settings', () => {
    const line = settingsLine(['verify', '--optimizer', 'momentum', '--momentum', '0.5', '--schedule', 'exponential', '--gamma', '0.9', '--noise', '0.1', '--steps', '5', '--grid', '2']);
    expect(line).toBe('quadratic: momentum, lr 0.1, momentum 0.5, exponential schedule (gamma 0.9), noise σ 0.1, 5 steps');
  });
});

describe('downhill run: optimizers, schedules, noise', () => {
  test('adam with every option: the report lists the hyperparameters', () => {
    const outcome = downhill([
      'run', '--surface', 'himmelblau', '--optimizer', 'adam', '--lr', '0.05', '--beta1', '0.8', '--beta2', '0.99', '--eps', '1e-7', '--amsgrad',
      '--schedule', 'cosine', '--t-max', '100', '--lr-min', '0.001', '--warmup', '10', '--noise', '0.2', '--seed', '9',
      '--steps', '100', '--grid', '4', '--backend', 'webgpu', '--json',
    ]);
    expect(outcome.stderr).toBe('');
    const report = JSON.parse(outcome.stdout);
    expect(report.hyperparameters).toMatchObject({ name: 'adam', lr: 0.05, beta1: 0.8, beta2: 0.99, eps: 1e-7, amsgrad: true });
    expect(report.schedule).toMatchObject({ name: 'cosine', tMax: 100, lrMin: 0.001, warmup: 10 });
    expect(report.noise).toEqual({ sigma: 0.2, seed: 9 });
  });

  test('torch.optim defaults per optimizer', () => {
    const defaults = (optimizer: string) => JSON.parse(downhill(['run', '--optimizer', optimizer, '--steps', '1', '--grid', '1', '--backend', 'cpu', '--json']).stdout).hyperparameters;
    expect(defaults('momentum')).toMatchObject({ momentum: 0.9, dampening: 0, weightDecay: 0 });
    expect(defaults('adagrad')).toMatchObject({ eps: 1e-10, lrDecay: 0, initialAccumulator: 0 });
    expect(defaults('rmsprop')).toMatchObject({ alpha: 0.99, eps: 1e-8, momentum: 0, centered: false });
    expect(defaults('adamw')).toMatchObject({ beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, amsgrad: false });
  });

  test('nesterov on GPU and CPU: the same trajectory, with noise', () => {
    const common = ['run', '--surface', 'rosenbrock', '--optimizer', 'nesterov', '--lr', '0.0002', '--noise', '0.3', '--steps', '200', '--grid', '5', '--json'];
    const gpu = JSON.parse(downhill([...common, '--backend', 'webgpu']).stdout);
    const cpu = JSON.parse(downhill([...common, '--backend', 'cpu']).stdout);
    for (let i = 0; i < gpu.final.length; i++) {
      // The noise calls log and sqrt, which WGSL computes to a few ulp: 1e-4 on a coordinate after 200 updates.
      expect(Math.abs(gpu.final[i][0] - cpu.final[i][0])).toBeLessThanOrEqual(1e-4);
      expect(Math.abs(gpu.final[i][1] - cpu.final[i][1])).toBeLessThanOrEqual(1e-4);
    }
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

  test('a formula undefined at every start: a warning', () => {
    const outcome = downhill(['run', '--formula', 'x/(y - y)', '--grid', '3', '--steps', '5', '--backend', 'cpu']);
    expect(outcome.status).toBe(0);
    expect(outcome.stdout).toMatch(/^9 particles: 0 converged, 9 diverged, 0 still moving$/m);
    expect(outcome.stdout).toMatch(
      /^warning: the surface or its gradient is undefined at all 9 starts, so every particle diverges at its first update: check the formula and the domain$/m,
    );
    const report = JSON.parse(downhill(['run', '--formula', 'log(x) + y', '--domain', '-2,-1,0,1', '--grid', '2', '--steps', '1', '--backend', 'cpu', '--json']).stdout);
    expect(report.warnings).toEqual(['the surface or its gradient is undefined at all 4 starts, so every particle diverges at its first update: check the formula and the domain']);
    expect(report.stopSteps).toEqual([1, 1, 1, 1]);
  });

  test('a defined start: no warning', () => {
    const report = JSON.parse(downhill(['run', '--formula', 'log(x) + y', '--domain', '-1,1,0,1', '--grid', '2', '--steps', '1', '--backend', 'cpu', '--json']).stdout);
    expect(report.warnings).toEqual([]);
    expect(report.summary).toEqual({ moving: 2, converged: 0, diverged: 2 });
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
    ['unknown optimizer', ['--optimizer', 'sgdx'], /unknown --optimizer "sgdx": expected one of gd, momentum, nesterov, adagrad, rmsprop, adam, adamw/],
    ['beta1 out of range', ['--optimizer', 'adam', '--beta1', '1'], /invalid --beta1 "1": expected a number at least 0 and below 1/],
    ['beta1 on plain descent', ['--beta1', '0.5'], /--beta1 applies to adam and adamw, not gd/],
    ['negative momentum', ['--optimizer', 'momentum', '--momentum', '-0.5'], /invalid --momentum "-0.5": expected a number at least 0 and below 1/],
    ['nesterov with dampening', ['--optimizer', 'nesterov', '--dampening', '0.1'], /--dampening applies to momentum, not nesterov/],
    ['zero epsilon', ['--optimizer', 'adam', '--eps', '0'], /invalid --eps "0": expected a number from 1e-37 to 1/],
    ['epsilon below float32', ['--optimizer', 'adagrad', '--eps', '1e-50'], /invalid --eps "1e-50": expected a number from 1e-37 to 1/],
    ['noise below float32', ['--noise', '1e-50'], /invalid --noise "1e-50": expected a number from 0 to 1000000, either 0 or at least 1\.18e-38 in magnitude/],
    ['beta1 below float32', ['--optimizer', 'adam', '--beta1', '1e-40'], /invalid --beta1 "1e-40": expected a number at least 0 and below 1, either 0 or at least 1\.18e-38/],
    ['learning rate below float32: the range alone', ['--lr', '1e-50'], /invalid --lr "1e-50": expected a number from 1e-8 to 1000000$/m],
    ['gamma below float32: no zero offered', ['--schedule', 'step', '--gamma', '1e-50'], /invalid --gamma "1e-50": expected a number above 0 and at most 10, at least 1\.18e-38 in magnitude/],
    ['start below float32', ['--start', '1e-45,0'], /invalid --start "1e-45,0": expected X,Y per --start .*, each either 0 or at least 1\.18e-38 in magnitude/],
    ['domain bound below float32', ['--domain', '-1e-40,1,-1,1'], /invalid --domain "-1e-40,1,-1,1": expected .*, every bound either 0 or at least 1\.18e-38 in magnitude/],
    ['unknown schedule', ['--schedule', 'linear'], /unknown --schedule "linear": expected one of constant, step, exponential, cosine, cyclic/],
    ['schedule option of another schedule', ['--schedule', 'cosine', '--gamma', '0.5'], /--gamma applies to --schedule step and exponential, not cosine/],
    ['fractional step size', ['--schedule', 'step', '--step-size', '2.5'], /invalid --step-size "2.5": expected an integer from 1 to 100,000,000/],
    ['negative noise', ['--noise', '-1'], /invalid --noise "-1": expected a number from 0 to 1000000/],
    ['seed beyond 32 bits', ['--seed', '4294967296'], /invalid --seed "4294967296": expected an integer from 0 to 4,294,967,295/],
    ['learning rate not a number', ['--lr', 'abc'], /invalid --lr "abc": expected a number from 1e-8 to 1000000/],
    ['learning rate zero', ['--lr', '0'], /invalid --lr "0"/],
    ['learning rate negative', ['--lr', '-0.1'], /invalid --lr "-0.1"/],
    ['learning rate infinite', ['--lr', 'Infinity'], /invalid --lr "Infinity"/],
    ['learning rate NaN', ['--lr', 'NaN'], /invalid --lr "NaN"/],
    ['zero steps', ['--steps', '0'], /invalid --steps "0": expected an integer from 1/],
    ['negative steps', ['--steps', '-5'], /invalid --steps "-5"/],
    ['fractional steps', ['--steps', '2.5'], /invalid --steps "2.5"/],
    ['zero grid', ['--grid', '0'], /invalid --grid "0": expected an integer from 1 to 2048/],
    ['negative grid', ['--grid', '-3'], /invalid --grid "-3"/],
    ['grid beyond the limits', ['--grid', '100000'], /invalid --grid "100000"/],
    ['domain reversed', ['--domain', '2,-2,-1,1'], /invalid --domain "2,-2,-1,1": expected xmin,xmax,ymin,ymax with xmin < xmax/],
    ['domain of the wrong length', ['--domain', '1,2,3'], /invalid --domain "1,2,3"/],
    ['start with one coordinate on a 2D surface', ['--start', '1'], /invalid --start "1": expected X,Y per --start/],
    ['grid and start together', ['--grid', '4', '--start', '1,1'], /--grid and --start exclude each other/],
    ['unknown backend', ['--backend', 'cuda'], /unknown --backend "cuda": expected cpu or webgpu/],
    ['unknown option', ['--speed', '3'], /unknown option "--speed" for downhill run/],
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
    ['missing operand', 'x +', /invalid --formula "x \+": at character 3: formula ends after '\+'; expected a number/],
    ['Unicode look-alike', '\u0445^2 + y', /invalid character 'х' \(U\+0445\) at character 1.*type 'x' instead/],
    ['10,000 nested parentheses', '('.repeat(10_000) + 'x' + ')'.repeat(10_000), /"\({60}"…: at character 2001: formula is 20001 characters long; the maximum is 2000\n$/],
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
    expect(outcome.stderr).toMatch(/no WebGPU adapter/);
    expect(outcome.stderr).toMatch(/--backend cpu/);
    // One line of its own after Dawn's loader warnings: what failed and what to do.
    const ownLines = outcome.stderr.slice(outcome.stderr.indexOf('downhill:')).trim().split('\n');
    expect(ownLines).toHaveLength(1);
    expect(ownLines[0]).toMatch(/no WebGPU adapter.*install Debian's chromium package.*npm run setup.*--backend cpu/);
  });

  test('no WebGPU adapter for verify: no CPU way out offered', () => {
    const outcome = downhill(['verify', '--grid', '2', '--steps', '2'], { VK_ICD_FILENAMES: '/nonexistent/no_icd.json' });
    expect(outcome.status).toBe(3);
    expect(outcome.stderr).toMatch(/no WebGPU adapter.*install Debian's chromium package/);
    expect(outcome.stderr).not.toMatch(/--backend cpu/);
  });
});

describe('downhill basins', () => {
  test('Himmelblau: the four minima, shares summing to 1, and a PNG of grid × grid pixels in the legend colours', () => {
    const png = join(mkdtempSync(join(tmpdir(), 'downhill-basins-')), 'basins.png');
    const outcome = downhill(['basins', '--surface', 'himmelblau', '--optimizer', 'gd', '--lr', '0.01', '--steps', '2000', '--grid', '48', '--backend', 'webgpu', '--png', png, '--json']);
    expect(outcome.stderr).toBe('');
    expect(outcome.status).toBe(0);
    const report = JSON.parse(outcome.stdout);
    expect(report.grid).toBe(48);
    expect(report.minima).toHaveLength(4);
    for (const minimum of report.minima) {
      expect(minimum).toHaveProperty('x');
      expect(minimum).toHaveProperty('y');
      expect(minimum).toHaveProperty('value');
      expect(minimum.share).toBeGreaterThan(0.15);
    }
    const total = report.minima.reduce((sum: number, minimum: { share: number }) => sum + minimum.share, 0) + report.other + report.diverged + report.unconverged;
    // Shares are counts over 2,304 starts; their sum is 1 up to float64 rounding.
    expect(Math.abs(total - 1)).toBeLessThan(1e-12);

    const image = PNG.sync.read(readFileSync(png));
    expect(image.width).toBe(48);
    expect(image.height).toBe(48);
    const pixelsByColour = new Map<string, number>();
    for (let k = 0; k < image.data.length; k += 4) {
      const key = `${image.data[k]},${image.data[k + 1]},${image.data[k + 2]}`;
      pixelsByColour.set(key, (pixelsByColour.get(key) ?? 0) + 1);
    }
    report.minima.forEach((minimum: { count: number }, k: number) => {
      expect(pixelsByColour.get(basinColor(k).join(','))).toBe(minimum.count);
    });
  });

  test('basins needs a grid', () => {
    const outcome = downhill(['basins', '--start', '1,1', '--json']);
    expect(outcome.status).toBe(2);
    expect(outcome.stderr).toMatch(/basins needs a grid of starts/);
  });

  test('invalid radius', () => {
    const outcome = downhill(['basins', '--radius', '0', '--json']);
    expect(outcome.status).toBe(2);
    expect(outcome.stderr).toMatch(/invalid --radius "0"/);
  });
});

describe('downhill sweep', () => {
  test('x²: the documented command, rates and per-rate fields; divergence starts above η = 1', () => {
    const outcome = downhill(['sweep', '--surface', 'parabola', '--optimizer', 'gd', '--lr-min', '0.5', '--lr-max', '1.5', '--lrs', '101', '--grid', '16', '--steps', '200', '--backend', 'webgpu', '--json']);
    expect(outcome.stderr).toBe('');
    expect(outcome.status).toBe(0);
    const report = JSON.parse(outcome.stdout);
    expect(report.lr).toHaveLength(101);
    expect(report.lr[0]).toBe(0.5);
    expect(report.lr[100]).toBe(1.5);
    for (const key of ['diverged', 'medianLoss', 'p10Loss', 'p90Loss', 'medianStepsToConverge']) {
      expect(report[key], key).toHaveLength(101);
    }
    report.lr.forEach((lr: number, k: number) => {
      if (lr < 1) {
        expect(report.diverged[k], `η = ${lr}`).toBe(0);
      }
      // 200 updates are enough to pass the bound 1e6 from |x| ≥ 0.125 once |1 − 2η| ≥ 1.1.
      if (lr > 1.05) {
        expect(report.diverged[k], `η = ${lr}`).toBe(1);
      }
    });
    expect(report.stabilityLimit).toBe(1);
  });

  test('phase map: CSV with one row per cell, PNG of rates × values', () => {
    const folder = mkdtempSync(join(tmpdir(), 'downhill-sweep-'));
    const csv = join(folder, 'sweep.csv');
    const png = join(folder, 'phase.png');
    const outcome = downhill([
      'sweep', '--surface', 'parabola', '--optimizer', 'momentum', '--lr-min', '0.2', '--lr-max', '3', '--lrs', '24',
      '--sweep-y', 'momentum', '--y-min', '0', '--y-max', '0.9', '--ys', '10', '--grid', '4', '--steps', '2000', '--csv', csv, '--png', png, '--json',
    ]);
    expect(outcome.stderr).toBe('');
    const report = JSON.parse(outcome.stdout);
    expect(report.rows).toHaveLength(240);
    expect(report.sweepY.values).toHaveLength(10);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('lr,momentum,converged,diverged,medianLoss,p10Loss,p90Loss,medianStepsToConverge,outcome,stabilityLimit');
    expect(lines).toHaveLength(241);
    const image = PNG.sync.read(readFileSync(png));
    expect([image.width, image.height]).toEqual([24, 10]);
  });

  test('phase map as text: orientation and colours of the PNG', () => {
    const png = join(mkdtempSync(join(tmpdir(), 'downhill-phase-')), 'phase.png');
    const outcome = downhill(['sweep', '--surface', 'parabola', '--optimizer', 'momentum', '--sweep-y', 'momentum', '--lrs', '4', '--ys', '3', '--grid', '2', '--steps', '20', '--png', png]);
    expect(outcome.status).toBe(0);
    expect(outcome.stdout).toContain(`phase map written to ${png} (4 × 3 pixels, learning rate to the right, momentum up)`);
    expect(outcome.stdout).toContain(`colours of the map:\n  ${cssHex(CONVERGED_COLOR)}  converged\n  ${cssHex(DIVERGED_COLOR)}  diverged\n  ${cssHex(NEITHER_COLOR)}  neither`);
    const image = PNG.sync.read(readFileSync(png));
    expect([image.width, image.height]).toEqual([4, 3]);
  });

  test('bad sweep input', () => {
    expect(downhill(['sweep', '--lr', '0.1', '--json']).stderr).toMatch(/give --lr-min and --lr-max instead of --lr/);
    expect(downhill(['sweep', '--lr-min', '1', '--lr-max', '0.5', '--json']).stderr).toMatch(/expected lr-min < lr-max/);
    expect(downhill(['sweep', '--lrs', '0', '--json']).stderr).toMatch(/invalid --lrs "0"/);
    expect(downhill(['sweep', '--sweep-y', 'beta1', '--json']).stderr).toMatch(/--sweep-y beta1 applies to adam, adamw, not gd/);
    expect(downhill(['sweep', '--sweep-y', 'gamma', '--json']).stderr).toMatch(/unknown --sweep-y "gamma"/);
    expect(downhill(['sweep', '--lrs', '4096', '--sweep-y', 'momentum', '--optimizer', 'momentum', '--ys', '4096', '--json']).stderr).toMatch(/exceeds the maximum 65,536/);
    const largest = downhill(['sweep', '--lrs', '4096', '--json']);
    expect(largest.status).toBe(0);
    // About 1.2 MB of JSON, all of it.
    expect(JSON.parse(largest.stdout).rows).toHaveLength(4096);
    expect(downhill(['sweep', '--optimizer', 'momentum', '--sweep-y', 'momentum', '--momentum', '0.5', '--json']).stderr).toMatch(/leave out --momentum/);
  });
});

describe('downhill basins of a surface that lists only its global minimum', () => {
  test('rastrigin: the listed minimum, then those found by clustering', () => {
    const outcome = downhill(['basins', '--surface', 'rastrigin', '--lr', '0.001', '--grid', '32', '--steps', '1000', '--backend', 'cpu', '--json']);
    expect(outcome.stderr).toBe('');
    const report = JSON.parse(outcome.stdout);
    expect(report.minimaSource).toBe('listed and clustered');
    expect(report.minima[0]).toMatchObject({ x: 0, y: 0, value: 0, known: true });
    const found = report.minima.slice(1);
    expect(found.length).toBeGreaterThanOrEqual(8);
    expect(found.every((minimum: { known: boolean }) => !minimum.known)).toBe(true);
    // The nearest local minima of x² + y² − 10 cos 2πx − 10 cos 2πy + 20 are at distance 0.995 on the axes, f = 0.995.
    const axis = found.find((minimum: { x: number; y: number }) => Math.abs(minimum.x - 0.995) < 0.01 && Math.abs(minimum.y) < 0.01);
    expect(axis?.value).toBeCloseTo(0.995, 2);
    // With the found minima, few converged starts are left "elsewhere".
    expect(report.other).toBeLessThan(0.05);
    const total = report.minima.reduce((sum: number, minimum: { share: number }) => sum + minimum.share, 0) + report.other + report.diverged + report.unconverged;
    expect(total).toBeCloseTo(1, 9);
  });
});

describe('downhill basins of a typed formula', () => {
  test('minima come from clusters of converged particles', () => {
    const outcome = downhill(['basins', '--formula', '(x^2 - 1)^2 + y^2', '--lr', '0.05', '--steps', '1000', '--grid', '16', '--json']);
    expect(outcome.stderr).toBe('');
    const report = JSON.parse(outcome.stdout);
    expect(report.minimaSource).toBe('clustered');
    // Two minima, (±1, 0), each draining the half of the grid on its side.
    const minima = [...report.minima].sort((a: { x: number }, b: { x: number }) => a.x - b.x);
    expect(minima).toHaveLength(2);
    expect(minima[0].x).toBeCloseTo(-1, 6);
    expect(minima[1].x).toBeCloseTo(1, 6);
    expect(minima[0].share).toBe(0.5);
    expect(minima[1].share).toBe(0.5);
  });
});

describe('downhill verify', () => {
  test('x² + 2y²: GPU and CPU float32 within a few ulp; the report explains itself', () => {
    const outcome = downhill(['verify', '--surface', 'quadratic', '--lr', '0.1', '--steps', '60', '--grid', '16', '--min-agreement', '0.999', '--json']);
    expect(outcome.stderr).toBe('');
    expect(outcome.status).toBe(0);
    const report = JSON.parse(outcome.stdout);
    expect(report.checked).toBe(256);
    expect(report.sampled).toBe(false);
    // Same float32 operations in the same order; 2 ulp allows for one fused multiply-add.
    expect(report.gpuVsF32.ulp?.max).toBeLessThanOrEqual(2);
    expect(report.gpuVsF32.statusAgreement).toBe(1);
    expect(report.gpuVsF32.basinAgreement).toBe(1);
    // The GPU stops every particle at the same update as the CPU.
    expect(report.gpuVsF32.stopStepAgreement).toBe(1);
    expect(report.gpuVsF32.maxStopStepDifference).toBe(0);
    expect(report.f32VsF64.maxRelError).toBeGreaterThan(0);
    expect(report.passed).toBe(true);
    expect(report.explanation.join(' ')).toMatch(/implementation/);
    expect(report.explanation.join(' ')).toMatch(/single precision/);
    expect(typeof report.adapter).toBe('string');
  });

  test('x²: GPU and CPU float32 within a few ulp', () => {
    const outcome = downhill(['verify', '--surface', 'parabola', '--lr', '0.1', '--steps', '60', '--grid', '64', '--min-agreement', '0.999', '--json']);
    expect(outcome.status).toBe(0);
    const report = JSON.parse(outcome.stdout);
    expect(report).toMatchObject({ formula: 'x^2', particles: 64, checked: 64, passed: true });
    // x ← x − 2ηx is one multiply-add per step; 2 ulp allows for it being fused.
    expect(report.gpuVsF32.ulp?.max).toBeLessThanOrEqual(2);
    expect(report.gpuVsF32.statusAgreement).toBe(1);
  });

  test('a faulty kernel is caught and fails --min-agreement', () => {
    // A copy of the shaders whose update loops (the fast one and the general one) use 1% too large a learning rate.
    const folder = mkdtempSync(join(tmpdir(), 'downhill-faulty-'));
    for (const name of readdirSync(join(repoRoot, 'shaders'))) {
      let code = readFileSync(join(repoRoot, 'shaders', name), 'utf8');
      if (name === 'descent.wgsl') {
        // Every learning rate of a schedule entry: a * η + b, with the entry in some variable.
        const rate = /(\w+)\.x \* cell\.x \+ \1\.y/g;
        expect(code.match(rate)).toHaveLength(3);
        code = code.replace(rate, '($&) * 1.01');
      }
      writeFileSync(join(folder, name), code);
    }
    const outcome = downhill(['verify', '--surface', 'himmelblau', '--lr', '0.02', '--steps', '400', '--grid', '16', '--min-agreement', '0.999', '--json'], {
      DOWNHILL_SHADER_DIR: folder,
    });
    expect(outcome.status).toBe(1);
    expect(outcome.stderr).toMatch(/verify below --min-agreement 0\.999: status \d+\.\d\d%, basin \d+\.\d\d% agree\n/);
    const report = JSON.parse(outcome.stdout);
    expect(report.passed).toBe(false);
    expect(report.gpuVsF32.ulp?.max).toBeGreaterThan(1000);
    expect(report.gpuVsF32.disagreeing.length).toBeGreaterThan(0);
  });

  test('verify needs the GPU', () => {
    const outcome = downhill(['verify', '--backend', 'cpu', '--json']);
    expect(outcome.status).toBe(2);
    expect(outcome.stderr).toMatch(/verify compares the GPU with the CPU/);
  });
});
