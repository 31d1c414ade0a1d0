/**
 * The basin map's shading of a start: its basin colour, darker the more
 * updates it took to stop (logarithmic), and in the difference view dimmed
 * where the two configurations agree. The formula is written once here, over
 * a small arithmetic interface. The shader (src/render/basinMap.ts, with TSL
 * nodes) and the PNG export (src/core/basinImage.ts, with numbers) both
 * evaluate it.
 */
import { BASIN_MOVING } from './basins.ts';

/** Darkest a basin colour gets, for the slowest convergence. */
export const MIN_BRIGHTNESS = 0.35;

/** Factor on the first configuration's colour where the difference view finds the same basin in both. */
export const AGREEING_DIM = 0.3;

/** The arithmetic that convergenceBrightness needs, for numbers or for shader nodes. */
export interface ShadeMath<T> {
  constant(value: number): T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  div(a: T, b: T): T;
  max(a: T, b: T): T;
  /** Natural logarithm. */
  log(a: T): T;
  /** Clamps to [0, 1]. */
  saturate(a: T): T;
}

/** ShadeMath on JavaScript numbers. */
export const NUMBER_MATH: ShadeMath<number> = {
  constant: (value) => value,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  max: (a, b) => Math.max(a, b),
  log: (a) => Math.log(a),
  saturate: (a) => Math.min(1, Math.max(0, a)),
};

/**
 * Computes the brightness factor (linear light) of a start that stopped after
 * `steps` updates when `stepsDone` updates have run: 1 for 0 updates, falling
 * with log(steps + 1) to MIN_BRIGHTNESS at `stepsDone` updates and beyond.
 * A `stepsDone` below 2 counts as 2, so the scale never divides by log 2 or less.
 */
export function convergenceBrightness<T>(math: ShadeMath<T>, steps: T, stepsDone: T): T {
  const one = math.constant(1);
  const fraction = math.div(math.log(math.add(steps, one)), math.log(math.add(math.max(stepsDone, math.constant(2)), one)));
  return math.sub(one, math.mul(math.saturate(fraction), math.constant(1 - MIN_BRIGHTNESS)));
}

/** Tells whether the difference view marks a start: both configurations have settled, in different basins. */
export function basinsDiffer(first: number, second: number): boolean {
  // A start still moving in either configuration has no basin to compare yet.
  return first !== second && first !== BASIN_MOVING && second !== BASIN_MOVING;
}
