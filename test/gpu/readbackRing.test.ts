// The staging-buffer ring that reads statistics back without stalling a
// frame, on a real adapter. Captures beyond the free buffers are skipped, and
// every captured range arrives with its tag. Mapping a staging buffer twice or
// copying into it while mapped would be a WebGPU validation error.

import { describe, expect, test } from 'vitest';

import { ReadbackRing } from '../../src/gpu/readbackRing.ts';
import { useTestGpuContext } from '../helpers/nodeGpu.ts';

const gpu = useTestGpuContext();

/** Writes `value` into the 16-byte source buffer, then captures it into the ring as a frame would. */
function frame(ring: ReadbackRing, source: GPUBuffer, value: number): boolean {
  const device = gpu().device;
  device.queue.writeBuffer(source, 0, new Uint32Array([value, value + 1, value + 2, value + 3]));
  const encoder = device.createCommandEncoder();
  const captured = ring.capture(encoder, [{ buffer: source, offset: 0, size: 16 }], value);
  device.queue.submit([encoder.finish()]);
  ring.afterSubmit();
  return captured;
}

describe('readback ring', () => {
  test('busy buffers skipped, never mapped twice', async () => {
    const device = gpu().device;
    const source = device.createBuffer({ size: 16, usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    const received: { tag: number; words: number[] }[] = [];
    const ring = new ReadbackRing(device, 'test.ring', 16, (data, tag) => received.push({ tag, words: [...new Uint32Array(data)] }), 3);

    const uncaptured: string[] = [];
    const onError = (event: Event) => uncaptured.push((event as GPUUncapturedErrorEvent).error.message);
    device.addEventListener('uncapturederror', onError);
    device.pushErrorScope('validation');

    // Ten frames without waiting: the first three take the three staging
    // buffers, the other seven find them all waiting for their maps.
    const captured = Array.from({ length: 10 }, (_, k) => frame(ring, source, 100 * (k + 1)));
    expect(captured).toEqual([true, true, true, false, false, false, false, false, false, false]);

    await device.queue.onSubmittedWorkDone();
    await expect.poll(() => received.length, { timeout: 10_000 }).toBe(3);
    expect(received).toEqual([
      { tag: 100, words: [100, 101, 102, 103] },
      { tag: 200, words: [200, 201, 202, 203] },
      { tag: 300, words: [300, 301, 302, 303] },
    ]);

    // Once read, the buffers are free again.
    expect(frame(ring, source, 1100)).toBe(true);
    await device.queue.onSubmittedWorkDone();
    await expect.poll(() => received.length, { timeout: 10_000 }).toBe(4);
    expect(received[3]).toEqual({ tag: 1100, words: [1100, 1101, 1102, 1103] });

    expect(await device.popErrorScope()).toBeNull();
    device.removeEventListener('uncapturederror', onError);
    expect(uncaptured).toEqual([]);
    ring.destroy();
    source.destroy();
  });

  test('destroy with maps pending', async () => {
    const device = gpu().device;
    const source = device.createBuffer({ size: 16, usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    const received: number[] = [];
    const ring = new ReadbackRing(device, 'test.ring', 16, (_data, tag) => received.push(tag), 2);
    device.pushErrorScope('validation');
    expect(frame(ring, source, 1)).toBe(true);
    expect(frame(ring, source, 2)).toBe(true);
    // A scene replaced while its readbacks are in flight: the data is dropped, not delivered.
    ring.destroy();
    await device.queue.onSubmittedWorkDone();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received).toEqual([]);
    expect(await device.popErrorScope()).toBeNull();
    source.destroy();
  });
});
