/**
 * The legend of the optimizer configurations: colour, optimizer, learning
 * rate and schedule, the shares converged and diverged, and a checkbox that
 * shows or hides each one.
 */
import type { StatsSnapshot } from '../gpu/statsRing.ts';
import { formatShare, formatValue } from './format.ts';
import { runColor } from './runColors.ts';
import type { RunSettings } from './settings.ts';
import type { SweepAxes } from '../core/sweep.ts';
import { rateChanges, updateRateAt } from '../core/schedule.ts';

export class Legend {
  private rows: { share: HTMLElement; checkbox: HTMLInputElement; now: HTMLElement; run: RunSettings; scheduled: boolean }[] = [];

  constructor(
    private readonly element: HTMLElement,
    private readonly onVisible: (index: number, visible: boolean) => void,
  ) {}

  /** Rebuilds the rows for `runs`; during a sweep each row names the swept range of rates instead of the base rate. */
  setRuns(runs: readonly RunSettings[], active: number, sweep?: SweepAxes): void {
    this.element.replaceChildren();
    this.rows = runs.map((run, index) => {
      const row = document.createElement('label');
      row.className = index === active ? 'legend-row active' : 'legend-row';

      const checkbox = document.createElement('input');
      checkbox.type = 'checkbox';
      checkbox.checked = run.visible;
      checkbox.setAttribute('aria-label', `show configuration ${index + 1}`);
      checkbox.addEventListener('change', () => this.onVisible(index, checkbox.checked));

      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = runColor(index);

      const name = document.createElement('span');
      name.className = 'legend-name';
      const schedule = run.schedule.name === 'constant' ? '' : `, ${run.schedule.name}`;
      let rate = `η ${formatValue(run.optimizer.lr)}`;
      if (sweep) {
        rate = `η ${formatValue(sweep.lrMin)} to ${formatValue(sweep.lrMax)}, ${sweep.lrCount} rates`;
        if (sweep.second) {
          const { parameter, min, max, count } = sweep.second;
          rate += ` × ${parameter} ${formatValue(min)} to ${formatValue(max)}, ${count} values`;
        }
      }
      name.textContent = `${index + 1}: ${run.optimizer.name} ${rate}${schedule}`;

      // With a schedule, a warm-up or AdaGrad's decay, the rate of the next update.
      const now = document.createElement('span');
      now.className = 'legend-now';
      const scheduled = !sweep && rateChanges(run.optimizer, run.schedule);

      const share = document.createElement('span');
      share.className = 'legend-share';
      row.append(checkbox, swatch, name, now, share);
      this.element.append(row);
      return { share, checkbox, now, run, scheduled };
    });
  }

  /** Shows the latest status counts of run `index`. */
  update(index: number, snapshot: StatsSnapshot | undefined, particles: number): void {
    const row = this.rows[index];
    if (!row) {
      return;
    }
    row.share.textContent = snapshot
      ? `✓ ${formatShare(snapshot.converged, particles)}  ✗ ${formatShare(snapshot.diverged, particles)}`
      : '';
    row.now.textContent = row.scheduled && snapshot ? `now ${formatValue(updateRateAt(row.run.optimizer, row.run.schedule, snapshot.stepsDone))}` : '';
  }
}
