/**
 * The legend of the optimizer configurations: colour, optimizer, learning
 * rate and schedule, the shares converged and diverged, and a checkbox that
 * shows or hides each one.
 */
import type { StatsSnapshot } from '../gpu/statsRing.ts';
import { formatShare, formatValue } from './format.ts';
import { runColor } from './runColors.ts';
import type { RunSettings } from './settings.ts';

export class Legend {
  private rows: { share: HTMLElement; checkbox: HTMLInputElement }[] = [];

  constructor(
    private readonly element: HTMLElement,
    private readonly onVisible: (index: number, visible: boolean) => void,
  ) {}

  /** Rebuilds the rows for `runs`. */
  setRuns(runs: readonly RunSettings[], active: number): void {
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
      name.textContent = `${index + 1}: ${run.optimizer.name} η ${formatValue(run.optimizer.lr)}${schedule}`;

      const share = document.createElement('span');
      share.className = 'legend-share';
      row.append(checkbox, swatch, name, share);
      this.element.append(row);
      return { share, checkbox };
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
  }
}
