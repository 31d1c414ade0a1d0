/**
 * The CPU reference: the same particles, surface and update rule as the GPU
 * pipeline, in float32 semantics (every operation rounded with Math.fround,
 * in the order shaders/descent.wgsl performs them) or in float64. It is the
 * oracle of the GPU tests and of the verify report.
 */
import { froundFlushing, type CompiledSurface, type SurfaceEvaluator } from './expr/index.ts';
import { DEFAULT_NOISE, DEFAULT_SCHEDULE, STATUS, type NoiseConfig, type OptimizerConfig, type ScheduleConfig, type StopCriteria } from './config.ts';
import { fillStarts, startCount, type Starts } from './grid.ts';
import { gaussianPair } from './noise.ts';
import { createOptimizerStep, initialState, STATE_SIZE, type OptimizerStep } from './optimizers.ts';
import { scheduleCoefficients } from './schedule.ts';
import { singleCell, type CellHyperparameters } from './sweep.ts';

export type Precision = 'f32' | 'f64';

export interface ReferenceSetup {
  surface: CompiledSurface;
  optimizer: OptimizerConfig;
  /** Learning-rate schedule; constant when absent. */
  schedule?: ScheduleConfig;
  /** Gradient noise; none when absent. */
  noise?: NoiseConfig;
  criteria: StopCriteria;
  starts: Starts;
  /** Cells of a sweep: every start runs once per cell (see src/core/sweep.ts). Absent: one cell. */
  cells?: readonly CellHyperparameters[];
  /**
   * Indices (as the GPU numbers them) of the particles to run, for checking
   * a sample; absent: all of them. Particle k of the run is then particle
   * particles[k] of the full run: same start, cell and noise.
   */
  particles?: ArrayLike<number>;
  /**
   * In float32: every result below 2⁻¹²⁶ becomes 0, as on a GPU that flushes
   * subnormal numbers (see src/gpu/subnormals.ts). Absent: they are kept, as IEEE 754 does.
   */
  flushSubnormals?: boolean;
}

/**
 * Losses from 3e38 on count as missing, as stored_loss in the WGSL stores
 * them (MISSING_LOSS in src/gpu/layout.ts, which core may not import).
 */
const LOSS_LIMIT = Math.fround(3.0e38);

const identity = (value: number): number => value;

/** The inputs of an update besides the particle: the surface, the optimizer, its schedule and the gradient noise. */
export interface UpdateSetup {
  surface: CompiledSurface;
  optimizer: OptimizerConfig;
  schedule?: ScheduleConfig;
  noise?: NoiseConfig;
  flushSubnormals?: boolean;
}

/**
 * One update of one particle with the hyperparameters of one cell, in the
 * arithmetic of the WGSL `step`: the gradient with noise and coupled weight
 * decay, the scheduled rate, and the optimizer's update.
 */
export class UpdateRule {
  /** The gradient that the last update used, noise and coupled weight decay included. */
  readonly gradient = new Float64Array(2);
  /** The position after the last update. */
  readonly next = new Float64Array(2);
  /** The rate γₜ of the last update, schedule included (AdaGrad divides it further by 1 + t · lr_decay). */
  lr = 0;
  /** The update at which the last `advance` stopped its particle; 0 while it moves. */
  stopStep = 0;
  private readonly round: (value: number) => number;
  private readonly evaluator: SurfaceEvaluator;
  private readonly optimizerStep: OptimizerStep;
  private readonly cellLr: number;
  private readonly schedule: ScheduleConfig;
  private readonly sigma: number;
  private readonly seed: number;
  private readonly weightDecay: number;
  private readonly noiseSample = new Float64Array(2);

  constructor(setup: UpdateSetup, cell: CellHyperparameters, precision: Precision) {
    const flush = precision === 'f32' && setup.flushSubnormals === true;
    this.round = Math.fround;
    if (precision === 'f64') {
      this.round = identity;
    } else if (flush) {
      this.round = froundFlushing;
    }
    this.evaluator = setup.surface.evaluator(precision, flush);
    // The cell's η, μ and β₁, rounded as the GPU's table is.
    this.optimizerStep = createOptimizerStep({ ...setup.optimizer, ...cell }, this.round);
    this.cellLr = this.round(cell.lr);
    this.schedule = setup.schedule ?? DEFAULT_SCHEDULE;
    const noise = setup.noise ?? DEFAULT_NOISE;
    this.sigma = this.round(noise.sigma);
    this.seed = noise.seed >>> 0;
    // AdamW decays the position itself, in its update, instead of adding λθ to the gradient.
    this.weightDecay = setup.optimizer.name === 'adamw' ? 0 : this.round(setup.optimizer.weightDecay);
  }

  /**
   * Moves particle `particle` (its index in the full run, the key of its
   * noise) from update stepStart until stepEnd or until it stops, as the WGSL
   * `step` does. `position` has x and y at `offset` and receives the new
   * ones, and `state` is updated. Returns the particle's STATUS code and sets
   * `stopStep` to the update at which it stopped (0 while it moves). Leaves
   * `gradient`, `next` and `lr` as the last update made them.
   */
  advance(particle: number, position: Float64Array, offset: number, stepStart: number, stepEnd: number, state: Float64Array, criteria: StopCriteria): number {
    const r = this.round;
    const g = this.gradient;
    const next = this.next;
    const noise = this.noiseSample;
    const { sigma, seed, weightDecay, cellLr, schedule, evaluator, optimizerStep } = this;
    const gradTolSq = r(criteria.gradTol * criteria.gradTol);
    const stepTolSq = r(criteria.stepTol * criteria.stepTol);
    const bound = r(criteria.divergeBound);

    let x = position[offset];
    let y = position[offset + 1];
    let status: number = STATUS.moving;
    let t = stepStart;
    this.stopStep = 0;

    while (status === STATUS.moving && t < stepEnd) {
      evaluator.gradient(x, y, g);
      let gx = g[0];
      let gy = g[1];
      // The evaluator writes NaN where the formula is undefined, and the update from such a point is rejected below.
      const gradientUndefined = !Number.isFinite(gx) || !Number.isFinite(gy);
      if (sigma !== 0) {
        gaussianPair(seed, particle, t, r, noise);
        gx = r(gx + r(sigma * noise[0]));
        gy = r(gy + r(sigma * noise[1]));
      }
      if (weightDecay !== 0) {
        gx = r(gx + r(weightDecay * x));
        gy = r(gy + r(weightDecay * y));
      }
      g[0] = gx;
      g[1] = gy;

      const [a, b] = scheduleCoefficients(schedule, t);
      const lr = r(r(r(a) * cellLr) + r(b));
      optimizerStep(x, y, gx, gy, lr, t, state, next);
      this.lr = lr;
      const dx = r(next[0] - x);
      const dy = r(next[1] - y);
      t++;

      if (gradientUndefined || escapes(next[0], bound) || escapes(next[1], bound)) {
        status = STATUS.diverged;
        this.stopStep = t;
      } else {
        x = next[0];
        y = next[1];
        const gradSq = r(r(gx * gx) + r(gy * gy));
        const stepSq = r(r(dx * dx) + r(dy * dy));
        if (gradSq <= gradTolSq && stepSq <= stepTolSq) {
          status = STATUS.converged;
          this.stopStep = t;
        }
      }
    }

    position[offset] = x;
    position[offset + 1] = y;
    return status;
  }


}

export class ReferenceRun {
  readonly particleCount: number;
  /** Current positions, x and y interleaved. */
  readonly positions: Float64Array;
  /** Loss at the current position; NaN where it is undefined, not finite or at least 3e38. */
  readonly loss: Float64Array;
  /** STATUS code per particle. */
  readonly status: Uint8Array;
  /** Update count at which each particle converged or diverged; 0 while moving. */
  readonly stopSteps: Uint32Array;
  /** Optimizer state, STATE_SIZE numbers per particle (the two vec4f entries of the WGSL). */
  readonly state: Float64Array;
  /** Updates done by every particle that is still moving. */
  stepsDone = 0;

  /** Starts per cell; particle i starts at start i mod startsPerCell and belongs to cell ⌊i / startsPerCell⌋. */
  readonly startsPerCell: number;
  /** Index of each particle of this run in the full run (the noise key and the source of its start and cell). */
  readonly globalIndex: Uint32Array;
  private readonly round: (value: number) => number;
  private readonly evaluator: SurfaceEvaluator;
  /** The update of each cell. */
  private readonly rules: UpdateRule[];

  constructor(
    private readonly setup: ReferenceSetup,
    readonly precision: Precision,
  ) {
    const cells = setup.cells ?? singleCell(setup.optimizer);
    this.startsPerCell = startCount(setup.starts);
    const fullCount = this.startsPerCell * cells.length;
    this.globalIndex = setup.particles ? Uint32Array.from(setup.particles) : Uint32Array.from({ length: fullCount }, (_, k) => k);
    if (this.globalIndex.some((index) => index >= fullCount)) {
      throw new RangeError(`ReferenceRun: a particle index is past the ${fullCount} particles of the run`);
    }
    this.particleCount = this.globalIndex.length;
    const flush = precision === 'f32' && setup.flushSubnormals === true;
    if (precision === 'f64') {
      this.round = identity;
    } else {
      this.round = flush ? froundFlushing : Math.fround;
    }
    this.evaluator = setup.surface.evaluator(precision, flush);
    this.rules = cells.map((cell) => new UpdateRule(setup, cell, precision));

    const starts = new Float32Array(2 * this.startsPerCell);
    fillStarts(setup.starts, starts);
    this.positions = new Float64Array(2 * this.particleCount);
    for (let k = 0; k < this.particleCount; k++) {
      const start = this.globalIndex[k] % this.startsPerCell;
      this.positions[2 * k] = starts[2 * start];
      this.positions[2 * k + 1] = starts[2 * start + 1];
    }
    this.loss = new Float64Array(this.particleCount);
    this.status = new Uint8Array(this.particleCount);
    this.stopSteps = new Uint32Array(this.particleCount);
    this.state = new Float64Array(STATE_SIZE * this.particleCount);
    const start = initialState(setup.optimizer, this.round);
    for (let i = 0; i < this.particleCount; i++) {
      this.state.set(start, STATE_SIZE * i);
      this.loss[i] = this.lossAt(this.positions[2 * i], this.positions[2 * i + 1]);
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
    const particle = this.globalIndex[i];
    const rule = this.rules[Math.floor(particle / this.startsPerCell)];
    const state = this.state.subarray(STATE_SIZE * i, STATE_SIZE * (i + 1));
    this.status[i] = rule.advance(particle, this.positions, 2 * i, stepStart, stepEnd, state, this.setup.criteria);
    if (rule.stopStep !== 0) {
      this.stopSteps[i] = rule.stopStep;
    }
    this.loss[i] = this.lossAt(this.positions[2 * i], this.positions[2 * i + 1]);
  }


  /**
   * Returns the loss range over the particles that have not diverged and have
   * a defined loss, as the GPU's statistics pass computes it. Both ends are NaN
   * when no particle counts.
   */
  lossRange(): { min: number; max: number } {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < this.particleCount; i++) {
      const loss = this.loss[i];
      if (this.status[i] !== STATUS.diverged && !Number.isNaN(loss)) {
        min = Math.min(min, loss);
        max = Math.max(max, loss);
      }
    }
    return min <= max ? { min, max } : { min: Number.NaN, max: Number.NaN };
  }

  private lossAt(x: number, y: number): number {
    const value = this.evaluator.value(x, y);
    return Number.isFinite(value) && value < LOSS_LIMIT ? value : Number.NaN;
  }
}

/** True when v is not finite or its magnitude exceeds the bound. */
function escapes(v: number, bound: number): boolean {
  return !Number.isFinite(v) || Math.abs(v) > bound;
}
