/**
 * The status line: particles, updates done, particle-steps per second,
 * frames per second, and the shares converged and diverged.
 */
import type { StatsSnapshot } from '../gpu/statsRing.ts';
import { formatCount, formatRate, formatShare } from './format.ts';

export class StatusBar {
  private framesPerSecond = 0;
  /** Frame times of the last second, for a frames-per-second count that bursts cannot skew. */
  private frameTimes: number[] = [];
  private rate = 0;
  private lastSnapshot: { stepsDone: number; time: number } | undefined;

  constructor(private readonly element: HTMLElement) {}

  /** Counts a drawn frame: frames per second is the number of frames in the last second. */
  frame(now: number): void {
    this.frameTimes.push(now);
    while (this.frameTimes.length > 0 && this.frameTimes[0] <= now - 1000) {
      this.frameTimes.shift();
    }
    this.framesPerSecond = this.frameTimes.length;
  }

  /**
   * Updates the particle-step rate from two snapshots: particles times
   * updates completed between them, over the wall time between their arrival.
   */
  snapshot(snapshot: StatsSnapshot, particles: number, now: number): void {
    if (this.lastSnapshot && snapshot.stepsDone > this.lastSnapshot.stepsDone) {
      const seconds = (now - this.lastSnapshot.time) / 1000;
      if (seconds > 0) {
        const instant = ((snapshot.stepsDone - this.lastSnapshot.stepsDone) * particles) / seconds;
        this.rate = this.rate === 0 ? instant : 0.8 * this.rate + 0.2 * instant;
      }
    }
    this.lastSnapshot = { stepsDone: snapshot.stepsDone, time: now };
  }

  /** Forgets the rate (after a reset or rebuild). */
  restart(): void {
    this.rate = 0;
    this.lastSnapshot = undefined;
  }

  render(particles: number, stepsDone: number, snapshot: StatsSnapshot | undefined, paused: boolean): void {
    const converged = snapshot ? formatShare(snapshot.converged, particles) : '–';
    const diverged = snapshot ? formatShare(snapshot.diverged, particles) : '–';
    const rate = paused ? '–' : formatRate(this.rate);
    this.element.textContent = [
      `particles ${formatCount(particles)}   steps ${formatCount(stepsDone)}${paused ? ' (paused)' : ''}`,
      `${rate} particle-steps/s   ${this.framesPerSecond.toFixed(0)} fps`,
      `converged ${converged}   diverged ${diverged}`,
    ].join('\n');
    this.element.dataset.steps = String(stepsDone);
    this.element.dataset.converged = String(snapshot?.converged ?? 0);
    this.element.dataset.diverged = String(snapshot?.diverged ?? 0);
  }
}
