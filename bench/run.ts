/**
 * `npm run bench`: the same descent workloads through the product's pipeline,
 * a minimal WGSL kernel and the CPU reference in one process, then the app in
 * headless Chromium. It prints particle-steps per second with ratios, the
 * machine and the adapter. Start it through bench/launch.mjs (npm run bench),
 * which gives Node the Vulkan variables that Dawn needs.
 */
import { readFileSync, writeFileSync } from 'node:fs';

import { STATUS } from '../src/core/config.ts';
import { createNodeGpuContext } from '../src/cli/nodeGpu.ts';
import { registerNodeShaders } from '../src/cli/shaders.ts';
import type { GpuContext } from '../src/gpu/device.ts';
import { LimitExceededError } from '../src/gpu/errors.ts';
import { benchApp, type AppReport } from './appPath.ts';
import { GpuTimer } from './gpuTimer.ts';
import { describeGpu, describeMachine } from './machine.ts';
import { measureInterleaved } from './measure.ts';
import { createMinimalPath } from './minimalPath.ts';
import { BenchUsageError, parseBenchOptions, USAGE, type BenchOptions } from './options.ts';
import { createProductPath } from './productPath.ts';
import { benchReference } from './referencePath.ts';
import { renderReport, type Section } from './report.ts';
import { appSection, memorySection, submitSection, throughputSection, type ThroughputRow } from './sections.ts';
import { WORKLOADS, describeWorkload, setupWorkload, type Workload } from './workloads.ts';

const DOCS_PAGE = new URL('../docs/benchmarks.md', import.meta.url);
const DOCS_BEGIN = '<!-- bench:begin -->';
const DOCS_END = '<!-- bench:end -->';

function progress(message: string): void {
  console.error(`bench: ${message}`);
}

/** Times the product's pipeline and the minimal kernel on one workload and size, taking turns. */
async function benchGpuPaths(gpu: GpuContext, timer: GpuTimer, workload: Workload, particles: number, options: BenchOptions): Promise<ThroughputRow[]> {
  const setup = setupWorkload(workload, particles);
  const dispatches = Math.max(1, Math.round(options.minParticleStepsPerRun / (particles * options.steps)));
  const common = { optimizer: workload.optimizerName, surface: workload.surfaceName, particles, steps: options.steps * dispatches };

  let product;
  try {
    product = await createProductPath(gpu, timer, setup, options.steps, dispatches);
  } catch (error) {
    if (error instanceof LimitExceededError) {
      return [{ ...common, path: 'product', seconds: Number.NaN, cpuSeconds: Number.NaN, method: timer.method, rate: Number.NaN, note: `skipped: ${error.message}` }];
    }
    throw error;
  }
  const minimal = await createMinimalPath(gpu, timer, setup, options.steps, dispatches);
  try {
    const plan = { warmups: options.warmups, repetitions: options.repetitions };
    const [productTime, minimalTime] = await measureInterleaved(plan, timer.method, [product.run, minimal.run]);

    // Particles that kept moving did exactly the minimal kernel's updates, so
    // their positions show whether both kernels computed the same thing.
    const result = await product.readResult();
    const positions = await minimal.readPositions();
    let moving = 0;
    let difference = 0;
    for (let i = 0; i < particles; i++) {
      if (result.status[i] === STATUS.moving) {
        moving++;
        difference = Math.max(difference, Math.abs(result.positions[2 * i] - positions[2 * i]), Math.abs(result.positions[2 * i + 1] - positions[2 * i + 1]));
      }
    }
    const movingNote = `${((100 * moving) / particles).toFixed(1)}% still moving, max |Δ| to minimal ${difference.toExponential(1)}`;
    const kernels = product.dispatches();
    const snapshotNote = `${product.snapshots()} statistics snapshots` + (kernels.general > 0 ? `; ${kernels.general} of ${kernels.lean + kernels.general} dispatches in the general loop` : '');

    return [
      {
        ...common,
        path: 'minimal kernel',
        seconds: minimalTime.seconds,
        cpuSeconds: minimalTime.cpuSeconds,
        method: minimalTime.method,
        rate: minimal.particleSteps / minimalTime.seconds,
        note: '',
      },
      {
        ...common,
        path: 'product',
        seconds: productTime.seconds,
        cpuSeconds: productTime.cpuSeconds,
        method: productTime.method,
        rate: product.particleSteps / productTime.seconds,
        note: `${movingNote}; ${snapshotNote}`,
      },
    ];
  } finally {
    product.destroy();
    minimal.destroy();
  }
}

async function main(options: BenchOptions): Promise<void> {
  const started = new Date();
  const machine = describeMachine();
  registerNodeShaders();
  const gpu = await createNodeGpuContext();
  const adapter = describeGpu(gpu);
  const timer = new GpuTimer(gpu.device);
  progress(`adapter ${adapter.name}; timing by ${timer.method}`);

  const rows: ThroughputRow[] = [];
  for (const particles of options.sizes) {
    for (const workload of WORKLOADS) {
      progress(`${describeWorkload(workload)}, ${particles.toLocaleString('en-US')} particles: product and minimal kernel`);
      rows.push(...(await benchGpuPaths(gpu, timer, workload, particles, options)));
    }
  }
  for (const workload of WORKLOADS) {
    progress(`${describeWorkload(workload)}: CPU reference on ${options.referenceParticles.toLocaleString('en-US')} particles`);
    const setup = setupWorkload(workload, options.referenceParticles);
    const reference = await benchReference(setup, options.referenceParticles, options.steps, { warmups: options.warmups, repetitions: options.repetitions });
    rows.push({
      path: 'CPU reference',
      optimizer: workload.optimizerName,
      surface: workload.surfaceName,
      particles: reference.particles,
      steps: options.steps,
      seconds: reference.measurement.seconds,
      cpuSeconds: reference.measurement.cpuSeconds,
      method: reference.measurement.method,
      rate: reference.particleSteps / reference.measurement.seconds,
      note: 'float32, one thread',
    });
  }
  timer.destroy();
  gpu.device.destroy();

  // The GPU and CPU results are reported even when the browser part fails.
  let app: AppReport | undefined;
  let appError: string | undefined;
  if (options.app) {
    progress(`app in headless Chromium at grids ${options.app.grids.join(', ')}`);
    try {
      app = await benchApp({ ...options.app, viewport: { width: 1280, height: 720 } });
    } catch (error) {
      appError = error instanceof Error ? error.message : String(error);
      console.error(`bench: the app measurement failed: ${appError}`);
    }
  }

  const sections: Section[] = [
    {
      title: 'Run',
      bullets: [
        `command: \`${options.command}\``,
        `date: ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
        `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB.toFixed(0)} GiB, ${machine.system}, Node ${machine.node}; load average ${machine.loadAverage.toFixed(2)} at the start, ${describeMachine().loadAverage.toFixed(2)} at the end`,
        `adapter: ${adapter.name}, through ${adapter.dawn}; ${adapter.vulkan}`,
        `adapter limits: maxStorageBufferBindingSize ${adapter.maxStorageBufferBindingSize.toLocaleString('en-US')}, maxBufferSize ${adapter.maxBufferSize.toLocaleString('en-US')}, maxComputeWorkgroupsPerDimension ${adapter.maxComputeWorkgroupsPerDimension}`,
        timer.method === 'timestamp-query'
          ? `GPU time: timestamp queries (the adapter offers timestamp-query), written by two empty compute passes around each run; median of ${options.repetitions} runs after ${options.warmups} warm-up, paths taking turns`
          : `GPU time: wall clock from the first submit to onSubmittedWorkDone (the adapter offers no timestamp-query); median of ${options.repetitions} runs after ${options.warmups} warm-up, paths taking turns`,
      ],
    },
    throughputSection(rows, options),
    memorySection(adapter),
    submitSection(options.sizes),
  ];
  if (app) {
    sections.push(appSection(app, options));
  } else if (appError) {
    sections.push({ title: 'The app in headless Chromium', bullets: [`failed: ${appError}`] });
  }

  console.log(renderReport(sections, 'text'));
  if (options.writeDocs) {
    writeDocs(renderReport(sections, 'markdown'));
    progress('wrote the results into docs/benchmarks.md');
  }
  if (appError) {
    process.exitCode = 1;
  }
}

/** Replaces the text between the markers of docs/benchmarks.md with `markdown`. */
function writeDocs(markdown: string): void {
  const page = readFileSync(DOCS_PAGE, 'utf8');
  const begin = page.indexOf(DOCS_BEGIN);
  const end = page.indexOf(DOCS_END);
  if (begin < 0 || end < begin) {
    throw new Error(`docs/benchmarks.md has no ${DOCS_BEGIN} … ${DOCS_END} section to replace; add the two markers`);
  }
  writeFileSync(DOCS_PAGE, `${page.slice(0, begin + DOCS_BEGIN.length)}\n\n${markdown}\n${page.slice(end)}`);
}

let options: BenchOptions | 'help';
try {
  options = parseBenchOptions(process.argv.slice(2));
} catch (error) {
  if (error instanceof BenchUsageError) {
    console.error(`bench: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  throw error;
}
if (options === 'help') {
  console.log(USAGE);
  process.exit(0);
}
try {
  await main(options);
  // Dawn can keep the process alive after the device is destroyed.
  process.exit(process.exitCode ?? 0);
} catch (error) {
  console.error(`bench: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
}
