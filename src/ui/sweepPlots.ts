/**
 * The plots of a learning-rate sweep, drawn with uPlot: final loss against
 * the rate (median with the 10–90% band), the shares converged and diverged,
 * and the median updates to converge, with the stability limit marked; or,
 * for a phase map, one cell per (rate, second value) coloured by outcome.
 */
import uPlot from 'uplot';
import { cssHex } from '../core/colorScience.ts';
import { OUTCOME_COLORS } from '../core/exportTables.ts';
import type { CellStatistics, SweepAxes } from '../core/sweep.ts';
import { linearSpace, logSpace } from '../core/sweep.ts';
import { formatTicks, formatValue } from './format.ts';
import { lossAxisFor, lossScale, lossTicks, plottedLoss, type LossAxisKind } from './lossAxis.ts';
import { keepAllTicks, logTicks } from './logTicks.ts';

const WIDTH = 364;

/** Outcome colours of the phase map and the share plot, as CSS. */
export const OUTCOME_CSS = {
  converged: cssHex(OUTCOME_COLORS.converged),
  diverged: cssHex(OUTCOME_COLORS.diverged),
  neither: cssHex(OUTCOME_COLORS.neither),
} as const;

const axisStyle = { stroke: '#9aa3ad', grid: { stroke: '#2a3138' }, font: '10px system-ui' };
/** Axis titles in the style of the picked particle's plot: 11 px text in a 14 px strip beside the tick labels. */
const titleStyle = { labelSize: 14, labelFont: '11px system-ui' };
/**
 * Height of the rate axis's ticks, gap and tick labels, in CSS pixels, below
 * which the title sits. uPlot's default of 50 leaves 25 px empty under the labels.
 */
const RATE_AXIS_SIZE = 26;
/** Title of the learning-rate axis of every sweep plot. */
const RATE_TITLE = 'learning rate η';

/** Names the plot's axes for screen readers: uPlot draws the titles on its canvas only. */
function describePlot(plot: uPlot, description: string): uPlot {
  plot.root.setAttribute('role', 'img');
  plot.root.setAttribute('aria-label', description);
  return plot;
}

/** Draws a dashed vertical line at x = `value` across the plot area. */
function markLimit(plot: uPlot, value: number | undefined): void {
  if (value === undefined || !Number.isFinite(value)) {
    return;
  }
  const x = plot.valToPos(value, 'x', true);
  const { top, height, left, width } = plot.bbox;
  if (x < left || x > left + width) {
    return;
  }
  const context = plot.ctx;
  context.save();
  context.strokeStyle = '#ffffff';
  context.setLineDash([5, 4]);
  context.lineWidth = window.devicePixelRatio;
  context.beginPath();
  context.moveTo(x, top);
  context.lineTo(x, top + height);
  context.stroke();
  context.restore();
}

/** Number of points of the dashed limit curve of a phase map. */
const LIMIT_CURVE_POINTS = 64;

/**
 * Draws the stability limit of each second-axis value from `min` to `max` as
 * a dashed curve, broken where the limit is not known or leaves the plot.
 */
function markLimitCurve(plot: uPlot, limitAt: (value: number) => number | undefined, min: number, max: number): void {
  const { left, width } = plot.bbox;
  const context = plot.ctx;
  context.save();
  context.strokeStyle = '#ffffff';
  context.setLineDash([5, 4]);
  context.lineWidth = 1.5 * window.devicePixelRatio;
  context.beginPath();
  let drawing = false;
  for (let k = 0; k < LIMIT_CURVE_POINTS; k++) {
    const value = min + ((max - min) * k) / (LIMIT_CURVE_POINTS - 1);
    const limit = limitAt(value);
    const x = limit === undefined || !Number.isFinite(limit) ? NaN : plot.valToPos(limit, 'x', true);
    if (!(x >= left && x <= left + width)) {
      drawing = false;
      continue;
    }
    const y = plot.valToPos(value, 'y', true);
    if (drawing) {
      context.lineTo(x, y);
    } else {
      context.moveTo(x, y);
    }
    drawing = true;
  }
  context.stroke();
  context.restore();
}

export class SweepPlots {
  private plots: uPlot[] = [];
  private heading: HTMLElement | undefined;
  private shape = '';
  private limit: number | undefined;
  private lossAxis: LossAxisKind = 'log';
  private phase: { statistics: CellStatistics[]; lrs: number[]; values: number[]; limitAt?: (value: number) => number | undefined } | undefined;

  constructor(private readonly container: HTMLElement) {}

  hide(): void {
    this.destroy();
    this.container.replaceChildren();
    this.shape = '';
  }

  /**
   * Draws `statistics` (one per cell) of a sweep over `axes`; `limit` is the
   * stability limit, if known. A phase map takes `limitAt` instead, the limit
   * for each value of its second axis, drawn as a dashed curve where known.
   */
  show(axes: SweepAxes, statistics: CellStatistics[], limit: number | undefined, title: string, limitAt?: (value: number) => number | undefined): void {
    const lrs = logSpace(axes.lrMin, axes.lrMax, axes.lrCount);
    this.limit = limit;
    // A negative loss anywhere in the sweep needs the asinh loss axis (see lossAxis.ts).
    const lossAxis = lossAxisFor(statistics.flatMap((row) => [row.p10Loss, row.medianLoss, row.p90Loss]));
    const shape = JSON.stringify({ axes, lossAxis });
    if (shape !== this.shape) {
      this.lossAxis = lossAxis;
      this.build(axes);
      this.shape = shape;
    }
    this.heading!.textContent = title;

    if (axes.second) {
      this.phase = { statistics, lrs, values: linearSpace(axes.second.min, axes.second.max, axes.second.count), limitAt };
      this.plots[0].redraw();
      return;
    }

    const loss = (value: number | null): number | null => plottedLoss(this.lossAxis, value);
    this.plots[0].setData([lrs, statistics.map((row) => loss(row.p10Loss)), statistics.map((row) => loss(row.medianLoss)), statistics.map((row) => loss(row.p90Loss))]);
    this.plots[1].setData([lrs, statistics.map((row) => row.converged), statistics.map((row) => row.diverged)]);
    this.plots[2].setData([lrs, statistics.map((row) => row.medianStepsToConverge)]);
  }

  private destroy(): void {
    for (const plot of this.plots) {
      plot.destroy();
    }
    this.plots = [];
  }

  private build(axes: SweepAxes): void {
    this.destroy();
    this.container.replaceChildren();
    this.heading = document.createElement('div');
    this.heading.className = 'title';
    this.container.append(this.heading);
    const limitHook = { draw: [(plot: uPlot) => markLimit(plot, this.limit)] };
    const x: uPlot.Scale = { time: false, distr: 3, auto: false, range: [axes.lrMin, axes.lrMax] };
    // Labels on the rate axis however narrow the range: uPlot labels log axes at powers of ten only.
    const rateTicks = (_plot: uPlot, _axis: number, min: number, max: number): number[] => logTicks(min, max, Math.floor(WIDTH / 56));
    const rateAxis: uPlot.Axis = { ...axisStyle, ...titleStyle, label: RATE_TITLE, size: RATE_AXIS_SIZE, values: formatTicks, splits: rateTicks, filter: keepAllTicks };
    if (axes.second) {
      const parameter = axes.second.parameter === 'beta1' ? 'β₁' : 'momentum';
      const map = new uPlot(
        {
          width: WIDTH,
          height: 220,
          scales: { x, y: { auto: false, range: [axes.second.min, axes.second.max] } },
          series: [{ label: 'η' }, { label: parameter, show: false }],
          axes: [{ ...rateAxis }, { ...axisStyle, ...titleStyle, label: parameter, size: 40 }],
          legend: { show: false },
          hooks: { draw: [(plot: uPlot) => this.drawPhaseMap(plot)] },
        },
        [[axes.lrMin, axes.lrMax], [null, null]],
        this.container,
      );
      this.plots.push(describePlot(map, `phase map: outcome by ${parameter} and ${RATE_TITLE}`));
      const legend = document.createElement('div');
      legend.className = 'phase-legend';
      for (const [outcome, color] of Object.entries(OUTCOME_CSS)) {
        const item = document.createElement('span');
        const swatch = document.createElement('span');
        swatch.className = 'swatch square';
        swatch.style.background = color;
        item.append(swatch, document.createTextNode(outcome === 'neither' ? 'neither (oscillating or slow)' : outcome));
        legend.append(item);
      }
      this.container.append(legend);
      return;
    }

    // Hover values as the rest of the app writes numbers: a loss of 1e-10 reads 1e-10, not 0.
    const hoverValue = (_plot: uPlot, value: number | null): string => (value === null ? '–' : formatValue(value));
    const rate: uPlot.Series = { label: 'η', value: hoverValue };
    const plot = (options: uPlot.Options, description: string): uPlot =>
      describePlot(new uPlot(options, options.series.map((): number[] => []) as uPlot.AlignedData, this.container), `${description} against ${RATE_TITLE}`);
    this.plots.push(
      plot(
        {
          width: WIDTH,
          height: 130,
          scales: { x, y: lossScale(this.lossAxis) },
          series: [
            { ...rate },
            { label: '10%', stroke: 'rgba(255, 140, 26, 0.4)', width: 1, value: hoverValue },
            { label: 'median loss', stroke: '#ff8c1a', width: 2, value: hoverValue },
            { label: '90%', stroke: 'rgba(255, 140, 26, 0.4)', width: 1, value: hoverValue },
          ],
          bands: [{ series: [3, 1], fill: 'rgba(255, 140, 26, 0.18)' }],
          axes: [{ ...rateAxis }, { ...axisStyle, ...titleStyle, label: 'final loss', size: 52, ...lossTicks(this.lossAxis, 4) }],
          hooks: limitHook,
        },
        'final loss',
      ),
      plot(
        {
          width: WIDTH,
          height: 100,
          scales: { x, y: { auto: false, range: [0, 1] } },
          series: [{ ...rate }, { label: 'converged', stroke: OUTCOME_CSS.converged, width: 2, value: hoverValue }, { label: 'diverged', stroke: OUTCOME_CSS.diverged, width: 2, value: hoverValue }],
          axes: [{ ...rateAxis }, { ...axisStyle, ...titleStyle, label: 'share', size: 52 }],
          hooks: limitHook,
        },
        'share of starts converged and diverged',
      ),
      plot(
        {
          width: WIDTH,
          height: 100,
          // From 0 to a round number above the data, labelled at 0, its middle and its top.
          scales: { x, y: { range: (_plot, _min, max) => [0, roundUp(max)] } },
          series: [{ ...rate }, { label: 'median updates to converge', stroke: '#4cc9f0', width: 2, value: hoverValue }],
          axes: [
            { ...rateAxis },
            { ...axisStyle, ...titleStyle, label: 'updates', size: 52, values: formatTicks, splits: (_plot, _axis, _min, max) => [0, max / 2, max], filter: keepAllTicks },
          ],
          hooks: limitHook,
        },
        'median updates to converge',
      ),
    );
  }

  /** Fills one rectangle per cell, between the geometric midpoints of neighbouring rates. */
  private drawPhaseMap(plot: uPlot): void {
    const phase = this.phase;
    if (!phase) {
      return;
    }
    const { lrs, values, statistics } = phase;
    const context = plot.ctx;
    const rateEdges = cellEdges(lrs, true);
    const valueEdges = cellEdges(values, false);
    context.save();
    for (let row = 0; row < values.length; row++) {
      const top = plot.valToPos(valueEdges[row + 1], 'y', true);
      const bottom = plot.valToPos(valueEdges[row], 'y', true);
      for (let column = 0; column < lrs.length; column++) {
        const left = plot.valToPos(rateEdges[column], 'x', true);
        const right = plot.valToPos(rateEdges[column + 1], 'x', true);
        context.fillStyle = OUTCOME_CSS[statistics[row * lrs.length + column].outcome];
        context.fillRect(left, top, Math.max(1, right - left), Math.max(1, bottom - top));
      }
    }
    context.restore();
    if (phase.limitAt) {
      markLimitCurve(plot, phase.limitAt, values[0], values[values.length - 1]);
    }
  }
}

/**
 * Boundaries of the cells centred on `centres` (n + 1 of them): midpoints
 * between neighbours, geometric for log-spaced centres, and half a spacing
 * beyond each end.
 */
function cellEdges(centres: readonly number[], geometric: boolean): number[] {
  const n = centres.length;
  const middle = (a: number, b: number): number => (geometric ? Math.sqrt(a * b) : (a + b) / 2);
  if (n === 1) {
    return geometric ? [centres[0] / 1.05, centres[0] * 1.05] : [centres[0] - 0.5, centres[0] + 0.5];
  }
  const edges = [0];
  for (let k = 1; k < n; k++) {
    edges.push(middle(centres[k - 1], centres[k]));
  }
  edges.push(0);
  edges[0] = geometric ? (centres[0] * centres[0]) / edges[1] : 2 * centres[0] - edges[1];
  edges[n] = geometric ? (centres[n - 1] * centres[n - 1]) / edges[n - 1] : 2 * centres[n - 1] - edges[n - 1];
  return edges;
}

/** Returns the smallest of 1, 2 and 5 times a power of ten that is at least `value` (1 for no data). */
export function roundUp(value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) {
    return 1;
  }
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((factor) => factor * power >= value * (1 - 1e-12))!;
  return step * power;
}
