/**
 * The legend of the basin map: each minimum with its colour, location,
 * value, whether the surface lists it (known) or clustering found it, and its
 * share of the starts, then the shares converged elsewhere, diverged and not
 * yet converged. With two configurations side by side or compared, every
 * row gives one share per configuration, in columns headed by the
 * configurations' colours, and a last row gives the share of starts whose
 * basin differs between them.
 */
import { BASIN_DIVERGED, BASIN_MOVING, BASIN_OTHER, basinColor } from '../core/basins.ts';
import { cssHex } from '../core/colorScience.ts';
import type { NamedMinimum } from '../core/minima.ts';
import type { Domain } from '../core/surfaces.ts';
import type { BasinCounts } from '../gpu/basins.ts';
import { formatPoint, formatShare, formatValue } from './format.ts';

/** Rows for found minima; the rest are summed into one row, because lattices such as rastrigin's have over a hundred. */
const FOUND_ROWS = 8;

/** Stripes in the swatch of the row that sums the remaining found minima: the colours of its first minima. */
const SUMMED_STRIPES = 4;

/** CSS background of vertical stripes in the colours of the first SUMMED_STRIPES of `minima`. */
export function stripedSwatch(minima: readonly number[]): string {
  const striped = minima.slice(0, SUMMED_STRIPES);
  const stops = striped.map((k, i) => `${cssHex(basinColor(k))} ${(100 * i) / striped.length}% ${(100 * (i + 1)) / striped.length}%`);
  return `linear-gradient(90deg, ${stops.join(', ')})`;
}

/** Starts that a verification marks on the map (counts over the checked starts). */
export interface VerifyMarkCounts {
  /** Colours of the marks, CSS. */
  disagreeColor: string;
  unresolvedColor: string;
  /** Starts where GPU and CPU float32 disagree on status or basin. */
  disagreeing: number;
  /** Starts where CPU float32 and float64 disagree. */
  unresolved: number;
}

/** One configuration's counts, as one column of shares. */
export interface BasinColumn {
  /** Short name of the configuration, such as "1: gd (left)" or "2: adam (bottom)". */
  title: string;
  /** CSS colour of the configuration (its particles' colour). */
  color: string;
  counts: BasinCounts;
  particles: number;
}

export class BasinLegend {
  private minima: readonly NamedMinimum[] = [];
  private dims: 1 | 2 = 2;
  private domain: Domain = { xMin: 0, xMax: 0, yMin: 0, yMax: 0 };
  private radius = 0;
  private assignMoving = false;
  private marks: VerifyMarkCounts | undefined;

  constructor(private readonly element: HTMLElement) {}

  /** Sets the marks of the last verification that the single map shows, or none. */
  setVerifyMarks(marks: VerifyMarkCounts | undefined): void {
    this.marks = marks;
  }

  /** Shows nothing (basin view off). */
  hide(): void {
    this.element.replaceChildren();
  }

  /**
   * Sets the minima that name the basins, the surface's dimensions and the
   * domain of the starts (for writing the minima's locations), the
   * assignment radius, and whether moving particles near a minimum take its
   * basin (gradient noise on).
   */
  setMinima(minima: readonly NamedMinimum[], dims: 1 | 2, domain: Domain, radius: number, assignMoving: boolean): void {
    this.minima = minima;
    this.dims = dims;
    this.domain = { ...domain };
    this.radius = radius;
    this.assignMoving = assignMoving;
  }

  /**
   * Shows the counts of one configuration, or of two side by side. `title`
   * heads the legend; `differing` is the number of starts whose basin
   * differs between the two configurations, when known.
   */
  update(title: string, columns: readonly BasinColumn[], differing?: number): void {
    const rows: HTMLElement[] = [];
    this.element.style.setProperty('--basin-columns', String(columns.length));
    const heading = document.createElement('div');
    heading.className = 'basin-title';
    heading.textContent = title;
    rows.push(heading);

    if (columns.length > 1) {
      const header = document.createElement('div');
      header.className = 'basin-header';
      header.append(document.createElement('span'), document.createElement('span'));
      for (const column of columns) {
        const name = document.createElement('span');
        name.className = 'basin-column';
        name.style.color = column.color;
        name.textContent = column.title;
        header.append(name);
      }
      rows.push(header);
    }

    // A label of several parts wraps between them, never inside one, when the columns leave it too little room.
    const row = (code: number | string | undefined, label: string | readonly string[], counts: (column: BasinColumn) => number): void => {
      const element = document.createElement('div');
      element.className = 'basin-row';
      const swatch = document.createElement('span');
      swatch.className = 'swatch square';
      if (typeof code === 'string') {
        swatch.style.background = code;
      } else if (code !== undefined) {
        swatch.style.background = cssHex(basinColor(code));
      }
      const name = document.createElement('span');
      name.className = 'basin-label';
      const parts = typeof label === 'string' ? [label] : label;
      name.title = parts.join('  ');
      parts.forEach((part, k) => {
        const piece = document.createElement('span');
        piece.className = 'basin-label-part';
        piece.textContent = part;
        name.append(...(k > 0 ? ['  ', piece] : [piece]));
      });
      element.append(swatch, name);
      for (const column of columns) {
        const share = document.createElement('span');
        share.className = 'legend-share';
        share.textContent = formatShare(counts(column), column.particles);
        element.append(share);
      }
      rows.push(element);
    };

    // Counts taken before the latest clustering may cover fewer minima than are listed now, or more.
    const shown = Math.min(this.minima.length, ...columns.map((column) => column.counts.minima.length));
    const known: number[] = [];
    const found: number[] = [];
    for (let k = 0; k < shown; k++) {
      (this.minima[k].known ? known : found).push(k);
    }
    // The found minima that drain the most starts get rows; lattices have too many for all.
    const starts = (k: number): number => columns.reduce((sum, column) => sum + column.counts.minima[k], 0);
    found.sort((a, b) => starts(b) - starts(a) || a - b);
    const listedFound = found.slice(0, FOUND_ROWS);
    const restFound = found.slice(FOUND_ROWS);

    for (const k of [...known, ...listedFound]) {
      const minimum = this.minima[k];
      const origin = minimum.known ? 'known' : 'found';
      row(k, [formatPoint(minimum, this.dims, this.domain), `f = ${formatValue(minimum.value)}  ${origin}`], (column) => column.counts.minima[k]);
    }
    if (restFound.length > 0) {
      // The swatch shows the colours of the summed minima that drain the most starts.
      row(stripedSwatch(restFound), `${restFound.length} more found minima`, (column) => restFound.reduce((sum, k) => sum + column.counts.minima[k], 0));
    }
    row(BASIN_OTHER, 'converged elsewhere', (column) => column.counts.other);
    row(BASIN_DIVERGED, 'diverged', (column) => column.counts.diverged);
    row(BASIN_MOVING, 'not yet converged', (column) => column.counts.moving);
    const marks = this.marks;
    if (marks && columns.length === 1) {
      row(marks.disagreeColor, 'verify: GPU and CPU float32 disagree', () => marks.disagreeing);
      row(marks.unresolvedColor, 'verify: unresolved (float32 and float64 disagree)', () => marks.unresolved);
    }

    if (differing !== undefined) {
      const element = document.createElement('div');
      element.className = 'basin-row difference';
      element.textContent = `basin differs between 1 and 2: ${formatShare(differing, columns[0].particles)} (of all starts; a start still moving in either does not count)`;
      rows.push(element);
    }
    if (found.length > 0) {
      rows.push(this.note('known: listed for the surface; found: clustered from the end points of converged particles.'));
    }
    if (this.assignMoving) {
      rows.push(
        this.note(
          `Gradient noise keeps the gradient norm above the convergence tolerance, so a moving particle within ${formatValue(this.radius)} of a minimum counts in its basin.`,
        ),
      );
    }
    this.element.replaceChildren(...rows);
  }

  private note(text: string): HTMLElement {
    const element = document.createElement('div');
    element.className = 'basin-note';
    element.textContent = text;
    return element;
  }
}
