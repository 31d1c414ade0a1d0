/**
 * Basin maps as RGBA pixels, one per start: row 0 at the top, so at the
 * largest y. The app's PNG export shades them as the map on screen does
 * (src/core/basinShading.ts); the command line writes the flat legend colours.
 */
import { BASIN_MOVING, basinColor } from './basins.ts';
import { AGREEING_DIM, NUMBER_MATH, basinsDiffer, convergenceBrightness } from './basinShading.ts';
import { linearRgb, linearToSrgb } from './colorScience.ts';
import { DIFFERENCE_COLOR } from './palette.ts';

/** Inputs of the shading besides the basins: each start's stop step and the updates run. */
export interface BasinShading {
  /** Per start: update at which it stopped, 0 while moving. */
  stopSteps: ArrayLike<number>;
  /** Updates run, where the brightness scale ends. */
  stepsDone: number;
}

/** An RGBA image, row 0 at the top. */
export interface RgbaImage {
  pixels: Uint8Array;
  width: number;
  height: number;
}

/** Returns the linear-light colour of start `index` as the map shades it. A start still moving keeps its flat colour. */
function shadedColor(basin: number, index: number, shading: BasinShading): [number, number, number] {
  const base = linearRgb(basinColor(basin));
  if (basin === BASIN_MOVING) {
    return base;
  }
  const brightness = convergenceBrightness(NUMBER_MATH, shading.stopSteps[index], shading.stepsDone);
  return [base[0] * brightness, base[1] * brightness, base[2] * brightness];
}

/** Fills an nx × ny image from the colour of each start (8-bit sRGB), flipping rows so that row 0 is the largest y. */
function gridImage(nx: number, ny: number, colorOf: (index: number) => readonly [number, number, number]): Uint8Array {
  const pixels = new Uint8Array(4 * nx * ny);
  for (let row = 0; row < ny; row++) {
    const sourceRow = ny - 1 - row;
    for (let column = 0; column < nx; column++) {
      const [r, g, b] = colorOf(sourceRow * nx + column);
      pixels.set([r, g, b, 255], 4 * (row * nx + column));
    }
  }
  return pixels;
}

function toSrgb(color: readonly [number, number, number]): [number, number, number] {
  return [linearToSrgb(color[0]), linearToSrgb(color[1]), linearToSrgb(color[2])];
}

/**
 * Returns the RGBA pixels of a basin map of nx × ny starts. With `shading`,
 * each start is brighter the fewer updates it took, as on screen. Without it,
 * each start has its flat legend colour.
 */
export function basinImage(basins: ArrayLike<number>, nx: number, ny: number, shading?: BasinShading): Uint8Array {
  if (!shading) {
    return gridImage(nx, ny, (index) => basinColor(basins[index]));
  }
  return gridImage(nx, ny, (index) => toSrgb(shadedColor(basins[index], index, shading)));
}

/**
 * Returns the RGBA pixels of the difference view of two configurations'
 * maps: DIFFERENCE_COLOR where their basins differ (basinsDiffer), elsewhere
 * the first configuration's shaded colour dimmed by AGREEING_DIM.
 */
export function basinDifferenceImage(first: ArrayLike<number>, second: ArrayLike<number>, nx: number, ny: number, shading: BasinShading): Uint8Array {
  const mark = DIFFERENCE_COLOR;
  return gridImage(nx, ny, (index) => {
    if (basinsDiffer(first[index], second[index])) {
      return mark;
    }
    const color = shadedColor(first[index], index, shading);
    return toSrgb([color[0] * AGREEING_DIM, color[1] * AGREEING_DIM, color[2] * AGREEING_DIM]);
  });
}

/** Returns the width of the gap between the two maps of sideBySideImage: 1/32 of a map's side across it, at least 1 pixel. */
export function sideBySideGap(nx: number, ny: number, arrangement: 'columns' | 'rows'): number {
  return Math.max(1, Math.round((arrangement === 'columns' ? nx : ny) / 32));
}

/**
 * Joins two nx × ny images into one: left and right ('columns') or top and
 * bottom ('rows'), with a transparent gap of sideBySideGap pixels between them.
 */
export function sideBySideImage(first: Uint8Array, second: Uint8Array, nx: number, ny: number, arrangement: 'columns' | 'rows'): RgbaImage {
  const gap = sideBySideGap(nx, ny, arrangement);
  const width = arrangement === 'columns' ? 2 * nx + gap : nx;
  const height = arrangement === 'rows' ? 2 * ny + gap : ny;
  const pixels = new Uint8Array(4 * width * height);
  const place = (image: Uint8Array, left: number, top: number): void => {
    for (let row = 0; row < ny; row++) {
      pixels.set(image.subarray(4 * row * nx, 4 * (row + 1) * nx), 4 * ((top + row) * width + left));
    }
  };
  place(first, 0, 0);
  if (arrangement === 'columns') {
    place(second, nx + gap, 0);
  } else {
    place(second, 0, ny + gap);
  }
  return { pixels, width, height };
}
