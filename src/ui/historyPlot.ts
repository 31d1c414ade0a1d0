/**
 * The picked particle against update step: the active run's coordinates
 * (left axis, linear) and every run's loss (right axis, logarithmic, so
 * exponential decay or growth is a straight line). Drawn with uPlot.
 */
import uPlot from 'uplot';
import { keepAllTicks, logTicks } from './logTicks.ts';

import { formatTicks } from './format.ts';
import 'uplot/dist/uPlot.min.css';
import { EMPTY_ENTRY_STEP, type HistoryEntry } from '../gpu/statsRing.ts';
import { runColor } from './runColors.ts';

/** Updates kept for the plot; older ones are dropped. */
const MAX_POINTS = 5000;
/**
 * Floor of the log loss axes, so that a loss of 0 (or below) can be drawn.
 * uPlot's log ticks loop without end for an axis that starts below about
 * 1e-25 (uPlot 1.6.32, found by running its tick function on such ranges).
 */
const LOG_FLOOR_EXPONENT = -20;
export const LOG_FLOOR = Number(`1e${LOG_FLOOR_EXPONENT}`);

/**
 * Returns the range of a logarithmic loss axis: whole decades around the data,
 * or 1 to 10 while no finite positive loss is plotted (uPlot's own log range
 * throws on an axis without data).
 */
export const logLossRange: uPlot.Range.Function = (_plot, min, max) => {
  if (!(min > 0) || !(max > 0) || !Number.isFinite(min) || !Number.isFinite(max)) {
    return [1, 10];
  }
  // Exact powers of ten, at least one decade apart and not below the floor:
  // uPlot's log ticks step from the lower end, and an end such as
  // 9.999999999999999e-31 or an empty range makes them loop until the array
  // overflows.
  const low = Math.max(LOG_FLOOR_EXPONENT, Math.floor(Math.log10(min) + 1e-9));
  const high = Math.max(low + 1, Math.ceil(Math.log10(max) - 1e-9));
  return [Number(`1e${low}`), Number(`1e${high}`)];
};

interface Row {
  x?: number;
  y?: number;
  losses: (number | undefined)[];
  /** Population loss percentiles of the active run (10%, median, 90%). */
  population?: [number | null, number | null, number | null];
}

export class HistoryPlot {
  private readonly plot: uPlot;
  private readonly rows = new Map<number, Row>();
  private readonly lastStep: number[];
  private dirty = false;

  constructor(
    container: HTMLElement,
    private readonly dims: 1 | 2,
    private readonly runCount: number,
    private readonly active: number,
  ) {
    container.replaceChildren();
    const title = document.createElement('div');
    title.className = 'title';
    title.textContent = 'Picked particle (magenta ring) against update step';
    container.append(title);
    this.lastStep = Array.from({ length: runCount }, () => -1);

    const series: uPlot.Series[] = [{ label: 'step' }, { label: 'x', stroke: '#e6e8eb', scale: 'position', width: 1.25, dash: [4, 3] }];
    if (dims === 2) {
      series.push({ label: 'y', stroke: '#9aa3ad', scale: 'position', width: 1.25, dash: [2, 3] });
    }
    for (let k = 0; k < runCount; k++) {
      series.push({ label: runCount > 1 ? `loss ${k + 1}` : 'loss', stroke: runColor(k), scale: 'loss', width: k === active ? 2 : 1.25 });
    }
    // The population of the active run: median loss and the 10–90% band around it.
    const first = series.length;
    series.push(
      { label: 'all 10%', stroke: 'rgba(230, 232, 235, 0.25)', scale: 'loss', width: 1, spanGaps: true },
      { label: 'all median', stroke: 'rgba(230, 232, 235, 0.8)', scale: 'loss', width: 1.25, spanGaps: true },
      { label: 'all 90%', stroke: 'rgba(230, 232, 235, 0.25)', scale: 'loss', width: 1, spanGaps: true },
    );
    this.bands = [{ series: [first + 2, first], fill: 'rgba(230, 232, 235, 0.1)' }];

    this.plot = new uPlot(
      {
        width: 364,
        height: 170,
        series,
        scales: { x: { time: false }, loss: { distr: 3, log: 10, range: logLossRange } },
        axes: [
          { stroke: '#9aa3ad', grid: { stroke: '#2a3138' } },
          { scale: 'position', stroke: '#9aa3ad', grid: { stroke: '#2a3138' }, size: 46, values: formatTicks },
          // At most one label per 24 px of height: the loss may span twenty decades.
          { scale: 'loss', side: 1, stroke: '#ff8c1a', grid: { show: false }, size: 52, values: formatTicks, splits: (_plot, _axis, min, max) => logTicks(min, max, Math.floor(170 / 24)), filter: keepAllTicks },
        ],
        legend: { show: true },
        cursor: { drag: { x: true, y: false } },
        bands: this.bands,
      },
      this.data(),
      container,
    );
  }

  private bands: uPlot.Band[] = [];

  /** Adds the population's loss percentiles at update `step` (from a sample of the particles). */
  addPopulation(step: number, p10: number | null, median: number | null, p90: number | null): void {
    let row = this.rows.get(step);
    if (!row) {
      row = { losses: [] };
      this.rows.set(step, row);
    }
    row.population = [p10, median, p90];
    this.dirty = true;
  }

  /** Forgets all points (on reset or when another particle is picked). */
  clear(): void {
    this.rows.clear();
    this.lastStep.fill(-1);
    this.dirty = true;
  }

  /** Adds run `run`'s ring entries newer than the last one seen. */
  add(run: number, entries: readonly HistoryEntry[]): void {
    const fresh = entries
      .filter((entry) => entry.step !== EMPTY_ENTRY_STEP && entry.step > this.lastStep[run])
      .sort((a, b) => a.step - b.step);
    if (fresh.length === 0) {
      return;
    }
    for (const entry of fresh) {
      let row = this.rows.get(entry.step);
      if (!row) {
        row = { losses: [] };
        this.rows.set(entry.step, row);
      }
      // A missing loss (NaN) leaves a gap in the curve: uPlot draws no NaN, and a log axis no value <= 0.
      row.losses[run] = Number.isFinite(entry.loss) ? entry.loss : undefined;
      if (run === this.active) {
        row.x = entry.x;
        row.y = entry.y;
      }
    }
    this.lastStep[run] = fresh[fresh.length - 1].step;
    if (this.rows.size > MAX_POINTS) {
      const steps = [...this.rows.keys()].sort((a, b) => a - b);
      for (const step of steps.slice(0, this.rows.size - MAX_POINTS)) {
        this.rows.delete(step);
      }
    }
    this.dirty = true;
  }

  /** Redraws when points were added since the last redraw. */
  redraw(): void {
    if (this.dirty) {
      this.plot.setData(this.data());
      this.dirty = false;
    }
  }

  destroy(): void {
    this.plot.destroy();
  }

  /**
   * The plotted values as a table: update step, the picked particle's
   * coordinates (active run) and loss (every run), and the population's loss
   * percentiles; null where a value was not recorded at that step.
   */
  /** Returns table() without the rows that have no value besides the step, for a CSV file. */
  csvTable(): { header: string[]; rows: (number | null)[][] } {
    const { header, rows } = this.table();
    return { header, rows: rows.filter((row) => row.slice(1).some((value) => value !== null)) };
  }

  table(): { header: string[]; rows: (number | null)[][] } {
    const header = ['step', 'x', ...(this.dims === 2 ? ['y'] : [])];
    for (let k = 0; k < this.runCount; k++) {
      header.push(this.runCount > 1 ? `loss${k + 1}` : 'loss');
    }
    header.push('populationLossP10', 'populationLossMedian', 'populationLossP90');
    const steps = [...this.rows.keys()].sort((a, b) => a - b);
    const rows = steps.map((step) => {
      const row = this.rows.get(step)!;
      const values: (number | null)[] = [step, row.x ?? null, ...(this.dims === 2 ? [row.y ?? null] : [])];
      for (let k = 0; k < this.runCount; k++) {
        values.push(row.losses[k] ?? null);
      }
      values.push(...(row.population ?? [null, null, null]));
      return values;
    });
    return { header, rows };
  }

  private data(): uPlot.AlignedData {
    const { header, rows } = this.table();
    const columns: (number | null)[][] = header.map((_, c) => rows.map((row) => row[c]));
    // The loss axis is logarithmic: a loss of exactly 0 is drawn at its floor.
    const firstLoss = this.dims === 2 ? 3 : 2;
    for (let c = firstLoss; c < columns.length; c++) {
      columns[c] = columns[c].map((value) => (value === null ? null : Math.max(value, LOG_FLOOR)));
    }
    // A non-finite position would stretch the linear axis without end.
    for (let c = 1; c < columns.length; c++) {
      columns[c] = columns[c].map((value) => (value === null || Number.isFinite(value) ? value : null));
    }
    return columns as uPlot.AlignedData;
  }
}
