/**
 * The status line: particles, updates done, particle-steps per second of
 * the particles still moving, frames per second, and the shares converged
 * and diverged.
 */
import type { StatsSnapshot } from '../gpu/statsRing.ts';
import { formatCount, formatRate, formatShare } from './format.ts';

/** Time constant of the smoothing of the particle-step rate, in milliseconds: the rate follows a change within about a second. */
export const RATE_SMOOTHING_MS = 1000;
/** Shortest span of snapshots that gives a first rate, in milliseconds; until then the rate reads 0 (shown as a dash). */
export const RATE_FIRST_SPAN_MS = 500;

/**
 * The particle-step rate from successive stats snapshots: updates done
 * between two snapshots times the particles still moving, over the wall time
 * between their arrival. Converged and diverged particles are frozen and
 * cost no update, so they do not count. The rate is smoothed exponentially
 * with the time constant RATE_SMOOTHING_MS, so snapshots that arrive in
 * bursts do not make it flicker. Until the snapshots span a time constant
 * (after the first, or after a stall), the rate is the mean over their whole
 * span instead. Otherwise two snapshots a few milliseconds apart just after a
 * page loads would set a first rate many times too high.
 */
export class StepRate {
  /** Particle-steps per second; 0 until the snapshots span RATE_FIRST_SPAN_MS. */
  value = 0;
  private last: { stepsDone: number; moving: number; time: number } | undefined;
  /** Particle-steps and milliseconds since the first snapshot, while they span less than RATE_SMOOTHING_MS. */
  private start = { particleSteps: 0, elapsed: 0 };

  /** Takes a snapshot of `stepsDone` updates with `moving` particles still moving, arrived at `now` (milliseconds). */
  add(stepsDone: number, moving: number, now: number): void {
    const last = this.last;
    if (last && stepsDone > last.stepsDone && now > last.time) {
      const elapsed = now - last.time;
      // Particles that stopped between the two snapshots moved for part of the interval: count the mean.
      const particleSteps = ((stepsDone - last.stepsDone) * (last.moving + moving)) / 2;
      if (this.start.elapsed < RATE_SMOOTHING_MS) {
        this.start.particleSteps += particleSteps;
        this.start.elapsed += elapsed;
        this.value = this.start.elapsed >= RATE_FIRST_SPAN_MS ? this.start.particleSteps / (this.start.elapsed / 1000) : 0;
      } else {
        const weight = 1 - Math.exp(-elapsed / RATE_SMOOTHING_MS);
        this.value += weight * (particleSteps / (elapsed / 1000) - this.value);
      }
    } else if (last && stepsDone === last.stepsDone && now - last.time >= RATE_SMOOTHING_MS) {
      // No update for a whole time constant (every particle stopped, or the GPU stalls): the rate is 0, and starts again.
      this.value = 0;
      this.start = { particleSteps: 0, elapsed: 0 };
    }
    if (!last || stepsDone !== last.stepsDone) {
      this.last = { stepsDone, moving, time: now };
    }
  }

  /** Forgets the rate and the last snapshot. */
  reset(): void {
    this.value = 0;
    this.last = undefined;
    this.start = { particleSteps: 0, elapsed: 0 };
  }
}

/** Time between two frames' GPU work finishing, in milliseconds, above which a frame counts as too slow for a live view. */
export const SLOW_FRAME_MS = 2000;
/** Slow frames in a row before the advice to shrink the scene is given. */
export const SLOW_FRAMES_BEFORE_ADVICE = 3;

/**
 * Slow-frame detector: from the times at which frames that ran updates
 * finished on the GPU, it reports once per scene that several frames in a
 * row took longer than SLOW_FRAME_MS, so the app can suggest a smaller grid.
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
    if (this.advised || this.streak.length < SLOW_FRAMES_BEFORE_ADVICE) {
      return false;
    }
    this.advised = true;
    this.frameMs = this.streak.reduce((sum, value) => sum + value, 0) / this.streak.length;
    return true;
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
    ].join('\n');
    this.element.dataset.steps = String(stepsDone);
    this.element.dataset.rate = String(paused ? 0 : this.rate.value);
    this.element.dataset.converged = String(snapshot?.converged ?? 0);
    this.element.dataset.diverged = String(snapshot?.diverged ?? 0);
  }
}
