/**
 * The product's descent pipeline (src/gpu/descent.ts) set up as the app sets
 * it up: status tracking, trails for a subsample, the picked particle's
 * history and the asynchronous statistics ring all on.
 */
import { DEFAULT_CRITERIA } from '../src/core/config.ts';
import { startCount } from '../src/core/grid.ts';
import type { GpuContext } from '../src/gpu/device.ts';
import { Descent, type TrailOptions } from '../src/gpu/descent.ts';
import { readResult, type DescentResult } from '../src/gpu/runDescent.ts';
import type { GpuTimer } from './gpuTimer.ts';
import type { TimedPath } from './measure.ts';
import type { WorkloadSetup } from './workloads.ts';

/** The trail and history sizes of the app (TRAIL_PARTICLES, TRAIL_LENGTH, TRAIL_EVERY and HISTORY_LENGTH in src/ui/app.ts). */
export const APP_TRAIL: TrailOptions = { maxParticles: 256, length: 64, every: 1 };
export const APP_HISTORY_LENGTH = 4096;

export interface ProductPath extends TimedPath {
  /** Positions, status and stop steps of every particle after the last run. */
  readResult(): Promise<DescentResult>;
  /** Statistics snapshots the ring delivered so far, to show that the readback ran. */
  snapshots(): number;
  /** Dispatches so far in the lean kernel and in the general loop (see Descent.dispatches). */
  dispatches(): { lean: number; general: number };
}

/**
 * Builds the product's pipeline for a workload and returns a path whose every
 * run resets the particles and makes `dispatches` calls of
 * Descent.step(steps), one submit each, as the frame loop does.
 */
export async function createProductPath(gpu: GpuContext, timer: GpuTimer, setup: WorkloadSetup, steps: number, dispatches: number): Promise<ProductPath> {
  const count = startCount(setup.starts);
  let snapshots = 0;
  const descent = await Descent.create(gpu, {
    surface: setup.surface,
    optimizer: setup.optimizer,
    criteria: DEFAULT_CRITERIA,
    starts: setup.starts,
    trail: APP_TRAIL,
    historyLength: APP_HISTORY_LENGTH,
    // A particle in the middle of the grid, as a click would pick.
    pickedIndex: Math.floor(count / 2) + Math.floor(setup.starts.nx / 2),
    maxStepsPerDispatch: steps,
    onStats: () => snapshots++,
  });

  return {
    particleSteps: count * steps * dispatches,
    run: () => {
      descent.reset();
      return timer.measure(() => {
        for (let d = 0; d < dispatches; d++) {
          descent.step(steps);
        }
      });
    },
    readResult: () => readResult(gpu.device, descent),
    snapshots: () => snapshots,
    dispatches: () => ({ ...descent.dispatches }),
    destroy: () => descent.destroy(),
  };
}
