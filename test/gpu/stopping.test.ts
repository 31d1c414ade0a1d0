// The descent shader has two update loops: a fast one (entry point
// step_lean) for particles without trail or history, and the general one
// (entry points step and step_tracked). Both must
// stop a particle at the same update, for the same reason, at the same
// position: here on divergence to infinity, to NaN, past the bound, and on
// convergence, against each other and against the float32 CPU reference.
// The fast loop runs chunks of LEAN_CHUNK (20) updates without stopping tests.
// It goes back to the start of a chunk in which a test might have passed, and
// repeats the chunk with the tests. So every case runs with dispatches
// shorter than a chunk, and with dispatches of two chunks and a remainder.

import { describe, expect, test } from 'vitest';

import { DEFAULT_CRITERIA, DEFAULT_OPTIMIZER, defaultOptimizer, STATUS, type OptimizerConfig, type StopCriteria } from '../../src/core/config.ts';
import { compileFormula } from '../../src/core/expr/index.ts';
import type { ListStarts } from '../../src/core/grid.ts';
import { ReferenceRun } from '../../src/core/reference.ts';
import { Descent } from '../../src/gpu/descent.ts';
import { readResult, type DescentResult } from '../../src/gpu/runDescent.ts';
import { useTestGpuContext } from '../helpers/nodeGpu.ts';

const gpu = useTestGpuContext();

interface Case {
  name: string;
  formula: string;
  lr: number;
  /** The optimizer, when not plain descent at `lr`. */
  optimizer?: OptimizerConfig;
  criteria: StopCriteria;
  starts: number[];
  /** Status every start should end with, so that the case reaches its named stop, or -1 where the test checks only some starts. */
  expected: number;
  /** Every particle ends where its loss is undefined. */
  lossMissing?: boolean;
  /** The update at which the particle from `start` (at y = 0.5) stops. */
  stopStep?: { start: number; step: number };
}

const CASES: Case[] = [
  {
    // x⁴ overflows float32 within a few updates at η = 1: the gradient, then x, become infinite.
    name: 'divergence to infinity',
    formula: 'x^4 + y^2',
    lr: 1,
    criteria: { ...DEFAULT_CRITERIA, divergeBound: 3e38 },
    starts: [1e10, 5, -3e9, -20, 2, -1.5, 7, 1e5, -0.9, 3],
    expected: STATUS.diverged,
  },
  {
    // log(x) is undefined for x <= 0, where WGSL's log may return any finite
    // value; the compiler's domain check marks it on both sides. The update x
    // ← x − η/x drives every start below 0 within a few updates.
    name: 'undefined logarithm',
    formula: 'log(x) + y^2',
    lr: 0.5,
    criteria: DEFAULT_CRITERIA,
    starts: [-1, -0.25, 2, 0.5, 3, -4, 1.5, 0.8, -0.1, 5],
    expected: STATUS.diverged,
    lossMissing: true,
  },
  {
    // sqrt(x) is undefined for x < 0: the domain check rejects the first update.
    name: 'divergence to NaN',
    formula: 'sqrt(x) + y^2',
    lr: 0.5,
    criteria: DEFAULT_CRITERIA,
    starts: [-1, -0.25, -4, -2, -0.5, -8, -3, -0.125, -6, -1.5],
    expected: STATUS.diverged,
    lossMissing: true,
  },
  {
    // Simplification folds 0*log(x) to 0, but the formula stays undefined for x <= 0.
    name: 'divergence where a folded term is undefined',
    formula: 'x^2 + y^2 + 0*log(x)',
    lr: 0.1,
    criteria: DEFAULT_CRITERIA,
    starts: [-1, -0.25, -4, -2, -0.5, -8, -3, -0.125, -6, -1.5],
    expected: STATUS.diverged,
    lossMissing: true,
  },
  {
    name: 'divergence past the bound',
    formula: 'x^2 + y^2',
    lr: 1.5,
    criteria: DEFAULT_CRITERIA,
    starts: [1, -0.75, 2, 0.3, -1.25, 0.9, 3, -2.5, 0.6, 1.75],
    expected: STATUS.diverged,
  },
  {
    name: 'convergence',
    formula: 'x^2 + 2*y^2',
    lr: 0.1,
    criteria: DEFAULT_CRITERIA,
    starts: [1, -0.75, 2, 0.3, -1.25, 0.9, 3, -2.5, 0.6, 1.75],
    expected: STATUS.converged,
  },
  {
    // With y out of the formula and a step tolerance that every step meets,
    // a particle converges at the first update whose |x gradient| is at most
    // 1e-3, which shrinks by 0.8 per update: the last gradients before the
    // stops lie between 0.8e-3 and 1e-3, where the fast loop's bound on the
    // gradient for a chunk must still send it back to its tested loop.
    name: 'convergence on the gradient tolerance alone',
    formula: 'x^2',
    lr: 0.1,
    criteria: { ...DEFAULT_CRITERIA, stepTol: 1e3 },
    starts: [1, -0.75, 2, 0.3, -1.25, 0.9, 3, -2.5, 0.6, 1.75, 0.45, -0.35, 2.7, -1.1, 0.15, 1.3],
    expected: STATUS.converged,
  },
  {
    // Heavy-ball momentum from x = 2 overshoots the minimum at x = 3: x passes
    // 3.3 at update 9 (3.332), falls back below it at update 11 and is at 2.89
    // by update 20. A chunk of updates 1 to 20 ends inside the bound, so only
    // the running maximum of the chunk can send it back to its tested loop.
    name: 'divergence past the bound inside a chunk, back inside by its end',
    formula: '(x - 3)^2 + y^2',
    lr: 0.05,
    optimizer: { ...defaultOptimizer('momentum', 0.05), momentum: 0.8 },
    criteria: { ...DEFAULT_CRITERIA, divergeBound: 3.3 },
    starts: [2, 2.05, 1.95, 2.02, 1.9, 1.98, 2.04, 1.96, 1.8, 1.85],
    expected: STATUS.diverged,
    stopStep: { start: 2, step: 9 },
  },
  {
    // Plain descent at a constant rate bounds a chunk's positions by the
    // start's magnitude plus 20 × η × the chunk's largest gradient magnitude,
    // instead of tracking the positions. On -x the particle gains exactly 0.5
    // per update, so a start at 100 − 0.5k + 0.25 passes the bound at update
    // k, at each place in a chunk. The start at 90 reaches 100 at update 20,
    // the end of the first chunk, and passes it at update 21.
    name: 'plain descent past the bound at every place in a chunk',
    formula: '-x + y^2',
    lr: 0.5,
    criteria: { ...DEFAULT_CRITERIA, divergeBound: 100 },
    starts: [1, 2, 5, 13, 19, 20, 21, 27, 39, 40, 41, 44, 60, 99].map((k) => 100 - 0.5 * k + 0.25).concat([90, 80]),
    expected: STATUS.diverged,
    stopStep: { start: 90, step: 21 },
  },
  {
    // A bound of -0 acts as 0, as on the CPU: every position off (0, 0) is past it.
    name: 'divergence past a bound of -0',
    formula: 'x^2 + y^2',
    lr: 0.1,
    criteria: { ...DEFAULT_CRITERIA, divergeBound: -0 },
    starts: [1, -0.75, 2, 0.3, -1.25, 0.9, 3, -2.5, 0.6, 1.75],
    expected: STATUS.diverged,
    stopStep: { start: 1, step: 1 },
  },
  {
    // Every gradient is below the gradient tolerance and no step below the
    // step tolerance: each chunk goes back to its start, and its updates are
    // repeated with the tests, which stop nothing.
    name: 'small gradients that do not converge',
    formula: 'x^2 + 2*y^2',
    lr: 0.01,
    criteria: { ...DEFAULT_CRITERIA, gradTol: 100, stepTol: 1e-6 },
    starts: [1, -0.75, 2, 0.3, -1.25, 0.9, 3, -2.5, 0.6, 1.75],
    expected: STATUS.moving,
  },
];

const STEPS = 200;
/**
 * Updates per dispatch: 7, shorter than a chunk of the fast loop, so that
 * particles stop in one dispatch and stay frozen in later ones; 50, two chunks
 * and 10 updates, so that they stop inside chunks.
 */
const DISPATCH_SIZES = [7, 50];

/** Runs the case with every particle in the general loop (all keep trails) or nearly all in the fast loop (one trail). */
async function run(testCase: Case, loop: 'general' | 'fast', stepsPerDispatch: number): Promise<DescentResult> {
  const count = testCase.starts.length;
  const descent = await Descent.create(gpu(), {
    surface: compileFormula(testCase.formula),
    optimizer: optimizerOf(testCase),
    criteria: testCase.criteria,
    starts: listStarts(testCase),
    trail: { maxParticles: loop === 'general' ? count : 1, length: 4, every: 1 },
    historyLength: 4,
    pickedIndex: loop === 'general' ? 0 : 0xffffffff,
    maxStepsPerDispatch: stepsPerDispatch,
  });
  try {
    for (let done = 0; done < STEPS; done += stepsPerDispatch) {
      descent.step(Math.min(stepsPerDispatch, STEPS - done));
    }
    // Every dispatch took the lean kernel for the untracked particles, compiled by Descent.create.
    expect(descent.dispatches.general).toBe(0);
    return await readResult(gpu().device, descent);
  } finally {
    descent.destroy();
  }
}

function optimizerOf(testCase: Case): OptimizerConfig {
  return testCase.optimizer ?? { ...DEFAULT_OPTIMIZER, lr: testCase.lr };
}

function listStarts(testCase: Case): ListStarts {
  return { kind: 'list', points: Float64Array.from(testCase.starts.flatMap((x) => [x, 0.5])) };
}

// The fast loop leaves out the general loop's test of the gradient for
// infinities and NaN, because a gradient that is not finite makes the new
// position not finite under every update rule. These cases hold it to that:
// 4x³ overflows float32 for |x| above about 4.4e12, so the starts at ±1e13 meet
// an infinite gradient at a finite position on the first update, and ±3e12
// after a few updates of the rules that grow. A zero learning rate carries the
// infinity as 0 × ∞ = NaN.
const OVERFLOW_STARTS = [1e13, -2e13, 3e12, -3e12, 2, -1.5, 0.5, 4e12, -1e13, 1];
const OVERFLOW_OPTIMIZERS: Array<[string, OptimizerConfig]> = [
  ['gd', defaultOptimizer('gd', 0.01)],
  ['gd at η = 0', defaultOptimizer('gd', 0)],
  ['momentum with dampening 1', { ...defaultOptimizer('momentum', 0.01), dampening: 1 }],
  ['nesterov', defaultOptimizer('nesterov', 0.01)],
  ['adagrad', defaultOptimizer('adagrad', 0.01)],
  ['centred rmsprop with momentum', { ...defaultOptimizer('rmsprop', 0.01), centered: true, momentum: 0.5 }],
  ['rmsprop with α = 1', { ...defaultOptimizer('rmsprop', 0.01), alpha: 1 }],
  ['adam with amsgrad', { ...defaultOptimizer('adam', 0.01), amsgrad: true }],
  ['adam at η = 0', defaultOptimizer('adam', 0)],
  ['adamw', defaultOptimizer('adamw', 0.01)],
  ['gd with weight decay', { ...defaultOptimizer('gd', 0.01), weightDecay: 0.1 }],
];
const OVERFLOW_CASES: Case[] = OVERFLOW_OPTIMIZERS.map(([name, optimizer]) => ({
  name: `infinite gradient at a finite position: ${name}`,
  formula: 'x^4 + y^2',
  lr: optimizer.lr,
  optimizer,
  criteria: { ...DEFAULT_CRITERIA, divergeBound: 3e38 },
  starts: OVERFLOW_STARTS,
  expected: -1,
}));

const RUNS = DISPATCH_SIZES.flatMap((stepsPerDispatch) => [...CASES, ...OVERFLOW_CASES].map((testCase) => ({ ...testCase, stepsPerDispatch })));

describe('stopping tests of the fast and the general loop', () => {
  test.each(RUNS)('$name, $stepsPerDispatch updates per dispatch', async (testCase) => {
    const general = await run(testCase, 'general', testCase.stepsPerDispatch);
    const fast = await run(testCase, 'fast', testCase.stepsPerDispatch);
    const reference = new ReferenceRun(
      { surface: compileFormula(testCase.formula), optimizer: optimizerOf(testCase), criteria: testCase.criteria, starts: listStarts(testCase) },
      'f32',
    );
    reference.advance(STEPS);

    // Same operations in both loops, so the same bits.
    expect(Array.from(fast.positions)).toEqual(Array.from(general.positions));
    expect(Array.from(fast.status)).toEqual(Array.from(general.status));
    expect(Array.from(fast.stopSteps)).toEqual(Array.from(general.stopSteps));

    expect(Array.from(fast.status)).toEqual(Array.from(reference.status));
    expect(Array.from(fast.stopSteps)).toEqual(Array.from(reference.stopSteps));
    if (testCase.stopStep) {
      const i = testCase.starts.indexOf(testCase.stopStep.start);
      expect(fast.stopSteps[i]).toBe(testCase.stopStep.step);
    }
    if (testCase.expected >= 0) {
      expect(Array.from(fast.status)).toEqual(testCase.starts.map(() => testCase.expected));
    } else {
      // The starts at 1e13 and beyond meet the infinite gradient on the first update.
      testCase.starts.forEach((x, i) => {
        if (Math.abs(x) >= 1e13) {
          expect(fast.status[i], `start ${x}`).toBe(STATUS.diverged);
          expect(fast.stopSteps[i], `start ${x}`).toBe(1);
        }
      });
    }
    for (let k = 0; k < fast.positions.length; k++) {
      expect(Number.isFinite(fast.positions[k]), `coordinate ${k} is finite`).toBe(true);
      // 1e-5 relative: a few float32 roundings of division, which WGSL allows 2.5 ulp.
      expect(Math.abs(fast.positions[k] - reference.positions[k]), `coordinate ${k} against the reference`).toBeLessThanOrEqual(1e-5 * Math.abs(reference.positions[k]));
    }
    if (testCase.lossMissing) {
      expect(Array.from(reference.loss).every(Number.isNaN)).toBe(true);
    }
    // A loss is missing (NaN) on the GPU exactly where it is on the CPU, never a stand-in number.
    for (let i = 0; i < fast.loss.length; i++) {
      expect(Number.isNaN(fast.loss[i]), `loss ${i} missing on the GPU`).toBe(Number.isNaN(reference.loss[i]));
      expect(Number.isNaN(general.loss[i]), `loss ${i} missing in the general loop`).toBe(Number.isNaN(reference.loss[i]));
    }
  });
});
