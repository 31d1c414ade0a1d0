/**
 * A uniform sample of a descent's particles, gathered on the GPU (the same
 * number from every cell) and read back asynchronously: the input of the
 * population's loss percentiles and of the sweep plots, at a bounded cost
 * whatever the number of particles.
 */
import type { Descent } from './descent.ts';
import type { GpuContext } from './device.ts';
import { lossFromStored } from './layout.ts';
import { compileOnce, createComputePipelines, dispatchSize } from './pipeline.ts';
import { ReadbackRing } from './readbackRing.ts';
import { shaderSource } from './shaderSource.ts';
import { defineStruct, StructWriter } from './struct.ts';

/** The uniform `SampleParams` of shaders/sample.wgsl. */
export const SAMPLE_PARAMS = defineStruct('SampleParams', [
  ['samples_per_cell', 'u32'],
  ['cells', 'u32'],
  ['starts_per_cell', 'u32'],
  ['stride', 'u32'],
] as const);

/** Bytes per sample (vec4f: loss, status, stop step bits, unused). */
export const SAMPLE_STRIDE = 16;
const WORKGROUP_SIZE = 64;

export interface PopulationSample {
  /** Updates done when the sample was taken. */
  stepsDone: number;
  /** The descent's count of resets and picks when the sample was taken (see Descent.generation). */
  generation: number;
  cells: number;
  samplesPerCell: number;
  /** Per sample, cell by cell. */
  /** NaN where a particle's loss is undefined or not finite. */
  loss: Float32Array;
  status: Uint8Array;
  stopSteps: Uint32Array;
}

export class PopulationSampler {
  readonly samplesPerCell: number;
  private readonly samples: GPUBuffer;
  private readonly paramsBuffer: GPUBuffer;
  private readonly bindGroup: GPUBindGroup;
  private readonly ring: ReadbackRing<{ stepsDone: number; generation: number }>;
  private readonly descent: Descent;
  private readonly total: number;

  private constructor(
    private readonly gpu: GpuContext,
    private readonly pipeline: GPUComputePipeline,
    layout: GPUBindGroupLayout,
    descent: Descent,
    maxSamples: number,
    onSample: (sample: PopulationSample) => void,
  ) {
    const device = gpu.device;
    this.descent = descent;
    const cells = descent.particleCount / descent.startsPerCell;
    this.samplesPerCell = Math.max(1, Math.min(descent.startsPerCell, Math.floor(maxSamples / cells)));
    this.total = this.samplesPerCell * cells;
    const stride = Math.max(1, Math.floor(descent.startsPerCell / this.samplesPerCell));

    this.paramsBuffer = device.createBuffer({ label: 'Sampler.params', size: SAMPLE_PARAMS.size, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    const params = new StructWriter(SAMPLE_PARAMS)
      .set('samples_per_cell', this.samplesPerCell)
      .set('cells', cells)
      .set('starts_per_cell', descent.startsPerCell)
      .set('stride', stride);
    device.queue.writeBuffer(this.paramsBuffer, 0, params.data);
    this.samples = device.createBuffer({ label: 'Sampler.samples', size: this.total * SAMPLE_STRIDE, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    this.bindGroup = device.createBindGroup({
      label: 'Sampler.bindGroup',
      layout,
      entries: [
        { binding: 0, resource: { buffer: this.paramsBuffer } },
        { binding: 1, resource: { buffer: descent.points } },
        { binding: 2, resource: { buffer: descent.stopSteps } },
        { binding: 3, resource: { buffer: this.samples } },
      ],
    });
    this.ring = new ReadbackRing<{ stepsDone: number; generation: number }>(device, 'Sampler.samples', this.total * SAMPLE_STRIDE, (data, { stepsDone, generation }) => {
      const floats = new Float32Array(data);
      const words = new Uint32Array(data);
      const loss = new Float32Array(this.total);
      const status = new Uint8Array(this.total);
      const stopSteps = new Uint32Array(this.total);
      for (let k = 0; k < this.total; k++) {
        loss[k] = lossFromStored(floats[4 * k]);
        status[k] = floats[4 * k + 1];
        stopSteps[k] = words[4 * k + 2];
      }
      onSample({ stepsDone, generation, cells, samplesPerCell: this.samplesPerCell, loss, status, stopSteps });
    }, 2);
  }

  /** Compiles the gather kernel for `descent`; at most `maxSamples` particles are sampled. */
  static async create(gpu: GpuContext, descent: Descent, maxSamples: number, onSample: (sample: PopulationSample) => void): Promise<PopulationSampler> {
    const device = gpu.device;
    const { layout, gather } = await compileOnce(device, 'Sampler', async () => {
      const layout = device.createBindGroupLayout({
        label: 'Sampler.bindGroupLayout',
        entries: [
          { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } },
          { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } },
          { binding: 2, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } },
          { binding: 3, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
        ],
      });
      const pipelineLayout = device.createPipelineLayout({ label: 'Sampler.pipelineLayout', bindGroupLayouts: [layout] });
      const { gather } = await createComputePipelines(device, 'Sampler', shaderSource('sample'), pipelineLayout, ['gather'] as const, { WORKGROUP_SIZE });
      return { layout, gather };
    });
    return new PopulationSampler(gpu, gather, layout, descent, maxSamples, onSample);
  }

  /** Gathers the sample as the particles stand now and queues its readback; skipped while every staging buffer is busy. */
  sample(stepsDone: number): void {
    const device = this.gpu.device;
    const encoder = device.createCommandEncoder({ label: 'Sampler.gather' });
    const pass = encoder.beginComputePass({ label: 'Sampler.gather' });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(...dispatchSize(Math.ceil(this.total / WORKGROUP_SIZE), device.limits.maxComputeWorkgroupsPerDimension));
    pass.end();
    if (this.ring.capture(encoder, [{ buffer: this.samples, offset: 0, size: this.total * SAMPLE_STRIDE }], { stepsDone, generation: this.descent.generation })) {
      device.queue.submit([encoder.finish()]);
      this.ring.afterSubmit();
    }
  }

  destroy(): void {
    this.ring.destroy();
    this.samples.destroy();
    this.paramsBuffer.destroy();
  }
}
