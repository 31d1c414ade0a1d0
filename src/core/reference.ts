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
   * Performs update t of particle `particle` (its index in the full run, the
   * key of its noise) from (x, y): updates `state` and writes `gradient`,
   * `next` and `lr`. Returns false where the surface's gradient at (x, y) is
   * undefined or not finite, where the GPU stops the particle as diverged.
   */
  apply(particle: number, x: number, y: number, t: number, state: Float64Array): boolean {
    const r = this.round;
    const g = this.gradient;
    this.evaluator.gradient(x, y, g);
    // The evaluator writes NaN where the formula is undefined.
    const defined = Number.isFinite(g[0]) && Number.isFinite(g[1]);
    if (this.sigma !== 0) {
      gaussianPair(this.seed, particle, t, r, this.noiseSample);
      g[0] = r(g[0] + r(this.sigma * this.noiseSample[0]));
      g[1] = r(g[1] + r(this.sigma * this.noiseSample[1]));
    }
    if (this.weightDecay !== 0) {
      g[0] = r(g[0] + r(this.weightDecay * x));
      g[1] = r(g[1] + r(this.weightDecay * y));
    }
    const [a, b] = scheduleCoefficients(this.schedule, t);
    this.lr = r(r(r(a) * this.cellLr) + r(b));
    this.optimizerStep(x, y, g[0], g[1], this.lr, t, state, this.next);
    return defined;
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
    const r = this.round;
    const criteria = this.setup.criteria;
    const particle = this.globalIndex[i];
    const rule = this.rules[Math.floor(particle / this.startsPerCell)];
    const gradTolSq = r(criteria.gradTol * criteria.gradTol);
    const stepTolSq = r(criteria.stepTol * criteria.stepTol);
    const bound = r(criteria.divergeBound);
    const g = rule.gradient;
    const next = rule.next;
    const state = this.state.subarray(STATE_SIZE * i, STATE_SIZE * (i + 1));

    let x = this.positions[2 * i];
    let y = this.positions[2 * i + 1];
    let status: number = STATUS.moving;
    let t = stepStart;

    while (status === STATUS.moving && t < stepEnd) {
      // An update from a point where the gradient is undefined is rejected below.
      const gradientDefined = rule.apply(particle, x, y, t, state);
      const dx = r(next[0] - x);
      const dy = r(next[1] - y);
      t++;

      if (!gradientDefined || escapes(next[0], bound) || escapes(next[1], bound)) {
        status = STATUS.diverged;
        this.stopSteps[i] = t;
      } else {
        x = next[0];
        y = next[1];
        const gradSq = r(r(g[0] * g[0]) + r(g[1] * g[1]));
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
    this.loss[i] = this.lossAt(x, y);
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
