/**
 * Timing of GPU work for the benchmark: timestamp queries where the device
 * has the `timestamp-query` feature, wall clock around
 * queue.onSubmittedWorkDone() otherwise (and always, for comparison).
 *
 * The timestamps come from two empty compute passes, one submitted before the
 * measured work and one after it, so the measured code can submit as it
 * normally does (the product's Descent.step submits once per dispatch). Both
 * paths of the benchmark are measured the same way, over many updates, so
 * the quantisation that browsers and Dawn apply to timestamps does not matter.
 */

export type TimingMethod = 'timestamp-query' | 'wall clock';

export interface Timing {
  /** GPU time between the two marks, from timestamp queries; undefined without them. */
  gpuSeconds: number | undefined;
  /** Wall time from the first submit to the resolution of onSubmittedWorkDone. */
  wallSeconds: number;
  /**
   * CPU time of this process, all threads, over the same span. With a CPU
   * implementation of WebGPU such as SwiftShader it is the compute work
   * itself, which other processes on the machine hardly change. With a GPU it
   * is only the driver's and the benchmark's own work.
   */
  cpuSeconds: number;
}

export class GpuTimer {
  readonly method: TimingMethod;
  private readonly querySet: GPUQuerySet | undefined;
  private readonly resolveBuffer: GPUBuffer | undefined;
  private readonly readBuffer: GPUBuffer | undefined;

  constructor(private readonly device: GPUDevice) {
    if (!device.features.has('timestamp-query')) {
      this.method = 'wall clock';
      return;
    }
    this.method = 'timestamp-query';
    this.querySet = device.createQuerySet({ label: 'bench.timestamps', type: 'timestamp', count: 2 });
    this.resolveBuffer = device.createBuffer({
      label: 'bench.timestampResolve',
      size: 16,
      usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
    });
    this.readBuffer = device.createBuffer({ label: 'bench.timestampRead', size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  }

  /** Runs `work` (which submits GPU commands) between two marks, and waits until the GPU has finished it. */
  async measure(work: () => void): Promise<Timing> {
    const queue = this.device.queue;
    await queue.onSubmittedWorkDone();

    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    this.submitMark(0, false);
    work();
    this.submitMark(1, true);
    await queue.onSubmittedWorkDone();
    const wallSeconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuStarted);

    return { gpuSeconds: await this.readGpuSeconds(), wallSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  }

  destroy(): void {
    this.querySet?.destroy();
    this.resolveBuffer?.destroy();
    this.readBuffer?.destroy();
  }

  /** Submits an empty compute pass that writes timestamp `index`; the last mark also resolves both. */
  private submitMark(index: number, resolve: boolean): void {
    const encoder = this.device.createCommandEncoder({ label: `bench.mark${index}` });
    if (this.querySet) {
      const writes: GPUComputePassTimestampWrites =
        index === 0 ? { querySet: this.querySet, endOfPassWriteIndex: 0 } : { querySet: this.querySet, beginningOfPassWriteIndex: 1 };
      encoder.beginComputePass({ label: `bench.mark${index}`, timestampWrites: writes }).end();
      if (resolve) {
        encoder.resolveQuerySet(this.querySet, 0, 2, this.resolveBuffer!, 0);
        encoder.copyBufferToBuffer(this.resolveBuffer!, 0, this.readBuffer!, 0, 16);
      }
    }
    this.device.queue.submit([encoder.finish()]);
  }

  private async readGpuSeconds(): Promise<number | undefined> {
    if (!this.readBuffer) {
      return undefined;
    }
    await this.readBuffer.mapAsync(GPUMapMode.READ);
    const [begin, end] = new BigUint64Array(this.readBuffer.getMappedRange().slice(0));
    this.readBuffer.unmap();
    // Timestamps are in nanoseconds; an implementation may reset or reorder them, which shows as end < begin.
    if (end <= begin) {
      return undefined;
    }
    return Number(end - begin) / 1e9;
  }
}
