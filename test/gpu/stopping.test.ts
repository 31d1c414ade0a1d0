// The descent shader has two update loops: a fast one (entry point
// step_lean) for particles without trail or history, and the general one
// (entry points step and step_tracked). Both must
// stop a particle at the same update, for the same reason, at the same
// position: here on divergence to infinity, to NaN, past the bound, and on
// convergence, against each other and against the float32 CPU reference.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { DEFAULT_CRITERIA, DEFAULT_OPTIMIZER, defaultOptimizer, STATUS, type OptimizerConfig, type StopCriteria } from '../../src/core/config.ts';
import { compileFormula } from '../../src/core/expr/index.ts';
import type { ListStarts } from '../../src/core/grid.ts';
import { ReferenceRun } from '../../src/core/reference.ts';
import { createNodeGpuContext } from '../../src/cli/nodeGpu.ts';
import { registerNodeShaders } from '../../src/cli/shaders.ts';
import type { GpuContext } from '../../src/gpu/device.ts';
import { Descent } from '../../src/gpu/descent.ts';
import { readResult, type DescentResult } from '../../src/gpu/runDescent.ts';

let gpu: GpuContext;

beforeAll(async () => {
  registerNodeShaders();
  gpu = await createNodeGpuContext();
  expect(gpu.adapterName).not.toMatch(/null/i);
});

afterAll(() => {
  gpu?.device.destroy();
});

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
];

const STEPS = 200;
/** Dispatches of 7 updates, so that particles stop in one dispatch and stay frozen in later ones. */
const STEPS_PER_DISPATCH = 7;

/** Runs the case with every particle in the general loop (all keep trails) or nearly all in the fast loop (one trail). */
async function run(testCase: Case, loop: 'general' | 'fast'): Promise<DescentResult> {
  const count = testCase.starts.length;
  const descent = await Descent.create(gpu, {
    surface: compileFormula(testCase.formula),
    optimizer: optimizerOf(testCase),
    criteria: testCase.criteria,
    starts: listStarts(testCase),
    trail: { maxParticles: loop === 'general' ? count : 1, length: 4, every: 1 },
    historyLength: 4,
    pickedIndex: loop === 'general' ? 0 : 0xffffffff,
    maxStepsPerDispatch: STEPS_PER_DISPATCH,
  });
  try {
    for (let done = 0; done < STEPS; done += STEPS_PER_DISPATCH) {
      descent.step(Math.min(STEPS_PER_DISPATCH, STEPS - done));
    }
    return await readResult(gpu.device, descent);
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

describe('stopping tests of the fast and the general loop', () => {
  test.each([...CASES, ...OVERFLOW_CASES])('$name', async (testCase) => {
    const general = await run(testCase, 'general');
    const fast = await run(testCase, 'fast');
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
