/**
 * The Basins folder of the panel: how the basin map is shown, the rule that
 * assigns a converged particle to a minimum, the convergence and divergence
 * criteria, and the way back out of a zoomed region.
 */
import type GUI from 'lil-gui';
import type { Controller } from 'lil-gui';
import { defaultAssignmentRadius } from '../core/basins.ts';
import { resolveSurface } from '../core/surfaceChoice.ts';
import type { SurfaceDefinition } from '../core/surfaces.ts';
import { formatValue } from './format.ts';
import { cloneSettings, type AppSettings, type BasinView } from './settings.ts';
import { onTypedNumber } from './typedNumber.ts';

interface Model {
  basinView: BasinView;
  autoRadius: boolean;
  radius: number;
  gradTol: number;
  stepTol: number;
  divergeBound: number;
}

export class BasinPanel {
  private readonly model: Model;
  private readonly radiusController: Controller;
  private readonly backController: Controller;
  private readonly rule: HTMLElement;
  private settings: AppSettings;

  constructor(
    gui: GUI,
    settings: AppSettings,
    private readonly change: (next: AppSettings) => boolean,
    back: () => void,
  ) {
    this.settings = cloneSettings(settings);
    this.model = this.modelFrom(settings);
    const folder = gui.addFolder('Basins');

    folder
      .add(this.model, 'basinView', { off: 'off', 'map of the active configuration': 'map', 'configurations 1 and 2 side by side': 'side-by-side', 'where 1 and 2 differ': 'difference' })
      .name('basin map')
      .onChange((view: BasinView) => this.send((next) => (next.basinView = view)));
    folder
      .add(this.model, 'autoRadius')
      .name('radius: 1% of region')
      .onChange((auto: boolean) => this.send((next) => (next.radius = auto ? null : this.model.radius)));
    this.radiusController = onTypedNumber(folder.add(this.model, 'radius').name('assignment radius'), (radius) => this.send((next) => (next.radius = radius)));

    this.rule = document.createElement('p');
    this.rule.className = 'panel-note';
    folder.$children.append(this.rule);

    const criteria = folder.addFolder('Convergence and divergence');
    onTypedNumber(criteria.add(this.model, 'gradTol').name('gradient norm ≤'), (value) => this.send((next) => (next.criteria.gradTol = value)));
    onTypedNumber(criteria.add(this.model, 'stepTol').name('step length ≤'), (value) => this.send((next) => (next.criteria.stepTol = value)));
    onTypedNumber(criteria.add(this.model, 'divergeBound').name('diverged beyond |x|, |y| >'), (value) => this.send((next) => (next.criteria.divergeBound = value)));
    criteria.close();

    this.backController = folder.add({ back }, 'back').name('zoom out to the previous region');
    const hint = document.createElement('p');
    hint.className = 'panel-note';
    hint.textContent = 'Shift-drag on the map to re-grid a region at full resolution; hover a start to see where it went; click it to pick it.';
    folder.$children.append(hint);

    this.show(settings);
  }

  /** Puts `settings` into the controls and restates the assignment rule. */
  show(settings: AppSettings, canGoBack = false): void {
    this.settings = cloneSettings(settings);
    Object.assign(this.model, this.modelFrom(settings));
    this.radiusController.enable(settings.radius !== null);
    this.backController.show(canGoBack);

    const radius = effectiveRadius(settings);
    this.rule.textContent =
      `A particle converges when its gradient norm is at most ${formatValue(settings.criteria.gradTol)} and its step at most ` +
      `${formatValue(settings.criteria.stepTol)}; it then takes the basin of the nearest minimum within ${formatValue(radius)}, known or ` +
      'found by clustering the converged particles, or counts as converged elsewhere (a saddle, or a minimum not yet found). ' +
      (settings.noise.sigma > 0 ? `With gradient noise on, a moving particle within ${formatValue(radius)} of a minimum counts in its basin too. ` : '') +
      'Brighter means fewer updates.';
  }

  private modelFrom(settings: AppSettings): Model {
    return {
      basinView: settings.basinView,
      autoRadius: settings.radius === null,
      radius: effectiveRadius(settings),
      gradTol: settings.criteria.gradTol,
      stepTol: settings.criteria.stepTol,
      divergeBound: settings.criteria.divergeBound,
    };
  }

  private send(edit: (next: AppSettings) => void): void {
    const next = cloneSettings(this.settings);
    edit(next);
    if (!this.change(next)) {
      this.show(this.settings);
    }
  }
}

/** The assignment radius in use: the setting, or 1% of the region's larger side. */
export function effectiveRadius(settings: AppSettings): number {
  if (settings.radius !== null) {
    return settings.radius;
  }
  let definition: SurfaceDefinition | undefined;
  try {
    definition = resolveSurface(settings).definition;
  } catch {
    definition = undefined;
  }
  const region = settings.domain ?? definition?.domain;
  return region ? defaultAssignmentRadius(definition?.dims === 1 ? { ...region, yMin: 0, yMax: 0 } : region) : 0.01;
}
