import { linearRgb, parseHex } from '../core/colorScience.ts';

/** Colours of the optimizer configurations of a comparison, in order; the picked particle is magenta. */
export const RUN_COLORS = ['#ff8c1a', '#4cc9f0', '#b8e986', '#ffd166'] as const;

export function runColor(index: number): string {
  return RUN_COLORS[index % RUN_COLORS.length];
}

/** The colour as linear-light RGB components in [0, 1], for three.js materials. */
export function runColorLinear(index: number): [number, number, number] {
  return linearRgb(parseHex(runColor(index)));
}
