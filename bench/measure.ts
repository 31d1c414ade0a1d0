/**
 * Repeated measurement: warm-up runs that are thrown away, then the median
 * of several timed repetitions.
 */
import type { Timing, TimingMethod } from './gpuTimer.ts';

export interface Measurement {
  /** Median seconds per repetition, by `method`. */
  seconds: number;
  /** Median wall-clock seconds per repetition, GPU paths included. */
  wallSeconds: number;
  /** Median CPU seconds of this process per repetition (see Timing.cpuSeconds). */
  cpuSeconds: number;
  method: TimingMethod | 'CPU wall clock';
  repetitions: number;
}

export interface RepetitionPlan {
  /** Runs before the timed ones: pipeline warm-up, JIT compilation, first-touch of memory. */
  warmups: number;
  repetitions: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** One timed run of a path: it submits its work and resolves when the GPU or CPU has finished it. */
export type TimedRun = () => Promise<Timing>;

/** A GPU path ready to be timed: its pipeline compiled and its buffers allocated. */
export interface TimedPath {
  /** Particle-steps in one run. */
  particleSteps: number;
  run: TimedRun;
  destroy(): void;
}

/**
 * Runs every path plan.warmups + plan.repetitions times, taking turns, and
 * returns the median of each path's timed runs. Taking turns spreads any
 * change in the machine's load (other processes on a shared machine) over all
 * paths, so their ratios stay fair.
 */
export async function measureInterleaved(plan: RepetitionPlan, method: TimingMethod, runs: readonly TimedRun[]): Promise<Measurement[]> {
  for (let k = 0; k < plan.warmups; k++) {
    for (const run of runs) {
      await run();
    }
  }
  const timings: Timing[][] = runs.map(() => []);
  for (let k = 0; k < plan.repetitions; k++) {
    for (const [index, run] of runs.entries()) {
      timings[index].push(await run());
    }
  }
  return timings.map((list) => summarise(list, method, plan.repetitions));
}

function summarise(timings: readonly Timing[], method: TimingMethod, repetitions: number): Measurement {
  const wallSeconds = median(timings.map((timing) => timing.wallSeconds));
  const cpuSeconds = median(timings.map((timing) => timing.cpuSeconds));
  const gpuSeconds = timings.map((timing) => timing.gpuSeconds);
  if (method === 'timestamp-query' && gpuSeconds.every((seconds) => seconds !== undefined)) {
    return { seconds: median(gpuSeconds as number[]), wallSeconds, cpuSeconds, method, repetitions };
  }
  return { seconds: wallSeconds, wallSeconds, cpuSeconds, method: 'wall clock', repetitions };
}

/** Times a synchronous CPU function the same way: warm-ups, then the median wall time. */
export async function measureCpu(plan: RepetitionPlan, prepare: () => () => void): Promise<Measurement> {
  const once = async (): Promise<Timing> => {
    const run = prepare();
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    run();
    const cpu = process.cpuUsage(cpuStarted);
    return { gpuSeconds: undefined, wallSeconds: (performance.now() - started) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  };
  const [measurement] = await measureInterleaved(plan, 'wall clock', [once]);
  return { ...measurement, method: 'CPU wall clock' };
}
