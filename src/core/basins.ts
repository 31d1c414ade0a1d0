/**
 * Basins of attraction: which minimum each start reaches. A converged
 * particle takes the basin of the nearest minimum within the assignment
 * radius; the rest are diverged, not yet converged, or converged elsewhere
 * (a saddle or a minimum not listed). With gradient noise on, particles
 * rarely pass the convergence test, because the noisy gradient norm stays
 * above the tolerance, so a moving particle within the radius of a minimum
 * takes its basin too. The GPU classifier in shaders/basins.wgsl applies the
 * same rule.
 */
import { linearRgb, type Rgb8 } from './colorScience.ts';
import { STATUS } from './config.ts';
import { DIVERGED_COLOR, MINIMUM_COLORS, MOVING_COLOR, OTHER_COLOR } from './palette.ts';
import type { Domain, Minimum } from './surfaces.ts';

/** What the basin rule needs of a minimum: where it is and its value. */
export type BasinMinimum = Pick<Minimum, 'x' | 'y' | 'value'>;

/** Basin codes past the minima indices, identical in TypeScript and WGSL. */
export const BASIN_OTHER = 0xfffffffd;
export const BASIN_DIVERGED = 0xfffffffe;
export const BASIN_MOVING = 0xffffffff;

/** Most minima a basin map distinguishes, enough for the 121 local minima of rastrigin and ackley in their domains; more count as "other". */
export const MAX_BASINS = 128;
if (MINIMUM_COLORS.length !== MAX_BASINS) {
  throw new Error(`palette.ts has ${MINIMUM_COLORS.length} minimum colours for ${MAX_BASINS} basins`);
}

/** Default assignment radius: this share of the larger side of the domain. */
export const ASSIGNMENT_RADIUS_SHARE = 0.01;

export function defaultAssignmentRadius(domain: Domain): number {
  return ASSIGNMENT_RADIUS_SHARE * Math.max(domain.xMax - domain.xMin, domain.yMax - domain.yMin);
}

/**
 * Basin of one particle from its status and position: the index of the
 * nearest minimum within `radius` (squared distances compared in float32,
 * as the GPU does), or one of the BASIN_* codes. The app sets
 * `assignMoving` while gradient noise is on. Then a moving particle within
 * the radius of a minimum takes its basin as well, and one outside every
 * radius stays BASIN_MOVING.
 */
export function classifyParticle(status: number, x: number, y: number, minima: readonly BasinMinimum[], radius: number, assignMoving = false): number {
  if (status === STATUS.diverged) {
    return BASIN_DIVERGED;
  }
  const converged = status === STATUS.converged;
  if (!converged && !assignMoving) {
    return BASIN_MOVING;
  }
  const r = Math.fround;
  const radiusSq = r(radius * radius);
  let best = converged ? BASIN_OTHER : BASIN_MOVING;
  let bestDistance = Infinity;
  const count = Math.min(minima.length, MAX_BASINS);
  for (let k = 0; k < count; k++) {
    const dx = r(r(x) - r(minima[k].x));
    const dy = r(r(y) - r(minima[k].y));
    const distance = r(r(dx * dx) + r(dy * dy));
    if (distance <= radiusSq && distance < bestDistance) {
      best = k;
      bestDistance = distance;
    }
  }
  return best;
}

/** Basin of every particle; positions are x, y pairs. `assignMoving` as in classifyParticle. */
export function classifyAll(status: ArrayLike<number>, positions: ArrayLike<number>, minima: readonly BasinMinimum[], radius: number, assignMoving = false): Uint32Array {
  const basins = new Uint32Array(status.length);
  for (let i = 0; i < status.length; i++) {
    basins[i] = classifyParticle(status[i], positions[2 * i], positions[2 * i + 1], minima, radius, assignMoving);
  }
  return basins;
}

export interface BasinShares {
  /** Starts per minimum, in the order of the minima. */
  minima: number[];
  other: number;
  diverged: number;
  moving: number;
  total: number;
}

export function countBasins(basins: ArrayLike<number>, minimaCount: number): BasinShares {
  const counts: BasinShares = { minima: new Array(Math.min(minimaCount, MAX_BASINS)).fill(0), other: 0, diverged: 0, moving: 0, total: basins.length };
  for (let i = 0; i < basins.length; i++) {
    const basin = basins[i];
    if (basin === BASIN_DIVERGED) {
      counts.diverged++;
    } else if (basin === BASIN_MOVING) {
      counts.moving++;
    } else if (basin === BASIN_OTHER) {
      counts.other++;
    } else {
      counts.minima[basin]++;
    }
  }
  return counts;
}

/** Names the outcome codes as the reports do (elsewhere, diverged, not converged); undefined for a minimum's index. */
export function outcomeName(basin: number): 'elsewhere' | 'diverged' | 'not converged' | undefined {
  switch (basin) {
    case BASIN_OTHER:
      return 'elsewhere';
    case BASIN_DIVERGED:
      return 'diverged';
    case BASIN_MOVING:
      return 'not converged';
    default:
      return undefined;
  }
}

/** Returns the legend colour of a basin code (8-bit sRGB): one per minimum, distinct up to MAX_BASINS, and fixed ones for the other codes. */
export function basinColor(basin: number): Rgb8 {
  if (basin === BASIN_OTHER) {
    return OTHER_COLOR;
  }
  if (basin === BASIN_DIVERGED) {
    return DIVERGED_COLOR;
  }
  if (basin === BASIN_MOVING) {
    return MOVING_COLOR;
  }
  return MINIMUM_COLORS[basin];
}

/** Palette table for the GPU: MAX_BASINS minimum colours, then other, diverged, moving (RGBA, linear light in [0, 1]). */
export function basinPalette(): Float32Array {
  const palette = new Float32Array(4 * (MAX_BASINS + 3));
  const put = (slot: number, color: Rgb8): void => {
    palette.set([...linearRgb(color), 1], 4 * slot);
  };
  for (let k = 0; k < MAX_BASINS; k++) {
    put(k, basinColor(k));
  }
  put(MAX_BASINS, OTHER_COLOR);
  put(MAX_BASINS + 1, DIVERGED_COLOR);
  put(MAX_BASINS + 2, MOVING_COLOR);
  return palette;
}

/** Slot of a basin code in basinPalette(). */
export function paletteSlot(basin: number): number {
  if (basin === BASIN_OTHER) {
    return MAX_BASINS;
  }
  if (basin === BASIN_DIVERGED) {
    return MAX_BASINS + 1;
  }
  if (basin === BASIN_MOVING) {
    return MAX_BASINS + 2;
  }
  return basin;
}
