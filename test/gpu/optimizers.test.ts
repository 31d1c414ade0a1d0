// Every optimizer and schedule, with and without gradient noise, on several
// surfaces: the WGSL kernel against the float32 CPU reference.

import { describe, expect, test } from 'vitest';

import { compileFormula } from '../../src/core/expr/index.ts';
import {
  DEFAULT_CRITERIA,
  DEFAULT_NOISE,
  DEFAULT_SCHEDULE,
  OPTIMIZER_NAMES,
  defaultOptimizer,
  type NoiseConfig,
  type OptimizerConfig,
  type OptimizerName,
  type ScheduleConfig,
} from '../../src/core/config.ts';
import type { Starts } from '../../src/core/grid.ts';
import { ReferenceRun } from '../../src/core/reference.ts';
import { findSurface } from '../../src/core/surfaces.ts';
import { Descent } from '../../src/gpu/descent.ts';
import { readResult, type DescentResult } from '../../src/gpu/runDescent.ts';
import { useTestGpuContext } from '../helpers/nodeGpu.ts';

const gpu = useTestGpuContext();

/** Schedules for base rate η; lrMin stays below η, so no schedule leaves the stable range. */
function schedules(lr: number): ScheduleConfig[] {
  return [
    DEFAULT_SCHEDULE,
    { ...DEFAULT_SCHEDULE, name: 'step', stepSize: 20, gamma: 0.5 },
    { ...DEFAULT_SCHEDULE, name: 'exponential', gamma: 0.98 },
    { ...DEFAULT_SCHEDULE, name: 'cosine', tMax: 60, lrMin: 0.1 * lr },
    { ...DEFAULT_SCHEDULE, name: 'cyclic', stepSize: 15, lrMin: 0.2 * lr, warmup: 10 },
  ];
}
const NOISES: NoiseConfig[] = [DEFAULT_NOISE, { sigma: 0.5, seed: 7 }];

// Learning rates that keep every optimizer stable on each surface.
const SURFACES: Record<string, Record<OptimizerName, number>> = {
  quadratic: { gd: 0.1, momentum: 0.05, nesterov: 0.05, adagrad: 0.3, rmsprop: 0.01, adam: 0.05, adamw: 0.05 },
  himmelblau: { gd: 0.005, momentum: 0.002, nesterov: 0.002, adagrad: 0.3, rmsprop: 0.01, adam: 0.05, adamw: 0.05 },
  rosenbrock: { gd: 0.0005, momentum: 0.0002, nesterov: 0.0002, adagrad: 0.1, rmsprop: 0.002, adam: 0.01, adamw: 0.01 },
};
const STEPS = 80;

/**
 * Largest accepted difference of a final coordinate, GPU against CPU float32.
 * These polynomial surfaces need only +, − and × (correctly rounded in WGSL),
 * but the adaptive optimizers divide and take square roots, which WGSL allows
 * 2.5 ulp of error, and the noise calls log and sqrt. Differences of a few ulp
 * per update in 80 updates stay far below 1e-4 on contracting dynamics.
 */
const TOLERANCE = 1e-4;

describe.each(Object.keys(SURFACES))('%s', (surfaceName) => {
  test.each(OPTIMIZER_NAMES)('%s: all schedules, with and without noise', async (optimizerName) => {
    const definition = findSurface(surfaceName)!;
    const surface = compileFormula(definition.formula);
    const optimizer = { ...defaultOptimizer(optimizerName, SURFACES[surfaceName][optimizerName]), amsgrad: optimizerName === 'adam' };
    if (optimizerName === 'rmsprop') {
      optimizer.centered = true;
      optimizer.momentum = 0.3;
    }
    const starts: Starts = { kind: 'grid', nx: 8, ny: 8, domain: definition.domain };
    const descent = await Descent.create(gpu(), {
      surface,
      optimizer,
      criteria: DEFAULT_CRITERIA,
      starts,
      trail: { maxParticles: 1, length: 2, every: 1 },
      historyLength: 1,
      pickedIndex: 0xffffffff,
      maxStepsPerDispatch: STEPS,
    });

    try {
      for (const schedule of schedules(optimizer.lr)) {
        for (const noise of NOISES) {
          descent.setSchedule(schedule);
          descent.setNoise(noise);
          descent.reset();
          descent.step(STEPS / 2);
          descent.step(STEPS / 2);
          const result = await readResult(gpu().device, descent);

          const reference = new ReferenceRun({ surface, optimizer, schedule, noise, criteria: DEFAULT_CRITERIA, starts }, 'f32');
          reference.advance(STEPS);

          const label = `${schedule.name}, σ = ${noise.sigma}`;
          let worst = 0;
          for (let i = 0; i < result.particleCount; i++) {
            expect(result.status[i], `${label}: status of particle ${i}`).toBe(reference.status[i]);
            worst = Math.max(worst, Math.abs(result.positions[2 * i] - reference.positions[2 * i]), Math.abs(result.positions[2 * i + 1] - reference.positions[2 * i + 1]));
          }
          expect(worst, label).toBeLessThanOrEqual(TOLERANCE);
        }
      }
    } finally {
      descent.destroy();
    }
  });
});

describe('lean kernel against the general loop', () => {
  // A dispatch moves untracked particles in step_lean, compiled per set of options, and
  // the trail and picked particles in the general loop. Both must give the same bits.
  const schedule: ScheduleConfig = { ...DEFAULT_SCHEDULE, name: 'cosine', tMax: 50, lrMin: 0.001, warmup: 10 };
  const noise: NoiseConfig = { sigma: 0.3, seed: 11 };

  /** Runs himmelblau from a 6 × 6 grid, every particle in the general loop or in the lean kernel. */
  async function run(optimizer: OptimizerConfig, loop: 'general' | 'lean', lateOptions: boolean): Promise<DescentResult> {
    const definition = findSurface('himmelblau')!;
    const count = 36;
    const descent = await Descent.create(gpu(), {
      surface: compileFormula(definition.formula),
      // Set before the first dispatch, or after it (then the first dispatches take the general loop while the lean kernel compiles).
      optimizer: lateOptions ? { ...optimizer, amsgrad: false, centered: false } : optimizer,
      schedule: lateOptions ? DEFAULT_SCHEDULE : schedule,
      noise: lateOptions ? DEFAULT_NOISE : noise,
      criteria: DEFAULT_CRITERIA,
      starts: { kind: 'grid', nx: 6, ny: 6, domain: definition.domain },
      trail: { maxParticles: loop === 'general' ? count : 1, length: 2, every: 1 },
      historyLength: 1,
      pickedIndex: loop === 'general' ? 0 : 0xffffffff,
      maxStepsPerDispatch: 20,
    });
    try {
      if (lateOptions) {
        descent.setOptimizer(optimizer);
        descent.setSchedule(schedule);
        descent.setNoise(noise);
      }
      for (let k = 0; k < 4; k++) {
        descent.step(20);
        // Time for a lean kernel that compiles meanwhile to be taken by a later dispatch.
        await gpu().device.queue.onSubmittedWorkDone();
      }
      if (loop === 'lean') {
        // The lean kernel ran: one that fails to compile leaves every dispatch to the general loop.
        expect(descent.dispatches.lean, 'dispatches of the lean kernel').toBeGreaterThan(0);
        if (!lateOptions) {
          expect(descent.dispatches.general).toBe(0);
        }
      }
      return await readResult(gpu().device, descent);
    } finally {
      descent.destroy();
    }
  }

  // The update rules' options are override constants of the lean kernel as well.
  const variants: Array<[string, OptimizerConfig]> = [
    ...OPTIMIZER_NAMES.map((name): [string, OptimizerConfig] => [name, { ...defaultOptimizer(name, name === 'adagrad' ? 0.3 : 0.01), weightDecay: 0.05 }]),
    ['adam with AMSGrad', { ...defaultOptimizer('adam', 0.01), weightDecay: 0.05, amsgrad: true }],
    ['adamw with AMSGrad', { ...defaultOptimizer('adamw', 0.01), amsgrad: true }],
    ['centred rmsprop with momentum', { ...defaultOptimizer('rmsprop', 0.01), weightDecay: 0.05, centered: true, momentum: 0.5 }],
  ];

  test.each(variants)('%s: cosine, warm-up, noise and decay', async (_name, optimizer) => {
    const general = await run(optimizer, 'general', false);
    const lean = await run(optimizer, 'lean', false);
    const late = await run(optimizer, 'lean', true);
    expect(Array.from(lean.positions)).toEqual(Array.from(general.positions));
    expect(Array.from(lean.status)).toEqual(Array.from(general.status));
    expect(Array.from(lean.stopSteps)).toEqual(Array.from(general.stopSteps));
    expect(Array.from(late.positions)).toEqual(Array.from(general.positions));
    // Not a run where every particle stopped at once: most still move after 80 updates.
    expect(general.status.filter((status) => status === 0).length).toBeGreaterThan(18);
  });
});

/** Runs `optimizer` on x² + 2y² from the (x, y) pairs of `points` for `steps` updates, with no stopping, and reads the result back. */
async function descendQuadratic(optimizer: OptimizerConfig, points: number[], steps: number): Promise<DescentResult> {
  const descent = await Descent.create(gpu(), {
    surface: compileFormula('x^2 + 2*y^2'),
    optimizer,
    criteria: { ...DEFAULT_CRITERIA, gradTol: 0, stepTol: 0 },
    starts: { kind: 'list', points: Float64Array.from(points) },
    trail: { maxParticles: 1, length: 2, every: 1 },
    historyLength: 1,
    pickedIndex: 0xffffffff,
    maxStepsPerDispatch: steps,
  });
  try {
    descent.step(steps);
    return await readResult(gpu().device, descent);
  } finally {
    descent.destroy();
  }
}

describe('a start at a minimum on the GPU', () => {
  test.each(OPTIMIZER_NAMES)('%s: stays at (0, 0) without NaN', async (optimizerName) => {
    const result = await descendQuadratic({ ...defaultOptimizer(optimizerName), weightDecay: 0 }, [0, 0, 1, 0], 50);
    expect(result.positions[0]).toBe(0);
    expect(result.positions[1]).toBe(0);
    expect(Number.isFinite(result.loss[0])).toBe(true);
  });
});

describe('momentum 0 with dampening on the GPU', () => {
  test('moves as plain descent', async () => {
    // torch.optim.SGD keeps no buffer when μ = 0, so τ = 0.5 must not scale the gradient.
    const starts = [1.5, -1, -0.7, 0.4];
    const dampened = await descendQuadratic({ ...defaultOptimizer('momentum', 0.1), momentum: 0, dampening: 0.5 }, starts, 20);
    const plain = await descendQuadratic(defaultOptimizer('gd', 0.1), starts, 20);
    // The same float32 operations (x + (−η)·g): bit for bit equal.
    expect([...dampened.positions]).toEqual([...plain.positions]);
  });
});
