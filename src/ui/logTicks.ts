/**
 * Ticks of the logarithmic axes of the plots. uPlot labels log axes at powers
 * of ten, so a sweep from 0.3 to 0.7 got no label at all. A loss axis over
 * twenty decades on a short plot got a label on every decade, one on top of
 * the next.
 */

import { niceStep } from '../render/contourLevels.ts';

/** Multipliers of a power of ten, in ranks from the roundest to the least round. */
const RANKS: readonly (readonly number[])[] = [[1], [2, 5], [3, 4, 6, 7, 8, 9], [1.5, 2.5, 3.5, 4.5]];

interface Candidate {
  value: number;
  log: number;
}

/**
 * Returns at most `maxTicks` tick values from `min` to `max` (both positive)
 * for a logarithmic axis, in increasing order. Candidates are round multiples
 * of powers of ten (see RANKS). The roundest are taken first, and a candidate
 * is taken only if it is at least 1/maxTicks of the range (in log) from every
 * tick already taken. So a range within one decade still gets labels, a range
 * such as 0.5 to 1.5 gets one on each side of 1, and a long range gets evenly
 * spread powers of ten. A range with fewer than two such ticks gets linear ones.
 */
export function logTicks(min: number, max: number, maxTicks: number): number[] {
  if (!(min > 0) || !(max > min) || !Number.isFinite(max) || maxTicks < 1) {
    return [];
  }
  const first = Math.floor(Math.log10(min));
  const last = Math.ceil(Math.log10(max));
  const ranks: Candidate[][] = RANKS.map((multipliers) => {
    const candidates: Candidate[] = [];
    for (let exponent = first; exponent <= last; exponent++) {
      for (const multiplier of multipliers) {
        // toPrecision, so that 3 × 0.1 is 0.3 and not 0.30000000000000004.
        const value = Number((multiplier * Number(`1e${exponent}`)).toPrecision(12));
        if (value >= min * (1 - 1e-9) && value <= max * (1 + 1e-9)) {
          candidates.push({ value, log: Math.log10(value) });
        }
      }
    }
    return candidates.sort((a, b) => a.value - b.value);
  });

  const span = Math.log10(max / min);
  // Spacing by maxTicks divisions can fit one tick too many (both ends); then by one division fewer.
  for (const divisions of [maxTicks, maxTicks - 1]) {
    const spacing = (span / Math.max(divisions, 0.5)) * (1 - 1e-9);
    const chosen: Candidate[] = [];
    for (const candidates of ranks) {
      for (const candidate of candidates) {
        if (chosen.every((tick) => Math.abs(tick.log - candidate.log) >= spacing)) {
          chosen.push(candidate);
        }
      }
    }
    if (chosen.length <= maxTicks && (chosen.length >= 2 || maxTicks < 2)) {
      return chosen.map((tick) => tick.value).sort((a, b) => a - b);
    }
  }
  // A range too narrow for two round multiples (0.99 to 1.01) is nearly linear: ticks at a 1-2-5 step.
  return linearTicks(min, max, maxTicks);
}

/**
 * Returns at most `maxTicks` multiples of a 1-2-5 step (1, 2 or 5 × 10^k)
 * from `min` to `max`, in increasing order: the smallest such step that
 * gives no more than `maxTicks` of them.
 */
export function linearTicks(min: number, max: number, maxTicks: number): number[] {
  let step = niceStep((max - min) / Math.max(1, maxTicks - 1));
  let ticks: number[] = [];
  for (;;) {
    ticks = [];
    for (let k = Math.ceil(min / step - 1e-9); k * step <= max * (1 + 1e-12); k++) {
      ticks.push(Number((k * step).toPrecision(12)));
    }
    if (ticks.length <= maxTicks) {
      return ticks;
    }
    // The next step of the 1-2-5 series: 2.1 times rounds 1 to 2, 2 to 5 and 5 to 10.
    step = niceStep(step * 2.1);
  }
}

/** Labels every tick: uPlot's default for log axes labels only those at 1 × 10^k. */
export function keepAllTicks(_plot: unknown, splits: number[]): number[] {
  return splits;
}
