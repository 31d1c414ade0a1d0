/**
 * The basin classifier: after each descent dispatch it assigns every
 * particle its basin on the GPU (shaders/basins.wgsl) and counts them with a
 * workgroup reduction; the counts come back asynchronously. The `basins`
 * buffer is drawn as the basin map straight from the GPU.
 */
import { BASIN_MOVING, MAX_BASINS } from '../core/basins.ts';
import type { BasinMinimum } from '../core/basins.ts';
import type { GpuContext } from './device.ts';

import { compileOnce, createComputePipelines, dispatchSize } from './pipeline.ts';
import { ReadbackRing } from './readbackRing.ts';
import { shaderSource } from './shaderSource.ts';
import { defineStruct, StructWriter } from './struct.ts';

/** The uniform `BasinParams` of shaders/basins.wgsl. */
export const BASIN_PARAMS = defineStruct('BasinParams', [
  ['particle_count', 'u32'],
  ['minima_count', 'u32'],
  ['radius_sq', 'f32'],
  ['assign_moving', 'u32'],
] as const);

/** Count slots: one per minimum, then other, diverged, moving; SLOTS in the WGSL. */
export const BASIN_SLOTS = MAX_BASINS + 3;
/** Bytes per minimum in `minima` (vec4f: x, y, value, unused). */
export const MINIMUM_STRIDE = 16;
/** Bytes per particle in `basins` (u32). */
export const BASIN_STRIDE = 4;

const WORKGROUP_SIZE = 64;

export interface BasinCounts {
  /** Particles per minimum, in the order of the minima. */
  minima: number[];
  other: number;
  diverged: number;
  moving: number;
  /** Updates done when the counts were taken. */
  stepsDone: number;
}

/** Minima, radius and points buffer a classifier works on. */
export interface BasinInputs {
  points: GPUBuffer;
  particleCount: number;
  minima: readonly BasinMinimum[];
  /** Assignment radius in surface units. */
  radius: number;
  /** A moving particle within the radius takes the basin (set while gradient noise is on). */
  assignMoving?: boolean;
}

export class BasinClassifier {
  /** Per particle: the basin code (u32). The renderer reads it for the map. */
  readonly basins: GPUBuffer;
  private readonly paramsBuffer: GPUBuffer;
  private readonly minimaBuffer: GPUBuffer;
  private readonly counts: GPUBuffer;
  private readonly bindGroup: GPUBindGroup;
  private readonly ring: ReadbackRing | undefined;
  private readonly params = new StructWriter(BASIN_PARAMS);
  private minimaCount = 0;

  private constructor(
    private readonly gpu: GpuContext,
    private readonly pipeline: GPUComputePipeline,
    private readonly particleCount: number,
    points: GPUBuffer,
    onCounts?: (counts: BasinCounts) => void,
  ) {
    const device = gpu.device;
    this.paramsBuffer = device.createBuffer({ label: 'Basins.params', size: BASIN_PARAMS.size, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.minimaBuffer = device.createBuffer({ label: 'Basins.minima', size: MAX_BASINS * MINIMUM_STRIDE, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    this.basins = device.createBuffer({
      label: 'Basins.basins',
      size: Math.max(16, particleCount * BASIN_STRIDE),
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    this.counts = device.createBuffer({ label: 'Basins.counts', size: BASIN_SLOTS * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    // Every particle starts as moving, so the map is defined before the first classification.
    device.queue.writeBuffer(this.basins, 0, new Uint32Array(Math.max(4, particleCount)).fill(BASIN_MOVING));

    this.bindGroup = device.createBindGroup({
      label: 'Basins.bindGroup',
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.paramsBuffer } },
        { binding: 1, resource: { buffer: points } },
        { binding: 2, resource: { buffer: this.minimaBuffer } },
        { binding: 3, resource: { buffer: this.basins } },
        { binding: 4, resource: { buffer: this.counts } },
      ],
    });

    if (onCounts) {
      this.ring = new ReadbackRing(device, 'Basins.counts', BASIN_SLOTS * 4, (data, stepsDone) => {
        const words = new Uint32Array(data);
        onCounts({
          minima: Array.from(words.subarray(0, this.minimaCount)),
          other: words[MAX_BASINS],
          diverged: words[MAX_BASINS + 1],
          moving: words[MAX_BASINS + 2],
          stepsDone,
        });
      });
    }
  }

  /** Compiles the classifier for the particles of `inputs.points`. */
  static async create(gpu: GpuContext, inputs: BasinInputs, onCounts?: (counts: BasinCounts) => void): Promise<BasinClassifier> {
    const device = gpu.device;
    const { classify } = await compileOnce(device, 'Basins', async () => {
      const layout = device.createBindGroupLayout({
        label: 'Basins.bindGroupLayout',
        entries: [
          { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } },
          { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } },
          { binding: 2, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } },
          { binding: 3, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
          { binding: 4, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
        ],
      });
      const pipelineLayout = device.createPipelineLayout({ label: 'Basins.pipelineLayout', bindGroupLayouts: [layout] });
      return createComputePipelines(device, 'Basins', shaderSource('basins'), pipelineLayout, ['classify'] as const, { WORKGROUP_SIZE });
    });
    const classifier = new BasinClassifier(gpu, classify, inputs.particleCount, inputs.points, onCounts);
    classifier.setMinima(inputs.minima, inputs.radius, inputs.assignMoving ?? false);
    return classifier;
  }

  /**
   * Sets the minima and the assignment radius for the next classification;
   * `assignMoving` as in classifyParticle of src/core/basins.ts.
   */
  setMinima(minima: readonly BasinMinimum[], radius: number, assignMoving = false): void {
    this.minimaCount = Math.min(minima.length, MAX_BASINS);
    const table = new Float32Array(4 * MAX_BASINS);
    for (let k = 0; k < this.minimaCount; k++) {
      table.set([minima[k].x, minima[k].y, minima[k].value, 0], 4 * k);
    }
    this.gpu.device.queue.writeBuffer(this.minimaBuffer, 0, table);
    this.params
      .set('particle_count', this.particleCount)
      .set('minima_count', this.minimaCount)
      .set('radius_sq', radius * radius)
      .set('assign_moving', assignMoving ? 1 : 0);
    this.gpu.device.queue.writeBuffer(this.paramsBuffer, 0, this.params.data);
  }

  /** Classifies every particle as the points buffer stands now, and queues the counts' readback. */
  classify(stepsDone: number): void {
    const device = this.gpu.device;
    device.queue.writeBuffer(this.counts, 0, new Uint32Array(BASIN_SLOTS));
    const encoder = device.createCommandEncoder({ label: 'Basins.classify' });
    const pass = encoder.beginComputePass({ label: 'Basins.classify' });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    const groups = Math.ceil(this.particleCount / WORKGROUP_SIZE);
    pass.dispatchWorkgroups(...dispatchSize(groups, device.limits.maxComputeWorkgroupsPerDimension));
    pass.end();
    this.ring?.capture(encoder, [{ buffer: this.counts, offset: 0, size: BASIN_SLOTS * 4 }], stepsDone);
    device.queue.submit([encoder.finish()]);
    this.ring?.afterSubmit();
  }

  destroy(): void {
    this.ring?.destroy();
    for (const buffer of [this.paramsBuffer, this.minimaBuffer, this.basins, this.counts]) {
      buffer.destroy();
    }
  }
}



/**
 * Counts the starts whose basins differ between two classifiers of the same
 * grid, on the GPU; the count comes back asynchronously.
 */
export class BasinComparer {
  private readonly differing: GPUBuffer;
  private readonly paramsBuffer: GPUBuffer;
  private readonly bindGroup: GPUBindGroup;
  private readonly ring: ReadbackRing;

  private constructor(
    private readonly gpu: GpuContext,
    private readonly pipeline: GPUComputePipeline,
    layout: GPUBindGroupLayout,
    private readonly particleCount: number,
    first: BasinClassifier,
    second: BasinClassifier,
    onCount: (differing: number) => void,
  ) {
    const device = gpu.device;
    this.paramsBuffer = device.createBuffer({ label: 'BasinCompare.params', size: BASIN_PARAMS.size, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(this.paramsBuffer, 0, new StructWriter(BASIN_PARAMS).set('particle_count', particleCount).data);
    this.differing = device.createBuffer({ label: 'BasinCompare.differing', size: 16, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    this.bindGroup = device.createBindGroup({
      label: 'BasinCompare.bindGroup',
      layout,
      entries: [
        { binding: 0, resource: { buffer: this.paramsBuffer } },
        { binding: 5, resource: { buffer: first.basins } },
        { binding: 6, resource: { buffer: second.basins } },
        { binding: 7, resource: { buffer: this.differing } },
      ],
    });
    this.ring = new ReadbackRing(device, 'BasinCompare.differing', 4, (data) => onCount(new Uint32Array(data)[0]));
  }

  static async create(gpu: GpuContext, first: BasinClassifier, second: BasinClassifier, particleCount: number, onCount: (differing: number) => void): Promise<BasinComparer> {
    const device = gpu.device;
    const { layout, compare } = await compileOnce(device, 'BasinCompare', async () => {
      const layout = device.createBindGroupLayout({
        label: 'BasinCompare.bindGroupLayout',
        entries: [
          { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } },
          { binding: 5, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } },
          { binding: 6, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } },
          { binding: 7, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
        ],
      });
      const pipelineLayout = device.createPipelineLayout({ label: 'BasinCompare.pipelineLayout', bindGroupLayouts: [layout] });
      const { compare } = await createComputePipelines(device, 'BasinCompare', shaderSource('basins'), pipelineLayout, ['compare'] as const, { WORKGROUP_SIZE });
      return { layout, compare };
    });
    return new BasinComparer(gpu, compare, layout, particleCount, first, second, onCount);
  }

  /** Counts the differing starts of the two maps as they stand now. */
  compare(): void {
    const device = this.gpu.device;
    device.queue.writeBuffer(this.differing, 0, new Uint32Array(4));
    const encoder = device.createCommandEncoder({ label: 'BasinCompare.compare' });
    const pass = encoder.beginComputePass({ label: 'BasinCompare.compare' });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(...dispatchSize(Math.ceil(this.particleCount / WORKGROUP_SIZE), device.limits.maxComputeWorkgroupsPerDimension));
    pass.end();
    this.ring.capture(encoder, [{ buffer: this.differing, offset: 0, size: 4 }], 0);
    device.queue.submit([encoder.finish()]);
    this.ring.afterSubmit();
  }

  destroy(): void {
    this.ring.destroy();
    this.differing.destroy();
    this.paramsBuffer.destroy();
  }
}
