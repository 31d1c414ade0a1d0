/** Number formatting for the status line, the panel and the plots. */
import type { Domain } from '../core/surfaces.ts';

/** Formats a count with thousands separators: 1048576 → "1,048,576". */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Formats a rate or large quantity compactly: 2.1e7 → "21.0 M". */
export function formatRate(value: number): string {
  if (!Number.isFinite(value) || value <= 0) {
    return '–';
  }
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, unit] of units) {
    if (value >= size) {
      return `${(value / size).toFixed(1)} ${unit}`;
    }
  }
  return value.toFixed(0);
}

/** Formats a share as a percentage with one decimal: 0.953 → "95.3%". */
export function formatShare(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '–';
}

/**
 * Formats a learning rate, tolerance or loss with up to 4 significant digits;
 * NaN, which stands for a missing value such as the loss where the formula is
 * undefined, as "undefined".
 */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) {
    return 'undefined';
  }
  if (!Number.isFinite(value)) {
    return value > 0 ? '∞' : '−∞';
  }
  if (value === 0) {
    return '0';
  }
  const magnitude = Math.abs(value);
  return magnitude >= 1e-3 && magnitude < 1e5 ? String(Number(value.toPrecision(4))) : value.toExponential(3).replace(/\.?0+e/, 'e');
}

/**
 * Fraction of the domain's span on an axis below which formatPoint writes a
 * coordinate as 0. Float32 positions near the domain's edges lie about 1e-7
 * of the span apart (a 24-bit significand), so a coordinate under 1e-9 of the
 * span is rounding noise, such as -4.702e-38 where the minimum's y is 0.
 */
export const NEGLIGIBLE_COORDINATE = 1e-9;

/**
 * Formats a point of the surface for legends and notices: "(x, y)" in 2D and
 * "(x)" in 1D, with formatValue() per coordinate. A coordinate whose
 * magnitude is below NEGLIGIBLE_COORDINATE times the domain's span on its
 * axis is written as 0.
 */
export function formatPoint(point: { x: number; y: number }, dims: 1 | 2, domain: Domain): string {
  const coordinate = (value: number, min: number, max: number): string =>
    Math.abs(value) < NEGLIGIBLE_COORDINATE * (max - min) ? '0' : formatValue(value);
  const x = coordinate(point.x, domain.xMin, domain.xMax);
  return dims === 1 ? `(${x})` : `(${x}, ${coordinate(point.y, domain.yMin, domain.yMax)})`;
}

/** Formats the tick values of a plot axis with formatAxisValues(); a tick uPlot skips (null) gets no label. */
export function formatTicks(_plot: unknown, values: (number | null)[]): string[] {
  const ticks = values.filter((value): value is number => value !== null);
  const labels = formatAxisValues(ticks);
  let next = 0;
  return values.map((value) => (value === null ? '' : labels[next++]));
}

/**
 * Formats the ticks of one axis with formatValue(), without the exponent's
 * plus sign, so that "1e21" and "-5e5" fit an axis's width. Evenly spaced
 * ticks that formatValue() would write partly with an exponent and partly
 * without ("99900", "1e5") are written alike: in decimals where every tick
 * but 0 is from 1e-4 to below 1e6 in magnitude, else each with an exponent.
 * A log axis's ticks keep formatValue()'s forms ("0.01", "100", "1e4").
 */
export function formatAxisValues(values: readonly number[]): string[] {
  const short = values.map((value) => formatValue(value).replace('e+', 'e'));
  const nonzero = values.filter((value) => value !== 0 && Number.isFinite(value));
  const withExponent = short.filter((label, k) => values[k] !== 0 && /\de/.test(label)).length;
  if (withExponent === 0 || withExponent === nonzero.length || !evenlySpaced(values)) {
    return short;
  }
  const magnitudes = nonzero.map(Math.abs);
  if (Math.max(...magnitudes) < 1e6 && Math.min(...magnitudes) >= 1e-4) {
    return values.map((value) => String(Number(value.toPrecision(12))));
  }
  // Use as few digits as keep the labels apart and each within 4 significant digits of its tick, as formatValue() is.
  for (let digits = 0; ; digits++) {
    const labels = values.map((value) => (value === 0 ? '0' : value.toExponential(digits).replace('e+', 'e')));
    const close = labels.every((label, k) => Math.abs(Number(label) - values[k]) <= 5e-4 * Math.abs(values[k]));
    if (digits >= 12 || (close && new Set(labels).size === labels.length)) {
      return labels;
    }
  }
}

/** True when consecutive values differ by the same step, within rounding. */
function evenlySpaced(values: readonly number[]): boolean {
  if (values.length < 3) {
    return true;
  }
  const step = values[1] - values[0];
  return values.every((value, k) => k === 0 || Math.abs(value - values[k - 1] - step) <= 1e-9 * Math.abs(step));
}
