/**
 * The picked particle against update step: the active run's coordinates
 * (left axis, linear) and every run's loss (right axis, logarithmic unless a
 * loss is negative, see lossAxis.ts). Drawn with uPlot.
 */
import uPlot from 'uplot';

import { fitTickLabels } from './axisSize.ts';
import { formatTicks } from './format.ts';
import { lossAxisFor, lossScale, lossTicks, plottedLoss, type LossAxisKind } from './lossAxis.ts';
import 'uplot/dist/uPlot.min.css';
import type { HistoryEntry } from '../gpu/statsRing.ts';
import { HistoryRows } from './historyRows.ts';
import { runColor } from './runColors.ts';

/** Height of the plot in CSS pixels. */
const HEIGHT = 170;

export class HistoryPlot {
  private plot: uPlot;
  private readonly rows: HistoryRows;
  private dirty = false;
  private lossAxis: LossAxisKind = 'log';
  /** A negative loss was added: the next redraw switches to the asinh loss axis. */
  private negativeLoss = false;
  private readonly series: uPlot.Series[];
  private readonly bands: uPlot.Band[];

  constructor(
    private readonly container: HTMLElement,
    private readonly dims: 1 | 2,
    private readonly runCount: number,
    private readonly active: number,
  ) {
    container.replaceChildren();
    const title = document.createElement('div');
    title.className = 'title';
    title.textContent = 'Picked particle (magenta disc) against update step';
    container.append(title);
    this.rows = new HistoryRows(dims, runCount, active);

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
    this.series = series;
    this.plot = this.createPlot();
  }

  private createPlot(): uPlot {
    return new uPlot(
      {
        width: 364,
        height: HEIGHT,
        // Copies, because uPlot writes its own state into the options it is given.
        series: this.series.map((series) => ({ ...series })),
        scales: { x: { time: false }, loss: lossScale(this.lossAxis) },
        axes: [
          { stroke: '#9aa3ad', grid: { stroke: '#2a3138' } },
          { scale: 'position', stroke: '#9aa3ad', grid: { stroke: '#2a3138' }, size: fitTickLabels(50), values: formatTicks, label: this.dims === 2 ? 'x, y' : 'x', labelSize: 14, labelFont: '11px system-ui' },
          // At most one label per 24 px of height: the loss may span twenty decades.
          { scale: 'loss', side: 1, stroke: '#ff8c1a', grid: { show: false }, size: fitTickLabels(52), label: 'loss', labelSize: 14, labelFont: '11px system-ui', ...lossTicks(this.lossAxis, Math.floor(HEIGHT / 24)) },
        ],
        // Markers drawn like their lines: dashed for x and y, outlines without a fill.
        legend: { show: true, markers: { dash: (plot, k) => (plot.series[k].dash ? 'dashed' : 'solid'), fill: () => 'transparent' } },
        cursor: { drag: { x: true, y: false } },
        bands: this.bands.map((band) => ({ ...band })),
      },
      this.data(),
      this.container,
    );
  }

  /** Adds the population's loss percentiles at update `step` (from a sample of the particles). */
  addPopulation(step: number, p10: number | null, median: number | null, p90: number | null): void {
    const values: [number | null, number | null, number | null] = [p10, median, p90];
    this.negativeLoss ||= lossAxisFor(values) === 'asinh';
    this.dirty = this.rows.addPopulation(step, values) || this.dirty;
  }

  /** Forgets all points, on a reset. */
  clear(): void {
    this.rows.clear();
    this.dirty = true;
  }

  /** Forgets the picked particle's points and keeps the population's, when another particle is picked. */
  clearPicked(): void {
    this.rows.clearPicked();
    this.dirty = true;
  }

  /** Adds run `run`'s ring entries newer than the last one seen. */
  add(run: number, entries: readonly HistoryEntry[]): void {
    this.negativeLoss ||= entries.some((entry) => entry.loss < 0);
    this.dirty = this.rows.add(run, entries) || this.dirty;
  }

  /** Redraws when points were added since the last redraw, on a new plot when a negative loss needs another loss axis. */
  redraw(): void {
    if (!this.dirty) {
      return;
    }
    this.dirty = false;
    if (this.lossAxis === 'log' && this.negativeLoss) {
      this.lossAxis = 'asinh';
      this.plot.destroy();
      this.plot = this.createPlot();
      return;
    }
    this.plot.setData(this.data());
  }

  /** The kind of the loss axis now drawn. */
  get lossAxisKind(): LossAxisKind {
    return this.lossAxis;
  }

  destroy(): void {
    this.plot.destroy();
  }

  /** Returns every recorded row, without rows that have no value besides the step, for a CSV file. */
  csvTable(): { header: string[]; rows: (number | null)[][] } {
    const { header, rows } = this.rows.table();
    return { header, rows: rows.filter((row) => row.slice(1).some((value) => value !== null)) };
  }

  private data(): uPlot.AlignedData {
    const { header, rows } = this.rows.table(true);
    const columns: (number | null)[][] = header.map((_, c) => rows.map((row) => row[c]));
    const firstLoss = this.dims === 2 ? 3 : 2;
    for (let c = firstLoss; c < columns.length; c++) {
      columns[c] = columns[c].map((value) => plottedLoss(this.lossAxis, value));
    }
    // A non-finite position would stretch the linear axis without end.
    for (let c = 1; c < columns.length; c++) {
      columns[c] = columns[c].map((value) => (value === null || Number.isFinite(value) ? value : null));
    }
    return columns as uPlot.AlignedData;
  }
}
