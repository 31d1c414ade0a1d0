/** Largest finite float32, (2 - 2^-23) * 2^127. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Smallest positive normal float32, 2^-126. */
export const FLOAT32_MIN_NORMAL = 1.1754943508222875e-38;

/**
 * Magnitude below which tanh and sinh equal their argument in float32, 2^-12:
 * the relative difference, below v²/3, is under half an ulp. The WGSL helpers
 * return the argument there; see SMALL_HYPERBOLIC_HELPERS in wgsl.ts.
 */
export const SMALL_HYPERBOLIC = 2 ** -12;

/** Rounds to float32, then flushes a subnormal result to a zero of its sign, as a GPU that flushes subnormals does. */
export function froundFlushing(value: number): number {
  const rounded = Math.fround(value);
  if (Math.abs(rounded) >= FLOAT32_MIN_NORMAL || Number.isNaN(rounded)) {
    return rounded;
  }
  return rounded < 0 || Object.is(rounded, -0) ? -0 : 0;
}

/** Tells whether `value` is finite and within the float32 range (it may still round). */
export function isFiniteFloat32(value: number): boolean {
  return Number.isFinite(value) && Math.abs(value) <= FLOAT32_MAX;
}

/**
 * Constants of the Cody–Waite reduction of an angle to about [-π, π]:
 * k = round(a / 2π), r = (a - k*C1) - k*C2, all in float32. C1 is 2π rounded to
 * float32 and C2 is the float32 rounding of what C1 misses, so k*C1 is close to
 * exact for the |k| that surfaces reach and the reduced angle keeps most bits.
 */
export const TWO_PI_HIGH = Math.fround(2 * Math.PI);
export const TWO_PI_LOW = Math.fround(2 * Math.PI - TWO_PI_HIGH);
export const INVERSE_TWO_PI = Math.fround(1 / (2 * Math.PI));

/** Rounds to the nearest integer, ties to even, like WGSL `round`. */
export function roundHalfToEven(value: number): number {
  const rounded = Math.round(value); // ties toward +Infinity
  if (rounded - value === 0.5 && rounded % 2 !== 0) return rounded - 1;
  return rounded;
}

/** Reduces an angle to about [-π, π] in float32, with the operations of the WGSL helper. */
export function reduceAngleFloat32(angle: number): number {
  const turns = roundHalfToEven(Math.fround(angle * INVERSE_TWO_PI));
  const high = Math.fround(angle - Math.fround(turns * TWO_PI_HIGH));
  return Math.fround(high - Math.fround(turns * TWO_PI_LOW));
}
