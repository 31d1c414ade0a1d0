/**
 * Verification of a GPU run against the CPU reference, particle by particle,
 * three ways: the GPU against the CPU in float32 (is the implementation
 * faithful?) and the CPU in float32 against float64 (what does single
 * precision itself cost?). Pure: the CLI and the app's Web Worker both call
 * it, so they produce the same report for the same inputs.
 */
import { classifyAll, type BasinMinimum } from './basins.ts';
import { STATUS, STATUS_NAMES, type NoiseConfig, type OptimizerConfig, type ScheduleConfig, type StatusName, type StopCriteria } from './config.ts';
import { looselyBoundedFunctions, type CompiledSurface } from './expr/index.ts';
import type { Starts } from './grid.ts';
import { lowbias32 } from './noise.ts';
import { listNames } from './hyperparameters.ts';
import { ReferenceRun } from './reference.ts';
import type { CellHyperparameters } from './sweep.ts';

/** Particle-updates the CPU checks in full; above this (per precision) a uniform sample is checked. */
export const FULL_CHECK_BUDGET = 2_000_000;

/** What the GPU computed for every particle of a run. */
export interface GpuOutcome {
  /** x, y per particle, float32 values. */
  positions: ArrayLike<number>;
  status: ArrayLike<number>;
  stopSteps: ArrayLike<number>;
}

export interface VerifySetup {
  surface: CompiledSurface;
  optimizer: OptimizerConfig;
  schedule?: ScheduleConfig;
  noise?: NoiseConfig;
  criteria: StopCriteria;
  starts: Starts;
  cells?: readonly CellHyperparameters[];
  steps: number;
  /** Minima that name the basins, and the assignment radius. */
  minima: readonly BasinMinimum[];
  radius: number;
  /** The GPU flushes float32 results below 2⁻¹²⁶ to 0 (src/gpu/subnormals.ts), so the float32 CPU run does too. */
  flushSubnormals?: boolean;
}

export interface UlpSummary {
  median: number;
  p99: number;
  max: number;
}

export interface Comparison {
  /** Checked particles whose final positions were compared: those that diverged in neither run. */
  compared: number;
  /** Largest difference of a final coordinate over the compared particles; null when none was compared. */
  maxAbsError: number | null;
  /**
   * Largest difference relative to the second run's coordinate, or to the
   * scale floor where that coordinate is smaller (see nearZeroFloor); null
   * when no particle was compared.
   */
  maxRelError: number | null;
  /** Shares of the checked particles with the same status and the same basin. */
  statusAgreement: number;
  basinAgreement: number;
  /** Share of the checked particles that stopped at the same update (0 for both: still moving). */
  stopStepAgreement: number;
  /** Largest difference of the stop steps of a particle that stopped in both runs, in updates. */
  maxStopStepDifference: number;
}

/** End state of one particle in one run. */
export interface ParticleEnd {
  x: number;
  y: number;
  status: StatusName;
  /** The update at which it stopped; 0 while it moves. */
  stopStep: number;
}

/** The compared particle with the largest relative difference between the GPU and CPU float32, and where each run left it. */
export interface LargestDifference {
  index: number;
  relativeError: number;
  gpu: ParticleEnd;
  f32: ParticleEnd;
  f64: ParticleEnd;
}

export interface VerifyReport {
  adapter: string | null;
  /** 1 for a surface of x alone, whose particles' y is 0. */
  dims: 1 | 2;
  /** The float32 CPU run flushed results below 2⁻¹²⁶ to 0, as the GPU does. */
  flushSubnormals: boolean;
  /** Particles of the run, and how many were checked (all, or a uniform sample). */
  particles: number;
  checked: number;
  sampled: boolean;
  steps: number;
  /** Implementation faithfulness: the GPU against the same float32 arithmetic on the CPU. */
  gpuVsF32: Comparison & {
    /**
     * Distance in float32 units in the last place of the final coordinates,
     * the larger of x and y per particle. Below the scale floor it counts in
     * units in the last place of the floor (see scaledUlpDistance). Null
     * when no particle was compared.
     */
    ulp: UlpSummary | null;
    /**
     * The same distances over the compared particles that stopped at the same
     * update in both runs, or are moving in both: the arithmetic alone,
     * without a stop one update earlier or later. Null when there are none.
     */
    ulpSameStopStep: UlpSummary | null;
    /** Indices of the checked particles whose status or basin differs. */
    disagreeing: number[];
    /** The particle behind maxRelError; null when no particle was compared. */
    largest: LargestDifference | null;
    /**
     * The compared particles that converged at the same update in both runs:
     * the arithmetic alone, without particles that still move, whose end
     * points carry every earlier difference forward.
     */
    convergedTogether: { compared: number; maxRelError: number | null; ulp: UlpSummary | null };
  };
  /** What single precision costs: the CPU in float32 against float64 from the same starts. */
  f32VsF64: Comparison & {
    /** Indices of the checked particles whose status or basin differs between float32 and float64: rounding decides them. */
    unresolved: number[];
    /** The particles that converged at the same update in float32 and float64: what float32 costs at such end points. */
    convergedTogether: { compared: number; maxRelError: number | null };
  };
  /**
   * Operations of the surface's formula that WGSL computes with bounds
   * looser than a few ulp, such as cos and exp (see looselyBoundedFunctions).
   */
  looselyBounded: string[];
  /** How to read the two comparisons. */
  explanation: string[];
}

/** Bits of `value` as a float32, as an unsigned integer. */
function float32Bits(value: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, value);
  return view.getUint32(0);
}

/** Distance of two float32 values in units in the last place, across zero. */
export function ulpDistance(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) {
    return Infinity;
  }
  const ordered = (bits: number): number => (bits & 0x80000000 ? 0x80000000 - (bits & 0x7fffffff) : bits + 0x80000000);
  return Math.abs(ordered(float32Bits(a)) - ordered(float32Bits(b)));
}

/**
 * The particles to check: all when `count × steps` fits the budget, else a
 * uniform sample without replacement, the same for the same seed. Sorted. A
 * sample that would leave out fewer than a fifth of the particles is
 * replaced by all of them: checking 4,000 of 4,096 saves little and reads
 * as arbitrary.
 */
export function chooseParticles(count: number, steps: number, seed: number, budget = FULL_CHECK_BUDGET): Uint32Array {
  const size = Math.min(count, Math.max(1, Math.floor(budget / Math.max(1, steps))));
  if (size >= 0.8 * count) {
    return Uint32Array.from({ length: count }, (_, k) => k);
  }
  // Floyd's algorithm: a uniform subset of `size` from `count`, with a
  // counter-based generator, so no array of `count` entries is needed.
  const chosen = new Set<number>();
  let counter = 0;
  for (let j = count - size; j < count; j++) {
    const random = lowbias32((lowbias32(seed ^ 0x5bd1e995) ^ counter++) >>> 0);
    const t = random % (j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  return Uint32Array.from([...chosen].sort((a, b) => a - b));
}

/**
 * Returns the magnitude below which the comparisons count absolute differences: 2⁻¹²
 * of the starts' scale (the largest coordinate of the domain or of the listed
 * starts, and at least 1). Near 0 a coordinate's ulp shrinks without bound,
 * while WGSL bounds the error of sin and cos absolutely (2⁻¹¹ on [−π, π]), so a
 * particle that converges to 0 differs by millions of ulp and is still faithful.
 */
export function nearZeroFloor(starts: Starts): number {
  let scale = 1;
  if (starts.kind === 'grid') {
    const { xMin, xMax, yMin, yMax } = starts.domain;
    scale = Math.max(scale, Math.abs(xMin), Math.abs(xMax), Math.abs(yMin), Math.abs(yMax));
  } else {
    for (const value of starts.points) {
      scale = Math.max(scale, Math.abs(value));
    }
  }
  return scale * 2 ** -12;
}

/** Units in the last place of float32 at magnitude `value` (a normal float32). */
function ulpOf(value: number): number {
  return 2 ** (Math.floor(Math.log2(value)) - 23);
}

/**
 * Position of `value` on a float32 scale that counts the float32 values
 * above `floor` in magnitude one by one and the range below it in ulp of
 * `floor`, with the sign of `value`.
 */
function scaledPosition(value: number, floor: number): number {
  const magnitude = Math.abs(value);
  const floorUlp = ulpOf(floor);
  if (magnitude < floor) {
    return value / floorUlp;
  }
  // The bits of non-negative float32 values, as integers, count the values between them.
  const steps = floor / floorUlp + float32Bits(magnitude) - float32Bits(floor);
  return value < 0 ? -steps : steps;
}

/**
 * Distance of two float32 values in ulp, as ulpDistance, where both are at
 * least `floor` in magnitude. The part of the way between them that lies
 * below `floor` in magnitude counts in ulp of `floor`, so crossing 0 costs
 * about 2^24 ulp of the floor, not the billions of float32 values near 0.
 */
export function scaledUlpDistance(a: number, b: number, floor: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) {
    return Infinity;
  }
  const roundedFloor = Math.fround(floor);
  return Math.round(Math.abs(scaledPosition(Math.fround(a), roundedFloor) - scaledPosition(Math.fround(b), roundedFloor)));
}

/** The outcome of one run, as compare() reads it. */
interface Outcome {
  positions: ArrayLike<number>;
  status: ArrayLike<number>;
  stopSteps: ArrayLike<number>;
  basins: Uint32Array;
}

/**
 * Returns the larger of the x and y differences of particle `i` of `first`
 * and particle `k` of `second`, each relative to the second's coordinate, or
 * to `floor` where that coordinate is smaller (see nearZeroFloor).
 */
function relativeError(first: ArrayLike<number>, i: number, second: ArrayLike<number>, k: number, floor: number): number {
  let largest = 0;
  for (const axis of [0, 1]) {
    const b = second[2 * k + axis];
    largest = Math.max(largest, Math.abs(first[2 * i + axis] - b) / Math.max(Math.abs(b), floor));
  }
  return largest;
}

function compare(first: Outcome, second: Outcome, pick: (k: number) => number, count: number, floor: number): Comparison & { mismatched: number[] } {
  let compared = 0;
  let maxAbsError = 0;
  let maxRelError = 0;
  let sameStatus = 0;
  let sameBasin = 0;
  let sameStopStep = 0;
  let maxStopStepDifference = 0;
  const mismatched: number[] = [];
  for (let k = 0; k < count; k++) {
    const i = pick(k);
    // A diverged particle keeps its last finite position, which shows nothing about the arithmetic.
    const anyDiverged = first.status[i] === STATUS.diverged || second.status[k] === STATUS.diverged;
    compared += anyDiverged ? 0 : 1;
    if (!anyDiverged) {
      for (const axis of [0, 1]) {
        maxAbsError = Math.max(maxAbsError, Math.abs(first.positions[2 * i + axis] - second.positions[2 * k + axis]));
      }
      maxRelError = Math.max(maxRelError, relativeError(first.positions, i, second.positions, k, floor));
    }
    const statusEqual = first.status[i] === second.status[k];
    const basinEqual = first.basins[i] === second.basins[k];
    sameStatus += statusEqual ? 1 : 0;
    sameBasin += basinEqual ? 1 : 0;
    const stops = [first.stopSteps[i], second.stopSteps[k]];
    sameStopStep += stops[0] === stops[1] ? 1 : 0;
    if (stops[0] !== 0 && stops[1] !== 0) {
      maxStopStepDifference = Math.max(maxStopStepDifference, Math.abs(stops[0] - stops[1]));
    }
    if (!statusEqual || !basinEqual) {
      mismatched.push(i);
    }
  }
  return {
    compared,
    maxAbsError: compared > 0 ? maxAbsError : null,
    maxRelError: compared > 0 ? maxRelError : null,
    statusAgreement: sameStatus / count,
    basinAgreement: sameBasin / count,
    stopStepAgreement: sameStopStep / count,
    maxStopStepDifference,
    mismatched,
  };
}

function summarizeUlp(distances: number[]): UlpSummary | null {
  if (distances.length === 0) {
    return null;
  }
  const sorted = distances.sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))] ?? 0;
  return { median: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] };
}

export const EXPLANATION = [
  'GPU vs CPU float32 checks the implementation: both do the same float32 operations in the same order, so they differ only where WGSL allows it (a fused multiply-add, 2.5 ulp for division and square root, looser bounds for sin, cos, tan, exp, log, tanh and the other transcendental functions). A few ulp is faithful; a wrong rule shows as large errors and disagreeing outcomes. A particle that stopped one update earlier in one run is a whole update away, so where stop steps differ the report also gives the ulp of the particles that stopped at the same update. Errors and ulp leave out particles that diverged in either run, whose last finite positions say nothing of the arithmetic. Below 2^-12 of the starts\' scale, errors count against that floor rather than the coordinate, because WGSL bounds sin and cos absolutely and a coordinate near 0 would show millions of ulp.',
  'CPU float32 vs float64 measures what single precision itself costs, from the same starts. Where the two disagree on a status or a basin, rounding decides the outcome: those starts are unresolved, and the map greys them out rather than presenting rounding noise as structure.',
  'Stop steps agree where both runs stopped a particle at the same update, or neither did. An error of an ulp can move the update at which a tolerance is first met by one or a few, so a faithful run may differ there. The command line\'s --min-agreement and the marks on the map count status and basin only. Where the GPU flushes float32 results below 1.18e-38 to 0, as WGSL allows, the float32 CPU run flushes them too; otherwise a tolerance of 0 would stop particles earlier on the GPU.',
];

/**
 * Runs the checked particles on the CPU in float32 and float64 and compares
 * them with the GPU's outcome. `onProgress` receives the share done (0 to 1);
 * `checked` defaults to chooseParticles with seed 1.
 */
export function verifyRun(
  setup: VerifySetup,
  gpu: GpuOutcome,
  adapter: string | null,
  checked?: Uint32Array,
  onProgress?: (share: number) => void,
): VerifyReport {
  const particles = gpu.status.length;
  const indices = checked ?? chooseParticles(particles, setup.steps, 1);
  const referenceSetup = { ...setup, particles: indices };
  const runs = (['f32', 'f64'] as const).map((precision) => new ReferenceRun(referenceSetup, precision));

  // Advance in slices, so that progress can be reported.
  const slices = 20;
  let done = 0;
  for (let slice = 1; slice <= slices; slice++) {
    const target = Math.round((setup.steps * slice) / slices);
    for (const run of runs) {
      run.advance(target - done);
    }
    done = target;
    onProgress?.(slice / slices);
  }
  const [f32, f64] = runs;

  const assignMoving = (setup.noise?.sigma ?? 0) > 0;
  const gpuBasins = classifyAll(gpu.status, gpu.positions, setup.minima, setup.radius, assignMoving);
  const f32Basins = classifyAll(f32.status, f32.positions, setup.minima, setup.radius, assignMoving);
  const f64Basins = classifyAll(f64.status, f64.positions, setup.minima, setup.radius, assignMoving);

  const floor = nearZeroFloor(setup.starts);
  const gpuSide = { positions: gpu.positions, status: gpu.status, stopSteps: gpu.stopSteps, basins: gpuBasins };
  const f32Side = { positions: f32.positions, status: f32.status, stopSteps: f32.stopSteps, basins: f32Basins };
  const f64Side = { positions: f64.positions, status: f64.status, stopSteps: f64.stopSteps, basins: f64Basins };
  const gpuComparison = compare(gpuSide, f32Side, (k) => indices[k], indices.length, floor);
  const precisionComparison = compare(f32Side, f64Side, (k) => k, indices.length, floor);

  const ulps: number[] = [];
  const ulpsSameStop: number[] = [];
  const ulpsConverged: number[] = [];
  let convergedMaxRel = 0;
  let largest: { k: number; relativeError: number } | undefined;
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (gpu.status[i] === STATUS.diverged || f32.status[k] === STATUS.diverged) {
      continue;
    }
    const distance = Math.max(scaledUlpDistance(gpu.positions[2 * i], f32.positions[2 * k], floor), scaledUlpDistance(gpu.positions[2 * i + 1], f32.positions[2 * k + 1], floor));
    ulps.push(distance);
    // The same relative error as compare() takes, so that `largest` names the particle behind maxRelError.
    const relative = relativeError(gpu.positions, i, f32.positions, k, floor);
    if (!largest || relative > largest.relativeError) {
      largest = { k, relativeError: relative };
    }
    if (gpu.stopSteps[i] === f32.stopSteps[k]) {
      ulpsSameStop.push(distance);
      if (gpu.status[i] === STATUS.converged && f32.status[k] === STATUS.converged) {
        ulpsConverged.push(distance);
        convergedMaxRel = Math.max(convergedMaxRel, relative);
      }
    }
  }
  const end = (run: { positions: ArrayLike<number>; status: ArrayLike<number>; stopSteps: ArrayLike<number> }, i: number): ParticleEnd => ({
    x: run.positions[2 * i],
    y: run.positions[2 * i + 1],
    status: STATUS_NAMES[run.status[i]],
    stopStep: run.stopSteps[i],
  });
  const largestDifference: LargestDifference | null = largest
    ? { index: indices[largest.k], relativeError: largest.relativeError, gpu: end(gpu, indices[largest.k]), f32: end(f32, largest.k), f64: end(f64, largest.k) }
    : null;
  const convergedTogether = { compared: ulpsConverged.length, maxRelError: ulpsConverged.length > 0 ? convergedMaxRel : null, ulp: summarizeUlp(ulpsConverged) };

  // The same end points of float32 against float64, the baseline that the GPU's are judged against.
  let precisionTogether = 0;
  let precisionMaxRel = 0;
  for (let k = 0; k < indices.length; k++) {
    if (f32.status[k] !== STATUS.converged || f64.status[k] !== STATUS.converged || f32.stopSteps[k] !== f64.stopSteps[k]) {
      continue;
    }
    precisionTogether++;
    precisionMaxRel = Math.max(precisionMaxRel, relativeError(f32.positions, k, f64.positions, k, floor));
  }

  const { mismatched: disagreeing, ...gpuVsF32 } = gpuComparison;
  const { mismatched: unresolvedLocal, ...f32VsF64 } = precisionComparison;
  return {
    adapter,
    dims: setup.surface.dims,
    flushSubnormals: setup.flushSubnormals === true,
    particles,
    checked: indices.length,
    sampled: indices.length < particles,
    steps: setup.steps,
    gpuVsF32: { ...gpuVsF32, ulp: summarizeUlp(ulps), ulpSameStopStep: summarizeUlp(ulpsSameStop), disagreeing, largest: largestDifference, convergedTogether },
    f32VsF64: {
      ...f32VsF64,
      unresolved: unresolvedLocal.map((k) => indices[k]),
      convergedTogether: { compared: precisionTogether, maxRelError: precisionTogether > 0 ? precisionMaxRel : null },
    },
    looselyBounded: looselyBoundedFunctions(setup.surface.expression),
    explanation: EXPLANATION,
  };
}

/** Formats an agreement share as the report prints it, a percentage with two decimals. */
export function formatAgreement(share: number): string {
  return `${(100 * share).toFixed(2)}%`;
}

/** True when both agreement shares of the GPU against float32 reach `share`. */
export function meetsAgreement(report: VerifyReport, share: number): boolean {
  return report.gpuVsF32.statusAgreement >= share && report.gpuVsF32.basinAgreement >= share;
}

/** Human-readable lines of a report. */
export function formatVerifyReport(report: VerifyReport): string {
  const share = formatAgreement;
  // 0 as 0, not 0.00; small and large values with an exponent, not 0.00000507.
  const number = (value: number): string => {
    if (value === 0 || !Number.isFinite(value)) {
      return String(value);
    }
    return Math.abs(value) < 1e-3 || Math.abs(value) >= 1e4 ? value.toExponential(2) : String(Number(value.toPrecision(3)));
  };
  const stopSteps = (comparison: Comparison): string => {
    const agree = `stop step ${share(comparison.stopStepAgreement)} agree`;
    if (comparison.maxStopStepDifference > 0) {
      return `${agree} (at most ${comparison.maxStopStepDifference} apart where both stopped)`;
    }
    return comparison.stopStepAgreement < 1 ? `${agree} (the others stopped in one run only)` : agree;
  };
  // The position errors, or why there are none: a particle that diverged in either run is not compared.
  const errors = (comparison: Comparison, ulp?: UlpSummary | null, ulpSameStop?: UlpSummary | null): string => {
    if (comparison.maxAbsError === null || comparison.maxRelError === null) {
      return 'no positions compared (every checked particle diverged in one run or both)';
    }
    let ulpText = ulp ? `, ulp median ${ulp.median} / 99% ${ulp.p99} / max ${ulp.max}` : '';
    // Where some stop steps differ, the ulp of the others show the arithmetic alone.
    if (ulp && comparison.stopStepAgreement < 1) {
      ulpText += ulpSameStop ? ` (same stop step, moving in both included: 99% ${ulpSameStop.p99} / max ${ulpSameStop.max})` : ' (no compared particle has the same stop step)';
    }
    const notDiverged = comparison.compared < report.checked ? ` (${comparison.compared.toLocaleString('en-US')} not diverged)` : '';
    return `max |Δ| ${number(comparison.maxAbsError)}, max relative ${number(comparison.maxRelError)}${ulpText}${notDiverged}`;
  };
  const g = report.gpuVsF32;
  const p = report.f32VsF64;
  return [
    `checked ${report.checked.toLocaleString('en-US')} of ${report.particles.toLocaleString('en-US')} particles${report.sampled ? ' (uniform sample)' : ''} after ${report.steps} ${report.steps === 1 ? 'update' : 'updates'} on ${report.adapter ?? 'no GPU'}` +
      (report.flushSubnormals ? ', which flushes float32 results below 1.18e-38 to 0; so does the CPU float32 run' : ''),
    `GPU vs CPU float32: ${errors(g, g.ulp, g.ulpSameStopStep)}; status ${share(g.statusAgreement)}, basin ${share(g.basinAgreement)} agree; ${stopSteps(g)}`,
    `CPU float32 vs float64: ${errors(p)}; status ${share(p.statusAgreement)}, basin ${share(p.basinAgreement)} agree; ${stopSteps(p)}; ${p.unresolved.length} unresolved`,
    ...verdictLines(report, number),
  ].join('\n');
}

/** WGSL's accuracy of the loosely bounded operations, as the report quotes it (WebGPU Shading Language, "Floating Point Accuracy"). */
const WGSL_ACCURACY: Record<string, string> = {
  sin: '2^-11 absolute on [-π, π]',
  cos: '2^-11 absolute on [-π, π]',
  tan: 'that of sin(x) / cos(x)',
  exp: '3 + 2|x| ulp',
  log: '2^-21 absolute on [0.5, 2], 3 ulp elsewhere',
  log1p: 'that of log(1 + x)',
  sinh: 'that of exp',
  cosh: 'that of exp',
  tanh: 'that of exp',
  atan: '4096 ulp',
  atan2: '4096 ulp',
  asin: 'that of atan2',
  acos: 'that of atan2',
  pow: 'that of exp2(y log2(x))',
};

/** Returns the checked starts whose status or basin differs between the GPU and CPU float32 but not between float32 and float64. */
function unexplainedOutcomes(report: VerifyReport): number[] {
  const unresolved = new Set(report.f32VsF64.unresolved);
  return report.gpuVsF32.disagreeing.filter((index) => !unresolved.has(index));
}

/** Particle indices a report line lists before "and N more". */
const LISTED_PARTICLES = 8;

/**
 * Returns the line about starts whose status or basin differs between the GPU
 * and CPU float32 while float32 and float64 agree on them. Rounding alone does
 * not decide these starts. Returns no line when there are none.
 */
function outcomeLines(report: VerifyReport): string[] {
  const unexplained = unexplainedOutcomes(report);
  if (unexplained.length === 0) {
    return [];
  }
  const listed = unexplained.slice(0, LISTED_PARTICLES).join(', ');
  const more = unexplained.length > LISTED_PARTICLES ? ` and ${unexplained.length - LISTED_PARTICLES} more` : '';
  const starts = unexplained.length === 1 ? '1 start ends' : `${unexplained.length.toLocaleString('en-US')} starts end`;
  const lead = `${starts} with another status or basin on the GPU than on the CPU in float32, where float32 and float64 agree (particle${unexplained.length === 1 ? '' : 's'} ${listed}${more}).`;
  if (report.looselyBounded.length > 0) {
    return [
      `${lead} The formula uses ${listNames(report.looselyBounded)}, whose looser WGSL bounds let a faithful GPU take other steps; where starts cycle, ` +
        'stall on a plateau or lie near a boundary between basins, that can change where they end.',
    ];
  }
  return [`${lead} The formula uses only operations that WGSL bounds to a few ulp, so unless these starts lie on a boundary between basins, this points to a fault.`];
}

/**
 * Ulp within which a difference of converged end points is read as the few
 * that fused multiply-adds and division within 2.5 ulp leave. An estimate,
 * not a bound from the WGSL specification.
 */
const FEW_ULP = 16;

/** Writes where one run left a particle, as "(x, y)" with its status and stop step. */
function describeEnd(end: ParticleEnd, dims: 1 | 2, number: (value: number) => string): string {
  const at = end.status === 'moving' ? 'still moving' : `${end.status} at update ${end.stopStep}`;
  return dims === 1 ? `x = ${number(end.x)}, ${at}` : `(${number(end.x)}, ${number(end.y)}), ${at}`;
}

/**
 * Returns the conclusion: whether the GPU's difference from CPU float32 is
 * within what float32 costs against float64. Where it is not, the lines
 * also name the particle behind the largest difference. The particles that
 * converged at the same update in both runs are judged on their own. They get
 * a line where they differ by more than float32 costs at such end points and
 * by more than a few ulp, even where the first comparison is within.
 */
function verdictLines(report: VerifyReport, number: (value: number) => string): string[] {
  const gpu = report.gpuVsF32;
  const precision = report.f32VsF64;
  if (gpu.maxRelError === null || precision.maxRelError === null) {
    return ['No positions were compared, so there is nothing to conclude about the arithmetic: compare fewer updates, or a smaller rate, where particles do not diverge.'];
  }
  const figures = `max relative ${number(gpu.maxRelError)} against ${number(precision.maxRelError)}`;
  const within = gpu.maxRelError <= precision.maxRelError;
  const lines = within
    ? [`The GPU differs from CPU float32 no more than float32 differs from float64 (${figures}): within what single precision costs anyway.`]
    : [`The GPU differs from CPU float32 more than float32 differs from float64 (${figures}).`];
  lines.push(...outcomeLines(report));
  const largest = gpu.largest;
  if (!within && largest) {
    const ends = [`GPU ${describeEnd(largest.gpu, report.dims, number)}`, `CPU float32 ${describeEnd(largest.f32, report.dims, number)}`, `float64 ${describeEnd(largest.f64, report.dims, number)}`].join('; ');
    let cause = '';
    if (largest.gpu.status === 'moving' || largest.f32.status === 'moving') {
      cause = ' A particle that has not settled, such as one in an oscillation or a cycle, carries every earlier rounding difference forward, so its end point says little about the arithmetic.';
    } else if (largest.gpu.stopStep !== largest.f32.stopStep) {
      const apart = Math.abs(largest.gpu.stopStep - largest.f32.stopStep);
      cause = ` The two runs stopped it ${apart === 1 ? 'an update' : `${apart} updates`} apart, so one end point is that far further along its path.`;
    }
    lines.push(`The largest difference is at particle ${largest.index}: ${ends}.${cause}`);
  }
  const together = gpu.convergedTogether;
  if (together.maxRelError === null || together.ulp === null) {
    if (!within) {
      lines.push('No compared particle converged at the same update in both runs, so no end point shows the arithmetic alone.');
    }
    return lines;
  }
  const over = `Over the ${together.compared.toLocaleString('en-US')} particles that converged at the same update in both runs: max relative ${number(together.maxRelError)}, ulp median ${together.ulp.median} / 99% ${together.ulp.p99} / max ${together.ulp.max}`;
  // The baseline is float32's cost at the same kind of end points: particles that cycle or stop at other updates would excuse too much.
  const baseline = precision.convergedTogether.maxRelError;
  if (baseline !== null && together.maxRelError <= baseline) {
    if (!within) {
      lines.push(`${over}, within what float32 costs against float64 at such end points (max relative ${number(baseline)}).`);
    }
  } else if (together.ulp.max <= FEW_ULP) {
    if (!within) {
      lines.push(`${over}: a few ulp, as WGSL's fused multiply-adds and division within 2.5 ulp allow.`);
    }
  } else if (report.looselyBounded.length > 0) {
    // Where the overall figures were within float32's cost, this line reports that the converged end points alone are not.
    const bounds = report.looselyBounded.map((name) => `${name}: ${WGSL_ACCURACY[name]}`).join('; ');
    // Where the outcomes agree beyond rounding too, they are the check that matters; otherwise the outcome line above lists where not.
    const outcomes = unexplainedOutcomes(report).length === 0 ? '; the outcomes, which agree, are the check that matters here' : '';
    lines.push(`${over}. The formula uses ${listNames(report.looselyBounded)}, which WGSL computes to looser bounds than the CPU (${bounds}), so a faithful GPU can differ by this much${outcomes}.`);
  } else {
    lines.push(
      `${over}. The formula uses only operations that WGSL bounds to a few ulp, so a difference this large where both runs stopped at the same update points to a fault: ` +
        'rerun with fewer updates to find the first one where it appears.',
    );
  }
  return lines;
}
