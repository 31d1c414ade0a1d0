/**
 * Tick values and their canvas pixels for the axes of the 2D and 1D views.
 * Pure functions: the overlay (axisOverlay.ts) places the labels they return.
 */
import { lossAtHeight, NORMALIZED_MAX, NORMALIZED_MIN, unclippedHeight } from '../render/heightMap.ts';
import type { LinearScale, LossScale } from '../render/viewGeometry.ts';
import { formatAxisValues } from './format.ts';
import { linearTicks } from './logTicks.ts';

export type AxisScale = LinearScale | LossScale;

export interface AxisTick {
  value: number;
  /** CSS pixel along the axis (a column for x, a row for y and the loss). */
  pixel: number;
  label: string;
}

/** Returns the pixel where `value` is drawn on the axis. */
export function pixelOf(scale: AxisScale, value: number): number {
  if (scale.kind === 'linear') {
    return scale.pixelMin + ((value - scale.min) / (scale.max - scale.min)) * (scale.pixelMax - scale.pixelMin);
  }
  return scale.pixelAtZero + unclippedHeight(scale.map, value) * (scale.pixelAtOne - scale.pixelAtZero);
}

/** Returns the value drawn at `pixel`, the inverse of pixelOf. */
export function valueAt(scale: AxisScale, pixel: number): number {
  if (scale.kind === 'linear') {
    return scale.min + ((pixel - scale.pixelMin) / (scale.pixelMax - scale.pixelMin)) * (scale.max - scale.min);
  }
  return lossAtHeight(scale.map, (pixel - scale.pixelAtZero) / (scale.pixelAtOne - scale.pixelAtZero));
}

/**
 * Returns the pixels of the axis's two ends, lower pixel first: the domain's
 * edges, or the heights NORMALIZED_MIN and NORMALIZED_MAX that the 1D view
 * draws losses between.
 */
export function axisExtent(scale: AxisScale): [number, number] {
  let ends: [number, number];
  if (scale.kind === 'linear') {
    ends = [scale.pixelMin, scale.pixelMax];
  } else {
    const span = scale.pixelAtOne - scale.pixelAtZero;
    ends = [scale.pixelAtZero + NORMALIZED_MIN * span, scale.pixelAtZero + NORMALIZED_MAX * span];
  }
  return ends[0] <= ends[1] ? ends : [ends[1], ends[0]];
}

/**
 * Closest two neighbouring tick labels may come, centre to centre, in CSS
 * pixels: a number, or a function of the two labels (for labels side by side,
 * whose widths differ).
 */
export type TickSpacing = number | ((a: string, b: string) => number);

/**
 * Chooses the ticks of an axis where it is visible between the pixels `from`
 * and `to`, with neighbours at least `spacing` apart. A linear axis, and the loss
 * axis on the linear scale, gets multiples of a 1-2-5 step. The loss axis on
 * the log scale gets the minimum and the minimum plus 1, 2 or 5 × 10^k
 * (as the contour levels), the roundest first. Those are labelled with their
 * offset from the minimum unless it is 0, as the colour bar labels them (see
 * lossAxisTitle).
 */
export function chooseTicks(scale: AxisScale, from: number, to: number, spacing: TickSpacing): AxisTick[] {
  const [axisLow, axisHigh] = axisExtent(scale);
  const low = Math.max(axisLow, Math.min(from, to));
  const high = Math.min(axisHigh, Math.max(from, to));
  const gap = typeof spacing === 'number' ? () => spacing : spacing;
  // The closest that two one-character labels may come bounds the number of ticks.
  const narrowest = gap('0', '0');
  if (!(high - low >= 1) || !(narrowest > 0)) {
    return [];
  }

  const ends = [valueAt(scale, low), valueAt(scale, high)];
  const min = Math.min(...ends);
  const max = Math.max(...ends);
  if (scale.kind === 'loss' && scale.map.kind === 'log') {
    return logScaleTicks(scale, min, max, gap);
  }
  // Fewer ticks until the labels fit: 5 ticks of "-0.25" need more room than 5 of "2".
  for (let maxTicks = Math.max(1, Math.floor((high - low) / narrowest) + 1); ; maxTicks--) {
    const ticks = ticksAt(scale, linearTicks(min, max, maxTicks));
    if (maxTicks <= 1 || ticks.every((tick, k) => k === 0 || Math.abs(tick.pixel - ticks[k - 1].pixel) >= gap(ticks[k - 1].label, tick.label))) {
      return ticks;
    }
  }
}

/** Pairs tick values with their pixels and labels. The log scale's ticks are labelled as offsets from a minimum other than 0. */
function ticksAt(scale: AxisScale, values: readonly number[]): AxisTick[] {
  const offset = scale.kind === 'loss' && scale.map.kind === 'log' ? scale.map.lossMin : 0;
  const labels = formatTickLabels(values.map((value) => Number((value - offset).toPrecision(12))));
  return values.map((value, k) => ({ value, pixel: pixelOf(scale, value), label: labels[k] }));
}

/** Returns the title of the 1D view's loss axis: the log scale's ticks are labelled as loss − min unless the minimum is 0. */
export function lossAxisTitle(scale: LossScale): string {
  if (scale.map.kind === 'linear') {
    return 'loss';
  }
  return scale.map.lossMin === 0 ? 'loss, log scale' : 'loss − min, log scale';
}

/** Offsets from the minimum by rank, roundest first: 10^k, then 2 and 5 × 10^k. */
const LOG_RANKS = [[1], [2, 5]];

function logScaleTicks(scale: LossScale, min: number, max: number, gap: (a: string, b: string) => number): AxisTick[] {
  const { lossMin } = scale.map;
  const candidates: number[][] = [[lossMin]];
  const above = max - lossMin;
  if (above > 0) {
    // Below a tenth of the log offset the scale is nearly linear and the ticks would crowd.
    const first = Math.floor(Math.log10(Math.max(min - lossMin, scale.map.logOffset / 10)));
    const last = Math.ceil(Math.log10(above));
    for (const multipliers of LOG_RANKS) {
      const rank: number[] = [];
      for (let exponent = first; exponent <= last; exponent++) {
        for (const multiplier of multipliers) {
          rank.push(lossMin + Number((multiplier * Number(`1e${exponent}`)).toPrecision(12)));
        }
      }
      candidates.push(rank);
    }
  }

  const chosen: AxisTick[] = [];
  for (const rank of candidates) {
    for (const value of rank) {
      if (value < min || value > max) {
        continue;
      }
      const [tick] = ticksAt(scale, [value]);
      if (chosen.every((other) => Math.abs(other.pixel - tick.pixel) >= gap(other.label, tick.label))) {
        chosen.push(tick);
      }
    }
  }
  return chosen.sort((a, b) => a.value - b.value);
}

/**
 * Formats tick values as the app formats an axis's values (formatAxisValues,
 * 4 significant digits). Where that writes two neighbouring ticks alike, as at
 * 1.0001 and 1.0002, every label gets up to 12 significant digits.
 */
export function formatTickLabels(values: readonly number[]): string[] {
  const short = formatAxisValues(values);
  if (short.every((label, k) => k === 0 || label !== short[k - 1])) {
    return short;
  }
  return values.map((value) => String(Number(value.toPrecision(12))));
}
