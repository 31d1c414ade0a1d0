/**
 * The configuration of one descent run: the optimizer and its
 * hyperparameters, the learning-rate schedule, gradient noise, and the rules
 * that decide when a particle has converged or diverged. The GPU pipeline,
 * the CPU reference, the panel and the CLI share it.
 */

export const OPTIMIZER_NAMES = ['gd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam', 'adamw'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/**
 * Hyperparameters of every optimizer, named and defaulted as in torch.optim
 * (SGD, Adagrad, RMSprop, Adam, AdamW). Each optimizer reads only its own.
 */
export interface OptimizerConfig {
  name: OptimizerName;
  /** Learning rate η. */
  lr: number;
  /** Momentum μ: SGD (momentum, nesterov) and RMSprop. */
  momentum: number;
  /** Dampening τ of the SGD momentum buffer. */
  dampening: number;
  /** L2 penalty λ: added to the gradient (coupled) except in AdamW, which decays the parameter (decoupled). */
  weightDecay: number;
  /** ε in the denominator of AdaGrad, RMSprop and Adam. */
  eps: number;
  /** AdaGrad's learning-rate decay: η / (1 + t · lrDecay). */
  lrDecay: number;
  /** AdaGrad's starting value of the sum of squared gradients. */
  initialAccumulator: number;
  /** RMSprop's smoothing constant α. */
  alpha: number;
  /** RMSprop: divide by the centred second moment (an estimate of the variance). */
  centered: boolean;
  /** Adam's decay rates of the first and second moment estimates. */
  beta1: number;
  beta2: number;
  /** Adam: divide by the running maximum of the second moment. */
  amsgrad: boolean;
}

const BASE: Omit<OptimizerConfig, 'name'> = {
  lr: 0.1,
  momentum: 0,
  dampening: 0,
  weightDecay: 0,
  eps: 1e-8,
  lrDecay: 0,
  initialAccumulator: 0,
  alpha: 0.99,
  centered: false,
  beta1: 0.9,
  beta2: 0.999,
  amsgrad: false,
};

/** torch.optim's defaults for each optimizer, with the app's default learning rate. */
export function defaultOptimizer(name: OptimizerName, lr = BASE.lr): OptimizerConfig {
  const config: OptimizerConfig = { ...BASE, name, lr };
  switch (name) {
    case 'momentum':
    case 'nesterov':
      config.momentum = 0.9;
      break;
    case 'adagrad':
      config.eps = 1e-10;
      break;
    case 'adamw':
      config.weightDecay = 0.01;
      break;
  }
  return config;
}

export const DEFAULT_OPTIMIZER: OptimizerConfig = defaultOptimizer('gd');

export const SCHEDULE_NAMES = ['constant', 'step', 'exponential', 'cosine', 'cyclic'] as const;
export type ScheduleName = (typeof SCHEDULE_NAMES)[number];

/** A learning-rate schedule, evaluated at update t (t = 0 for the first update). */
export interface ScheduleConfig {
  name: ScheduleName;
  /** Updates per step of `step`, and per half cycle of `cyclic`. */
  stepSize: number;
  /** Multiplicative decay γ of `step` and `exponential`. */
  gamma: number;
  /** Period T of `cosine`: the rate stays at lrMin from update T on. */
  tMax: number;
  /** Lowest rate of `cosine` and `cyclic`. */
  lrMin: number;
  /** Linear warm-up over this many updates (0: none): the rate is scaled by min(1, (t + 1) / warmup). */
  warmup: number;
}

export const DEFAULT_SCHEDULE: ScheduleConfig = {
  name: 'constant',
  stepSize: 100,
  gamma: 0.5,
  tMax: 1000,
  lrMin: 0,
  warmup: 0,
};

/** Gaussian gradient noise: standard deviation σ per component, from a counter-based generator. */
export interface NoiseConfig {
  sigma: number;
  /** Seed of the generator, an unsigned 32-bit integer. */
  seed: number;
}

export const DEFAULT_NOISE: NoiseConfig = { sigma: 0, seed: 1 };

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
