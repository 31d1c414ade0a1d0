/**
 * The Learning-rate sweep folder of the panel: a log-spaced range of learning rates run
 * side by side, and optionally a second hyperparameter for a phase map.
 */
import type GUI from 'lil-gui';
import type { Controller } from 'lil-gui';
import { SWEEP_PARAMETERS } from '../core/sweep.ts';
import { cloneSettings, runWithoutAxis, type AppSettings, type SweepSettings } from './settings.ts';
import { onTypedNumber } from './typedNumber.ts';

export class SweepPanel {
  private readonly model: SweepSettings;
  private readonly secondControllers: Controller[] = [];
  private settings: AppSettings;

  constructor(
    gui: GUI,
    settings: AppSettings,
    private readonly change: (next: AppSettings) => boolean,
    private readonly notify: (message: string) => void,
  ) {
    this.settings = cloneSettings(settings);
    this.model = { ...settings.sweep };
    const folder = gui.addFolder('Learning-rate sweep');

    const field = (key: 'lrMin' | 'lrMax' | 'lrCount' | 'secondMin' | 'secondMax' | 'secondCount', name: string): Controller =>
      onTypedNumber(folder.add(this.model, key).name(name), (value) => this.send((next) => (next.sweep[key] = value)));
    folder
      .add(this.model, 'enabled')
      .name('sweep every configuration')
      .onChange((enabled: boolean) => this.send((next) => this.enable(next, enabled)));
    field('lrMin', 'lowest η');
    field('lrMax', 'highest η');
    field('lrCount', 'rates (log-spaced)');
    folder
      .add(this.model, 'second', { 'none (a sweep)': 'none', 'momentum (phase map)': 'momentum', 'β₁ (phase map)': 'beta1' })
      .name('second axis')
      .onChange((value: SweepSettings['second']) => this.send((next) => (next.sweep.second = value)));
    this.secondControllers.push(field('secondMin', 'lowest value'), field('secondMax', 'highest value'), field('secondCount', 'values'));

    const note = document.createElement('p');
    note.className = 'panel-note';
    note.textContent = 'Every start of the grid runs once per rate (per cell of a phase map). The plots read a sample of up to 65,536 particles back twice a second.';
    folder.$children.append(note);
    folder.close();
    this.show(settings);
  }

  show(settings: AppSettings): void {
    this.settings = cloneSettings(settings);
    Object.assign(this.model, settings.sweep);
    for (const controller of this.secondControllers) {
      controller.show(settings.sweep.second !== 'none');
    }
  }

  /**
   * Turns the sweep on or off. A phase map's second axis that a configuration
   * does not read (β₁ after Adam became gd) is dropped, with a notice, rather
   * than blocking the sweep.
   */
  private enable(next: AppSettings, enabled: boolean): void {
    next.sweep.enabled = enabled;
    const second = next.sweep.second;
    if (!enabled || second === 'none') {
      return;
    }
    const other = runWithoutAxis(next.runs, second);
    if (other >= 0) {
      next.sweep.second = 'none';
      const name = next.runs[other].optimizer.name;
      this.notify(`The sweep runs without its phase map over ${second}: ${name} has no ${second} (it applies to ${SWEEP_PARAMETERS[second].join(', ')}).`);
    }
  }

  private send(edit: (next: AppSettings) => void): void {
    const next = cloneSettings(this.settings);
    edit(next);
    if (!this.change(next)) {
      this.show(this.settings);
    }
  }
}
