/**
 * The configuration of one descent run: the optimizer and its
 * hyperparameters, and the rules that decide when a particle has converged or
 * diverged. The GPU pipeline, the CPU reference, the panel and the CLI share it.
 */

export const OPTIMIZER_NAMES = ['gd'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

export interface OptimizerConfig {
  name: OptimizerName;
  /** Learning rate η. */
  lr: number;
  /** Coupled L2 penalty added to the gradient, as torch.optim does (0 disables it). */
  weightDecay: number;
}

export const DEFAULT_OPTIMIZER: OptimizerConfig = {
  name: 'gd',
  lr: 0.1,
  weightDecay: 0,
};

/**
 * Convergence and divergence rules. A particle converges on the update whose
 * gradient norm is at most gradTol and whose step length is at most stepTol.
 * It diverges when a coordinate becomes non-finite or its magnitude exceeds
 * divergeBound. Either way it is frozen from then on.
 */
export interface StopCriteria {
  gradTol: number;
  stepTol: number;
  divergeBound: number;
}

export const DEFAULT_CRITERIA: StopCriteria = {
  gradTol: 1e-3,
  stepTol: 1e-5,
  divergeBound: 1e6,
};

/** Particle status codes, identical in TypeScript and WGSL (shaders/descent.wgsl). */
export const STATUS = {
  moving: 0,
  converged: 1,
  diverged: 2,
} as const;

export const STATUS_NAMES = ['moving', 'converged', 'diverged'] as const;
export type StatusName = (typeof STATUS_NAMES)[number];
