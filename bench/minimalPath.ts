/**
 * The minimal kernel of bench/minimalKernel.wgsl: the same surface and update
 * arithmetic as the product, without anything else, as the practical limit of
 * an adapter.
 */
import { readFileSync } from 'node:fs';

import { fillStarts, startCount } from '../src/core/grid.ts';
import type { GpuContext } from '../src/gpu/device.ts';
import { OPTIMIZER_CODES } from '../src/gpu/layout.ts';
import { createComputePipelines, dispatchSize } from '../src/gpu/pipeline.ts';
import { readBuffer } from '../src/gpu/readback.ts';
import type { GpuTimer } from './gpuTimer.ts';
import type { TimedPath } from './measure.ts';
import type { WorkloadSetup } from './workloads.ts';

const WORKGROUP_SIZE = 64;
const SOURCE = readFileSync(new URL('./minimalKernel.wgsl', import.meta.url), 'utf8');
/** Bytes of MinimalParams: eight 4-byte scalars and a vec2f. */
const PARAMS_SIZE = 48;

export interface MinimalPath extends TimedPath {
  /** Final positions of the last run, x and y interleaved. */
  readPositions(): Promise<Float32Array>;
}

class MinimalKernel {
  private readonly buffers: GPUBuffer[] = [];
  private readonly params: GPUBuffer;
  private readonly positions: GPUBuffer;
  private readonly moments: GPUBuffer;
  private readonly starts: GPUBuffer;
  private readonly bindGroup: GPUBindGroup;
  private readonly count: number;
  private stepsDone = 0;
  /**
   * 1 − β₁ᵗ and 1 − β₂ᵗ, by the kernel's recurrence in float32. A GPU that
   * fuses its multiply-add may differ from these by an ulp.
   */
  private corrections = [0, 0];

  constructor(
    private readonly device: GPUDevice,
    private readonly pipeline: GPUComputePipeline,
    layout: GPUBindGroupLayout,
    private readonly setup: WorkloadSetup,
  ) {
    this.count = startCount(setup.starts);
    const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const create = (label: string, size: number, usage: number): GPUBuffer => {
      const buffer = device.createBuffer({ label: `Minimal.${label}`, size, usage });
      this.buffers.push(buffer);
      return buffer;
    };
    this.params = create('params', PARAMS_SIZE, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    this.positions = create('positions', this.count * 8, storage);
    this.starts = create('starts', this.count * 8, GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST);
    const adam = setup.optimizer.name === 'adam';
    this.moments = create('moments', adam ? this.count * 16 : 16, storage);

    const starts = new Float32Array(2 * this.count);
    fillStarts(setup.starts, starts);
    device.queue.writeBuffer(this.starts, 0, starts);

    this.bindGroup = device.createBindGroup({
      label: 'Minimal.bindGroup',
      layout,
      entries: [
        { binding: 0, resource: { buffer: this.params } },
        { binding: 1, resource: { buffer: this.positions } },
        { binding: 2, resource: { buffer: this.moments } },
      ],
    });
  }

  /** Puts every particle back on its start with zero moments. */
  reset(): void {
    const encoder = this.device.createCommandEncoder({ label: 'Minimal.reset' });
    encoder.copyBufferToBuffer(this.starts, 0, this.positions, 0, this.count * 8);
    encoder.clearBuffer(this.moments);
    this.device.queue.submit([encoder.finish()]);
    this.stepsDone = 0;
    this.corrections = [0, 0];
  }

  /** Dispatches `steps` updates in one submit, as Descent.step does. */
  step(steps: number): void {
    const optimizer = this.setup.optimizer;
    const params = new ArrayBuffer(PARAMS_SIZE);
    new Uint32Array(params, 0, 2).set([this.count, steps]);
    new Float32Array(params, 8, 8).set([
      optimizer.lr,
      optimizer.eps,
      optimizer.beta1,
      optimizer.beta2,
      1 - optimizer.beta1,
      1 - optimizer.beta2,
      this.corrections[0],
      this.corrections[1],
    ]);
    this.device.queue.writeBuffer(this.params, 0, params);

    const encoder = this.device.createCommandEncoder({ label: 'Minimal.step' });
    const pass = encoder.beginComputePass({ label: 'Minimal.step' });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    const groups = Math.ceil(this.count / WORKGROUP_SIZE);
    pass.dispatchWorkgroups(...dispatchSize(groups, this.device.limits.maxComputeWorkgroupsPerDimension));
    pass.end();
    this.device.queue.submit([encoder.finish()]);

    const beta = [Math.fround(optimizer.beta1), Math.fround(optimizer.beta2)];
    const oneMinusBeta = [Math.fround(1 - optimizer.beta1), Math.fround(1 - optimizer.beta2)];
    for (let k = 0; k < steps; k++) {
      this.corrections = this.corrections.map((c, i) => Math.fround(Math.fround(beta[i] * c) + oneMinusBeta[i]));
    }
    this.stepsDone += steps;
  }

  async readPositions(): Promise<Float32Array> {
    return new Float32Array(await readBuffer(this.device, this.positions, this.count * 8));
  }

  destroy(): void {
    for (const buffer of this.buffers) {
      buffer.destroy();
    }
  }
}

/**
 * Compiles the minimal kernel for a workload and returns a path whose every
 * run starts from the starts and does `dispatches` dispatches of `steps`
 * updates, one submit each.
 */
export async function createMinimalPath(gpu: GpuContext, timer: GpuTimer, setup: WorkloadSetup, steps: number, dispatches: number): Promise<MinimalPath> {
  const device = gpu.device;
  const layout = device.createBindGroupLayout({
    label: 'Minimal.bindGroupLayout',
    entries: [0, 1, 2].map((binding) => ({
      binding,
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type: binding === 0 ? ('uniform' as const) : ('storage' as const) },
    })),
  });
  const pipelineLayout = device.createPipelineLayout({ label: 'Minimal.pipelineLayout', bindGroupLayouts: [layout] });
  const { step } = await createComputePipelines(device, 'Minimal', `${setup.surface.wgsl}\n${SOURCE}`, pipelineLayout, ['step'] as const, {
    WORKGROUP_SIZE,
    OPTIMIZER: OPTIMIZER_CODES[setup.optimizer.name],
  });

  const kernel = new MinimalKernel(device, step, layout, setup);
  return {
    particleSteps: startCount(setup.starts) * steps * dispatches,
    run: () => {
      kernel.reset();
      return timer.measure(() => {
        for (let d = 0; d < dispatches; d++) {
          kernel.step(steps);
        }
      });
    },
    readPositions: () => kernel.readPositions(),
    destroy: () => kernel.destroy(),
  };
}
