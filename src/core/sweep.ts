/**
 * Learning-rate sweeps and phase maps. A sweep runs every start of the grid
 * once per cell; a cell is one learning rate (log-spaced between lrMin and
 * lrMax), or one pair (learning rate, second hyperparameter) of a phase map.
 * Particle i starts at start i mod S and belongs to cell ⌊i / S⌋, where S is
 * the number of starts; cell c is learning rate c mod L and second value
 * ⌊c / L⌋ for L learning rates.
 */
import { STATUS, type OptimizerConfig, type OptimizerName } from './config.ts';
import type { CompiledSurface } from './expr/index.ts';
import type { SurfaceDefinition } from './surfaces.ts';

/** Hyperparameters a sweep can vary besides the learning rate, and the optimizers that read them. */
export const SWEEP_PARAMETERS = {
  momentum: ['momentum', 'nesterov', 'rmsprop'],
  beta1: ['adam', 'adamw'],
} as const satisfies Record<string, readonly OptimizerName[]>;
export type SweepParameter = keyof typeof SWEEP_PARAMETERS;

export interface SweepAxes {
  lrMin: number;
  lrMax: number;
  /** Learning rates, log-spaced from lrMin to lrMax inclusive. */
  lrCount: number;
  /** The second axis of a phase map: linearly spaced values of one hyperparameter. */
  second?: { parameter: SweepParameter; min: number; max: number; count: number };
}

/** The hyperparameters that can differ between cells. */
export interface CellHyperparameters {
  lr: number;
  momentum: number;
  beta1: number;
}

/** Log-spaced values from min to max inclusive (min alone when count is 1). */
export function logSpace(min: number, max: number, count: number): number[] {
  if (count === 1) {
    return [min];
  }
  const values = Array.from({ length: count }, (_, k) => Math.exp(Math.log(min) + ((Math.log(max) - Math.log(min)) * k) / (count - 1)));
  // The ends exactly as given, not as exp(log(x)) rounds them.
  values[0] = min;
  values[count - 1] = max;
  return values;
}

/** Linearly spaced values from min to max inclusive (min alone when count is 1). */
export function linearSpace(min: number, max: number, count: number): number[] {
  if (count === 1) {
    return [min];
  }
  return Array.from({ length: count }, (_, k) => min + ((max - min) * k) / (count - 1));
}

/** The single cell of a run that sweeps nothing. */
export function singleCell(optimizer: OptimizerConfig): CellHyperparameters[] {
  return [{ lr: optimizer.lr, momentum: optimizer.momentum, beta1: optimizer.beta1 }];
}

/** The cells of a sweep over `axes`, other hyperparameters taken from `optimizer`. */
export function sweepCells(optimizer: OptimizerConfig, axes: SweepAxes): CellHyperparameters[] {
  const lrs = logSpace(axes.lrMin, axes.lrMax, axes.lrCount);
  const seconds = axes.second ? linearSpace(axes.second.min, axes.second.max, axes.second.count) : [undefined];
  const cells: CellHyperparameters[] = [];
  for (const second of seconds) {
    for (const lr of lrs) {
      const cell = { lr, momentum: optimizer.momentum, beta1: optimizer.beta1 };
      if (second !== undefined && axes.second) {
        cell[axes.second.parameter] = second;
      }
      cells.push(cell);
    }
  }
  return cells;
}

/**
 * The per-cell table of the GPU: η, μ, β₁ and 1 − β₁ per cell, each rounded
 * once from float64 (so 1 − β₁ is the float32 of the exact difference, as
 * PyTorch computes it).
 */
export function cellTable(cells: readonly CellHyperparameters[]): Float32Array<ArrayBuffer> {
  const table = new Float32Array(4 * cells.length);
  cells.forEach((cell, k) => table.set([cell.lr, cell.momentum, cell.beta1, 1 - cell.beta1], 4 * k));
  return table;
}

/** What most particles of a cell did. */
export type Outcome = 'converged' | 'diverged' | 'neither';

export interface CellStatistics {
  /** Shares of the cell's particles. */
  converged: number;
  diverged: number;
  /** Percentiles of the final loss; a diverged particle or a missing loss counts as +∞ (null when the percentile is infinite). */
  medianLoss: number | null;
  p10Loss: number | null;
  p90Loss: number | null;
  /** Median update count to convergence; a particle that did not converge counts as +∞. */
  medianStepsToConverge: number | null;
  /** converged or diverged when more than half of the particles did, neither otherwise (oscillating or slow). */
  outcome: Outcome;
}

/** The q-quantile (0 ≤ q ≤ 1) of sorted values by linear interpolation; null when it involves +∞. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) {
    return null;
  }
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.ceil(position);
  if (!Number.isFinite(sorted[above])) {
    return null;
  }
  if (below === above) {
    return sorted[below];
  }
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

/** A loss as percentiles rank it: a missing (NaN) or infinite loss ranks above every finite one. */
export function rankedLoss(loss: number): number {
  return Number.isFinite(loss) ? loss : Infinity;
}

/**
 * Statistics of every cell from the final state of its particles (or a
 * uniform sample of them): `cellOf(k)` is the cell of entry k.
 */
export function cellStatistics(
  cells: number,
  status: ArrayLike<number>,
  loss: ArrayLike<number>,
  stopSteps: ArrayLike<number>,
  cellOf: (k: number) => number,
): CellStatistics[] {
  const losses: number[][] = Array.from({ length: cells }, () => []);
  const steps: number[][] = Array.from({ length: cells }, () => []);
  const converged = new Array<number>(cells).fill(0);
  const diverged = new Array<number>(cells).fill(0);
  for (let k = 0; k < status.length; k++) {
    const cell = cellOf(k);
    if (status[k] === STATUS.diverged) {
      diverged[cell]++;
      losses[cell].push(Infinity);
      steps[cell].push(Infinity);
    } else {
      losses[cell].push(rankedLoss(loss[k]));
      if (status[k] === STATUS.converged) {
        converged[cell]++;
        steps[cell].push(stopSteps[k]);
      } else {
        steps[cell].push(Infinity);
      }
    }
  }

  return losses.map((cellLosses, cell) => {
    const count = cellLosses.length;
    cellLosses.sort((a, b) => a - b);
    const cellSteps = steps[cell].sort((a, b) => a - b);
    const convergedShare = count > 0 ? converged[cell] / count : 0;
    const divergedShare = count > 0 ? diverged[cell] / count : 0;
    let outcome: Outcome = 'neither';
    if (convergedShare > 0.5) {
      outcome = 'converged';
    } else if (divergedShare > 0.5) {
      outcome = 'diverged';
    }
    return {
      converged: convergedShare,
      diverged: divergedShare,
      medianLoss: quantile(cellLosses, 0.5),
      p10Loss: quantile(cellLosses, 0.1),
      p90Loss: quantile(cellLosses, 0.9),
      medianStepsToConverge: quantile(cellSteps, 0.5),
      outcome,
    };
  });
}

/**
 * Computes the largest stable learning rate on a quadratic whose largest
 * curvature is L. It is undefined for the adaptive optimizers, whose limit
 * depends on their state, and where no rate diverges.
 *
 * Plain descent: θ ← (1 − ηL)θ is stable for ηL < 2.
 *
 * Heavy-ball momentum μ with dampening τ, as torch.optim.SGD updates after
 * its first step: b ← μb + (1 − τ)Lθ, θ ← θ − ηb. With c = (1 − τ)L the pair
 * (θ, b) is multiplied by [[1 − ηc, −ημ], [c, μ]], whose characteristic
 * polynomial is λ² − (1 + μ − ηc)λ + μ. By the Jury criterion both roots lie
 * inside the unit circle exactly when μ < 1, p(1) = ηc > 0 and
 * p(−1) = 2(1 + μ) − ηc > 0, so the limit is 2(1 + μ) / ((1 − τ)L). With
 * τ = 1 the gradient never enters the buffer after the first update, so no
 * rate diverges (one root is 1) and there is no limit.
 *
 * Nesterov (τ = 0): θ ← θ − η(Lθ + μb) after b ← μb + Lθ gives
 * λ² − (1 + μ)(1 − ηL)λ + μ(1 − ηL). Here p(1) = ηL > 0, p(−1) > 0 gives
 * ηL < 2(1 + μ) / (1 + 2μ), and the constant term μ(1 − ηL) stays within ±1
 * below that rate.
 *
 * The first update copies the gradient into the buffer undampened. That one
 * step changes the transient, not the eigenvalues, so the limit stays. With
 * μ = 0 the rule is plain descent for any τ, so the limit is 2/L.
 */
export function stabilityLimit(optimizer: OptimizerName, largestCurvature: number, momentum: number, dampening = 0): number | undefined {
  if (!(largestCurvature > 0)) {
    return undefined;
  }
  switch (optimizer) {
    case 'gd':
      return 2 / largestCurvature;
    case 'momentum': {
      // With μ = 0 there is no buffer and τ has no effect, as in torch.optim.SGD.
      const gradientScale = momentum === 0 ? 1 : 1 - dampening;
      if (!(gradientScale > 0)) {
        return undefined;
      }
      return (2 + 2 * momentum) / (gradientScale * largestCurvature);
    }
    case 'nesterov':
      return (2 + 2 * momentum) / ((1 + 2 * momentum) * largestCurvature);
    default:
      return undefined;
  }
}

/** Largest eigenvalue of the symmetric 2 × 2 matrix [[a, b], [b, c]]. */
export function largestEigenvalue(a: number, b: number, c: number): number {
  const mean = (a + c) / 2;
  return mean + Math.sqrt(((a - c) / 2) ** 2 + b * b);
}

/**
 * The stability limit of `optimizer` on the surface: the smallest over its
 * listed minima, each from the largest eigenvalue of the exact Hessian there.
 * Below it every listed minimum is stable; Himmelblau's four minima give
 * limits from 0.015 to 0.024 for plain descent. Minima without
 * curvature are left out. Undefined where it is not known (no listed minimum
 * with curvature, or an adaptive optimizer).
 *
 * Coupled weight decay λ descends f + λ‖θ‖²/2, whose Hessian is that of f
 * plus λ, so the curvature is L + λ. On a quadratic that is exact. Elsewhere
 * the decay also moves the minima, and the limit is taken at f's own.
 */
export function surfaceStabilityLimit(definition: SurfaceDefinition, surface: CompiledSurface, optimizer: OptimizerConfig): number | undefined {
  const hessian = new Float64Array(3);
  let limit: number | undefined;
  for (const minimum of definition.minima) {
    surface.hessian(minimum.x, minimum.y, hessian);
    const curvature = (definition.dims === 1 ? hessian[0] : largestEigenvalue(hessian[0], hessian[1], hessian[2])) + optimizer.weightDecay;
    const atMinimum = stabilityLimit(optimizer.name, curvature, optimizer.momentum, optimizer.dampening);
    if (atMinimum !== undefined) {
      limit = limit === undefined ? atMinimum : Math.min(limit, atMinimum);
    }
  }
  return limit;
}
