/**
 * The legend of the basin map: each minimum with its colour, location,
 * value and share of the starts, then the shares converged elsewhere,
 * diverged and not yet converged, and in the difference view the share of
 * starts whose basin differs between the two configurations.
 */
import { BASIN_DIVERGED, BASIN_MOVING, BASIN_OTHER, basinColor } from '../core/basins.ts';
import type { BasinMinimum } from '../core/basins.ts';
import type { BasinCounts } from '../gpu/basins.ts';
import { formatShare, formatValue } from './format.ts';

export class BasinLegend {
  private minima: readonly BasinMinimum[] = [];

  constructor(private readonly element: HTMLElement) {}

  /** Shows nothing (basin view off). */
  hide(): void {
    this.element.replaceChildren();
  }

  setMinima(minima: readonly BasinMinimum[]): void {
    this.minima = minima;
  }

  /**
   * Shows `counts` of `particles` starts; `title` names the configuration,
   * `differing` is the number of starts whose basin differs from the other
   * configuration's, when that is shown.
   */
  update(title: string, counts: BasinCounts, particles: number, differing?: number): void {
    const rows: HTMLElement[] = [];
    const heading = document.createElement('div');
    heading.className = 'basin-title';
    heading.textContent = title;
    rows.push(heading);

    const row = (code: number, label: string, count: number): void => {
      const element = document.createElement('div');
      element.className = 'basin-row';
      const swatch = document.createElement('span');
      swatch.className = 'swatch square';
      const [r, g, b] = basinColor(code);
      swatch.style.background = `rgb(${r}, ${g}, ${b})`;
      const name = document.createElement('span');
      name.textContent = label;
      const share = document.createElement('span');
      share.className = 'legend-share';
      share.textContent = formatShare(count, particles);
      element.append(swatch, name, share);
      rows.push(element);
    };

    counts.minima.forEach((count, k) => {
      const minimum = this.minima[k];
      row(k, `(${formatValue(minimum.x)}, ${formatValue(minimum.y)})  f = ${formatValue(minimum.value)}`, count);
    });
    row(BASIN_OTHER, 'converged elsewhere', counts.other);
    row(BASIN_DIVERGED, 'diverged', counts.diverged);
    row(BASIN_MOVING, 'not yet converged', counts.moving);
    if (differing !== undefined) {
      const element = document.createElement('div');
      element.className = 'basin-row difference';
      element.textContent = `basin differs between 1 and 2: ${formatShare(differing, particles)}`;
      rows.push(element);
    }
    this.element.replaceChildren(...rows);
  }
}
