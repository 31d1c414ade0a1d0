// The picked particle's progress line in the inspector: a stopped particle
// gives the update at which it stopped, not the scene's count. The loss line
// separates a loss too large for the kernels from one that is undefined. The
// next update is the one the CPU reference, and so the GPU, makes.

import { describe, expect, test } from 'vitest';

import { DEFAULT_NOISE, DEFAULT_SCHEDULE, STATUS, defaultOptimizer, type OptimizerConfig, type ScheduleConfig } from '../../src/core/config.ts';
import { compileFormula } from '../../src/core/expr/index.ts';
import { ReferenceRun } from '../../src/core/reference.ts';
import { STATE_SIZE } from '../../src/core/optimizers.ts';
import { sweepCells, singleCell, type CellHyperparameters } from '../../src/core/sweep.ts';
import { formatValue } from '../../src/ui/format.ts';
import { describeLoss, describeProgress, nextUpdate } from '../../src/ui/inspector.ts';

describe('inspector progress line', () => {
  test.each([
    [STATUS.moving, 1620, 0, 'moving · 1620 updates'],
    [STATUS.moving, 1, 0, 'moving · 1 update'],
    [STATUS.converged, 1620, 32, 'converged after 32 updates'],
    [STATUS.converged, 900, 1, 'converged after 1 update'],
    [STATUS.diverged, 2060, 3, 'diverged at update 3'],
  ])('status %i after %i scene updates, stop step %i', (status, stepsDone, stopStep, expected) => {
    expect(describeProgress(status, stepsDone, stopStep)).toBe(expected);
  });
});

describe('inspector loss line', () => {
  test('a stored loss', () => {
    expect(describeLoss(0.25, 0.25)).toBe('0.25');
  });

  test('a loss too large for the kernels', () => {
    // exp(exp(exp(1.781))) + 1.594² in float64 is about 3.6e164, beyond float32.
    const exact = Math.exp(Math.exp(Math.exp(1.781))) + 1.594 ** 2;
    expect(describeLoss(NaN, exact)).toBe(`${formatValue(exact)} in float64, none in float32`);
  });

  test('a formula undefined there', () => {
    expect(describeLoss(NaN, NaN)).toBe('undefined');
    expect(describeLoss(NaN, Infinity)).toBe('undefined');
  });
});

describe('inspector next update', () => {
  const surface = compileFormula('x^2 + 2*y^2');
  const criteria = { gradTol: 0, stepTol: 0, divergeBound: 1e6 };
  const exponential: ScheduleConfig = { ...DEFAULT_SCHEDULE, name: 'exponential', gamma: 0.7 };
  const cosineWarmup: ScheduleConfig = { ...DEFAULT_SCHEDULE, name: 'cosine', tMax: 200, lrMin: 0.05, warmup: 50 };

  test.each<[string, OptimizerConfig, ScheduleConfig, number, number]>([
    ['adam at update 10', defaultOptimizer('adam', 0.05), DEFAULT_SCHEDULE, 0, 10],
    ['adam at update 200', defaultOptimizer('adam', 0.001), DEFAULT_SCHEDULE, 0, 200],
    ['adam, exponential schedule', defaultOptimizer('adam', 0.01), exponential, 0, 10],
    ['amsgrad', { ...defaultOptimizer('adam', 0.05), amsgrad: true }, DEFAULT_SCHEDULE, 0, 30],
    ['adamw', { ...defaultOptimizer('adamw', 0.05), weightDecay: 0.1 }, DEFAULT_SCHEDULE, 0, 10],
    ['adagrad with lr_decay, warm-up', { ...defaultOptimizer('adagrad', 0.3), lrDecay: 1 }, cosineWarmup, 0, 14],
    ['nesterov', defaultOptimizer('nesterov', 0.02), DEFAULT_SCHEDULE, 0, 10],
    ['momentum with dampening', { ...defaultOptimizer('momentum', 0.02), dampening: 0.3 }, DEFAULT_SCHEDULE, 0, 10],
    ['centred rmsprop with momentum', { ...defaultOptimizer('rmsprop', 0.01), momentum: 0.9, centered: true }, DEFAULT_SCHEDULE, 0, 10],
    ['gd with noise and weight decay', { ...defaultOptimizer('gd', 0.05), weightDecay: 0.2 }, DEFAULT_SCHEDULE, 0.5, 10],
  ])('%s: the step the reference makes', (_label, optimizer, schedule, sigma, updates) => {
    const noise = { ...DEFAULT_NOISE, sigma };
    const run = new ReferenceRun(
      { surface, optimizer, schedule, noise, criteria, starts: { kind: 'list', points: Float64Array.of(0.9, 0.7, -0.4, 0.6) } },
      'f32',
    );
    run.advance(updates);
    const particle = 1;
    const [x, y] = [run.positions[2 * particle], run.positions[2 * particle + 1]];
    const state = Float32Array.from(run.state.subarray(STATE_SIZE * particle, STATE_SIZE * (particle + 1)));
    const next = nextUpdate({ surface, optimizer, schedule, noise }, singleCell(optimizer)[0], particle, x, y, updates, state)!;
    run.advance(1);
    expect(next.step[0]).toBe(run.positions[2 * particle] - x);
    expect(next.step[1]).toBe(run.positions[2 * particle + 1] - y);
  });

  test('the rate includes the schedule and AdaGrad\'s decay', () => {
    const optimizer = { ...defaultOptimizer('adagrad', 0.5), lrDecay: 0.5 };
    const schedule: ScheduleConfig = { ...DEFAULT_SCHEDULE, name: 'exponential', gamma: 0.5 };
    const next = nextUpdate({ surface, optimizer, schedule }, singleCell(optimizer)[0], 0, 1, 1, 2, new Float32Array(STATE_SIZE))!;
    expect(next.lr).toBe(0.125);
    // 0.125 / (1 + 2 · 0.5)
    expect(next.decayedLr).toBe(0.0625);
  });

  test('a sweep cell reads its own rate and momentum', () => {
    const optimizer = defaultOptimizer('momentum', 0.1);
    const cells: CellHyperparameters[] = sweepCells(optimizer, { lrMin: 0.01, lrMax: 0.04, lrCount: 2, second: { parameter: 'momentum', min: 0, max: 0.5, count: 2 } });
    // The last cell: η = 0.04, μ = 0.5; the first update copies g = (2, 4) into the buffer.
    const next = nextUpdate({ surface, optimizer }, cells[3], 0, 1, 1, 0, new Float32Array(STATE_SIZE))!;
    expect(next.lr).toBe(Math.fround(0.04));
    expect(next.step).toEqual([Math.fround(1 - Math.fround(Math.fround(0.04) * 2)) - 1, Math.fround(1 - Math.fround(Math.fround(0.04) * 4)) - 1]);
  });

  test('undefined gradient: no update', () => {
    const log = compileFormula('log(x) + y^2');
    const optimizer = defaultOptimizer('gd');
    expect(nextUpdate({ surface: log, optimizer }, singleCell(optimizer)[0], 0, -1, 0, 0, new Float32Array(STATE_SIZE))).toBeUndefined();
  });
});
