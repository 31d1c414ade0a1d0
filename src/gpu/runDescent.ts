/**
 * Runs a descent to a given number of updates and reads the final particle
 * state back: the GPU path of the CLI, the tests and the verifier.
 */
import { MAX_STEPS_PER_DISPATCH, planDispatches } from '../core/limits.ts';
import type { GpuContext } from './device.ts';
import { Descent, type DescentSetup } from './descent.ts';
import { lossFromStored, POINT_STRIDE, STOP_STEP_STRIDE } from './layout.ts';
import { readBuffer } from './readback.ts';

export interface DescentResult {
  particleCount: number;
  /** Final positions, x and y interleaved, as float32 values. */
  positions: Float32Array;
  /** Loss per particle; NaN where it is undefined or not finite. */
  loss: Float32Array;
  /** STATUS code per particle. */
  status: Uint8Array;
  stopSteps: Uint32Array;
}

export type RunSetup = Omit<DescentSetup, 'trail' | 'historyLength' | 'pickedIndex' | 'maxStepsPerDispatch' | 'onStats'>;

/**
 * Runs `steps` updates in dispatches of at most `stepsPerDispatch` updates
 * and at most MAX_PARTICLE_STEPS_PER_SUBMIT particle-steps, one submit each,
 * so that no single submission runs long enough to trip a GPU watchdog.
 */
export async function runDescent(gpu: GpuContext, setup: RunSetup, steps: number, stepsPerDispatch = MAX_STEPS_PER_DISPATCH): Promise<DescentResult> {
  const descent = await Descent.create(gpu, {
    ...setup,
    trail: { maxParticles: 1, length: 2, every: 1 },
    historyLength: 1,
    pickedIndex: 0xffffffff,
    maxStepsPerDispatch: stepsPerDispatch,
  });

  try {
    runDescentSteps(descent, steps, stepsPerDispatch);
    return await readResult(gpu.device, descent);
  } finally {
    descent.destroy();
  }
}

/**
 * Queues `steps` updates in dispatches of at most `stepsPerDispatch` updates
 * and MAX_PARTICLE_STEPS_PER_SUBMIT particle-steps, one submit each.
 */
export function runDescentSteps(descent: Descent, steps: number, stepsPerDispatch: number): void {
  // NOTE: every planned dispatch runs even after all particles have converged or diverged. Stopping early
  // would need a status readback between submits, and the reports would then count the updates run.
  for (const chunk of planDispatches(descent.particleCount, steps, stepsPerDispatch)) {
    descent.step(chunk);
  }
}

/** Reads positions, loss, status and stop steps of every particle. */
export async function readResult(device: GPUDevice, descent: Descent): Promise<DescentResult> {
  const count = descent.particleCount;
  const [pointBytes, stopBytes] = await Promise.all([
    readBuffer(device, descent.points, count * POINT_STRIDE),
    readBuffer(device, descent.stopSteps, count * STOP_STEP_STRIDE),
  ]);
  const points = new Float32Array(pointBytes);
  const positions = new Float32Array(2 * count);
  const loss = new Float32Array(count);
  const status = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    positions[2 * i] = points[4 * i];
    positions[2 * i + 1] = points[4 * i + 1];
    loss[i] = lossFromStored(points[4 * i + 2]);
    status[i] = points[4 * i + 3];
  }
  return { particleCount: count, positions, loss, status, stopSteps: new Uint32Array(stopBytes) };
}
