// The advice to shrink a scene whose frames take seconds: given once per
// scene, after SLOW_FRAMES_BEFORE_ADVICE slow frames in a row.

import { describe, expect, test } from 'vitest';

import { SLOW_FRAME_MS, SLOW_FRAMES_BEFORE_ADVICE, SlowFrames, VERY_SLOW_FRAME_MS } from '../../src/ui/statusBar.ts';

/** Feeds finish times separated by `intervals` (ms) from `start` on, and returns the indices of the intervals that brought advice. */
function feed(frames: SlowFrames, intervals: number[], start = 0): number[] {
  const advised: number[] = [];
  let now = start;
  frames.finished(now);
  intervals.forEach((interval, k) => {
    now += interval;
    if (frames.finished(now)) {
      advised.push(k);
    }
  });
  return advised;
}

describe('slow frames', () => {
  test('advice after consecutive slow frames', () => {
    const frames = new SlowFrames();
    const slow = SLOW_FRAME_MS + 500;
    const advised = feed(frames, [slow, slow, slow, slow, slow]);
    expect(advised).toEqual([SLOW_FRAMES_BEFORE_ADVICE - 1]);
    expect(frames.frameMs).toBeCloseTo(slow, 9);
  });

  test('one very slow frame: advice at once', () => {
    const frames = new SlowFrames();
    expect(feed(frames, [16, VERY_SLOW_FRAME_MS - 1, 16])).toEqual([]);
    expect(feed(new SlowFrames(), [16, 80_000])).toEqual([1]);
    const once = new SlowFrames();
    feed(once, [80_000]);
    expect(once.frameMs).toBe(80_000);
  });

  test('the first frame counts from its submit', () => {
    const frames = new SlowFrames();
    frames.submitted(1000);
    // A second frame submitted while the first runs does not move the start.
    frames.submitted(1016);
    expect(frames.finished(81_000)).toBe(true);
    expect(frames.frameMs).toBe(80_000);
  });

  test('fast frames give no advice', () => {
    const frames = new SlowFrames();
    expect(feed(frames, Array.from({ length: 100 }, () => 16))).toEqual([]);
    expect(feed(frames, Array.from({ length: 10 }, () => SLOW_FRAME_MS - 1), 10_000)).toEqual([]);
  });

  test('a fast frame breaks the streak', () => {
    const frames = new SlowFrames();
    const slow = 3 * SLOW_FRAME_MS;
    expect(feed(frames, [slow, slow, 16, slow, slow, 16])).toEqual([]);
  });

  test('a pause does not count as a slow frame', () => {
    const frames = new SlowFrames();
    frames.finished(0);
    frames.finished(SLOW_FRAME_MS + 1);
    frames.finished(2 * (SLOW_FRAME_MS + 1));
    // Paused for a minute: the next finish starts a new interval.
    frames.interrupt();
    expect(frames.finished(60_000 + 2 * SLOW_FRAME_MS)).toBe(false);
    expect(frames.finished(60_016 + 2 * SLOW_FRAME_MS)).toBe(false);
  });

  test('once per scene, again after a reset', () => {
    const frames = new SlowFrames();
    const slow = SLOW_FRAME_MS * 2;
    const intervals = Array.from({ length: 3 * SLOW_FRAMES_BEFORE_ADVICE }, () => slow);
    expect(feed(frames, intervals)).toHaveLength(1);
    expect(feed(frames, intervals, 1e6)).toHaveLength(0);
    frames.reset();
    expect(feed(frames, intervals, 2e6)).toHaveLength(1);
  });
});
