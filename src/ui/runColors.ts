/** Colours of the optimizer configurations of a comparison, in order; the picked particle is magenta. */
export const RUN_COLORS = ['#ff8c1a', '#4cc9f0', '#b8e986', '#ffd166'] as const;

export function runColor(index: number): string {
  return RUN_COLORS[index % RUN_COLORS.length];
}

/** The colour as linear-light RGB components in [0, 1], for three.js materials. */
export function runColorLinear(index: number): [number, number, number] {
  const value = Number.parseInt(runColor(index).slice(1), 16);
  const channel = (byte: number): number => {
    const c = byte / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return [channel((value >> 16) & 255), channel((value >> 8) & 255), channel(value & 255)];
}
