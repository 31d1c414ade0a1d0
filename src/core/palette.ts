/**
 * The colours that name outcomes and basins, defined once for every view,
 * the exports and the CLI: the minimum colours of the basin map, and fixed
 * colours for "converged elsewhere", "diverged" and "not converged".
 * Distances are in OKLab (see colorScience.ts), where black to white is 1.
 */
import { linearRgb, linearToSrgb, parseHex, type Rgb8 } from './colorScience.ts';

/** The Okabe–Ito colours without black (Okabe and Ito, "Color Universal Design", 2002), chosen to stay apart with colour-vision deficiencies. */
export const OKABE_ITO: readonly Rgb8[] = [
  [230, 159, 0],
  [86, 180, 233],
  [0, 158, 115],
  [204, 121, 167],
  [240, 228, 66],
  [0, 114, 178],
  [213, 94, 0],
];

/** Converged, but at no known minimum (a saddle, or an unlisted minimum). */
export const OTHER_COLOR: Rgb8 = [235, 235, 235];
/** Diverged, on particles, on the basin map, in the sweep plots and the phase map. */
export const DIVERGED_COLOR: Rgb8 = [180, 33, 12];
/** Not yet converged. */
export const MOVING_COLOR: Rgb8 = [45, 50, 58];
/** The fixed outcome colours of the basin map, which no minimum colour comes near. */
export const OUTCOME_CODE_COLORS: readonly Rgb8[] = [OTHER_COLOR, DIVERGED_COLOR, MOVING_COLOR];

/** Share of white mixed into a run's colour, in linear light, for its converged particles. */
export const CONVERGED_LIGHTEN = 0.6;

/** Returns a run's colour as its converged particles show it. */
export function convergedShade(color: Rgb8): Rgb8 {
  const [r, g, b] = linearRgb(color).map((channel) => linearToSrgb(channel + CONVERGED_LIGHTEN * (1 - channel)));
  return [r, g, b];
}

/** Phase map: the starts converged (Okabe–Ito bluish green). */
export const CONVERGED_COLOR: Rgb8 = OKABE_ITO[2];
/** Phase map: neither converged nor diverged within the updates (Okabe–Ito sky blue). */
export const NEITHER_COLOR: Rgb8 = OKABE_ITO[1];

/** Basin map marks: starts whose basin differs between two configurations or between GPU and CPU (magenta). */
export const DIFFERENCE_COLOR: Rgb8 = [255, 89, 225];
/** Basin map marks: starts that a verification leaves unresolved (grey). */
export const UNRESOLVED_COLOR: Rgb8 = [149, 149, 149];
export const MARK_COLORS: readonly Rgb8[] = [DIFFERENCE_COLOR, UNRESOLVED_COLOR];

/**
 * Limits of the minimum colours. Generated colours lie in the lightness range
 * and stay `fromFixed` from the outcome and mark colours. They stay
 * `fromFixedDichromat` from the outcome colours under simulated protanopia and
 * deuteranopia, and each is `fromPrevious` from the one before it.
 */
export const PALETTE_LIMITS = {
  minLightness: 0.5,
  maxLightness: 0.92,
  fromFixed: 0.12,
  fromFixedDichromat: 0.08,
  fromPrevious: 0.15,
} as const;

/** Minimum colours after the Okabe–Ito ones, as scripts/basinPalette.ts prints them. */
const GENERATED_HEX: readonly string[] = [
  '#9b00ff', '#00dc00', '#ffbeff', '#af007d', '#3237ff', '#7d5a55', '#73e1b4', '#ff0069',
  '#7878ff', '#d70ad2', '#7846af', '#8caf0a', '#d2afaa', '#917d00', '#b99bff', '#96ff00',
  '#147364', '#ff7d69', '#9bd7ff', '#be5fff', '#8773b4', '#ffc37d', '#ff91c3', '#b95073',
  '#32beaa', '#a0d74b', '#0091e6', '#00a500', '#a0ffa0', '#a500be', '#006eff', '#b450b4',
  '#a5b97d', '#6e4bf0', '#00c86e', '#dc1e96', '#1491a5', '#0ff582', '#ff2800', '#00d7eb',
  '#5f5f8c', '#c38732', '#3755cd', '#ff5f91', '#8c467d', '#c8dc91', '#a5694b', '#91c3c3',
  '#6e785a', '#c8b9eb', '#e1c328', '#f09bff', '#8296e6', '#dc6469', '#af78d7', '#c319ff',
  '#69962d', '#965ae1', '#ffb9be', '#5a6ed2', '#821ed2', '#ffa069', '#64af6e', '#f07800',
  '#6400ff', '#cd96cd', '#916482', '#d71464', '#507887', '#96b4ff', '#00fa00', '#dc5596',
  '#14be00', '#a09619', '#e1919b', '#5582b9', '#beaf14', '#00a5cd', '#d7b478', '#78c800',
  '#c300aa', '#05875a', '#9b37a0', '#55dc82', '#dc9164', '#beeb32', '#b43cd7', '#7de600',
  '#af69a0', '#c3c8aa', '#9b87ff', '#e63750', '#82c364', '#ff505a', '#2da5ff', '#875aa0',
  '#ffdc7d', '#b43c8c', '#c37dff', '#009641', '#6ec8ff', '#555aaf', '#78c8a0', '#b46e00',
  '#f0aae1', '#87eb8c', '#6e82dc', '#dcf091', '#ffaf3c', '#ff5a14', '#b9c864', '#ffa09b',
  '#4182ff', '#a546ff', '#00d7be', '#006ed7', '#00af5a', '#146e87', '#d27855', '#963cc8',
  '#c3a04b',
];

/** One colour per minimum, MAX_BASINS of them, all distinct: the Okabe–Ito colours, then generated ones. */
export const MINIMUM_COLORS: readonly Rgb8[] = [...OKABE_ITO, ...GENERATED_HEX.map(parseHex)];
