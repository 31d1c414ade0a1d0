/**
 * Minima found from converged particles, for surfaces whose minima are not
 * known in advance (typed formulas, lattices of local minima). End points are
 * grouped into clusters, and each cluster's lowest point is refined with
 * Newton's method in float64 on the compiler's exact gradient and Hessian.
 */
import { STATUS } from './config.ts';
import type { CompiledSurface } from './expr/index.ts';
import type { Domain } from './surfaces.ts';

/** A minimum found from converged particles. */
export interface FoundMinimum {
  x: number;
  /** 0 on a 1D surface. */
  y: number;
  /** Float64 value of the surface at (x, y). */
  value: number;
  /** Converged particles whose end points belong to this minimum. */
  count: number;
  /**
   * True when Newton's method moved the location to a point where the
   * gradient vanishes (to float64 rounding) and the Hessian is positive
   * definite. False at degenerate minima (such as x⁴, whose Hessian is 0) and
   * nonsmooth ones, where the location is the lowest end point of the cluster.
   */
  refined: boolean;
}

export interface ClusterOptions {
  /** Domain of the starts; the merge distance is relative to its larger side. */
  domain: Domain;
  /** Merge distance as a fraction of the domain's larger side (default 0.01). */
  tolerance?: number;
  /** Newton iterations per cluster (default 20); quadratic convergence needs few. */
  newtonSteps?: number;
}

/** Points of one grid cell, with their bounding box. */
interface Cell {
  points: number[];
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/** Union-find over point indices, with path halving. */
class DisjointSets {
  private readonly parent: Int32Array;

  constructor(count: number) {
    this.parent = Int32Array.from({ length: count }, (_, i) => i);
  }

  find(i: number): number {
    let root = i;
    while (this.parent[root] !== root) {
      this.parent[root] = this.parent[this.parent[root]];
      root = this.parent[root];
    }
    return root;
  }

  union(a: number, b: number): void {
    const rootA = this.find(a);
    const rootB = this.find(b);
    if (rootA !== rootB) {
      this.parent[Math.max(rootA, rootB)] = Math.min(rootA, rootB);
    }
  }
}

/**
 * Clusters the end points of converged particles into distinct minima.
 * `positions` contains x, y pairs and `status` a STATUS code per particle; only
 * converged particles with finite positions count. Two end points closer than
 * the merge distance belong to the same minimum (single linkage), so a chain
 * of converged points along a flat valley forms one cluster. Each cluster
 * starts from its lowest end point, which Newton's method refines where the
 * Hessian is positive definite. Clusters that refine to the same point merge.
 * Returns the minima sorted by value, then x, then y.
 */
export function clusterMinima(
  positions: ArrayLike<number>,
  status: ArrayLike<number>,
  surface: CompiledSurface,
  options: ClusterOptions,
): FoundMinimum[] {
  const { domain } = options;
  const side = Math.max(domain.xMax - domain.xMin, surface.dims === 2 ? domain.yMax - domain.yMin : 0);
  const mergeDistance = (options.tolerance ?? 0.01) * side;
  const newtonSteps = options.newtonSteps ?? 20;

  const points: number[] = [];
  for (let i = 0; i < status.length; i++) {
    const x = positions[2 * i];
    const y = surface.dims === 2 ? positions[2 * i + 1] : 0;
    if (status[i] === STATUS.converged && Number.isFinite(x) && Number.isFinite(y)) {
      points.push(x, y);
    }
  }

  const clusters = linkPoints(points, mergeDistance);
  const found = clusters.map((members) => refineCluster(points, members, surface, mergeDistance, newtonSteps));
  return mergeCoincident(found, mergeDistance).sort((a, b) => a.value - b.value || a.x - b.x || a.y - b.y);
}

/**
 * Groups points (x, y pairs) by single linkage at `distance`. Any two points
 * of a grid cell of side distance/√2 are within `distance`, so each cell is
 * linked at once. Neighbouring cells are linked by their bounding boxes, and
 * by pairs of points only where the boxes cannot decide.
 */
function linkPoints(points: readonly number[], distance: number): number[][] {
  const count = points.length / 2;
  const sets = new DisjointSets(count);
  const cellSide = distance / Math.SQRT2;
  const cells = new Map<string, Cell>();
  const keyOf = (column: number, row: number): string => `${column},${row}`;

  for (let i = 0; i < count; i++) {
    const x = points[2 * i];
    const y = points[2 * i + 1];
    const key = keyOf(Math.floor(x / cellSide), Math.floor(y / cellSide));
    const cell = cells.get(key);
    if (cell === undefined) {
      cells.set(key, { points: [i], xMin: x, xMax: x, yMin: y, yMax: y });
      continue;
    }
    sets.union(cell.points[0], i);
    cell.points.push(i);
    cell.xMin = Math.min(cell.xMin, x);
    cell.xMax = Math.max(cell.xMax, x);
    cell.yMin = Math.min(cell.yMin, y);
    cell.yMax = Math.max(cell.yMax, y);
  }

  // A point links to cells up to two cells away, because distance spans √2 cell sides.
  for (const [key, cell] of cells) {
    const [column, row] = key.split(',').map(Number);
    for (let dy = -2; dy <= 2; dy++) {
      for (let dx = -2; dx <= 2; dx++) {
        const other = cells.get(keyOf(column + dx, row + dy));
        if (other !== undefined && other !== cell && cellsTouch(points, cell, other, distance)) {
          sets.union(cell.points[0], other.points[0]);
        }
      }
    }
  }

  const groups = new Map<number, number[]>();
  for (let i = 0; i < count; i++) {
    const root = sets.find(i);
    const group = groups.get(root);
    if (group) {
      group.push(i);
    } else {
      groups.set(root, [i]);
    }
  }
  return [...groups.values()];
}

/** Tells whether some point of `a` lies within `distance` of some point of `b`. */
function cellsTouch(points: readonly number[], a: Cell, b: Cell, distance: number): boolean {
  const gapX = Math.max(0, a.xMin - b.xMax, b.xMin - a.xMax);
  const gapY = Math.max(0, a.yMin - b.yMax, b.yMin - a.yMax);
  if (Math.hypot(gapX, gapY) > distance) {
    return false;
  }
  const spanX = Math.max(a.xMax, b.xMax) - Math.min(a.xMin, b.xMin);
  const spanY = Math.max(a.yMax, b.yMax) - Math.min(a.yMin, b.yMin);
  if (Math.hypot(spanX, spanY) <= distance) {
    return true;
  }

  for (const i of a.points) {
    for (const j of b.points) {
      if (Math.hypot(points[2 * i] - points[2 * j], points[2 * i + 1] - points[2 * j + 1]) <= distance) {
        return true;
      }
    }
  }
  return false;
}

/**
 * Refines a cluster from its lowest end point with Newton steps
 * p ← p − H⁻¹∇f in float64, for as long as the Hessian is positive definite
 * and the step shrinks towards float64 rounding. The result counts as
 * refined when it lies within the merge distance of an end point of the cluster.
 */
function refineCluster(
  points: readonly number[],
  members: readonly number[],
  surface: CompiledSurface,
  mergeDistance: number,
  newtonSteps: number,
): FoundMinimum {
  let startX = points[2 * members[0]];
  let startY = points[2 * members[0] + 1];
  let lowest = surface.value(startX, startY, 'f64');
  for (const i of members) {
    const value = surface.value(points[2 * i], points[2 * i + 1], 'f64');
    if (value < lowest) {
      lowest = value;
      startX = points[2 * i];
      startY = points[2 * i + 1];
    }
  }

  // The refined point must belong to the cluster by the same rule that links end points,
  // so that Newton's method cannot carry a cluster into another basin.
  const newton = newtonMinimum(surface, startX, startY, newtonSteps);
  const linked =
    newton !== undefined &&
    members.some((i) => Math.hypot(newton.x - points[2 * i], newton.y - points[2 * i + 1]) <= mergeDistance);
  if (newton === undefined || !linked) {
    return { x: startX, y: startY, value: lowest, count: members.length, refined: false };
  }
  return { x: newton.x, y: newton.y, value: surface.value(newton.x, newton.y, 'f64'), count: members.length, refined: true };
}

/**
 * Runs Newton's method from (x, y) in float64. Returns the point one step
 * after a step fell below 1e-10 of the coordinates, with the Hessian positive
 * definite at every step. Returns undefined when the Hessian stopped being
 * positive definite, a value became non-finite, or the steps did not settle
 * within maxSteps (as at a degenerate minimum, where Newton converges only
 * linearly).
 */
export function newtonMinimum(surface: CompiledSurface, x: number, y: number, maxSteps: number): { x: number; y: number } | undefined {
  const gradient = new Float64Array(2);
  const hessian = new Float64Array(3);
  let settled = false;

  for (let step = 0; step < maxSteps; step++) {
    surface.gradient(x, y, 'f64', gradient);
    surface.hessian(x, y, hessian);
    const [fxx, fxy, fyy] = hessian;

    let dx: number;
    let dy = 0;
    if (surface.dims === 1) {
      if (!(fxx > 0)) return undefined;
      dx = gradient[0] / fxx;
    } else {
      const determinant = fxx * fyy - fxy * fxy;
      if (!(fxx > 0 && determinant > 0)) return undefined;
      dx = (fyy * gradient[0] - fxy * gradient[1]) / determinant;
      dy = (fxx * gradient[1] - fxy * gradient[0]) / determinant;
    }
    if (!Number.isFinite(dx) || !Number.isFinite(dy)) return undefined;

    x -= dx;
    y -= dy;
    if (settled) {
      return { x, y };
    }
    // Near a nondegenerate minimum Newton converges quadratically, so after a
    // step below 1e-10 of the coordinates one more step reaches float64 rounding.
    settled = Math.hypot(dx, dy) <= 1e-10 * Math.max(1, Math.abs(x), Math.abs(y));
  }
  return undefined;
}

/** Merges minima that lie within `distance` of each other, keeping the lower one and summing the counts. */
function mergeCoincident(found: FoundMinimum[], distance: number): FoundMinimum[] {
  const sorted = [...found].sort((a, b) => a.value - b.value);
  const kept: FoundMinimum[] = [];
  for (const candidate of sorted) {
    const twin = kept.find((minimum) => Math.hypot(minimum.x - candidate.x, minimum.y - candidate.y) <= distance);
    if (twin) {
      twin.count += candidate.count;
    } else {
      kept.push({ ...candidate });
    }
  }
  return kept;
}

/** A minimum that names a basin, marked as listed for the surface (known) or found by clustering. */
export interface NamedMinimum {
  x: number;
  y: number;
  value: number;
  /** True for a minimum the surface lists; false for one found from converged particles. */
  known: boolean;
}

/**
 * Adds the minima found by clustering to the surface's known ones, so that
 * starts which converged to unlisted local minima (as on rastrigin or
 * ackley) get basins of their own. A found minimum within `radius` of a
 * known one is that known minimum and is dropped. The found minima of
 * `previous` keep their places, so that basin colours do not change between
 * two clusterings, and new ones follow, lowest value first. At most
 * `maxMinima` are returned, the known ones first.
 */
export function combineMinima(
  known: readonly { x: number; y: number; value: number }[],
  previous: readonly NamedMinimum[],
  found: readonly FoundMinimum[],
  radius: number,
  maxMinima: number,
): NamedMinimum[] {
  const near = (a: { x: number; y: number }, b: { x: number; y: number }): boolean => Math.hypot(a.x - b.x, a.y - b.y) <= radius;
  const combined: NamedMinimum[] = known.map(({ x, y, value }) => ({ x, y, value, known: true }));
  const fresh = found.filter((minimum) => !known.some((listed) => near(listed, minimum)));

  for (const earlier of previous) {
    if (!earlier.known && fresh.some((minimum) => near(minimum, earlier))) {
      combined.push(earlier);
    }
  }
  const added = [...fresh].sort((a, b) => a.value - b.value || a.x - b.x || a.y - b.y);
  for (const minimum of added) {
    if (!combined.some((kept) => near(kept, minimum))) {
      combined.push({ x: minimum.x, y: minimum.y, value: minimum.value, known: false });
    }
  }
  return combined.slice(0, maxMinima);
}
