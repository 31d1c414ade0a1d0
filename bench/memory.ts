/**
 * GPU memory of the descent pipeline per optimizer, and whether the largest
 * grid fits an adapter's buffer limits.
 */
import { OPTIMIZER_NAMES, defaultOptimizer, type OptimizerName } from '../src/core/config.ts';
import { GRID_2D, MAX_STEPS_PER_DISPATCH } from '../src/core/limits.ts';
import { BASIN_STRIDE } from '../src/gpu/basins.ts';
import { bytesPerParticle } from '../src/gpu/descent.ts';
import { HISTORY_ENTRY_STRIDE, POINT_STRIDE, STAT_WORDS, STATE_ENTRY_STRIDE, TABLE_ENTRY_STRIDE, TRAIL_POINT_STRIDE, stateEntries } from '../src/gpu/layout.ts';
import { APP_HISTORY_LENGTH, APP_TRAIL } from './productPath.ts';

/** WebGPU's default maxStorageBufferBindingSize and maxBufferSize, which a device gets unless it requests more. */
export const DEFAULT_LIMITS = { maxStorageBufferBindingSize: 134_217_728, maxBufferSize: 268_435_456 } as const;

/** Maximum particle count of the app: a 2048 × 2048 grid. */
export const LARGEST_GRID_PARTICLES = GRID_2D.max * GRID_2D.max;

export interface OptimizerMemory {
  optimizer: OptimizerName;
  /** points + stop step + optimizer state. */
  bytesPerParticle: number;
  /** bytesPerParticle and the basin index that the app keeps for its basin map. */
  appBytesPerParticle: number;
  stateBytes: number;
  /** The largest single buffer at LARGEST_GRID_PARTICLES: `points` or `optState`. */
  largestBinding: number;
  /** Every buffer of one of the app's runs at LARGEST_GRID_PARTICLES: the Descent, its staging ring and the basin indices. */
  totalBytes: number;
}

/** Buffers whose size does not depend on the particle count, with the app's trail and history sizes. */
export function fixedBytes(): Record<string, number> {
  const statsBytes = STAT_WORDS * 4;
  return {
    trails: APP_TRAIL.maxParticles * APP_TRAIL.length * TRAIL_POINT_STRIDE,
    history: APP_HISTORY_LENGTH * HISTORY_ENTRY_STRIDE,
    // The schedule of one dispatch and the hyperparameters of one cell (a sweep has more cells).
    tables: (MAX_STEPS_PER_DISPATCH + 1) * TABLE_ENTRY_STRIDE,
    stats: statsBytes,
    // Three staging buffers of statistics, history and the picked particle's point and state (src/gpu/statsRing.ts).
    statsRing: 3 * (statsBytes + APP_HISTORY_LENGTH * HISTORY_ENTRY_STRIDE + POINT_STRIDE + 2 * STATE_ENTRY_STRIDE),
  };
}

export function optimizerMemory(particles = LARGEST_GRID_PARTICLES): OptimizerMemory[] {
  const fixed = Object.values(fixedBytes()).reduce((sum, bytes) => sum + bytes, 0);
  return OPTIMIZER_NAMES.map((name) => {
    const stateBytes = stateEntries(name) * STATE_ENTRY_STRIDE;
    const perParticle = bytesPerParticle(defaultOptimizer(name));
    return {
      optimizer: name,
      bytesPerParticle: perParticle,
      appBytesPerParticle: perParticle + BASIN_STRIDE,
      stateBytes,
      largestBinding: particles * Math.max(POINT_STRIDE, stateBytes),
      totalBytes: particles * (perParticle + BASIN_STRIDE) + fixed,
    };
  });
}
