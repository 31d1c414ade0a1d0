/**
 * Scenes that retell the first lesson on gradient descent. Each preset sets
 * the panel's settings and explains what to watch.
 */
import { DEFAULT_CRITERIA, DEFAULT_NOISE } from '../core/config.ts';
import { cloneSettings, DEFAULT_SETTINGS, defaultRun, type AppSettings } from './settings.ts';

export interface Preset {
  name: string;
  /** Settings the preset changes; it also resets the optimizers to one plain-descent run at `lr`. */
  settings: Pick<AppSettings, 'surface' | 'grid' | 'stepsPerFrame' | 'view' | 'paused'>;
  lr: number;
  /** Shown when the preset is chosen. */
  explanation: string;
  /** Start the picked particle nearest to this point (fractions of the domain, 0 to 1). */
  pickAt: [number, number];
}

export const PRESETS: readonly Preset[] = [
  {
    name: '1D: x²',
    settings: { surface: 'parabola', grid: 33, stepsPerFrame: 0.25, view: '3d', paused: false },
    lr: 0.1,
    explanation:
      'f(x) = x², gradient 2x: each update multiplies x by (1 − 2η) = 0.8 at η = 0.1, so x decays exponentially. The plot shows the picked particle: a straight line on the log-scale loss axis.',
    pickAt: [1, 0.5],
  },
  {
    name: '2D: x² + 2y²',
    settings: { surface: 'quadratic', grid: 64, stepsPerFrame: 0.5, view: '3d', paused: false },
    lr: 0.1,
    explanation:
      'Curvature 2 along x and 4 along y: x shrinks by (1 − 2η) and y by (1 − 4η) per update, so paths bend towards the x axis before reaching (0, 0). Stable while η < 0.5.',
    pickAt: [0.95, 0.9],
  },
  {
    name: 'Learning rate too large',
    settings: { surface: 'parabola', grid: 33, stepsPerFrame: 1, view: '3d', paused: false },
    lr: 1.05,
    explanation:
      'At η = 1.05 each update multiplies x by (1 − 2η) = −1.1: particles jump across the minimum and land 10% further out every time, the loss grows exponentially, and each particle is marked diverged when |x| passes the divergence bound.',
    pickAt: [0.6, 0.5],
  },
];

/** The settings after choosing `preset`: its own values, one plain-descent run, no noise, sweep or basin map, the default stopping rules and height scale. */
export function applyPresetSettings(settings: AppSettings, preset: Preset): AppSettings {
  const next = cloneSettings(settings);
  Object.assign(next, preset.settings);
  next.runs = [defaultRun(preset.lr)];
  next.active = 0;
  next.noise = { ...DEFAULT_NOISE };
  next.domain = undefined;
  // The explanation describes this scene alone: no sweep or phase map, no basin map, the default
  // stopping rules, height scale and assignment radius, and the paths drawn.
  next.sweep = { ...next.sweep, enabled: false, second: 'none' };
  next.basinView = 'off';
  next.criteria = { ...DEFAULT_CRITERIA };
  next.zScale = DEFAULT_SETTINGS.zScale;
  next.radius = DEFAULT_SETTINGS.radius;
  next.trails = true;
  return next;
}

export function findPreset(name: string): Preset | undefined {
  return PRESETS.find((preset) => preset.name === name);
}
