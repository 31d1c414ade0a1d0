/**
 * Buffer layouts of the descent pipeline (shaders/descent.wgsl), described
 * once here. test/gpu/layout.test.ts checks them against the WGSL.
 */
import type { OptimizerName } from '../core/config.ts';
import { defineStruct } from './struct.ts';

/** The uniform `Params` of shaders/descent.wgsl, field for field. */
export const DESCENT_PARAMS = defineStruct('Params', [
  ['particle_count', 'u32'],
  ['step_start', 'u32'],
  ['step_count', 'u32'],
  ['picked_index', 'u32'],
  ['grid_size', 'vec2u'],
  ['trail_stride', 'vec2u'],
  ['grid_origin', 'vec4f'],
  ['use_grid', 'u32'],
  ['trail_columns', 'u32'],
  ['trail_every', 'u32'],
  ['trail_length', 'u32'],
  ['starts_per_cell', 'u32'],
  ['weight_decay', 'f32'],
  ['grad_tol_sq', 'f32'],
  ['step_tol_sq', 'f32'],
  ['diverge_bound', 'f32'],
  ['history_length', 'u32'],
  ['one_minus_dampening', 'f32'],
  ['eps', 'f32'],
  ['lr_decay', 'f32'],
  ['initial_accumulator', 'f32'],
  ['alpha', 'f32'],
  ['one_minus_alpha', 'f32'],
  ['beta2', 'f32'],
  ['one_minus_beta2', 'f32'],
  ['flags', 'u32'],
  ['noise_sigma', 'f32'],
  ['noise_seed', 'u32'],
  ['cell_offset', 'u32'],
  ['trail_count', 'u32'],
] as const);

/** Values of the OPTIMIZER override constant, as the OPTIMIZER_* constants of the WGSL. */
export const OPTIMIZER_CODES: Record<OptimizerName, number> = {
  gd: 0,
  momentum: 1,
  nesterov: 2,
  adagrad: 3,
  rmsprop: 4,
  adam: 5,
  adamw: 6,
};

/** Bits of Params.flags, as FLAG_* in the WGSL. */
export const FLAG_CENTERED = 1;
export const FLAG_AMSGRAD = 2;

/**
 * Optimizer state entries (vec4f) per particle: momentum and nesterov keep
 * the momentum buffer, adagrad the sum of squared gradients, rmsprop the
 * square and gradient averages and a momentum buffer, adam and adamw both
 * moments, the bias corrections 1 − β₁ᵗ and 1 − β₂ᵗ and the AMSGrad maximum.
 */
export function stateEntries(optimizer: OptimizerName): number {
  switch (optimizer) {
    case 'gd':
      return 0;
    case 'momentum':
    case 'nesterov':
    case 'adagrad':
      return 1;
    case 'rmsprop':
    case 'adam':
    case 'adamw':
      return 2;
  }
}

/** Bytes per particle in `points`: x, y, loss, status (vec4f). */
export const POINT_STRIDE = 16;
/** Bytes per entry of `opt_state` (vec4f); an optimizer uses a whole number of them per particle. */
export const STATE_ENTRY_STRIDE = 16;
/** Bytes per particle in `stop_steps` (u32). */
export const STOP_STEP_STRIDE = 4;
/** Bytes per trail point (vec4f: x, y, loss, unused). */
export const TRAIL_POINT_STRIDE = 16;
/** Bytes per entry of `history` (vec4f: x, y, loss, update count as bits). */
export const HISTORY_ENTRY_STRIDE = 16;
/**
 * Bytes per entry of `tables` (vec4f): the schedule's factor a and offset b
 * per update of a dispatch, then η, μ, β₁, 1 − β₁ per cell.
 */
export const TABLE_ENTRY_STRIDE = 16;
/** Bytes per listed start (vec2f). */
export const START_STRIDE = 8;

/** Indices into the statistics buffer, as the STAT_* constants of the WGSL. */
export const STAT_MOVING = 0;
export const STAT_CONVERGED = 1;
export const STAT_DIVERGED = 2;
export const STAT_LOSS_MIN = 3;
export const STAT_LOSS_MAX = 4;
/** u32 words in the statistics buffer. */
export const STAT_WORDS = 8;

/** Binding numbers of group 0. */
export const BINDING = {
  params: 0,
  points: 1,
  optState: 2,
  stopSteps: 3,
  trails: 4,
  history: 5,
  stats: 6,
  starts: 7,
  tables: 8,
} as const;

/**
 * Loss that the descent kernel stores in `points`, `trails` and `history`
 * where the loss is undefined or not finite (MISSING_LOSS in
 * shaders/descent.wgsl). It is finite so that vertex shaders can read it, and
 * read back it becomes NaN through lossFromStored.
 */
export const MISSING_LOSS = Math.fround(3.0e38);

/** Decodes a stored loss: NaN for MISSING_LOSS (and above) and for non-finite values, else the value. */
export function lossFromStored(stored: number): number {
  return Number.isFinite(stored) && stored < MISSING_LOSS ? stored : Number.NaN;
}
