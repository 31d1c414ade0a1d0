/**
 * The user's choices in the panel: one plain object, so that presets, the URL
 * and tests can set it whole.
 */
import { findSurface } from '../core/surfaces.ts';
import { GRID_1D, GRID_2D, STEPS_PER_FRAME, checkInteger, checkNumber, InvalidSettingError } from '../core/limits.ts';
import { OPTIMIZER_SPECS, describeRange, inRange } from '../core/hyperparameters.ts';
import type { ViewMode } from '../render/sceneView.ts';

export interface AppSettings {
  surface: string;
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
  lr: 0.1,
  grid: 64,
  stepsPerFrame: 1,
  paused: false,
  view: '3d',
  trails: true,
};

/** Throws InvalidSettingError naming the first invalid value of `settings`. */
export function validateSettings(settings: AppSettings): AppSettings {
  const surface = findSurface(settings.surface);
  if (!surface) {
    throw new InvalidSettingError('surface', settings.surface, 'the name of a built-in surface');
  }
  if (!inRange(OPTIMIZER_SPECS.lr, settings.lr)) {
    throw new InvalidSettingError('learning rate', settings.lr, describeRange(OPTIMIZER_SPECS.lr));
  }
  const gridRange = surface.dims === 1 ? GRID_1D : GRID_2D;
  checkInteger(surface.dims === 1 ? 'number of starts' : 'grid size', settings.grid, gridRange.min, gridRange.max);
  checkNumber('steps per frame', settings.stepsPerFrame, STEPS_PER_FRAME.min, STEPS_PER_FRAME.max);
  if (settings.view !== '2d' && settings.view !== '3d') {
    throw new InvalidSettingError('view', settings.view, '"2d" or "3d"');
  }
  return settings;
}
