// The descent pipeline on a real adapter (SwiftShader here, a GPU elsewhere)
// against the float32 CPU reference, particle by particle.

import { describe, expect, test } from 'vitest';

import { compileFormula } from '../../src/core/expr/index.ts';
import { DEFAULT_CRITERIA, DEFAULT_OPTIMIZER, STATUS } from '../../src/core/config.ts';
import { fillStarts, type Starts } from '../../src/core/grid.ts';
import { ReferenceRun } from '../../src/core/reference.ts';
import { findSurface } from '../../src/core/surfaces.ts';
import { Descent } from '../../src/gpu/descent.ts';
import { LimitExceededError } from '../../src/gpu/errors.ts';
import { TRAIL_POINT_STRIDE } from '../../src/gpu/layout.ts';
import { readBuffer } from '../../src/gpu/readback.ts';
import { readResult, runDescent } from '../../src/gpu/runDescent.ts';
import type { StatsSnapshot } from '../../src/gpu/statsRing.ts';
import { useTestGpuContext } from '../helpers/nodeGpu.ts';

const gpu = useTestGpuContext();

/** Distance between two float32 values in units in the last place (same sign assumed near zero). */
function ulpDistance(a: number, b: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat32(0, a);
  view.setFloat32(4, b);
  const toOrdered = (bits: number): number => (bits & 0x80000000 ? 0x80000000 - (bits & 0x7fffffff) : bits + 0x80000000);
  return Math.abs(toOrdered(view.getUint32(0)) - toOrdered(view.getUint32(4)));
}

function grid(surfaceName: string, n: number): Starts {
  const definition = findSurface(surfaceName)!;
  return { kind: 'grid', nx: n, ny: definition.dims === 1 ? 1 : n, domain: definition.domain };
}

interface Case {
  surface: string;
  lr: number;
  steps: number;
  /** Largest accepted difference of a final coordinate, GPU against CPU float32, and why. */
  tolerance: number;
}

// Polynomial surfaces use only +, − and ×, which WGSL rounds correctly. An
// implementation may still fuse a multiply and an add (one rounding instead of
// two), so trajectories may part by an ulp now and then. Contracting dynamics
// keep such differences at the scale of the final coordinate's ulp: 1e-5 is
// over 100 ulp at |x| ≤ 2. Rastrigin calls cos and sin, whose WGSL accuracy
// is only bounded absolutely (2⁻¹¹ on [−π, π]); with η = 0.001 and the factor
// 20π of its gradient, one step can differ by up to 6e-5, and the contraction
// towards a minimum keeps the sum below 1e-3.
const CASES: Case[] = [
  { surface: 'parabola', lr: 0.1, steps: 200, tolerance: 1e-5 },
  { surface: 'quadratic', lr: 0.1, steps: 200, tolerance: 1e-5 },
  { surface: 'rosenbrock', lr: 0.001, steps: 500, tolerance: 1e-5 },
  { surface: 'himmelblau', lr: 0.01, steps: 300, tolerance: 1e-5 },
  { surface: 'rastrigin', lr: 0.001, steps: 300, tolerance: 1e-3 },
];

describe('GPU against the float32 CPU reference', () => {
  test.each(CASES)('$surface, η = $lr, $steps updates', async ({ surface: name, lr, steps, tolerance }) => {
    const surface = compileFormula(findSurface(name)!.formula);
    const setup = { surface, optimizer: { ...DEFAULT_OPTIMIZER, lr }, criteria: DEFAULT_CRITERIA, starts: grid(name, 16) };

    // Several dispatches of uneven size, so that the split into dispatches is exercised too.
    const result = await runDescent(gpu(), setup, steps, 64);
    const reference = new ReferenceRun(setup, 'f32');
    reference.advance(steps);

    let maxDifference = 0;
    for (let i = 0; i < result.particleCount; i++) {
      expect(result.status[i], `status of particle ${i}`).toBe(reference.status[i]);
      maxDifference = Math.max(
        maxDifference,
        Math.abs(result.positions[2 * i] - reference.positions[2 * i]),
        Math.abs(result.positions[2 * i + 1] - reference.positions[2 * i + 1]),
      );
    }
    expect(maxDifference).toBeLessThanOrEqual(tolerance);
  });

  test('quadratic presets agree to within 2 ulp', async () => {
    for (const name of ['parabola', 'quadratic']) {
      const surface = compileFormula(findSurface(name)!.formula);
      const setup = { surface, optimizer: { ...DEFAULT_OPTIMIZER, lr: 0.1 }, criteria: DEFAULT_CRITERIA, starts: grid(name, 64) };
      const result = await runDescent(gpu(), setup, 40);
      const reference = new ReferenceRun(setup, 'f32');
      reference.advance(40);

      let worst = 0;
      for (let k = 0; k < 2 * result.particleCount; k++) {
        worst = Math.max(worst, ulpDistance(result.positions[k], reference.positions[k]));
      }
      // Same operations in the same order; 2 ulp allows for one fused multiply-add.
      expect(worst, name).toBeLessThanOrEqual(2);
    }
  });

  test('stop steps agree', async () => {
    const surface = compileFormula(findSurface('himmelblau')!.formula);
    const setup = { surface, optimizer: { ...DEFAULT_OPTIMIZER, lr: 0.01 }, criteria: DEFAULT_CRITERIA, starts: grid('himmelblau', 12) };
    const result = await runDescent(gpu(), setup, 1500, 500);
    const reference = new ReferenceRun(setup, 'f32');
    reference.advance(1500);
    expect(Array.from(result.stopSteps)).toEqual(Array.from(reference.stopSteps));
    expect(result.status.filter((status) => status === STATUS.converged).length).toBe(144);
  });

  test('divergence: frozen, flagged, no NaN', async () => {
    const surface = compileFormula('x^2');
    const setup = { surface, optimizer: { ...DEFAULT_OPTIMIZER, lr: 1.5 }, criteria: DEFAULT_CRITERIA, starts: grid('parabola', 64) };
    const result = await runDescent(gpu(), setup, 400);
    const reference = new ReferenceRun(setup, 'f32');
    reference.advance(400);
    for (let i = 0; i < result.particleCount; i++) {
      expect(result.status[i]).toBe(STATUS.diverged);
      expect(Number.isFinite(result.positions[2 * i])).toBe(true);
      expect(Number.isFinite(result.loss[i])).toBe(true);
      expect(result.positions[2 * i]).toBe(Math.fround(reference.positions[2 * i]));
      expect(result.stopSteps[i]).toBe(reference.stopSteps[i]);
    }
  });
});

describe('dispatch sizes', () => {
  test.each([1, 63, 64, 65, 1000])('%i particles each update exactly once', async (count) => {
    // x² with η = 0.25 halves x exactly, so one update of every particle,
    // and no particle updated twice, shows in every final value.
    const surface = compileFormula('x^2');
    const starts: Starts = { kind: 'grid', nx: count, ny: 1, domain: { xMin: 1, xMax: 2, yMin: 0, yMax: 0 } };
    const result = await runDescent(gpu(), { surface, optimizer: { ...DEFAULT_OPTIMIZER, lr: 0.25 }, criteria: DEFAULT_CRITERIA, starts }, 1);
    const expected = new Float32Array(2 * count);
    fillStarts(starts, expected);
    for (let i = 0; i < count; i++) {
      expect(result.positions[2 * i]).toBe(expected[2 * i] / 2);
    }
  });

  test('4,194,305 particles: more than 65,535 workgroups of 64', async () => {
    const count = 65536 * 64 + 1;
    const surface = compileFormula('x^2');
    const starts: Starts = { kind: 'grid', nx: count, ny: 1, domain: { xMin: 1, xMax: 2, yMin: 0, yMax: 0 } };
    const result = await runDescent(gpu(), { surface, optimizer: { ...DEFAULT_OPTIMIZER, lr: 0.25 }, criteria: DEFAULT_CRITERIA, starts }, 2);
    const expected = new Float32Array(2 * count);
    fillStarts(starts, expected);
    let wrong = 0;
    for (let i = 0; i < count; i++) {
      if (result.positions[2 * i] !== expected[2 * i] / 4) {
        wrong++;
      }
    }
    expect(wrong).toBe(0);
  });

  test('a setup beyond the binding size limit is rejected before allocation', async () => {
    const surface = compileFormula('x^2 + y^2');
    const side = Math.ceil(Math.sqrt(gpu().device.limits.maxStorageBufferBindingSize / 16)) + 1;
    const create = Descent.create(gpu(), {
      surface,
      optimizer: DEFAULT_OPTIMIZER,
      criteria: DEFAULT_CRITERIA,
      starts: { kind: 'grid', nx: side, ny: side, domain: { xMin: -1, xMax: 1, yMin: -1, yMax: 1 } },
      trail: { maxParticles: 16, length: 4, every: 1 },
      historyLength: 4,
      pickedIndex: 0,
      maxStepsPerDispatch: 10,
    });
    await expect(create).rejects.toBeInstanceOf(LimitExceededError);
    await expect(create).rejects.toThrow(/maxStorageBufferBindingSize/);
  });
});

describe('statistics passes', () => {
  const setup = (onStats?: (snapshot: StatsSnapshot) => void) => ({
    surface: compileFormula(findSurface('quadratic')!.formula),
    optimizer: { ...DEFAULT_OPTIMIZER, lr: 0.2 },
    criteria: DEFAULT_CRITERIA,
    starts: grid('quadratic', 16),
    trail: { maxParticles: 16, length: 4, every: 1 },
    historyLength: 8,
    pickedIndex: 5,
    maxStepsPerDispatch: 100,
    onStats,
  });

  test('without a readback, dispatches run no statistics pass', async () => {
    const descent = await Descent.create(gpu(), setup());
    try {
      const before = descent.dispatches.statistics;
      for (let k = 0; k < 5; k++) {
        descent.step(10);
      }
      expect(descent.dispatches.statistics).toBe(before);
      expect(descent.dispatches.lean).toBe(5);
    } finally {
      descent.destroy();
    }
  });

  test('a pick after skipped passes reads current statistics', async () => {
    const snapshots: StatsSnapshot[] = [];
    const descent = await Descent.create(gpu(), setup((snapshot) => snapshots.push(snapshot)));
    try {
      // Eight dispatches back to back: the ring of three buffers fills, so later dispatches skip the pass.
      for (let k = 0; k < 8; k++) {
        descent.step(5);
      }
      const passes = descent.dispatches.statistics;
      expect(passes).toBeLessThan(8);
      await descent.statsSettled();
      descent.setPicked(9);
      // The last dispatch skipped its pass, so the pick's snapshot runs one first.
      expect(descent.dispatches.statistics).toBe(passes + 1);
      await descent.statsSettled();
      const last = snapshots.at(-1)!;
      expect(last.stepsDone).toBe(40);
      expect(last.pickedIndex).toBe(9);

      const reference = new ReferenceRun({ surface: setup().surface, optimizer: setup().optimizer, criteria: DEFAULT_CRITERIA, starts: setup().starts }, 'f32');
      reference.advance(40);
      const counts = [0, 0, 0];
      reference.status.forEach((status) => counts[status]++);
      expect([last.moving, last.converged, last.diverged]).toEqual(counts);
    } finally {
      descent.destroy();
    }
  });

  /** Runs `updates` dispatches of one update on a 70 × 70 grid over [-3, 3]² and returns the last snapshot and the result. */
  async function statisticsAfter(formula: string, lr: number, divergeBound: number, updates: number) {
    const snapshots: StatsSnapshot[] = [];
    const descent = await Descent.create(gpu(), {
      ...setup((snapshot) => snapshots.push(snapshot)),
      surface: compileFormula(formula),
      optimizer: { ...DEFAULT_OPTIMIZER, lr },
      criteria: { ...DEFAULT_CRITERIA, divergeBound },
      starts: { kind: 'grid', nx: 70, ny: 70, domain: { xMin: -3, xMax: 3, yMin: -3, yMax: 3 } },
    });
    try {
      for (let k = 0; k < updates; k++) {
        descent.step(1);
      }
      await gpu().device.queue.onSubmittedWorkDone();
      await descent.statsSettled();
      const result = await readResult(gpu().device, descent);
      const last = snapshots.reduce((a, b) => (b.stepsDone > a.stepsDone ? b : a));
      const counts = [0, 0, 0];
      result.status.forEach((status) => counts[status]++);
      const ranged = Array.from(result.loss).filter((loss, i) => result.status[i] !== STATUS.diverged && !Number.isNaN(loss));
      return { last, result, counts, ranged };
    } finally {
      descent.destroy();
    }
  }

  // 70 × 70 = 4,900 particles make two statistics workgroups, with blocks of
  // 2,496 and 2,404 particles. sqrt(x + 2) - y is undefined for x < -2, where
  // particles diverge at their first update, and negative above the curve
  // y = sqrt(x + 2). Particles that step past x = -2 keep moving without a
  // loss until their next update.
  test('loss range: negative and undefined losses', async () => {
    const { last, counts, ranged } = await statisticsAfter('sqrt(x + 2) - y', 0.25, 3.2, 2);
    expect(last.stepsDone).toBe(2);
    expect([last.moving, last.converged, last.diverged]).toEqual(counts);
    expect(ranged.length).toBeLessThan(counts[STATUS.moving] + counts[STATUS.converged]);
    expect(Math.min(...ranged)).toBeLessThan(0);
    expect(Math.max(...ranged)).toBeGreaterThan(0);
    expect(last.lossMin).toBe(Math.min(...ranged));
    expect(last.lossMax).toBe(Math.max(...ranged));
  });

  // On x - y a step moves a particle by (-η, η). With the bound at 2 the outer
  // starts diverge at their first update and keep their start, where the loss
  // reaches ±5.9, beyond the ±4 of the particles inside the bound.
  test('loss range: diverged particles left out', async () => {
    const { last, result, counts, ranged } = await statisticsAfter('x - y', 0.01, 2, 1);
    const all = Array.from(result.loss);
    expect([last.moving, last.converged, last.diverged]).toEqual(counts);
    expect(counts[STATUS.diverged]).toBeGreaterThan(0);
    expect(Math.min(...all)).toBeLessThan(Math.min(...ranged));
    expect(Math.max(...all)).toBeGreaterThan(Math.max(...ranged));
    expect(last.lossMin).toBe(Math.min(...ranged));
    expect(last.lossMax).toBe(Math.max(...ranged));
  });
});

describe('what the app reads without stalling', () => {
  test('statistics, picked history and trails match the reference', async () => {
    const surface = compileFormula(findSurface('quadratic')!.formula);
    const starts = grid('quadratic', 16);
    const snapshots: StatsSnapshot[] = [];
    const picked = 37;
    const descent = await Descent.create(gpu(), {
      surface,
      optimizer: { ...DEFAULT_OPTIMIZER, lr: 0.2 },
      criteria: DEFAULT_CRITERIA,
      starts,
      trail: { maxParticles: 64, length: 8, every: 2 },
      historyLength: 64,
      pickedIndex: picked,
      maxStepsPerDispatch: 100,
      onStats: (snapshot) => snapshots.push(snapshot),
    });
    const reference = new ReferenceRun({ surface, optimizer: { ...DEFAULT_OPTIMIZER, lr: 0.2 }, criteria: DEFAULT_CRITERIA, starts }, 'f32');
    const trajectory: number[][] = [[reference.positions[2 * picked], reference.positions[2 * picked + 1]]];

    try {
      const settle = async (): Promise<void> => {
        await gpu().device.queue.onSubmittedWorkDone();
        await descent.statsSettled();
      };
      for (let k = 0; k < 30; k++) {
        // The ring skips a readback while all its buffers are in flight; the
        // last update comes after the ring has drained, so it is read.
        if (k === 29) {
          await settle();
        }
        descent.step(1);
        reference.advance(1);
        trajectory.push([reference.positions[2 * picked], reference.positions[2 * picked + 1]]);
      }
      await settle();
      const result = await readResult(gpu().device, descent);

      const last = snapshots.reduce((a, b) => (b.stepsDone > a.stepsDone ? b : a));
      const counts = { moving: 0, converged: 0, diverged: 0 };
      reference.status.forEach((status) => {
        counts[(['moving', 'converged', 'diverged'] as const)[status]]++;
      });
      expect(last.stepsDone).toBe(30);
      expect({ moving: last.moving, converged: last.converged, diverged: last.diverged }).toEqual(counts);
      expect(last.lossMin).toBe(Math.min(...result.loss));
      expect(last.lossMax).toBe(Math.max(...result.loss));

      // History: one entry per update of the picked particle, with its update count.
      const entries = last.history.filter((entry) => entry.step <= 30);
      for (const entry of entries) {
        expect([entry.x, entry.y]).toEqual(trajectory[entry.step]);
      }
      // A converged particle is frozen and writes no more entries.
      const lastUpdate = reference.stopSteps[picked] || 30;
      expect(lastUpdate).toBeGreaterThan(10);
      expect(entries.map((entry) => entry.step).sort((a, b) => a - b)).toEqual(Array.from({ length: lastUpdate + 1 }, (_, k) => k));
      // The picked particle's stop step, as the inspector shows it.
      expect(last.pickedStopStep).toBe(reference.stopSteps[picked]);
      expect(last.pickedStopStep).toBeGreaterThan(0);

      // Trails: particle 0 keeps one; after 30 updates at one point every 2,
      // its ring of 8 contains the positions after updates 16, 18, …, 30.
      const trailBytes = await readBuffer(gpu().device, descent.trails, 8 * TRAIL_POINT_STRIDE);
      const ring = new Float32Array(trailBytes);
      const reference0 = new ReferenceRun({ surface, optimizer: { ...DEFAULT_OPTIMIZER, lr: 0.2 }, criteria: DEFAULT_CRITERIA, starts }, 'f32');
      for (let t = 1; t <= 30; t++) {
        reference0.advance(1);
        if (t >= 16 && t % 2 === 0) {
          const slot = (t / 2) % 8;
          expect([ring[4 * slot], ring[4 * slot + 1]]).toEqual([reference0.positions[0], reference0.positions[1]]);
        }
      }
    } finally {
      descent.destroy();
    }
  });
});
