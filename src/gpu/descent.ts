/**
 * The descent pipeline: particle buffers on the GPU, the kernels of
 * shaders/descent.wgsl, and the per-dispatch uniform and schedule. A dispatch
 * moves most particles with `step_lean` and those with a trail or history
 * with `step_tracked`. While the lean variant it needs compiles, `step` moves
 * every particle instead. `reduce_stats` then counts the statuses.
 * Particle state never leaves the GPU in the frame loop; the renderer binds
 * `points` and `trails` directly.
 */
import type { CompiledSurface } from '../core/expr/index.ts';
import { DEFAULT_NOISE, DEFAULT_SCHEDULE, type NoiseConfig, type OptimizerConfig, type ScheduleConfig, type StopCriteria } from '../core/config.ts';
import { scheduleCoefficients } from '../core/schedule.ts';
import { cellTable, singleCell, type CellHyperparameters } from '../core/sweep.ts';
import { startCount, gridOrigin, type Starts } from '../core/grid.ts';
import { LimitExceededError } from './errors.ts';
import type { GpuContext } from './device.ts';
import {
  BINDING,
  DESCENT_PARAMS,
  FLAG_AMSGRAD,
  FLAG_CENTERED,
  OPTIMIZER_CODES,
  stateEntries,
  HISTORY_ENTRY_STRIDE,
  POINT_STRIDE,
  TABLE_ENTRY_STRIDE,
  START_STRIDE,
  STAT_LOSS_MIN,
  STAT_WORDS,
  STATE_ENTRY_STRIDE,
  STOP_STEP_STRIDE,
  TRAIL_POINT_STRIDE,
} from './layout.ts';
import { compileOnce, createComputePipelines, dispatchSize } from './pipeline.ts';
import { shaderSource } from './shaderSource.ts';
import { StructWriter } from './struct.ts';
import { EMPTY_ENTRY_STEP, StatsRing, type PickedSources, type StatsSnapshot } from './statsRing.ts';

export const WORKGROUP_SIZE = 64;
/** Particles each invocation of `reduce_stats` folds, at the least; sizes its dispatch. */
const STATS_PARTICLES_PER_INVOCATION = 64;

/** Statistics before a dispatch: zero counts, and a loss range that any value narrows. */
const STATS_INITIAL = new Uint32Array(STAT_WORDS);
STATS_INITIAL[STAT_LOSS_MIN] = 0xffffffff;

export interface TrailOptions {
  /** Upper bound on particles that keep a trail; a grid is subsampled evenly to stay under it. */
  maxParticles: number;
  /** Points per trail. */
  length: number;
  /** Record a point every this many updates. */
  every: number;
}

export interface DescentSetup {
  surface: CompiledSurface;
  optimizer: OptimizerConfig;
  /** Learning-rate schedule; constant when absent. */
  schedule?: ScheduleConfig;
  /**
   * Cells of a sweep: every start runs once per cell with the cell's η, μ
   * and β₁. Absent: one cell with the optimizer's own values.
   */
  cells?: readonly CellHyperparameters[];
  /** Gradient noise; none when absent. */
  noise?: NoiseConfig;
  criteria: StopCriteria;
  starts: Starts;
  trail: TrailOptions;
  /** Entries in the picked particle's history ring. */
  historyLength: number;
  pickedIndex: number;
  /** Most updates a single dispatch may do; sizes the schedule part of the tables. */
  maxStepsPerDispatch: number;
  /** Receives status counts and the picked history, asynchronously. */
  onStats?: (snapshot: StatsSnapshot) => void;
}

/** Trail sampling: the particles of every stride-th column and row of the start grid keep a trail. */
export interface TrailLayout {
  stride: [number, number];
  columns: number;
  rows: number;
  count: number;
  length: number;
  every: number;
}

/** Chooses an even subsample of a columns × rows grid with at most maxParticles trails. */
export function planTrails(columns: number, rows: number, options: TrailOptions): TrailLayout {
  let stride: [number, number];
  if (rows === 1) {
    stride = [Math.max(1, Math.ceil(columns / options.maxParticles)), 1];
  } else {
    const s = Math.max(1, Math.ceil(Math.sqrt((columns * rows) / options.maxParticles)));
    stride = [s, s];
  }
  const trailColumns = Math.ceil(columns / stride[0]);
  const trailRows = Math.ceil(rows / stride[1]);
  return {
    stride,
    columns: trailColumns,
    rows: trailRows,
    count: trailColumns * trailRows,
    length: options.length,
    every: options.every,
  };
}

/** Bytes of GPU memory per particle for an optimizer, trails and history excluded. */
export function bytesPerParticle(optimizer: OptimizerConfig): number {
  return POINT_STRIDE + STOP_STEP_STRIDE + stateEntries(optimizer.name) * STATE_ENTRY_STRIDE;
}

export class Descent {
  readonly particleCount: number;
  readonly trailLayout: TrailLayout;
  readonly points: GPUBuffer;
  readonly trails: GPUBuffer;
  /** Per particle: the update count at which it stopped (u32), 0 while moving. */
  readonly stopSteps: GPUBuffer;
  /** Updates done so far by every particle that is still moving. */
  stepsDone = 0;

  private optimizer: OptimizerConfig;
  private schedule: ScheduleConfig;
  private noise: NoiseConfig;
  private criteria: StopCriteria;
  private readonly scheduleTable: Float32Array<ArrayBuffer>;
  private cells: CellHyperparameters[];
  /** Starts per cell; particleCount = startsPerCell × cells. */
  readonly startsPerCell: number;
  private pickedIndex: number;
  private readonly params = new StructWriter(DESCENT_PARAMS);
  private readonly buffers: GPUBuffer[] = [];
  private readonly paramsBuffer: GPUBuffer;
  private readonly stats: GPUBuffer;
  private readonly history: GPUBuffer;
  private readonly tablesBuffer: GPUBuffer;
  private readonly bindGroup: GPUBindGroup;
  private readonly statsRing: StatsRing | undefined;
  private readonly pickedSources: PickedSources;
  /**
   * Resets and picks so far. A statistics snapshot captured under an earlier
   * count shows an earlier run or another particle's history: its copy was in
   * flight when the history was emptied.
   */
  generation = 0;
  /** True after a pick until a snapshot of the new pick is queued. */
  private snapshotOwed = false;
  /** True while `stats` contains the reduction of the particles as they are now. */
  private statsCurrent = false;
  private readonly gridSize: [number, number];
  private readonly useGrid: boolean;
  private readonly gridOrigin: [number, number, number, number];
  /** Lean pipelines by their options, once requested; `pipeline` is set when compiled. */
  private readonly leanPipelines = new Map<string, LeanEntry>();
  /**
   * Dispatches so far: those that moved the particles without trail or
   * history in the lean kernel, and those that moved every particle in the
   * general loop (while a lean kernel compiled, or after it failed to). Also
   * the statistics passes, which run only where a snapshot will read them.
   */
  readonly dispatches = { lean: 0, general: 0, statistics: 0 };

  private constructor(
    private readonly gpu: GpuContext,
    private readonly setup: DescentSetup,
    private readonly compiled: CompiledDescent,
  ) {
    const layout = compiled.layout;
    const device = gpu.device;
    const starts = setup.starts;
    this.cells = [...(setup.cells ?? singleCell(setup.optimizer))];
    this.startsPerCell = startCount(starts);
    this.particleCount = this.startsPerCell * this.cells.length;
    this.optimizer = { ...setup.optimizer };
    this.schedule = { ...(setup.schedule ?? DEFAULT_SCHEDULE) };
    this.noise = { ...(setup.noise ?? DEFAULT_NOISE) };
    this.criteria = { ...setup.criteria };
    this.scheduleTable = new Float32Array(4 * setup.maxStepsPerDispatch);
    this.pickedIndex = setup.pickedIndex;

    this.useGrid = starts.kind === 'grid';
    this.gridSize = starts.kind === 'grid' ? [starts.nx, starts.ny] : [this.startsPerCell, 1];
    if (starts.kind === 'grid') {
      const origin = gridOrigin(starts);
      this.gridOrigin = [origin.xMin, origin.yMin, origin.dx, origin.dy];
    } else {
      this.gridOrigin = [0, 0, 0, 0];
    }
    this.trailLayout = planTrails(this.gridSize[0], this.gridSize[1], setup.trail);

    const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const create = (label: string, size: number, usage: number): GPUBuffer => {
      const buffer = device.createBuffer({ label: `Descent.${label}`, size: Math.max(16, Math.ceil(size / 16) * 16), usage });
      this.buffers.push(buffer);
      return buffer;
    };

    this.paramsBuffer = create('params', DESCENT_PARAMS.size, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    this.points = create('points', this.particleCount * POINT_STRIDE, storage | GPUBufferUsage.VERTEX);
    const optState = create('optState', this.particleCount * stateEntries(this.optimizer.name) * STATE_ENTRY_STRIDE, storage);
    const stopSteps = (this.stopSteps = create('stopSteps', this.particleCount * STOP_STEP_STRIDE, storage));
    this.trails = create('trails', this.trailLayout.count * this.trailLayout.length * TRAIL_POINT_STRIDE, storage | GPUBufferUsage.VERTEX);
    this.history = create('history', setup.historyLength * HISTORY_ENTRY_STRIDE, storage);
    this.stats = create('stats', STAT_WORDS * 4, storage);
    const startsBuffer = create('starts', starts.kind === 'list' ? this.startsPerCell * START_STRIDE : 16, storage);
    this.tablesBuffer = create('tables', (setup.maxStepsPerDispatch + this.cells.length) * TABLE_ENTRY_STRIDE, storage);
    this.writeCells();

    if (starts.kind === 'list') {
      device.queue.writeBuffer(startsBuffer, 0, new Float32Array(starts.points));
    }

    const entries: [number, GPUBuffer][] = [
      [BINDING.params, this.paramsBuffer],
      [BINDING.points, this.points],
      [BINDING.optState, optState],
      [BINDING.stopSteps, stopSteps],
      [BINDING.trails, this.trails],
      [BINDING.history, this.history],
      [BINDING.stats, this.stats],
      [BINDING.starts, startsBuffer],
      [BINDING.tables, this.tablesBuffer],
    ];
    this.bindGroup = device.createBindGroup({
      label: 'Descent.bindGroup',
      layout,
      entries: entries.map(([binding, buffer]) => ({ binding, resource: { buffer } })),
    });

    this.pickedSources = { points: this.points, optState, stopSteps: this.stopSteps, stateEntries: stateEntries(this.optimizer.name) };
    if (setup.onStats) {
      this.statsRing = new StatsRing(device, setup.historyLength, setup.onStats);
    }
  }

  /**
   * Compiles the pipelines and allocates the buffers; rejects with
   * LimitExceededError before allocating when a buffer would not fit.
   */
  static async create(gpu: GpuContext, setup: DescentSetup): Promise<Descent> {
    const count = startCount(setup.starts) * (setup.cells?.length ?? 1);
    checkLimits(gpu.device, count, setup);
    checkCriteria(setup.criteria);

    const code = `${setup.surface.wgsl}\n${shaderSource('descent')}`;
    const compiled = await compiledPipelines(gpu.device, code, setup.optimizer.name);

    const descent = new Descent(gpu, setup, compiled);
    // The lean kernels this setup's dispatches take, compiled now; other
    // options (a schedule, noise or decay set later) compile on first use.
    const options = descent.leanOptions(false);
    const needed = [options, ...(isConstantSchedule(descent.schedule) ? [] : [{ ...options, schedule: true }])];
    await Promise.all(needed.map((variant) => descent.leanPipeline(variant).promise));
    descent.reset();
    return descent;
  }

  get picked(): number {
    return this.pickedIndex;
  }

  /** The optimizer this pipeline was compiled for; hyperparameters can change, the optimizer cannot. */
  get optimizerName(): OptimizerConfig['name'] {
    return this.optimizer.name;
  }

  /**
   * Changes hyperparameters; the next dispatch uses them, the particles keep
   * their state. A run with one cell takes η, μ and β₁ from `optimizer` too;
   * a sweep keeps its cells (see setCells).
   */
  setOptimizer(optimizer: OptimizerConfig): void {
    if (optimizer.name !== this.optimizer.name) {
      throw new Error(`Descent.setOptimizer cannot switch from ${this.optimizer.name} to ${optimizer.name}; build a new Descent`);
    }
    this.optimizer = { ...optimizer };
    if (this.cells.length === 1) {
      this.cells = singleCell(optimizer);
      this.writeCells();
    }
  }

  get cellCount(): number {
    return this.cells.length;
  }

  /** Replaces the cells' hyperparameters (same number of cells) from the next dispatch on. */
  setCells(cells: readonly CellHyperparameters[]): void {
    if (cells.length !== this.cells.length) {
      throw new RangeError(`Descent.setCells needs ${this.cells.length} cells, not ${cells.length}; build a new Descent for another size`);
    }
    this.cells = [...cells];
    this.writeCells();
  }

  /** Changes the schedule from the next dispatch on; it is evaluated at the particles' update count. */
  setSchedule(schedule: ScheduleConfig): void {
    this.schedule = { ...schedule };
  }

  setNoise(noise: NoiseConfig): void {
    this.noise = { ...noise };
  }

  setCriteria(criteria: StopCriteria): void {
    checkCriteria(criteria);
    this.criteria = { ...criteria };
  }

  /** Picks the particle whose updates are recorded from the next dispatch on, and empties the history. */
  setPicked(index: number): void {
    this.pickedIndex = Math.min(Math.max(0, Math.floor(index)), this.particleCount - 1);
    this.clearHistory();
    this.generation++;
    // The new pick as it is now, so that a paused scene shows it without an update.
    this.snapshotOwed = true;
    this.captureOwedSnapshot();
  }

  /**
   * Queues the statistics snapshot that a pick owes, without updating any
   * particle, if a staging buffer is free. The frame loop calls it every
   * frame, and the next dispatch's snapshot also serves.
   */
  captureOwedSnapshot(): void {
    if (!this.snapshotOwed || !this.statsRing?.hasFreeSlot()) {
      return;
    }
    const encoder = this.gpu.device.createCommandEncoder({ label: 'Descent.snapshot' });
    if (!this.statsCurrent) {
      // The last dispatches skipped the statistics pass, since no buffer was free to read it.
      const pass = encoder.beginComputePass({ label: 'Descent.snapshot' });
      this.encodeStatistics(pass);
      pass.end();
    }
    if (this.captureSnapshot(encoder)) {
      this.gpu.device.queue.submit([encoder.finish()]);
      this.statsRing.afterSubmit();
    }
  }

  /** Resolves once every statistics snapshot captured so far has been delivered to onStats. */
  async statsSettled(): Promise<void> {
    await this.statsRing?.settled();
  }

  /** Encodes the statistics pass into `pass`, after resetting its buffer, and marks the statistics current. */
  private encodeStatistics(pass: GPUComputePassEncoder): void {
    this.gpu.device.queue.writeBuffer(this.stats, 0, STATS_INITIAL);
    pass.setBindGroup(0, this.bindGroup);
    pass.setPipeline(this.compiled.pipelines.reduce_stats);
    pass.dispatchWorkgroups(this.statsWorkgroups());
    this.dispatches.statistics++;
    this.statsCurrent = true;
  }

  private captureSnapshot(encoder: GPUCommandEncoder): boolean {
    const captured = this.statsRing?.capture(encoder, this.stats, this.history, this.stepsDone, this.pickedIndex, this.pickedSources, this.particleCount, this.generation) ?? false;
    if (captured) {
      this.snapshotOwed = false;
    }
    return captured;
  }

  /** Puts every particle back on its start. */
  reset(): void {
    this.stepsDone = 0;
    this.clearHistory();
    this.generation++;
    const device = this.gpu.device;
    const encoder = device.createCommandEncoder({ label: 'Descent.reset' });
    this.writeParams(0);
    const pass = encoder.beginComputePass({ label: 'Descent.init' });
    pass.setPipeline(this.compiled.pipelines.init);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(...this.workgroups());
    // Statistics of the starts, so that a paused scene shows its reset at once.
    this.encodeStatistics(pass);
    pass.end();
    this.captureSnapshot(encoder);
    device.queue.submit([encoder.finish()]);
    this.statsRing?.afterSubmit();
  }

  /**
   * Advances every moving particle by `steps` updates in one dispatch, and
   * queues the asynchronous statistics readback when a staging buffer is free.
   */
  step(steps: number): void {
    if (!Number.isInteger(steps) || steps < 1 || steps > this.setup.maxStepsPerDispatch) {
      throw new RangeError(`steps per dispatch must be an integer from 1 to ${this.setup.maxStepsPerDispatch}, not ${steps}`);
    }
    const device = this.gpu.device;
    const lean = this.leanPipeline(this.leanOptions(!this.writeSchedule(steps))).pipeline;
    this.writeParams(steps);
    // Only the readback reads the statistics: without a free staging buffer (or without
    // onStats, as for the command line) the pass is left out until a snapshot needs it.
    const readBack = this.statsRing?.hasFreeSlot() ?? false;

    const encoder = device.createCommandEncoder({ label: 'Descent.step' });
    const pass = encoder.beginComputePass({ label: 'Descent.step' });
    pass.setBindGroup(0, this.bindGroup);
    if (lean) {
      // The particles without trail or history in a lean kernel, then the few with them.
      this.dispatches.lean++;
      pass.setPipeline(lean);
      pass.dispatchWorkgroups(...this.workgroups());
      pass.setPipeline(this.compiled.pipelines.step_tracked);
      pass.dispatchWorkgroups(Math.ceil((this.trailLayout.count + 1) / WORKGROUP_SIZE));
    } else {
      this.dispatches.general++;
      pass.setPipeline(this.compiled.pipelines.step);
      pass.dispatchWorkgroups(...this.workgroups());
    }
    this.statsCurrent = false;
    if (readBack) {
      this.encodeStatistics(pass);
    }
    pass.end();

    this.stepsDone += steps;
    if (readBack) {
      this.captureSnapshot(encoder);
    }
    device.queue.submit([encoder.finish()]);
    this.statsRing?.afterSubmit();
  }

  destroy(): void {
    this.statsRing?.destroy();
    for (const buffer of this.buffers) {
      buffer.destroy();
    }
  }

  private clearHistory(): void {
    const empty = new Uint32Array(this.setup.historyLength * (HISTORY_ENTRY_STRIDE / 4)).fill(EMPTY_ENTRY_STEP);
    this.gpu.device.queue.writeBuffer(this.history, 0, empty);
  }

  private workgroups(): [number, number] {
    const groups = Math.ceil(this.particleCount / WORKGROUP_SIZE);
    return dispatchSize(groups, this.gpu.device.limits.maxComputeWorkgroupsPerDimension);
  }

  /** Workgroups of `reduce_stats`: one dimension, each invocation looping over its share of the particles. */
  private statsWorkgroups(): number {
    const groups = Math.ceil(this.particleCount / (WORKGROUP_SIZE * STATS_PARTICLES_PER_INVOCATION));
    return Math.min(groups, this.gpu.device.limits.maxComputeWorkgroupsPerDimension);
  }

  /** Writes the uniform for a dispatch of `steps` updates. */
  private writeParams(steps: number): void {
    const criteria = this.criteria;
    const optimizer = this.optimizer;
    const trail = this.trailLayout;
    this.params
      .set('particle_count', this.particleCount)
      .set('step_start', this.stepsDone)
      .set('step_count', steps)
      .set('picked_index', this.pickedIndex)
      .set('grid_size', this.gridSize)
      .set('trail_stride', trail.stride)
      .set('grid_origin', this.gridOrigin)
      .set('use_grid', this.useGrid ? 1 : 0)
      .set('trail_columns', trail.columns)
      .set('trail_every', trail.every)
      .set('trail_length', trail.length)
      .set('starts_per_cell', this.startsPerCell)
      .set('weight_decay', optimizer.weightDecay)
      .set('grad_tol_sq', criteria.gradTol * criteria.gradTol)
      .set('step_tol_sq', criteria.stepTol * criteria.stepTol)
      // +0 for -0, whose bits the kernel would read as a bound above every finite float.
      .set('diverge_bound', Math.max(0, criteria.divergeBound))
      .set('history_length', this.setup.historyLength)
      .set('one_minus_dampening', 1 - optimizer.dampening)
      .set('eps', optimizer.eps)
      .set('lr_decay', optimizer.lrDecay)
      .set('initial_accumulator', optimizer.initialAccumulator)
      .set('alpha', optimizer.alpha)
      .set('one_minus_alpha', 1 - optimizer.alpha)
      .set('beta2', optimizer.beta2)
      .set('one_minus_beta2', 1 - optimizer.beta2)
      .set('flags', (optimizer.centered ? FLAG_CENTERED : 0) | (optimizer.amsgrad ? FLAG_AMSGRAD : 0))
      .set('noise_sigma', this.noise.sigma)
      .set('noise_seed', this.noise.seed >>> 0)
      .set('cell_offset', this.setup.maxStepsPerDispatch)
      .set('trail_count', trail.count);
    this.gpu.device.queue.writeBuffer(this.paramsBuffer, 0, this.params.data);
  }

  /** Writes the schedule's factor and offset for each update of the dispatch; returns true when all are the same. */
  private writeSchedule(steps: number): boolean {
    const table = this.scheduleTable;
    for (let k = 0; k < steps; k++) {
      const [a, b] = scheduleCoefficients(this.schedule, this.stepsDone + k);
      table[4 * k] = a;
      table[4 * k + 1] = b;
    }
    this.gpu.device.queue.writeBuffer(this.tablesBuffer, 0, table, 0, 4 * steps);
    for (let k = 1; k < steps; k++) {
      if (table[4 * k] !== table[0] || table[4 * k + 1] !== table[1]) {
        return false;
      }
    }
    return true;
  }

  private writeCells(): void {
    this.gpu.device.queue.writeBuffer(this.tablesBuffer, this.setup.maxStepsPerDispatch * TABLE_ENTRY_STRIDE, cellTable(this.cells));
  }

  /**
   * Returns the options of the lean kernel for the next dispatch:
   * `scheduleVaries` when its updates have different learning rates, and the
   * current noise and weight decay (AdamW's decoupled decay is part of its
   * update, so it needs no option).
   */
  private leanOptions(scheduleVaries: boolean): LeanOptions {
    const { name } = this.optimizer;
    const coupledDecay = this.optimizer.weightDecay !== 0 && name !== 'adamw';
    // Only the rules that read an option get it, so the others share one pipeline.
    const amsgrad = this.optimizer.amsgrad && (name === 'adam' || name === 'adamw');
    const centered = this.optimizer.centered && name === 'rmsprop';
    return { schedule: scheduleVaries, noise: this.noise.sigma !== 0, coupledDecay, amsgrad, centered };
  }

  /**
   * Returns the lean pipeline for `options` once it is compiled, and starts
   * compiling it on the first request. While it compiles, `step` takes the
   * general loop for every particle, which gives the same results.
   */
  private leanPipeline(options: LeanOptions): { pipeline: GPUComputePipeline | undefined; promise: Promise<unknown> } {
    const key = leanKey(options);
    let entry = this.leanPipelines.get(key);
    if (!entry) {
      const created: LeanEntry = { pipeline: undefined, promise: Promise.resolve() };
      created.promise = compileLean(this.gpu.device, this.compiled, options).then(
        (pipeline) => {
          created.pipeline = pipeline;
        },
        (error: unknown) => {
          // The general loop keeps working; a failure to compile is a bug to report, not a reason to stop.
          console.warn(`downhill: the lean descent kernel (${key}) failed to compile; using the general loop`, error);
        },
      );
      this.leanPipelines.set(key, created);
      entry = created;
    }
    return entry;
  }

}

/** Rejects a divergence bound that the kernel's test of magnitude bits (`exceeds` in the WGSL) cannot represent. */
function checkCriteria(criteria: StopCriteria): void {
  if (!(criteria.divergeBound >= 0)) {
    throw new RangeError(`invalid divergence bound ${criteria.divergeBound}: expected a number of at least 0`);
  }
}

interface CompiledDescent {
  layout: GPUBindGroupLayout;
  pipelineLayout: GPUPipelineLayout;
  pipelines: Record<DescentEntryPoint, GPUComputePipeline>;
  /** The WGSL and the constants of the pipelines, for the lean kernels compiled later. */
  code: string;
  optimizer: OptimizerConfig['name'];
  constants: Record<string, number>;
}

/** Options of the lean kernel `step_lean`: the LEAN_* override constants of the WGSL. */
interface LeanOptions {
  schedule: boolean;
  noise: boolean;
  coupledDecay: boolean;
  amsgrad: boolean;
  centered: boolean;
}

/** Names a combination of lean options, one character per option. */
function leanKey(options: LeanOptions): string {
  return [options.schedule, options.noise, options.coupledDecay, options.amsgrad, options.centered].map((value) => +value).join('');
}

interface LeanEntry {
  pipeline: GPUComputePipeline | undefined;
  promise: Promise<unknown>;
}

/** Returns true when a schedule gives every update the same learning rate. */
function isConstantSchedule(schedule: ScheduleConfig): boolean {
  return schedule.name === 'constant' && schedule.warmup === 0;
}

/** Compiles the lean pipeline for `options`, once per device, surface and optimizer. */
function compileLean(device: GPUDevice, compiled: CompiledDescent, options: LeanOptions): Promise<GPUComputePipeline> {
  const key = `DescentLean\n${leanKey(options)}\n${compiled.optimizer}\n${compiled.code}`;
  return compileOnce(device, key, async () => {
    const constants = {
      ...compiled.constants,
      LEAN_SCHEDULE: +options.schedule,
      LEAN_NOISE: +options.noise,
      LEAN_COUPLED_DECAY: +options.coupledDecay,
      LEAN_AMSGRAD: +options.amsgrad,
      LEAN_CENTERED: +options.centered,
      // Plain descent's update is so cheap that SwiftShader spends about as much on each loop
      // iteration, so four updates per iteration made it 1.1 to 1.3 times as fast. The other
      // rules gained nothing or became slower (Adam by up to 25%).
      LEAN_UNROLL: +(compiled.optimizer === 'gd'),
    };
    const pipelines = await createComputePipelines(device, 'Descent', compiled.code, compiled.pipelineLayout, ['step_lean'] as const, constants);
    return pipelines.step_lean;
  });
}

/** Entry points of shaders/descent.wgsl, each compiled into its own pipeline. */
const DESCENT_ENTRY_POINTS = ['init', 'step', 'step_tracked', 'reduce_stats'] as const;
type DescentEntryPoint = (typeof DESCENT_ENTRY_POINTS)[number];

/** The pipelines for `code` and `optimizer`, compiled once per device. */
function compiledPipelines(device: GPUDevice, code: string, optimizer: OptimizerConfig['name']): Promise<CompiledDescent> {
  return compileOnce(device, `Descent\n${optimizer}\n${code}`, () => compileDescent(device, code, optimizer));
}

async function compileDescent(device: GPUDevice, code: string, optimizer: OptimizerConfig['name']): Promise<CompiledDescent> {
  const storageEntry = (binding: number, type: GPUBufferBindingType): GPUBindGroupLayoutEntry => ({
    binding,
    visibility: GPUShaderStage.COMPUTE,
    buffer: { type },
  });
  const layout = device.createBindGroupLayout({
    label: 'Descent.bindGroupLayout',
    entries: [
      storageEntry(BINDING.params, 'uniform'),
      storageEntry(BINDING.points, 'storage'),
      storageEntry(BINDING.optState, 'storage'),
      storageEntry(BINDING.stopSteps, 'storage'),
      storageEntry(BINDING.trails, 'storage'),
      storageEntry(BINDING.history, 'storage'),
      storageEntry(BINDING.stats, 'storage'),
      storageEntry(BINDING.starts, 'read-only-storage'),
      storageEntry(BINDING.tables, 'read-only-storage'),
    ],
  });
  const pipelineLayout = device.createPipelineLayout({ label: 'Descent.pipelineLayout', bindGroupLayouts: [layout] });
  const constants = {
    WORKGROUP_SIZE,
    OPTIMIZER: OPTIMIZER_CODES[optimizer],
    STATE_ENTRIES: stateEntries(optimizer),
  };
  const pipelines = await createComputePipelines(device, 'Descent', code, pipelineLayout, DESCENT_ENTRY_POINTS, constants);
  return { layout, pipelineLayout, pipelines, code, optimizer, constants };
}

/** Rejects a setup whose buffers exceed the device's limits, before anything is allocated. */
function checkLimits(device: GPUDevice, count: number, setup: DescentSetup): void {
  const limits = device.limits;
  const largest = Math.max(count * POINT_STRIDE, count * stateEntries(setup.optimizer.name) * STATE_ENTRY_STRIDE);
  const what = `${count.toLocaleString('en-US')} particles with ${setup.optimizer.name}`;
  if (largest > limits.maxStorageBufferBindingSize) {
    throw new LimitExceededError('maxStorageBufferBindingSize', largest, limits.maxStorageBufferBindingSize, what);
  }
  if (largest > limits.maxBufferSize) {
    throw new LimitExceededError('maxBufferSize', largest, limits.maxBufferSize, what);
  }
  const groups = Math.ceil(count / WORKGROUP_SIZE);
  const maxGroups = limits.maxComputeWorkgroupsPerDimension ** 2;
  if (groups > maxGroups) {
    throw new LimitExceededError('maxComputeWorkgroupsPerDimension', Math.ceil(Math.sqrt(groups)), limits.maxComputeWorkgroupsPerDimension, what);
  }
}

