/**
 * The sections of the benchmark's report: throughput with ratios, memory per
 * particle against the adapter's limits, submit sizes, and the app.
 */
import { MAX_PARTICLE_STEPS_PER_SUBMIT, stepsPerSubmit } from '../src/core/limits.ts';
import type { AppReport } from './appPath.ts';
import type { AdapterInfo } from './machine.ts';
import { DEFAULT_LIMITS, LARGEST_GRID_PARTICLES, fixedBytes, optimizerMemory } from './memory.ts';
import type { BenchOptions } from './options.ts';
import { formatInteger, formatMiB, formatRate, type Section } from './report.ts';

export interface ThroughputRow {
  path: 'product' | 'minimal kernel' | 'CPU reference';
  optimizer: string;
  surface: string;
  particles: number;
  /** Updates per particle in one timed run. */
  steps: number;
  /** Median seconds of one timed run. */
  seconds: number;
  /** Median CPU seconds of this process in one timed run (see Timing.cpuSeconds). */
  cpuSeconds: number;
  method: string;
  /** Particle-steps per second. */
  rate: number;
  note: string;
}

export function throughputSection(rows: readonly ThroughputRow[], options: BenchOptions): Section {
  const minimalRow = (row: ThroughputRow): ThroughputRow | undefined => {
    const minimal = rows.filter((other) => other.path === 'minimal kernel' && other.optimizer === row.optimizer && other.surface === row.surface);
    return minimal.find((other) => other.particles === row.particles) ?? minimal[0];
  };
  // Particle-steps per CPU second of this process, for the ratio by CPU time.
  const cpuRate = (row: ThroughputRow): number => (row.rate * row.seconds) / row.cpuSeconds;
  return {
    title: 'Particle-steps per second',
    table: {
      headers: ['path', 'optimizer', 'surface', 'particles', 'steps', 'time (s)', 'timing', 'particle-steps/s', '× minimal', 'CPU s', '× minimal by CPU time', 'notes'],
      align: ['l', 'l', 'l', 'r', 'r', 'r', 'l', 'r', 'r', 'r', 'r', 'l'],
      rows: rows.map((row) => {
        const minimal = minimalRow(row);
        const ratio = minimal && Number.isFinite(row.rate) ? (row.rate / minimal.rate).toFixed(2) : '–';
        const cpuRatio = minimal && Number.isFinite(row.rate) ? (cpuRate(row) / cpuRate(minimal)).toFixed(2) : '–';
        return [
          row.path,
          row.optimizer,
          row.surface,
          formatInteger(row.particles),
          formatInteger(row.steps),
          Number.isFinite(row.seconds) ? row.seconds.toFixed(3) : '–',
          row.method,
          formatRate(row.rate),
          ratio,
          Number.isFinite(row.cpuSeconds) ? row.cpuSeconds.toFixed(3) : '–',
          cpuRatio,
          row.note,
        ];
      }),
    },
    notes: [
      `Each run does ${options.steps} updates per dispatch, one submit per dispatch, and as many dispatches as bring it to at least ${formatInteger(options.minParticleStepsPerRun)} particle-steps; "steps" counts the updates per particle of one run.`,
      '"× minimal" divides by the minimal kernel on the same workload and particle count (for the CPU reference, on its particle count).',
      '"CPU s" is the CPU time of the benchmark\'s process, all threads, in one run. With SwiftShader it is the compute work itself and changes little with the load of other processes, so "× minimal by CPU time" is the steadier ratio on a shared machine; with a GPU it means nothing.',
      `The CPU reference runs on a subsample of ${formatInteger(options.referenceParticles)} particles of the same domain, on one thread.`,
      'The product stops updating converged and diverged particles, so "still moving" says how much of its run was full work.',
    ],
  };
}

export function memorySection(adapter: AdapterInfo): Section {
  const fixed = fixedBytes();
  const fixedTotal = Object.values(fixed).reduce((sum, bytes) => sum + bytes, 0);
  const fits = (bytes: number, limits: { maxStorageBufferBindingSize: number; maxBufferSize: number }): string =>
    bytes <= limits.maxStorageBufferBindingSize && bytes <= limits.maxBufferSize ? 'yes' : 'no';
  return {
    title: 'Bytes per particle',
    table: {
      headers: [
        'optimizer',
        'points',
        'stop step',
        'state',
        'bytes/particle',
        'with basin index',
        `largest buffer at ${formatInteger(LARGEST_GRID_PARTICLES)}`,
        'all buffers of a run',
        'fits this adapter',
        'fits WebGPU defaults',
      ],
      align: ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'l'],
      rows: optimizerMemory().map((memory) => [
        memory.optimizer,
        '16 B',
        '4 B',
        `${memory.stateBytes} B`,
        `${memory.bytesPerParticle} B`,
        `${memory.appBytesPerParticle} B`,
        formatMiB(memory.largestBinding),
        formatMiB(memory.totalBytes),
        fits(memory.largestBinding, adapter),
        fits(memory.largestBinding, DEFAULT_LIMITS),
      ]),
    },
    notes: [
      'The descent pipeline keeps points, stop step and optimizer state per particle; the app adds a 4-byte basin index per particle for its basin map.',
      `Buffers of fixed size, with the app's settings: ${Object.entries(fixed)
        .map(([name, bytes]) => `${name} ${formatInteger(bytes)} B`)
        .join(', ')}; ${formatInteger(fixedTotal)} B in all.`,
      `A buffer fits when it is at most maxStorageBufferBindingSize and maxBufferSize: ${formatInteger(adapter.maxStorageBufferBindingSize)} and ${formatInteger(adapter.maxBufferSize)} B on this adapter, ${formatInteger(DEFAULT_LIMITS.maxStorageBufferBindingSize)} and ${formatInteger(DEFAULT_LIMITS.maxBufferSize)} B by WebGPU's defaults.`,
    ],
  };
}

export function submitSection(sizes: readonly number[]): Section {
  return {
    title: 'Submit size',
    table: {
      headers: ['particles', 'updates per submit', 'particle-steps per submit'],
      align: ['r', 'r', 'r'],
      rows: [...new Set([...sizes, LARGEST_GRID_PARTICLES])]
        .sort((a, b) => a - b)
        .map((particles) => {
          const steps = stepsPerSubmit(particles);
          return [formatInteger(particles), formatInteger(steps), formatInteger(steps * particles)];
        }),
    },
    notes: [
      `The CLI and the app split long runs into submits of at most ${formatInteger(MAX_PARTICLE_STEPS_PER_SUBMIT)} particle-steps (stepsPerSubmit in src/core/limits.ts), so that no submit runs into an operating system's GPU watchdog (2 s on Windows).`,
    ],
  };
}

export function appSection(app: AppReport, options: BenchOptions): Section {
  const settings = options.app!;
  return {
    title: 'The app in headless Chromium',
    bullets: [
      `${app.browser}, adapter ${app.adapter}; viewport 1280 × 720, device pixel ratio 1`,
      `plain descent on ${settings.surface} at η = ${settings.lr}, ${settings.stepsPerFrame} updates per frame, ${settings.warmupSeconds} s of frames after the grid is built, then at least ${settings.windowSeconds} s and ${settings.minFrames} frames with updates measured with requestAnimationFrame timestamps in the page`,
    ],
    table: {
      headers: ['grid', 'particles', 'frames', 'frame time (ms)', 'particle-steps/s', 'still moving', "the app's status line"],
      align: ['l', 'r', 'r', 'r', 'r', 'r', 'l'],
      rows: app.results.map((result) => [
        `${result.grid} × ${result.grid}`,
        formatInteger(result.particles),
        formatInteger(result.frames),
        result.frameMilliseconds.toFixed(1),
        formatRate(result.particleStepsPerSecond),
        `${(100 * result.movingShare).toFixed(1)}%`,
        result.statusLine,
      ]),
    },
    notes: [
      'Frame time is the mean time between two frames that dispatched updates, and particle-steps per second counts the updates those frames submitted. The app lets two frames be in flight, so at this speed frames come in pairs.',
      'SwiftShader draws every frame on the CPU as well, so here drawing and compute share the same cores. On such an adapter the app draws without multisampling and with a 128 × 128 surface mesh, and drawing still takes most of a frame.',
    ],
  };
}
