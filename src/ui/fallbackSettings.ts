/**
 * Limits of the CPU fallback: a smaller grid, no sweep and no basin map.
 * Settings from the panel or a link that ask for more are clamped, and each
 * clamp comes with a sentence for the page to show.
 */
import { surfaceDims, type AppSettings } from './settings.ts';

/**
 * Maximum starts per side of a 2D grid in the CPU fallback: 64 × 64 = 4,096
 * particles per configuration. On one core of a shared 2-core test machine
 * the worker ran 5.6e5 to 9.1e5 Adam particle-steps per second on Rosenbrock
 * in two runs (test/e2e/fallback.test.ts prints it), so this grid moves about
 * 140 to 220 updates a second, a few per frame.
 */
export const FALLBACK_GRID_2D = 64;
/** Maximum starts of a 1D grid in the CPU fallback: as many particles as the 2D cap. */
export const FALLBACK_STARTS_1D = FALLBACK_GRID_2D * FALLBACK_GRID_2D;

/** Returns the largest grid the fallback runs on a surface of `dims` dimensions. */
export function fallbackGridCap(dims: 1 | 2): number {
  return dims === 1 ? FALLBACK_STARTS_1D : FALLBACK_GRID_2D;
}

export interface ClampedSettings {
  settings: AppSettings;
  /** One sentence per setting that was changed, naming the requested value and the one that runs. */
  changes: string[];
}

/**
 * Clamps valid settings to what the CPU fallback runs: the grid to its cap,
 * the sweep off, and the basin view off. Settings within the limits come
 * back unchanged, with no changes listed.
 */
export function clampForFallback(settings: AppSettings): ClampedSettings {
  const next = { ...settings, sweep: { ...settings.sweep } };
  const changes: string[] = [];
  const dims = surfaceDims(settings);
  const cap = fallbackGridCap(dims);

  if (settings.grid > cap) {
    next.grid = cap;
    const change =
      dims === 1
        ? `The CPU fallback runs at most ${cap} starts, so ${settings.grid} starts were reduced to ${cap}.`
        : `The CPU fallback runs at most ${cap} × ${cap}, so a ${settings.grid} × ${settings.grid} grid was reduced to ${cap} × ${cap}.`;
    changes.push(change);
  }
  if (settings.sweep.enabled) {
    next.sweep.enabled = false;
    changes.push('Learning-rate sweeps need WebGPU, so the sweep is off.');
  }
  if (settings.basinView !== 'off') {
    next.basinView = 'off';
    changes.push('The basin map needs WebGPU, so the basin view is off.');
  }
  return { settings: next, changes };
}
