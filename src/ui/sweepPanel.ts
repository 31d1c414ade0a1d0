/**
 * The Learning-rate sweep folder of the panel: a log-spaced range of learning rates run
 * side by side, and optionally a second hyperparameter for a phase map.
 */
import type GUI from 'lil-gui';
import type { Controller } from 'lil-gui';
import { SWEEP_PARAMETERS, type SweepParameter } from '../core/sweep.ts';
import { cloneSettings, dropUnreadAxis, runWithoutAxis, type AppSettings, type SweepSettings } from './settings.ts';
import { onTypedNumber } from './typedNumber.ts';

/** Menu names of the second axis's values. */
const SECOND_AXIS_NAMES: Record<SweepSettings['second'], string> = {
  none: 'none (a sweep)',
  momentum: 'momentum (phase map)',
  beta1: 'β₁ (phase map)',
};

/**
 * Returns the second-axis menu's options (name → value) for `settings`: no
 * second axis, and each axis that every configuration reads. The settings
 * may contain an unread axis while the sweep is off (from a link, or kept
 * from before an optimizer changed). It is listed too, so that the menu shows
 * the current value, and turning the sweep on drops it.
 */
export function secondAxisOptions(settings: AppSettings): Record<string, SweepSettings['second']> {
  const options: Record<string, SweepSettings['second']> = { [SECOND_AXIS_NAMES.none]: 'none' };
  for (const parameter of Object.keys(SWEEP_PARAMETERS) as SweepParameter[]) {
    if (runWithoutAxis(settings.runs, parameter) < 0 || settings.sweep.second === parameter) {
      options[SECOND_AXIS_NAMES[parameter]] = parameter;
    }
  }
  return options;
}

export class SweepPanel {
  private readonly model: SweepSettings;
  private readonly secondControllers: Controller[] = [];
  private readonly secondAxis: Controller;
  /** The second-axis menu's options as last set, so that show() rebuilds the menu only when they change. */
  private secondAxisChoices: string;
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
    const options = secondAxisOptions(settings);
    this.secondAxisChoices = JSON.stringify(options);
    this.secondAxis = folder
      .add(this.model, 'second', options)
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
    const options = secondAxisOptions(settings);
    if (JSON.stringify(options) !== this.secondAxisChoices) {
      this.secondAxisChoices = JSON.stringify(options);
      // lil-gui 0.21's OptionController.options() replaces the menu's entries in place and keeps the change handler.
      this.secondAxis.options(options);
    }
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
    dropUnreadAxis(next, this.notify);
  }


  private send(edit: (next: AppSettings) => void): void {
    const next = cloneSettings(this.settings);
    edit(next);
    if (!this.change(next)) {
      this.show(this.settings);
    }
  }
}
