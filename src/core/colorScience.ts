/**
 * Colour conversions for choosing and checking the app's colours: sRGB to
 * linear light, OKLab (a perceptual space where Euclidean distance tracks
 * how different two colours look), and a simulation of dichromatic vision.
 */

/** An 8-bit sRGB colour, as the exports, the CSS and the CLI write it. */
export type Rgb8 = readonly [number, number, number];

/** A 3 × 3 matrix, row by row, applied to linear RGB. */
export type Matrix3 = readonly [readonly [number, number, number], readonly [number, number, number], readonly [number, number, number]];

/** Linear-light value in [0, 1] of an 8-bit sRGB channel (IEC 61966-2-1). */
export function srgbToLinear(channel: number): number {
  const c = channel / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** 8-bit sRGB channel of a linear-light value, clamped to [0, 1]. */
export function linearToSrgb(value: number): number {
  const c = Math.min(1, Math.max(0, value));
  return Math.round(255 * (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055));
}

/** Converts the colour to linear-light RGB in [0, 1], for three.js materials and shaders. */
export function linearRgb(color: Rgb8): [number, number, number] {
  return [srgbToLinear(color[0]), srgbToLinear(color[1]), srgbToLinear(color[2])];
}

/** Writes the colour as CSS hex, such as "#e69f00". */
export function cssHex(color: Rgb8): string {
  return `#${color.map((channel) => channel.toString(16).padStart(2, '0')).join('')}`;
}

/** Reads CSS hex such as "#e69f00". */
export function parseHex(hex: string): Rgb8 {
  const value = Number.parseInt(hex.slice(1), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

/** OKLab L, a, b of a linear RGB colour (Björn Ottosson, "A perceptual color space for image processing", 2020). */
export function linearToOklab(rgb: readonly [number, number, number]): [number, number, number] {
  const [r, g, b] = rgb;
  const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  return [
    0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s,
    1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s,
    0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s,
  ];
}

/** Linear RGB of an OKLab colour (the inverse of linearToOklab); components outside [0, 1] are outside sRGB. */
export function oklabToLinear(lab: readonly [number, number, number]): [number, number, number] {
  const [L, a, b] = lab;
  const l = (L + 0.3963377774 * a + 0.2158037573 * b) ** 3;
  const m = (L - 0.1055613458 * a - 0.0638541728 * b) ** 3;
  const s = (L - 0.0894841775 * a - 1.291485548 * b) ** 3;
  return [
    4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s,
    -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s,
    -0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s,
  ];
}

/**
 * Simulation matrices of protanopia and deuteranopia (severity 1.0) from
 * Machado, Oliveira and Fernandes, "A Physiologically-based Model for
 * Simulation of Color Vision Deficiency", IEEE TVCG 15(6), 2009; applied to
 * linear RGB.
 */
export const PROTANOPIA: Matrix3 = [
  [0.152286, 1.052583, -0.204868],
  [0.114503, 0.786281, 0.099216],
  [-0.003882, -0.048116, 1.051998],
];
export const DEUTERANOPIA: Matrix3 = [
  [0.367322, 0.860646, -0.227968],
  [0.280085, 0.672501, 0.047413],
  [-0.01182, 0.04294, 0.968881],
];

/** OKLab of the colour for normal vision, or as the simulation `vision` gives it (clamped to the sRGB gamut). */
export function oklab(color: Rgb8, vision?: Matrix3): [number, number, number] {
  const rgb = linearRgb(color);
  if (!vision) {
    return linearToOklab(rgb);
  }
  const seen = vision.map((row) => Math.min(1, Math.max(0, row[0] * rgb[0] + row[1] * rgb[1] + row[2] * rgb[2]))) as [number, number, number];
  return linearToOklab(seen);
}

/** Euclidean distance in OKLab of two colours, optionally as the simulation `vision` shows them; black to white is 1. */
export function oklabDistance(first: Rgb8, second: Rgb8, vision?: Matrix3): number {
  const [l1, a1, b1] = oklab(first, vision);
  const [l2, a2, b2] = oklab(second, vision);
  return Math.hypot(l1 - l2, a1 - a2, b1 - b2);
}
