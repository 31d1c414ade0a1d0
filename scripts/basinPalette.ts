/**
 * Prints the generated minimum colours of src/core/palette.ts. After the
 * Okabe–Ito colours, each next colour is the sRGB colour farthest in OKLab
 * from all colours so far (greedy maximin, as in Glasbey et al., "Colour
 * displays for categorical images", 2007). Candidates lie within the
 * lightness range and keep PALETTE_LIMITS from the previous colour and from
 * the outcome and mark colours. Run: npx tsx scripts/basinPalette.ts
 */
import { cssHex, oklab, oklabDistance, DEUTERANOPIA, PROTANOPIA, type Rgb8 } from '../src/core/colorScience.ts';
import { MAX_BASINS } from '../src/core/basins.ts';
import { MARK_COLORS, OKABE_ITO, OUTCOME_CODE_COLORS, PALETTE_LIMITS } from '../src/core/palette.ts';

const STEP = 5;

function main(): void {
  const candidates: Rgb8[] = [];
  for (let r = 0; r < 256; r += STEP) {
    for (let g = 0; g < 256; g += STEP) {
      for (let b = 0; b < 256; b += STEP) {
        const color: Rgb8 = [r, g, b];
        const [lightness] = oklab(color);
        if (lightness < PALETTE_LIMITS.minLightness || lightness > PALETTE_LIMITS.maxLightness) {
          continue;
        }
        const nearOutcome = OUTCOME_CODE_COLORS.some(
          (fixed) =>
            oklabDistance(color, fixed) < PALETTE_LIMITS.fromFixed ||
            oklabDistance(color, fixed, PROTANOPIA) < PALETTE_LIMITS.fromFixedDichromat ||
            oklabDistance(color, fixed, DEUTERANOPIA) < PALETTE_LIMITS.fromFixedDichromat,
        );
        const nearMark = MARK_COLORS.some((mark) => oklabDistance(color, mark) < PALETTE_LIMITS.fromFixed);
        if (!nearOutcome && !nearMark) {
          candidates.push(color);
        }
      }
    }
  }

  const labs = candidates.map((color) => oklab(color));
  const nearest = new Float64Array(candidates.length).fill(Infinity);
  const chosen: Rgb8[] = [...OKABE_ITO];
  const take = (color: Rgb8): void => {
    const lab = oklab(color);
    labs.forEach((other, k) => {
      nearest[k] = Math.min(nearest[k], Math.hypot(other[0] - lab[0], other[1] - lab[1], other[2] - lab[2]));
    });
  };
  chosen.forEach(take);
  while (chosen.length < MAX_BASINS) {
    const previous = oklab(chosen[chosen.length - 1]);
    let best = -1;
    for (let k = 0; k < candidates.length; k++) {
      const lab = labs[k];
      const fromPrevious = Math.hypot(lab[0] - previous[0], lab[1] - previous[1], lab[2] - previous[2]);
      if (fromPrevious >= PALETTE_LIMITS.fromPrevious && (best < 0 || nearest[k] > nearest[best])) {
        best = k;
      }
    }
    process.stderr.write(`${chosen.length}: ${cssHex(candidates[best])}, ${nearest[best].toFixed(4)} from the nearest colour before it\n`);
    chosen.push(candidates[best]);
    take(candidates[best]);
  }

  const generated = chosen.slice(OKABE_ITO.length).map((color) => `'${cssHex(color)}'`);
  const lines: string[] = [];
  for (let k = 0; k < generated.length; k += 8) {
    lines.push(`  ${generated.slice(k, k + 8).join(', ')},`);
  }
  console.log(`const GENERATED_HEX = [\n${lines.join('\n')}\n];`);
}

main();
