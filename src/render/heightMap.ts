/**
 * The mapping of surface coordinates and loss values to world space. The
 * domain is scaled into a square of side 2 centred at the origin (x → X,
 * y → Y), and the loss to a height Z by a linear or logarithmic normalisation.
 * The same numbers place the CPU-built surface mesh and the GPU-drawn
 * particles and trails, so particles sit on the drawn surface.
 */
import type { Domain } from '../core/surfaces.ts';

export type HeightScaleKind = 'linear' | 'log';

export interface HeightMap {
  /** Domain centre and world units per domain unit. */
  centerX: number;
  centerY: number;
  scale: number;
  /** Loss that maps to height 0. */
  lossMin: number;
  /** Loss span that maps to height 1 on a linear scale. */
  lossSpan: number;
  kind: HeightScaleKind;
  /** Offset δ of the log scale: n = log(1 + (f − min)/δ) / log(1 + span/δ). */
  logOffset: number;
  /** World height of normalised loss 1. */
  height: number;
}

/** Ratio of largest to median sampled loss above which the automatic scale is logarithmic. */
export const LOG_SCALE_RATIO = 20;

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

/**
 * Chooses the height map for sampled losses: the range of the finite samples,
 * and a log scale when `kind` is 'auto' and the largest loss exceeds the
 * median by LOG_SCALE_RATIO or more.
 */
export function createHeightMap(domain: Domain, samples: Float64Array, kind: HeightScaleKind | 'auto', height = 0.8): HeightMap {
  const finite = Array.from(samples).filter(Number.isFinite).sort((a, b) => a - b);
  const lossMin = finite.length > 0 ? finite[0] : 0;
  const lossMax = finite.length > 0 ? finite[finite.length - 1] : 1;
  const lossSpan = lossMax > lossMin ? lossMax - lossMin : 1;
  const median = finite.length > 0 ? finite[Math.floor(finite.length / 2)] - lossMin : 0;

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
    logOffset: lossSpan * 1e-3,
    height,
  };
}

/** Normalised height of a loss: 0 at the sampled minimum, 1 at the maximum; clamped to [-0.2, 1.5]. */
export function normalizeLoss(map: HeightMap, loss: number): number {
  const above = Math.max(loss - map.lossMin, 0);
  let n: number;
  if (map.kind === 'log') {
    n = Math.log1p(above / map.logOffset) / Math.log1p(map.lossSpan / map.logOffset);
  } else {
    n = (loss - map.lossMin) / map.lossSpan;
  }
  return Math.min(Math.max(n, -0.2), 1.5);
}

export function worldX(map: HeightMap, x: number): number {
  return (x - map.centerX) * map.scale;
}

export function worldY(map: HeightMap, y: number): number {
  return (y - map.centerY) * map.scale;
}
