/**
 * Asynchronous readback of the small per-dispatch results (status counts,
 * loss range, the picked particle's history) through a ring of staging
 * buffers. A staging buffer is copied into only while it is free and is
 * mapped only after the submit that fills it, so a frame never waits for the
 * GPU and no buffer is mapped twice or submitted while mapped.
 */
import { HISTORY_ENTRY_STRIDE, lossFromStored, POINT_STRIDE, STATE_ENTRY_STRIDE, STAT_CONVERGED, STAT_DIVERGED, STAT_LOSS_MAX, STAT_LOSS_MIN, STAT_MOVING, STAT_WORDS } from './layout.ts';

/** Step value of a history entry that was never written since the last reset or pick. */
export const EMPTY_ENTRY_STEP = 0xffffffff;

export interface HistoryEntry {
  /** Updates done when the entry was written. */
  step: number;
  x: number;
  y: number;
  /** NaN where the loss is undefined or not finite. */
  loss: number;
}

export interface StatsSnapshot {
  /** Updates done by every particle when the copy was made. */
  stepsDone: number;
  /** Resets of the descent before the copy was made: a snapshot of an earlier run than the current one is stale. */
  generation: number;
  /** performance.now() when the copy was recorded, just before its submit: steadier than the arrival for rates. */
  capturedAt: number;
  moving: number;
  converged: number;
  diverged: number;
  /** Loss range over particles that have not diverged and have a finite loss; NaN when there are none. */
  lossMin: number;
  lossMax: number;
  /** Entries of the picked particle's history ring, in ring order. */
  history: HistoryEntry[];
  /** Picked particle index the history belongs to. */
  pickedIndex: number;
  /** The picked particle now: x, y, loss (NaN where missing) and status code. */
  pickedPoint: [number, number, number, number];
  /** The picked particle's optimizer state: the s0 and s1 entries of the WGSL, 8 numbers. */
  pickedState: Float32Array;
  /** The update at which the picked particle converged or diverged; 0 while it moves. */
  pickedStopStep: number;
}

/** The buffers that the picked particle's point, state and stop step are copied from. */
export interface PickedSources {
  points: GPUBuffer;
  optState: GPUBuffer;
  stopSteps: GPUBuffer;
  /** vec4f state entries per particle. */
  stateEntries: number;
}

/** Inverts the WGSL order_key: from an order-preserving u32 back to the float. */
export function floatFromOrderKey(key: number): number {
  const bits = (key & 0x80000000) !== 0 ? (key & 0x7fffffff) >>> 0 : ~key >>> 0;
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, bits, true);
  return view.getFloat32(0, true);
}

interface Slot {
  buffer: GPUBuffer;
  busy: boolean;
  stepsDone: number;
  generation: number;
  capturedAt: number;
  pickedIndex: number;
}

export class StatsRing {
  private readonly slots: Slot[] = [];
  private pending: Slot[] = [];
  /** Maps in flight, until their snapshot is delivered. */
  private readonly reading = new Set<Promise<void>>();
  private readonly statsBytes = STAT_WORDS * 4;
  /** The picked particle's point and up to two state entries follow the history, then its stop step (a u32). */
  private readonly stopStepOffset = POINT_STRIDE + 2 * STATE_ENTRY_STRIDE;
  private readonly pickedBytes = this.stopStepOffset + 4;
  private destroyed = false;

  constructor(
    device: GPUDevice,
    private readonly historyLength: number,
    private readonly onSnapshot: (snapshot: StatsSnapshot) => void,
    ringSize = 3,
  ) {
    const size = this.statsBytes + historyLength * HISTORY_ENTRY_STRIDE + this.pickedBytes;
    for (let k = 0; k < ringSize; k++) {
      this.slots.push({
        buffer: device.createBuffer({ label: `Descent.statsStaging${k}`, size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }),
        busy: false,
        stepsDone: 0,
        generation: 0,
        capturedAt: 0,
        pickedIndex: 0,
      });
    }
  }

  /** True when a capture now would find a free staging buffer. */
  hasFreeSlot(): boolean {
    return this.slots.some((slot) => !slot.busy);
  }

  /**
   * Copies the statistics and history into a free staging buffer, if there
   * is one; returns false when every buffer is still waiting for its map.
   */
  capture(
    encoder: GPUCommandEncoder,
    stats: GPUBuffer,
    history: GPUBuffer,
    stepsDone: number,
    pickedIndex: number,
    picked: PickedSources,
    particleCount: number,
    generation = 0,
  ): boolean {
    const slot = this.slots.find((candidate) => !candidate.busy);
    if (!slot) {
      return false;
    }
    slot.busy = true;
    slot.stepsDone = stepsDone;
    slot.generation = generation;
    slot.capturedAt = performance.now();
    slot.pickedIndex = pickedIndex;
    encoder.copyBufferToBuffer(stats, 0, slot.buffer, 0, this.statsBytes);
    encoder.copyBufferToBuffer(history, 0, slot.buffer, this.statsBytes, this.historyLength * HISTORY_ENTRY_STRIDE);
    if (pickedIndex < particleCount) {
      const offset = this.statsBytes + this.historyLength * HISTORY_ENTRY_STRIDE;
      encoder.copyBufferToBuffer(picked.points, pickedIndex * POINT_STRIDE, slot.buffer, offset, POINT_STRIDE);
      if (picked.stateEntries > 0) {
        const stateBytes = picked.stateEntries * STATE_ENTRY_STRIDE;
        encoder.copyBufferToBuffer(picked.optState, pickedIndex * stateBytes, slot.buffer, offset + POINT_STRIDE, stateBytes);
      }
      encoder.copyBufferToBuffer(picked.stopSteps, pickedIndex * 4, slot.buffer, offset + this.stopStepOffset, 4);
    }
    this.pending.push(slot);
    return true;
  }

  /** Starts mapping the buffers captured since the last submit; call right after queue.submit. */
  afterSubmit(): void {
    const submitted = this.pending;
    this.pending = [];
    for (const slot of submitted) {
      const read = slot.buffer.mapAsync(GPUMapMode.READ).then(
        () => {
          if (this.destroyed) {
            return;
          }
          const snapshot = this.decode(slot);
          slot.buffer.unmap();
          slot.busy = false;
          this.onSnapshot(snapshot);
        },
        () => {
          // The map fails when the buffer was destroyed or the device lost; nothing to read then.
          slot.busy = false;
        },
      );
      this.reading.add(read);
      void read.finally(() => this.reading.delete(read));
    }
  }

  /** Resolves once every snapshot captured so far has been delivered (or its map has failed), so every buffer is free. */
  async settled(): Promise<void> {
    while (this.reading.size > 0) {
      await Promise.all(this.reading);
    }
  }

  private decode(slot: Slot): StatsSnapshot {
    const bytes = slot.buffer.getMappedRange();
    const words = new Uint32Array(bytes, 0, STAT_WORDS);
    const entries = new Float32Array(bytes, this.statsBytes, this.historyLength * 4);
    const entryBits = new Uint32Array(bytes, this.statsBytes, this.historyLength * 4);

    const history: HistoryEntry[] = [];
    for (let k = 0; k < this.historyLength; k++) {
      history.push({ x: entries[4 * k], y: entries[4 * k + 1], loss: lossFromStored(entries[4 * k + 2]), step: entryBits[4 * k + 3] });
    }

    const pickedOffset = this.statsBytes + this.historyLength * HISTORY_ENTRY_STRIDE;
    const pickedFloats = new Float32Array(bytes, pickedOffset, this.stopStepOffset / 4);
    const pickedStopStep = new Uint32Array(bytes, pickedOffset + this.stopStepOffset, 1)[0];

    const anyFinite = words[STAT_MOVING] + words[STAT_CONVERGED] > 0;
    return {
      stepsDone: slot.stepsDone,
      generation: slot.generation,
      capturedAt: slot.capturedAt,
      moving: words[STAT_MOVING],
      converged: words[STAT_CONVERGED],
      diverged: words[STAT_DIVERGED],
      lossMin: anyFinite ? floatFromOrderKey(words[STAT_LOSS_MIN]) : Number.NaN,
      lossMax: anyFinite ? floatFromOrderKey(words[STAT_LOSS_MAX]) : Number.NaN,
      history,
      pickedIndex: slot.pickedIndex,
      pickedPoint: [pickedFloats[0], pickedFloats[1], lossFromStored(pickedFloats[2]), pickedFloats[3]],
      pickedState: pickedFloats.slice(4),
      pickedStopStep,
    };
  }

  destroy(): void {
    this.destroyed = true;
    for (const slot of this.slots) {
      slot.buffer.destroy();
    }
  }
}
