/**
 * The status line: particles, updates done, particle-steps per second of
 * the particles still moving, frames per second, and the shares converged
 * and diverged.
 */
import type { StatsSnapshot } from '../gpu/statsRing.ts';
import { formatCount, formatRate, formatShare, formatValue } from './format.ts';

/** Span of the snapshots that the particle-step rate averages over, in milliseconds. */
export const RATE_WINDOW_MS = 2000;
/** Time without an update, in milliseconds, after which the rate reads 0 and starts again. */
export const RATE_STALL_MS = 1000;
/** Shortest span of snapshots that gives a first rate, in milliseconds; until then the rate reads 0 (shown as a dash). */
export const RATE_FIRST_SPAN_MS = 500;

interface RateSample {
  stepsDone: number;
  moving: number;
  time: number;
}

/**
 * The particle-step rate from successive stats snapshots: updates done times
 * the particles still moving, over the time between the snapshots, averaged
 * over the last RATE_WINDOW_MS (all of it, from the first RATE_FIRST_SPAN_MS
 * on). Converged and diverged particles are frozen and cost no update, so
 * they do not count. Snapshots come in bursts (two frames in flight are
 * submitted close together, then both wait), so a rate over one interval
 * swings by factors of ten, and an exponential average of those rates
 * still by about 30%. A mean over a window moves by at most one interval's
 * share of the window.
 *
 * The first interval after a start, a reset or a stall does not count,
 * because it begins at a snapshot taken when the scene was built or reset, or
 * before the stall, not at the pace of the frames. After a reset it lasted a
 * few milliseconds or most of a second.
 */
export class StepRate {
  /** Particle-steps per second; 0 until the snapshots span RATE_FIRST_SPAN_MS. */
  value = 0;
  private last: RateSample | undefined;
  /** The snapshots of the window, oldest first, without the first interval after a (re)start. */
  private window: RateSample[] = [];

  /** Takes a snapshot of `stepsDone` updates with `moving` particles still moving, arrived at `now` (milliseconds). */
  add(stepsDone: number, moving: number, now: number): void {
    const last = this.last;
    const sample = { stepsDone, moving, time: now };
    if (last && stepsDone > last.stepsDone && now > last.time) {
      this.window.push(sample);
      // Keep one snapshot at or before the start of the window, so that the window spans all of it.
      while (this.window.length > 2 && now - this.window[1].time >= RATE_WINDOW_MS) {
        this.window.shift();
      }
      this.value = this.windowRate();
    } else if (last && stepsDone === last.stepsDone && now - last.time >= RATE_STALL_MS) {
      // No update for RATE_STALL_MS (every particle stopped, or the GPU stalls): the rate is 0, and starts again.
      this.value = 0;
      this.window = [];
    }
    if (!last || stepsDone !== last.stepsDone) {
      this.last = sample;
    }
  }

  /** Forgets the rate and the last snapshot. */
  reset(): void {
    this.value = 0;
    this.last = undefined;
    this.window = [];
  }

  private windowRate(): number {
    const window = this.window;
    // One snapshot spans 0 ms, so it gives no rate either.
    const span = window[window.length - 1].time - window[0].time;
    if (span < RATE_FIRST_SPAN_MS) {
      return 0;
    }
    let particleSteps = 0;
    for (let k = 1; k < window.length; k++) {
      // Particles that stopped between two snapshots moved for part of the interval: count the mean.
      particleSteps += ((window[k].stepsDone - window[k - 1].stepsDone) * (window[k - 1].moving + window[k].moving)) / 2;
    }
    return particleSteps / (span / 1000);
  }
}

/** Time between two frames' GPU work finishing, in milliseconds, above which a frame counts as too slow for a live view. */
export const SLOW_FRAME_MS = 2000;
/** Slow frames in a row before the advice to shrink the scene is given. */
export const SLOW_FRAMES_BEFORE_ADVICE = 3;
/** Frame interval in milliseconds that brings the advice at once, since three such frames would take minutes. */
export const VERY_SLOW_FRAME_MS = 5 * SLOW_FRAME_MS;

/**
 * Slow-frame detector: from the times at which frames that ran updates
 * finished on the GPU, it reports once per scene that several frames in a
 * row took longer than SLOW_FRAME_MS, or one took longer than
 * VERY_SLOW_FRAME_MS, so the app can suggest a smaller grid.
 */
export class SlowFrames {
  /** Mean time between the finishes of the last slow frames, in milliseconds. */
  frameMs = 0;
  /** Interval above which a frame counts as slow; SLOW_FRAME_MS, lower in tests of the notice. */
  thresholdMs = SLOW_FRAME_MS;
  private lastFinish: number | undefined;
  private streak: number[] = [];
  private advised = false;

  /** Takes the time a stepping frame finished on the GPU; returns true once per scene, when the advice is due. */
  finished(now: number): boolean {
    const last = this.lastFinish;
    this.lastFinish = now;
    if (last === undefined) {
      return false;
    }
    const interval = now - last;
    if (interval < this.thresholdMs) {
      this.streak = [];
      return false;
    }
    this.streak.push(interval);
    if (this.advised || (this.streak.length < SLOW_FRAMES_BEFORE_ADVICE && interval < VERY_SLOW_FRAME_MS)) {
      return false;
    }
    this.advised = true;
    this.frameMs = this.streak.reduce((sum, value) => sum + value, 0) / this.streak.length;
    return true;
  }

  /**
   * Takes the time a stepping frame was submitted. When no finish is known
   * (the scene's first frame, or the first after a pause), the frame's
   * interval starts here.
   */
  submitted(now: number): void {
    this.lastFinish ??= now;
  }

  /** Forgets the last finish, so that a pause or a frame without updates does not count as a slow frame. */
  interrupt(): void {
    this.lastFinish = undefined;
  }

  /** Starts over for a new scene, whose frames may be slow again. */
  reset(): void {
    this.interrupt();
    this.streak = [];
    this.advised = false;
  }
}

export class StatusBar {
  private framesPerSecond = 0;
  /** Frame times of the last second, for a frames-per-second count that bursts cannot skew. */
  private frameTimes: number[] = [];
  private readonly rate = new StepRate();

  constructor(private readonly element: HTMLElement) {}

  /** Counts a drawn frame: frames per second is the number of frames in the last second. */
  frame(now: number): void {
    this.frameTimes.push(now);
    while (this.frameTimes.length > 0 && this.frameTimes[0] <= now - 1000) {
      this.frameTimes.shift();
    }
    this.framesPerSecond = this.frameTimes.length;
  }

  /** Updates the particle-step rate from a snapshot of the active configuration's particles. */
  snapshot(snapshot: StatsSnapshot, particles: number, now: number): void {
    const moving = Math.max(0, particles - snapshot.converged - snapshot.diverged);
    this.rate.add(snapshot.stepsDone, moving, now);
  }

  /** Forgets the rate (after a reset or rebuild). */
  restart(): void {
    this.rate.reset();
  }

  render(particles: number, stepsDone: number, snapshot: StatsSnapshot | undefined, paused: boolean): void {
    const converged = snapshot ? formatShare(snapshot.converged, particles) : '–';
    const diverged = snapshot ? formatShare(snapshot.diverged, particles) : '–';
    const rate = paused ? '–' : formatRate(this.rate.value);
    this.element.textContent = [
      `particles ${formatCount(particles)}   steps ${formatCount(stepsDone)}${paused ? ' (paused)' : ''}`,
      `${rate} particle-steps/s (moving particles)   ${this.framesPerSecond.toFixed(0)} fps`,
      `converged ${converged}   diverged ${diverged}`,
      `loss ${formatLossRange(snapshot, particles)}`,
    ].join('\n');
    this.element.dataset.steps = String(stepsDone);
    this.element.dataset.rate = String(paused ? 0 : this.rate.value);
    this.element.dataset.converged = String(snapshot?.converged ?? 0);
    this.element.dataset.diverged = String(snapshot?.diverged ?? 0);
  }
}

/**
 * Formats the loss range over the particles that have not diverged and have a
 * defined loss, as the statistics pass computes it.
 */
export function formatLossRange(snapshot: StatsSnapshot | undefined, particles: number): string {
  if (!snapshot) {
    return '–';
  }
  if (particles > 0 && snapshot.diverged === particles) {
    return '– (every particle diverged)';
  }
  if (Number.isNaN(snapshot.lossMin) || Number.isNaN(snapshot.lossMax)) {
    return 'undefined at every particle that has not diverged';
  }
  if (snapshot.lossMin === snapshot.lossMax) {
    return formatValue(snapshot.lossMin);
  }
  // Four digits can write two different losses alike ("from 1 to 1"): more digits tell them apart,
  // and nine always do for float32 values.
  let [low, high] = [formatValue(snapshot.lossMin), formatValue(snapshot.lossMax)];
  for (let digits = 5; low === high && digits <= 9; digits++) {
    [low, high] = [snapshot.lossMin, snapshot.lossMax].map((value) => String(Number(value.toPrecision(digits))));
  }
  return `from ${low} to ${high}`;
}
