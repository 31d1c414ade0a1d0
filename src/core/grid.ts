import type { CompiledSurface } from './expr/index.ts';
import type { Domain } from './surfaces.ts';

/**
 * Starts on a regular grid: nx × ny cell centres of the domain, x varying
 * fastest, beginning at the (xMin, yMin) corner. A 1D grid has ny = 1 and y = 0.
 */
export interface GridStarts {
  kind: 'grid';
  nx: number;
  ny: number;
  domain: Domain;
}

/** Starts given one by one (the CLI's --start). */
export interface ListStarts {
  kind: 'list';
  /** Interleaved x, y pairs. */
  points: Float64Array;
}

export type Starts = GridStarts | ListStarts;

export function startCount(starts: Starts): number {
  return starts.kind === 'grid' ? starts.nx * starts.ny : starts.points.length / 2;
}

/**
 * Float32 parameters of a grid, rounded once so that the GPU and the CPU
 * derive every start from the same numbers.
 */
export interface GridOrigin {
  xMin: number;
  yMin: number;
  /** Cell width and height. */
  dx: number;
  dy: number;
}

export function gridOrigin(grid: GridStarts): GridOrigin {
  const { domain, nx, ny } = grid;
  return {
    xMin: Math.fround(domain.xMin),
    yMin: Math.fround(domain.yMin),
    dx: Math.fround((domain.xMax - domain.xMin) / nx),
    dy: Math.fround((domain.yMax - domain.yMin) / ny),
  };
}

/**
 * Writes every start as float32 values into `out` (x, y pairs). For a grid
 * this is the arithmetic the GPU initialisation kernel does:
 * x = xMin + (i + 0.5) · dx, each operation rounded to float32.
 */
export function fillStarts(starts: Starts, out: Float32Array): void {
  if (starts.kind === 'list') {
    out.set(starts.points);
    return;
  }

  // A 1D surface has yMin = yMax = 0, so dy = 0 and every y is 0.
  const origin = gridOrigin(starts);
  for (let iy = 0; iy < starts.ny; iy++) {
    const y = Math.fround(origin.yMin + Math.fround(Math.fround(iy + 0.5) * origin.dy));
    for (let ix = 0; ix < starts.nx; ix++) {
      const index = iy * starts.nx + ix;
      out[2 * index] = Math.fround(origin.xMin + Math.fround(Math.fround(ix + 0.5) * origin.dx));
      out[2 * index + 1] = y;
    }
  }
}

/** Starts that `undefinedStartsProblem` checks at most, spread evenly over the particles. */
export const UNDEFINED_CHECK_LIMIT = 4096;

/**
 * Checks at most `limit` starts, spread evenly over `points` (x, y pairs), for
 * a float32 gradient of `surface` that is undefined or not finite, where a
 * particle diverges at its first update. Returns a phrase such as "at all 16
 * starts, so every particle diverges at its first update" when every start
 * checked is such a start, and undefined otherwise.
 */
export function undefinedStartsProblem(surface: CompiledSurface, points: Float32Array, limit = UNDEFINED_CHECK_LIMIT): string | undefined {
  const total = points.length / 2;
  const stride = Math.max(1, Math.ceil(total / limit));
  const gradient = new Float64Array(2);
  let checked = 0;
  for (let index = 0; index < total; index += stride) {
    surface.gradient(points[2 * index], points[2 * index + 1], 'f32', gradient);
    if (Number.isFinite(gradient[0]) && Number.isFinite(gradient[1])) {
      return undefined;
    }
    checked++;
  }
  const count = (value: number): string => value.toLocaleString('en-US');
  if (checked === 0) {
    return undefined;
  }
  if (total === 1) {
    return 'at the start, so the particle diverges at its first update';
  }
  if (checked < total) {
    return `at all ${count(checked)} starts checked (of ${count(total)}), so particles diverge at their first update`;
  }
  return `at all ${count(total)} starts, so every particle diverges at its first update`;
}
