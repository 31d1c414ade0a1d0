/**
 * The CPU reference: the same particles, surface and update rule as the GPU
 * pipeline, in float32 semantics (every operation rounded with Math.fround,
 * in the order shaders/descent.wgsl performs them) or in float64. It is the
 * oracle of the GPU tests and of the verify report.
 */
import type { CompiledSurface, SurfaceEvaluator } from './expr/index.ts';
import { STATUS, type OptimizerConfig, type StopCriteria } from './config.ts';
import { fillStarts, startCount, type Starts } from './grid.ts';

export type Precision = 'f32' | 'f64';

export interface ReferenceSetup {
  surface: CompiledSurface;
  optimizer: OptimizerConfig;
  criteria: StopCriteria;
  starts: Starts;
}

/** Loss stored for a point where the surface overflows, as finite_loss in the WGSL. */
export const OVERFLOW_LOSS = Math.fround(3.0e38);

const identity = (value: number): number => value;

export class ReferenceRun {
  readonly particleCount: number;
  /** Current positions, x and y interleaved. */
  readonly positions: Float64Array;
  /** Loss at the current position (OVERFLOW_LOSS where the surface overflows). */
  readonly loss: Float64Array;
  /** STATUS code per particle. */
  readonly status: Uint8Array;
  /** Update count at which each particle converged or diverged; 0 while moving. */
  readonly stopSteps: Uint32Array;
  /** Updates done by every particle that is still moving. */
  stepsDone = 0;

  private readonly round: (value: number) => number;
  private readonly evaluator: SurfaceEvaluator;
  private readonly gradient = new Float64Array(2);

  constructor(
    private readonly setup: ReferenceSetup,
    readonly precision: Precision,
  ) {
    this.particleCount = startCount(setup.starts);
    this.round = precision === 'f32' ? Math.fround : identity;
    this.evaluator = setup.surface.evaluator(precision);

    const starts = new Float32Array(2 * this.particleCount);
    fillStarts(setup.starts, starts);
    this.positions = Float64Array.from(starts);
    this.loss = new Float64Array(this.particleCount);
    this.status = new Uint8Array(this.particleCount);
    this.stopSteps = new Uint32Array(this.particleCount);
    for (let i = 0; i < this.particleCount; i++) {
      this.loss[i] = this.finiteLoss(this.positions[2 * i], this.positions[2 * i + 1]);
    }
  }

  /** Advances every moving particle by `steps` updates. */
  advance(steps: number): void {
    for (let i = 0; i < this.particleCount; i++) {
      if (this.status[i] === STATUS.moving) {
        this.advanceParticle(i, this.stepsDone, this.stepsDone + steps);
      }
    }
    this.stepsDone += steps;
  }

  /** Advances one particle from update stepStart up to stepEnd; the arithmetic of the WGSL `step`. */
  private advanceParticle(i: number, stepStart: number, stepEnd: number): void {
    const r = this.round;
    const { optimizer, criteria } = this.setup;
    const lr = r(optimizer.lr);
    const weightDecay = r(optimizer.weightDecay);
    const gradTolSq = r(criteria.gradTol * criteria.gradTol);
    const stepTolSq = r(criteria.stepTol * criteria.stepTol);
    const bound = r(criteria.divergeBound);
    const g = this.gradient;

    let x = this.positions[2 * i];
    let y = this.positions[2 * i + 1];
    let status: number = STATUS.moving;
    let t = stepStart;

    while (status === STATUS.moving && t < stepEnd) {
      this.evaluator.gradient(x, y, g);
      let gx = g[0];
      let gy = g[1];
      if (weightDecay !== 0) {
        gx = r(gx + r(weightDecay * x));
        gy = r(gy + r(weightDecay * y));
      }

      // Constant schedule: lr_t = 1 · lr + 0.
      const lrT = r(r(1 * lr) + 0);
      const dx = r(-lrT * gx);
      const dy = r(-lrT * gy);
      const nextX = r(x + dx);
      const nextY = r(y + dy);
      t++;

      if (escapes(nextX, bound) || escapes(nextY, bound)) {
        status = STATUS.diverged;
        this.stopSteps[i] = t;
      } else {
        x = nextX;
        y = nextY;
        const gradSq = r(r(gx * gx) + r(gy * gy));
        const stepSq = r(r(dx * dx) + r(dy * dy));
        if (gradSq <= gradTolSq && stepSq <= stepTolSq) {
          status = STATUS.converged;
          this.stopSteps[i] = t;
        }
      }
    }

    this.positions[2 * i] = x;
    this.positions[2 * i + 1] = y;
    this.status[i] = status;
    this.loss[i] = this.finiteLoss(x, y);
  }

  private finiteLoss(x: number, y: number): number {
    const value = this.evaluator.value(x, y);
    return Number.isFinite(value) ? value : OVERFLOW_LOSS;
  }
}

/** True when v is not finite or its magnitude exceeds the bound. */
function escapes(v: number, bound: number): boolean {
  return !Number.isFinite(v) || Math.abs(v) > bound;
}
