/**
 * The mapping of surface coordinates and loss values to world space. The
 * domain is scaled into a square of side 2 centred at the origin (x → X,
 * y → Y), and the loss to a height Z by a linear or logarithmic normalisation.
 * The same numbers place the CPU-built surface mesh and the GPU-drawn
 * particles and trails, so particles sit on the drawn surface.
 */
import type { CompiledSurface } from '../core/expr/index.ts';
import type { Domain } from '../core/surfaces.ts';
import { MISSING_LOSS } from '../gpu/layout.ts';

export type HeightScaleKind = 'linear' | 'log';

export interface HeightMap {
  /** Domain centre and world units per domain unit. */
  centerX: number;
  centerY: number;
  scale: number;
  /** Loss that maps to height 0. */
  lossMin: number;
  /** Loss above lossMin that maps to height 1: the top of the range. */
  lossSpan: number;
  kind: HeightScaleKind;
  /** Offset δ of the log scale: n = log(1 + (f − min)/δ) / log(1 + span/δ). */
  logOffset: number;
  /** World height of normalised loss 1. */
  height: number;
}

/**
 * Ratio of the top of the height range to the median sampled loss (both
 * measured from the minimum) at or above which the automatic scale is
 * logarithmic. At 10, Rosenbrock, Beale, the camel functions and
 * Goldstein–Price are drawn on the log scale, the bowls on the linear one.
 */
export const LOG_SCALE_RATIO = 10;

/**
 * Share of the sampled losses below the top of the height range. The top is
 * this percentile, not the largest sample, so that one steep corner does not
 * flatten the rest of the surface. Samples above it are clipped.
 */
export const TOP_PERCENTILE = 0.99;

/** Decades of loss above the minimum that the log scale shows: its offset is the span times 10^-LOG_DECADES. */
export const LOG_DECADES = 4;

/** Range of normalised heights: losses above the top of the range are clipped at NORMALIZED_MAX. */
export const NORMALIZED_MIN = -0.2;
export const NORMALIZED_MAX = 1.25;

/**
 * Returns the float64 loss if the float32 kernels can store it, and NaN if its float32 rounding is
 * infinite or at least 3e38. The surface then has a hole where particles have no loss.
 */
export function storableLoss(loss: number): number {
  const rounded = Math.fround(loss);
  return Number.isFinite(rounded) && rounded < MISSING_LOSS ? loss : Number.NaN;
}

/**
 * Returns the float64 loss at (x, y) if the float32 evaluation gives a loss the kernels store, and
 * NaN otherwise, because float32 can overflow partway, as in exp(x + 90)/exp(x + 89).
 */
export function drawnLoss(surface: CompiledSurface, x: number, y: number): number {
  const single = surface.value(x, y, 'f32');
  return Number.isFinite(single) && single < MISSING_LOSS ? storableLoss(surface.value(x, y, 'f64')) : Number.NaN;
}

/** Samples the loss on an n × n grid (n points on a line for 1D) of the domain, in float64. */
export function sampleLoss(value: (x: number, y: number) => number, domain: Domain, dims: 1 | 2, n: number): Float64Array {
  const rows = dims === 1 ? 1 : n;
  const samples = new Float64Array(n * rows);
  for (let j = 0; j < rows; j++) {
    const y = dims === 1 ? 0 : domain.yMin + ((domain.yMax - domain.yMin) * j) / (n - 1);
    for (let i = 0; i < n; i++) {
      const x = domain.xMin + ((domain.xMax - domain.xMin) * i) / (n - 1);
      samples[j * n + i] = value(x, y);
    }
  }
  return samples;
}

export interface HeightMapOptions {
  /** World height of normalised loss 1 (default 0.8). */
  height?: number;
  /** Lowest value of the surface when known (a global minimum), which the samples may miss. */
  knownMinimum?: number;
}

/**
 * Chooses the height map for sampled losses. The range runs from the lowest
 * finite sample (or `knownMinimum` when lower) to the TOP_PERCENTILE of the
 * samples. With `kind` 'auto' the scale is logarithmic when that top exceeds
 * the median by LOG_SCALE_RATIO or more, both measured from the minimum.
 */
export function createHeightMap(domain: Domain, samples: Float64Array, kind: HeightScaleKind | 'auto', options: HeightMapOptions = {}): HeightMap {
  const finite = Array.from(samples).filter(Number.isFinite).sort((a, b) => a - b);
  const percentile = (share: number): number => finite[Math.min(finite.length - 1, Math.floor(share * (finite.length - 1)))];

  let lossMin = finite.length > 0 ? finite[0] : 0;
  if (options.knownMinimum !== undefined && options.knownMinimum < lossMin) {
    lossMin = options.knownMinimum;
  }
  const lossTop = finite.length > 0 ? percentile(TOP_PERCENTILE) : lossMin + 1;
  const lossSpan = lossTop > lossMin ? lossTop - lossMin : 1;
  const median = finite.length > 0 ? percentile(0.5) - lossMin : 0;

  const wide = median <= 0 || lossSpan / median >= LOG_SCALE_RATIO;
  let chosen: HeightScaleKind;
  if (kind === 'auto') {
    chosen = wide ? 'log' : 'linear';
  } else {
    chosen = kind;
  }

  const xRange = domain.xMax - domain.xMin;
  const yRange = domain.yMax - domain.yMin;
  return {
    centerX: (domain.xMin + domain.xMax) / 2,
    centerY: (domain.yMin + domain.yMax) / 2,
    scale: 2 / Math.max(xRange, yRange > 0 ? yRange : xRange),
    lossMin,
    lossSpan,
    kind: chosen,
    logOffset: lossSpan * 10 ** -LOG_DECADES,
    height: options.height ?? 0.8,
  };
}

/**
 * Normalised height of a loss without clipping: 0 at the minimum of the
 * range, 1 at its top, linear or logarithmic in between. Losses below the
 * minimum count as the minimum on the log scale.
 */
export function unclippedHeight(map: HeightMap, loss: number): number {
  if (map.kind === 'log') {
    const above = Math.max(loss - map.lossMin, 0);
    return Math.log1p(above / map.logOffset) / Math.log1p(map.lossSpan / map.logOffset);
  }
  return (loss - map.lossMin) / map.lossSpan;
}

/**
 * Normalised height of a loss, clipped to [NORMALIZED_MIN, NORMALIZED_MAX]. A
 * missing loss (NaN) is drawn at the top, where the particle shaders draw the
 * kernel's MISSING_LOSS.
 */
export function normalizeLoss(map: HeightMap, loss: number): number {
  if (Number.isNaN(loss)) {
    return NORMALIZED_MAX;
  }
  return Math.min(Math.max(unclippedHeight(map, loss), NORMALIZED_MIN), NORMALIZED_MAX);
}

/** Loss at a normalised height: the inverse of unclippedHeight. */
export function lossAtHeight(map: HeightMap, height: number): number {
  if (map.kind === 'log') {
    return map.lossMin + map.logOffset * Math.expm1(height * Math.log1p(map.lossSpan / map.logOffset));
  }
  return map.lossMin + height * map.lossSpan;
}

export function worldX(map: HeightMap, x: number): number {
  return (x - map.centerX) * map.scale;
}

export function worldY(map: HeightMap, y: number): number {
  return (y - map.centerY) * map.scale;
}
