/**
 * The picked particle against update step: its coordinates (left axis,
 * linear) and its loss (right axis, logarithmic, so exponential decay or
 * growth is a straight line). Drawn with uPlot.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { EMPTY_ENTRY_STEP, type HistoryEntry } from '../gpu/statsRing.ts';

/** Points kept for the plot; older ones are dropped. */
const MAX_POINTS = 5000;
/** Floor of the log axis, so a loss of exactly 0 can be drawn. */
const LOG_FLOOR = 1e-30;

export class HistoryPlot {
  private readonly plot: uPlot;
  private steps: number[] = [];
  private xs: number[] = [];
  private ys: number[] = [];
  private losses: number[] = [];
  private lastStep = -1;
  private dirty = false;

  constructor(
    container: HTMLElement,
    private readonly dims: 1 | 2,
  ) {
    container.replaceChildren();
    const title = document.createElement('div');
    title.className = 'title';
    title.textContent = 'Picked particle (magenta) against update step';
    container.append(title);

    const series: uPlot.Series[] = [
      { label: 'step' },
      { label: 'x', stroke: '#4cc9f0', scale: 'position', width: 1.5 },
    ];
    if (dims === 2) {
      series.push({ label: 'y', stroke: '#b8e986', scale: 'position', width: 1.5 });
    }
    series.push({ label: 'loss', stroke: '#ff8c1a', scale: 'loss', width: 1.5 });

    this.plot = new uPlot(
      {
        width: 364,
        height: 170,
        series,
        scales: { x: { time: false }, loss: { distr: 3 } },
        axes: [
          { stroke: '#9aa3ad', grid: { stroke: '#2a3138' } },
          { scale: 'position', stroke: '#9aa3ad', grid: { stroke: '#2a3138' }, size: 46 },
          { scale: 'loss', side: 1, stroke: '#ff8c1a', grid: { show: false }, size: 52 },
        ],
        legend: { show: true },
        cursor: { drag: { x: true, y: false } },
      },
      this.data(dims),
      container,
    );
  }

  /** Forgets all points (on reset or when another particle is picked). */
  clear(): void {
    this.steps = [];
    this.xs = [];
    this.ys = [];
    this.losses = [];
    this.lastStep = -1;
    this.dirty = true;
  }

  /** Adds the ring entries newer than the last one seen, in step order. */
  add(entries: readonly HistoryEntry[]): void {
    const fresh = entries.filter((entry) => entry.step !== EMPTY_ENTRY_STEP && entry.step > this.lastStep && Number.isFinite(entry.loss)).sort((a, b) => a.step - b.step);
    if (fresh.length === 0) {
      return;
    }
    for (const entry of fresh) {
      this.steps.push(entry.step);
      this.xs.push(entry.x);
      this.ys.push(entry.y);
      this.losses.push(Math.max(entry.loss, LOG_FLOOR));
    }
    this.lastStep = fresh[fresh.length - 1].step;
    if (this.steps.length > MAX_POINTS) {
      const drop = this.steps.length - MAX_POINTS;
      for (const list of [this.steps, this.xs, this.ys, this.losses]) {
        list.splice(0, drop);
      }
    }
    this.dirty = true;
  }

  /** Redraws when points were added since the last redraw. */
  redraw(): void {
    if (this.dirty) {
      this.plot.setData(this.data(this.dims));
      this.dirty = false;
    }
  }

  destroy(): void {
    this.plot.destroy();
  }

  private data(dims: 1 | 2): uPlot.AlignedData {
    return dims === 2 ? [this.steps, this.xs, this.ys, this.losses] : [this.steps, this.xs, this.losses];
  }
}
