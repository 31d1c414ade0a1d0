/**
 * Ticks of the logarithmic axes of the plots. uPlot labels log axes at powers
 * of ten, so a sweep from 0.3 to 0.7 got no label at all. A loss axis over
 * twenty decades on a short plot got a label on every decade, one on top of
 * the next.
 */

/** Multipliers of a power of ten tried for the ticks, from coarse to fine. */
const MULTIPLIER_SETS: readonly (readonly number[])[] = [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]];

/**
 * Returns at most `maxTicks` tick values from `min` to `max` (both positive)
 * for a logarithmic axis. They are round multiples of powers of ten (1; 1, 2
 * and 5; or 1 to 9), the finest set that fits, so that a range within one
 * decade still gets labels. Where even the powers of ten are too many, it
 * takes every n-th.
 */
export function logTicks(min: number, max: number, maxTicks: number): number[] {
  if (!(min > 0) || !(max > min) || !Number.isFinite(max) || maxTicks < 1) {
    return [];
  }
  const first = Math.floor(Math.log10(min));
  const last = Math.ceil(Math.log10(max));
  let best: number[] = [];
  for (const multipliers of MULTIPLIER_SETS) {
    const ticks: number[] = [];
    for (let exponent = first; exponent <= last; exponent++) {
      for (const multiplier of multipliers) {
        // toPrecision, so that 3 × 0.1 is 0.3 and not 0.30000000000000004.
        const value = Number((multiplier * Number(`1e${exponent}`)).toPrecision(12));
        if (value >= min * (1 - 1e-9) && value <= max * (1 + 1e-9)) {
          ticks.push(value);
        }
      }
    }
    if (ticks.length > maxTicks) {
      break;
    }
    best = ticks;
  }
  if (best.length > 0) {
    return best;
  }
  // Too many decades for one tick each: every n-th power of ten.
  const powers: number[] = [];
  for (let exponent = Math.ceil(Math.log10(min) - 1e-9); exponent <= Math.floor(Math.log10(max) + 1e-9); exponent++) {
    powers.push(Number(`1e${exponent}`));
  }
  const stride = Math.ceil(powers.length / maxTicks);
  return powers.filter((_, k) => k % stride === 0);
}

/** Labels every tick: uPlot's default for log axes labels only those at 1 × 10^k. */
export function keepAllTicks(_plot: unknown, splits: number[]): number[] {
  return splits;
}
