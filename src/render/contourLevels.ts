/**
 * Contour levels chosen for the height range: evenly spaced round loss values
 * on the linear scale, and 1-2-5 steps per decade above the minimum on the
 * log scale. The surface mesh draws a line at each level, and the legend
 * labels them. Pure functions, no three.js.
 */
import { lossAtHeight, unclippedHeight, type HeightMap } from './heightMap.ts';

/** Levels the linear scale aims for over its range; rounding the step gives 5 to 13. */
const LINEAR_TARGET = 8;

/** Above this many decades, the log scale draws one level per decade instead of three. */
const MAX_DECADES_WITH_STEPS = 5;

export interface ContourLevel {
  /** Loss at the level. */
  loss: number;
  /** Normalised height of that loss in the height map, 0 to 1. */
  height: number;
}

/** Rounds a positive step to the nearest of 1, 2, 5 and 10 times a power of ten, on a log scale. */
export function niceStep(raw: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / magnitude;
  if (fraction < Math.sqrt(2)) return magnitude;
  if (fraction < Math.sqrt(10)) return 2 * magnitude;
  if (fraction < Math.sqrt(50)) return 5 * magnitude;
  return 10 * magnitude;
}

/**
 * Chooses the contour levels of a height map, ascending, each strictly above
 * the minimum and at most the top of the range. Linear: multiples of a
 * 1-2-5 step. Log: lossMin + d for d = 1, 2, 5 × 10^k between the log
 * offset and the span (only d = 10^k when the range covers more than five
 * decades).
 */
export function chooseContourLevels(map: HeightMap): ContourLevel[] {
  const top = map.lossMin + map.lossSpan;
  const losses: number[] = [];

  if (map.kind === 'linear') {
    const step = niceStep(map.lossSpan / LINEAR_TARGET);
    for (let k = Math.floor(map.lossMin / step) + 1; k * step <= top * (1 + 1e-12); k++) {
      // Rounding k * step to 12 digits turns 0.30000000000000004 into 0.3 for the labels.
      losses.push(Number((k * step).toPrecision(12)));
    }
  } else {
    const firstDecade = Math.ceil(Math.log10(map.logOffset));
    const lastDecade = Math.floor(Math.log10(map.lossSpan));
    const factors = lastDecade - firstDecade + 1 > MAX_DECADES_WITH_STEPS ? [1] : [1, 2, 5];
    for (let decade = firstDecade - 1; decade <= lastDecade; decade++) {
      for (const factor of factors) {
        const above = Number((factor * 10 ** decade).toPrecision(12));
        if (above >= map.logOffset && above <= map.lossSpan) {
          losses.push(map.lossMin + above);
        }
      }
    }
  }

  return losses.filter((loss) => loss > map.lossMin).map((loss) => ({ loss, height: unclippedHeight(map, loss) }));
}

/**
 * Contour coordinate of a normalised height: i at level i, interpolated
 * linearly in height between levels, so a shader draws the lines where the
 * coordinate is an integer. Below the first level and above the last it is
 * held half-way to the next integer, so that no line appears there.
 */
export function contourCoordinate(levels: readonly ContourLevel[], height: number): number {
  if (levels.length === 0) {
    return 0.5;
  }
  if (height <= levels[0].height) {
    return levels.length === 1 ? -0.5 : Math.max(-0.5, (height - levels[0].height) / (levels[1].height - levels[0].height));
  }

  const last = levels.length - 1;
  if (height >= levels[last].height) {
    return levels.length === 1 ? 0.5 : Math.min(last + 0.5, last + (height - levels[last].height) / (levels[last].height - levels[last - 1].height));
  }

  // Binary search for the interval [levels[low].height, levels[low + 1].height) that contains height.
  let low = 0;
  let high = last;
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if (levels[middle].height <= height) {
      low = middle;
    } else {
      high = middle;
    }
  }
  return low + (height - levels[low].height) / (levels[low + 1].height - levels[low].height);
}

/** Loss of the range's top, for labels. */
export function topLoss(map: HeightMap): number {
  return lossAtHeight(map, 1);
}
