// The colours of outcomes and basins, checked by OKLab distance for normal
// vision and for simulated protanopia and deuteranopia. Black to white is 1,
// and by estimate about 0.02 is the smallest difference visible side by side.
import { describe, expect, test } from 'vitest';
import { MAX_BASINS, basinColor, BASIN_DIVERGED, BASIN_MOVING, BASIN_OTHER } from '../../src/core/basins.ts';
import { DEUTERANOPIA, linearRgb, linearToSrgb, oklab, oklabDistance, parseHex, PROTANOPIA, type Matrix3, type Rgb8 } from '../../src/core/colorScience.ts';
import { OUTCOME_COLORS } from '../../src/core/exportTables.ts';
import {
  CONVERGED_COLOR,
  convergedShade,
  DIFFERENCE_COLOR,
  DIVERGED_COLOR,
  MINIMUM_COLORS,
  MOVING_COLOR,
  NEITHER_COLOR,
  OKABE_ITO,
  OTHER_COLOR,
  OUTCOME_CODE_COLORS,
  UNRESOLVED_COLOR,
} from '../../src/core/palette.ts';
import { RUN_COLORS } from '../../src/ui/runColors.ts';

const VISIONS: [string, Matrix3 | undefined][] = [
  ['normal', undefined],
  ['protanopia', PROTANOPIA],
  ['deuteranopia', DEUTERANOPIA],
];

/** Finds the closest pair of a colour of `first` and one of `second`, and their distance. */
function closest(first: readonly Rgb8[], second: readonly Rgb8[], vision?: Matrix3): { distance: number; pair: [Rgb8, Rgb8] } {
  let best = { distance: Infinity, pair: [first[0], second[0]] as [Rgb8, Rgb8] };
  for (const a of first) {
    for (const b of second) {
      const distance = oklabDistance(a, b, vision);
      if (a !== b && distance < best.distance) {
        best = { distance, pair: [a, b] };
      }
    }
  }
  return best;
}

describe('colour science', () => {
  test('OKLab of sRGB red and white match the published values within 1e-4', () => {
    // Red: Ottosson's OKLab post and CSS Color 4 give L 0.627955, a 0.224863, b 0.125846.
    const red = oklab([255, 0, 0]);
    [0.627955, 0.224863, 0.125846].forEach((value, k) => expect(Math.abs(red[k] - value)).toBeLessThan(1e-4));
    const white = oklab([255, 255, 255]);
    [1, 0, 0].forEach((value, k) => expect(Math.abs(white[k] - value)).toBeLessThan(1e-4));
  });

  test('the dichromat simulations keep greys grey (rows sum to 1 within 1e-5)', () => {
    for (const matrix of [PROTANOPIA, DEUTERANOPIA]) {
      for (const row of matrix) {
        expect(Math.abs(row[0] + row[1] + row[2] - 1)).toBeLessThan(1e-5);
      }
    }
  });
});

describe('basin colours', () => {
  test('one colour per basin up to MAX_BASINS, the Okabe–Ito colours first', () => {
    expect(MINIMUM_COLORS).toHaveLength(MAX_BASINS);
    expect(MINIMUM_COLORS.slice(0, OKABE_ITO.length)).toEqual(OKABE_ITO);
    for (let k = 0; k < MAX_BASINS; k++) {
      expect(basinColor(k)).toEqual(MINIMUM_COLORS[k]);
    }
    expect([basinColor(BASIN_OTHER), basinColor(BASIN_DIVERGED), basinColor(BASIN_MOVING)]).toEqual([OTHER_COLOR, DIVERGED_COLOR, MOVING_COLOR]);
  });

  test('all colours pairwise apart', () => {
    // The palette reaches 0.0598; greedy maximin over sRGB cannot do much better for 128 colours in this lightness range.
    const { distance, pair } = closest([...MINIMUM_COLORS, ...OUTCOME_CODE_COLORS], [...MINIMUM_COLORS, ...OUTCOME_CODE_COLORS]);
    expect(distance, `closest pair ${pair.join(' / ')}`).toBeGreaterThanOrEqual(0.055);
  });

  test('neighbouring indices are at least 0.15 apart', () => {
    for (let k = 1; k < MAX_BASINS; k++) {
      expect(oklabDistance(MINIMUM_COLORS[k - 1], MINIMUM_COLORS[k]), `minima ${k - 1} and ${k}`).toBeGreaterThanOrEqual(0.15);
    }
  });

  test('minimum colours apart from outcomes', () => {
    expect(closest(MINIMUM_COLORS, OUTCOME_CODE_COLORS).distance).toBeGreaterThanOrEqual(0.12);
    expect(closest(MINIMUM_COLORS, OUTCOME_CODE_COLORS, PROTANOPIA).distance).toBeGreaterThanOrEqual(0.08);
    expect(closest(MINIMUM_COLORS, OUTCOME_CODE_COLORS, DEUTERANOPIA).distance).toBeGreaterThanOrEqual(0.08);
  });

  test('generated minimum colours stay 0.12 from the mark colours (Okabe–Ito ones 0.11)', () => {
    const marks = [DIFFERENCE_COLOR, UNRESOLVED_COLOR];
    expect(closest(MINIMUM_COLORS.slice(OKABE_ITO.length), marks).distance).toBeGreaterThanOrEqual(0.12);
    expect(closest(OKABE_ITO, marks).distance).toBeGreaterThanOrEqual(0.11);
  });
});

describe('the diverged colour', () => {
  test('one colour in every view', () => {
    expect(basinColor(BASIN_DIVERGED)).toBe(DIVERGED_COLOR);
    expect(OUTCOME_COLORS.diverged).toBe(DIVERGED_COLOR);
    expect(OUTCOME_COLORS.converged).toBe(CONVERGED_COLOR);
    expect(OUTCOME_COLORS.neither).toBe(NEITHER_COLOR);
  });

  test.each(VISIONS)('stays 0.12 from run, phase map and Okabe–Ito colours (%s)', (_, vision) => {
    const runs = RUN_COLORS.map(parseHex);
    const others = [...runs, ...runs.map(convergedShade), CONVERGED_COLOR, NEITHER_COLOR, ...OKABE_ITO, OTHER_COLOR, MOVING_COLOR, DIFFERENCE_COLOR];
    const { distance, pair } = closest([DIVERGED_COLOR], others, vision);
    expect(distance, `nearest ${pair[1].join(',')}`).toBeGreaterThanOrEqual(0.12);
  });

  test.each(VISIONS)('stays 0.08 from every minimum colour (%s)', (_, vision) => {
    expect(closest([DIVERGED_COLOR], MINIMUM_COLORS, vision).distance).toBeGreaterThanOrEqual(0.08);
  });

  test('darkened for a late stop on the basin map, it stays 0.08 from "not converged"', () => {
    // The basin map scales a stopped start's colour in linear light down to 0.35 (MIN_BRIGHTNESS in basinMap.ts).
    // Measured: 0.14 normal, 0.081 protanopia, 0.11 deuteranopia; a lighter red would come nearer the orange and green colours.
    const darkest = linearRgb(DIVERGED_COLOR).map((channel) => linearToSrgb(0.35 * channel)) as unknown as Rgb8;
    for (const [, vision] of VISIONS) {
      expect(oklabDistance(darkest, MOVING_COLOR, vision)).toBeGreaterThanOrEqual(0.08);
    }
  });
});
