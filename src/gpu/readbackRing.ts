/**
 * Asynchronous readback of a few small buffer ranges through a ring of
 * staging buffers: a staging buffer is copied into only while it is free,
 * and mapped only after the submit that fills it, so no frame waits for the
 * GPU and no buffer is mapped twice or submitted while mapped.
 */

export interface ReadbackRange {
  buffer: GPUBuffer;
  offset: number;
  size: number;
}

interface Slot<Tag> {
  buffer: GPUBuffer;
  busy: boolean;
  tag: Tag | undefined;
}

/** A ring of staging buffers whose data comes back with the tag of its capture (a number, or any value). */
export class ReadbackRing<Tag = number> {
  private readonly slots: Slot<Tag>[] = [];
  private pending: Slot<Tag>[] = [];
  private destroyed = false;

  constructor(
    device: GPUDevice,
    label: string,
    private readonly size: number,
    private readonly onData: (data: ArrayBuffer, tag: Tag) => void,
    ringSize = 3,
  ) {
    for (let k = 0; k < ringSize; k++) {
      this.slots.push({
        buffer: device.createBuffer({ label: `${label}.staging${k}`, size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }),
        busy: false,
        tag: undefined,
      });
    }
  }

  /**
   * Copies `ranges`, one after another, into a free staging buffer; returns
   * false, copying nothing, when every buffer is still waiting for its map.
   * `tag` comes back with the data.
   */
  capture(encoder: GPUCommandEncoder, ranges: readonly ReadbackRange[], tag: Tag): boolean {
    const slot = this.slots.find((candidate) => !candidate.busy);
    if (!slot) {
      return false;
    }
    slot.busy = true;
    slot.tag = tag;
    let offset = 0;
    for (const range of ranges) {
      encoder.copyBufferToBuffer(range.buffer, range.offset, slot.buffer, offset, range.size);
      offset += range.size;
    }
    this.pending.push(slot);
    return true;
  }

  /** Starts mapping the buffers captured since the last submit; call right after queue.submit. */
  afterSubmit(): void {
    const submitted = this.pending;
    this.pending = [];
    for (const slot of submitted) {
      slot.buffer.mapAsync(GPUMapMode.READ).then(
        () => {
          if (this.destroyed) {
            return;
          }
          const data = slot.buffer.getMappedRange(0, this.size).slice(0);
          slot.buffer.unmap();
          slot.busy = false;
          this.onData(data, slot.tag as Tag);
        },
        () => {
          // The map fails when the buffer was destroyed or the device lost; nothing to read then.
          slot.busy = false;
        },
      );
    }
  }

  destroy(): void {
    this.destroyed = true;
    for (const slot of this.slots) {
      slot.buffer.destroy();
    }
  }
}
