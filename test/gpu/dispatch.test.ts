// Every particle gets every update exactly once, whatever the particle count
// and the shape of the dispatch. The surface f = x has the gradient (1, 0), so
// plain descent with η = 1 subtracts exactly 1 from x per update: x counts the
// updates of its particle. Starts at i + 0.5 and at most a few updates keep
// every value a half-integer below 2^23, exact in float32, so the count is
// exact too.

import { describe, expect, test } from 'vitest';

import { DEFAULT_CRITERIA, DEFAULT_OPTIMIZER, STATUS } from '../../src/core/config.ts';
import { compileFormula } from '../../src/core/expr/index.ts';
import type { GridStarts } from '../../src/core/grid.ts';
import { Descent } from '../../src/gpu/descent.ts';
import { readResult, type DescentResult } from '../../src/gpu/runDescent.ts';
import type { StatsSnapshot } from '../../src/gpu/statsRing.ts';
import { useTestGpuContext } from '../helpers/nodeGpu.ts';

const gpu = useTestGpuContext();

const counter = compileFormula('x');
const optimizer = { ...DEFAULT_OPTIMIZER, lr: 1 };
// x reaches 5,000,000.5, past the default divergence bound of 1e6.
const criteria = { ...DEFAULT_CRITERIA, divergeBound: 1e7 };

/** Particle i starts at (i + 0.5, 0). */
function counterStarts(count: number): GridStarts {
  return { kind: 'grid', nx: count, ny: 1, domain: { xMin: 0, xMax: count, yMin: 0, yMax: 0 } };
}

interface Tally {
  /** Particles whose x moved by other than `steps`, or whose y moved at all. */
  wrong: number;
  /** Sum over particles of the updates counted in x: count × steps when every particle got every update. */
  checksum: number;
  moving: number;
}

function tally(result: DescentResult, steps: number): Tally {
  let wrong = 0;
  let checksum = 0;
  let moving = 0;
  for (let i = 0; i < result.particleCount; i++) {
    const updates = i + 0.5 - result.positions[2 * i];
    checksum += updates;
    if (updates !== steps || result.positions[2 * i + 1] !== 0) {
      wrong++;
    }
    if (result.status[i] === STATUS.moving) {
      moving++;
    }
  }
  return { wrong, checksum, moving };
}

/**
 * Particle counts, updates per dispatch and dispatches. 63, 64 and 65
 * straddle one workgroup of 64; 4,194,305 needs more than 65,535 workgroups,
 * so a 2D dispatch; 5,000,000 leaves a partial row of it. The particles past
 * the 256 with trails take the fast loop. In dispatches of 45 updates it
 * runs two chunks of 20 without stopping tests and 5 updates with them.
 */
const CASES: Array<[number, number, number]> = [
  [1, 1, 5],
  [63, 1, 5],
  [64, 1, 5],
  [65, 1, 5],
  [4_194_305, 1, 2],
  [5_000_000, 1, 2],
  [300, 45, 2],
  [321, 45, 2],
  [100_003, 45, 2],
];

describe('every particle updated exactly once per update', () => {
  test.each(CASES)('%i particles, %i updates per dispatch, %i dispatches', async (count, perDispatch, dispatches) => {
    const steps = perDispatch * dispatches;
    const snapshots: StatsSnapshot[] = [];
    // Trails and a picked particle as in the app, so that particles of both
    // update loops, the fast one and the one with trails and history, are counted.
    const descent = await Descent.create(gpu(), {
      surface: counter,
      optimizer,
      criteria,
      starts: counterStarts(count),
      trail: { maxParticles: 256, length: 8, every: 1 },
      historyLength: 16,
      pickedIndex: count - 1,
      maxStepsPerDispatch: perDispatch,
      onStats: (snapshot) => snapshots.push(snapshot),
    });

    try {
      for (let k = 0; k < dispatches; k++) {
        descent.step(perDispatch);
      }
      const result = await readResult(gpu().device, descent);
      const { wrong, checksum, moving } = tally(result, steps);
      expect(wrong).toBe(0);
      expect(checksum).toBe(count * steps);
      expect(moving).toBe(count);

      // The statistics pass counts every particle once too.
      await descent.statsSettled();
      expect(snapshots.length).toBeGreaterThan(0);
      const last = snapshots.reduce((a, b) => (b.stepsDone > a.stepsDone ? b : a));
      expect(last.moving + last.converged + last.diverged).toBe(count);
      expect(last.moving).toBe(count);
    } finally {
      descent.destroy();
    }
  });
});
