/**
 * The user's choices in the panel: one plain object, so that presets, the URL
 * and tests can set it whole.
 */
import { checkDomain } from '../core/domain.ts';
import { CONDITION_NUMBER, GRID_1D, GRID_2D, LEARNING_RATE, STEPS_PER_FRAME, checkInteger, checkNumber, InvalidSettingError } from '../core/limits.ts';
import { resolveSurface } from '../core/surfaceChoice.ts';
import type { Domain } from '../core/surfaces.ts';
import type { ViewMode } from '../render/sceneView.ts';

/** Height scale of the drawn surface: 'auto' picks log when the loss spans a wide range. */
export type ZScale = 'auto' | 'linear' | 'log';
export const Z_SCALES: readonly ZScale[] = ['auto', 'linear', 'log'];

export interface AppSettings {
  /** A built-in surface's name, or 'custom' for `formula`. */
  surface: string;
  /** Typed formula of the custom surface; kept while a built-in runs, so the custom surface can come back. */
  formula?: string;
  /** Condition number κ of the ill-conditioned quadratic. */
  condition: number;
  /** Region of the starts and of the drawn surface; undefined for the surface's standard domain. */
  domain?: Domain;
  zScale: ZScale;
  lr: number;
  /** Starts per side of the grid (2D) or number of starts (1D). */
  grid: number;
  /** Updates per frame; below 1, one update every 1/stepsPerFrame frames. */
  stepsPerFrame: number;
  paused: boolean;
  view: ViewMode;
  trails: boolean;
}

export const DEFAULT_SETTINGS: AppSettings = {
  surface: 'quadratic',
  condition: CONDITION_NUMBER.default,
  zScale: 'auto',
  lr: 0.1,
  grid: 64,
  stepsPerFrame: 1,
  paused: false,
  view: '3d',
  trails: true,
};

/**
 * Throws InvalidSettingError naming the first invalid value of `settings`,
 * or FormulaError for a custom formula that does not compile. Returns the
 * settings with a 1D domain's y bounds set to 0.
 */
export function validateSettings(settings: AppSettings): AppSettings {
  const { definition } = resolveSurface(settings);
  const dims = definition.dims;
  const domain = settings.domain === undefined ? undefined : checkDomain(settings.domain, dims);

  checkNumber('learning rate', settings.lr, LEARNING_RATE.min, LEARNING_RATE.max);
  const gridRange = dims === 1 ? GRID_1D : GRID_2D;
  checkInteger(dims === 1 ? 'number of starts' : 'grid size', settings.grid, gridRange.min, gridRange.max);
  checkNumber('steps per frame', settings.stepsPerFrame, STEPS_PER_FRAME.min, STEPS_PER_FRAME.max);
  if (settings.view !== '2d' && settings.view !== '3d') {
    throw new InvalidSettingError('view', settings.view, '"2d" or "3d"');
  }
  if (!Z_SCALES.includes(settings.zScale)) {
    throw new InvalidSettingError('z scale', settings.zScale, Z_SCALES.map((scale) => `"${scale}"`).join(', '));
  }
  return domain === undefined ? settings : { ...settings, domain };
}

/** Returns the dimension of the surface that valid settings select. */
export function surfaceDims(settings: AppSettings): 1 | 2 {
  return resolveSurface(settings).definition.dims;
}
