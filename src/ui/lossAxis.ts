/**
 * The loss axes of the plots. A loss axis is logarithmic, so that exponential
 * decay or growth is a straight line, until a plotted loss is negative (the
 * six-hump camel, Styblinski–Tang, the saddles, many typed formulas). A log
 * axis cannot show a negative loss, so the axis then becomes uPlot's asinh
 * scale: linear within ±1, logarithmic beyond, on both sides of 0.
 */
import type uPlot from 'uplot';

import { formatTicks } from './format.ts';
import { keepAllTicks, logTicks } from './logTicks.ts';

export type LossAxisKind = 'log' | 'asinh';

/**
 * Floor of the log loss axes, so that a loss of 0 can be drawn. uPlot's log
 * ticks loop without end for an axis that starts below about 1e-25 (uPlot
 * 1.6.32, found by running its tick function on such ranges).
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

/** Returns the axis kind that shows every one of `losses`: 'asinh' when one is negative, 'log' otherwise. */
export function lossAxisFor(losses: Iterable<number | null | undefined>): LossAxisKind {
  for (const loss of losses) {
    if (typeof loss === 'number' && loss < 0) {
      return 'asinh';
    }
  }
  return 'log';
}

/** Returns the uPlot scale of a loss axis of this kind. */
export function lossScale(kind: LossAxisKind): uPlot.Scale {
  return kind === 'log' ? { distr: 3, log: 10, range: logLossRange } : { distr: 4, asinh: 1 };
}

/** Minimum distance in CSS pixels between two labels of an asinh loss axis. */
const ASINH_LABEL_GAP = 14;

/**
 * Keeps the ticks of an asinh axis that lie at least ASINH_LABEL_GAP pixels
 * from the last kept one, from the top down. asinhTicks places ticks at -1, 0
 * and 1, which lie a few pixels apart where the axis spans many decades.
 */
const spacedTicks: uPlot.Axis.Filter = (plot, splits, axisIndex) => {
  const scale = plot.axes[axisIndex].scale ?? 'y';
  let last = Number.NEGATIVE_INFINITY;
  const labelled: (number | null)[] = splits.map(() => null);
  for (let k = splits.length - 1; k >= 0; k--) {
    const position = plot.valToPos(splits[k], scale);
    if (position - last >= ASINH_LABEL_GAP) {
      labelled[k] = splits[k];
      last = position;
    }
  }
  return labelled;
};

/**
 * Returns the ticks of an asinh axis from `min` to `max`: 0 and the powers of
 * ten of either sign in the range. Where the range contains fewer than two of
 * them, it returns both ends of the range, rounded to two digits.
 */
export function asinhTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  if (!Number.isFinite(min) || !Number.isFinite(max) || !(min < max)) {
    return ticks;
  }
  const largest = Math.max(Math.abs(min), Math.abs(max));
  for (let exponent = Math.floor(Math.log10(largest)); exponent >= -20; exponent--) {
    const power = 10 ** exponent;
    for (const tick of [-power, power]) {
      if (tick >= min && tick <= max) {
        ticks.push(tick);
      }
    }
    // Ticks below 1 in magnitude crowd around 0, where the axis is linear.
    if (power <= 1) {
      break;
    }
  }
  if (min <= 0 && max >= 0) {
    ticks.push(0);
  }
  if (ticks.length < 2) {
    return [Number(min.toPrecision(2)), Number(max.toPrecision(2))].filter((tick) => tick >= min && tick <= max);
  }
  return ticks.sort((a, b) => a - b);
}

/**
 * Tick increments offered to uPlot: the powers of ten from 1e-45 to 1e308.
 * uPlot 1.6.32 draws no tick of an axis unless one of its increments spaces
 * ticks at least `space` pixels apart. Its default list ends at 5e31, so an
 * axis spanning about 1e32 or more lost all its labels. The splits below do
 * not use the increment, so any list that reaches past every finite range works.
 */
export const LOSS_AXIS_INCREMENTS: readonly number[] = Array.from({ length: 354 }, (_, k) => Number(`1e${k - 45}`));

/** Returns the tick options of a loss axis of this kind, with at most `labels` labels on a log axis. */
export function lossTicks(kind: LossAxisKind, labels: number): Partial<uPlot.Axis> {
  const incrs = [...LOSS_AXIS_INCREMENTS];
  if (kind === 'asinh') {
    return { incrs, values: formatTicks, splits: (_plot, _axis, min, max) => asinhTicks(min, max), filter: spacedTicks };
  }
  return { incrs, values: formatTicks, splits: (_plot, _axis, min, max) => logTicks(min, max, labels), filter: keepAllTicks };
}

/** Returns `loss` as drawn on an axis of this kind: on a log axis, a loss of 0 sits at the floor. */
export function plottedLoss(kind: LossAxisKind, loss: number | null): number | null {
  if (loss === null) {
    return null;
  }
  return kind === 'log' ? Math.max(loss, LOG_FLOOR) : loss;
}
