/**
 * The control panel (lil-gui). It edits a copy of the settings and hands
 * every change to the app, which validates it. A rejected value is put back
 * in the panel.
 */
import GUI, { type Controller } from 'lil-gui';
import { STEPS_PER_FRAME } from '../core/limits.ts';
import { PRESETS } from './presets.ts';
import { surfaceDims, type AppSettings, type ZScale } from './settings.ts';
import { SurfacePanel, type SurfacePanelActions } from './surfacePanel.ts';

export interface PanelActions extends SurfacePanelActions {
  step(): void;
  reset(): void;
  preset(name: string): void;
}

const GRID_CHOICES_2D = [8, 16, 32, 64, 128, 256, 512, 1024, 2048];
const GRID_CHOICES_1D = [8, 16, 33, 64, 128, 256, 1024, 4096, 16384, 65536];

export class Panel {
  readonly gui: GUI;
  readonly surface: SurfacePanel;
  private readonly model: AppSettings & { log10Lr: number; log10Speed: number; preset: string };
  private readonly gridController: Controller;

  constructor(
    settings: AppSettings,
    private readonly actions: PanelActions,
  ) {
    this.gui = new GUI({ title: 'downhill', width: 290 });
    this.model = { ...settings, log10Lr: Math.log10(settings.lr), log10Speed: Math.log10(settings.stepsPerFrame), preset: '' };
    const gui = this.gui;

    gui
      .add(this.model, 'preset', ['', ...PRESETS.map((preset) => preset.name)])
      .name('preset')
      .onChange((name: string) => {
        if (name) {
          actions.preset(name);
        }
      });

    this.surface = new SurfacePanel(gui, settings, actions);

    const lrFolder = gui.addFolder('Learning rate η');
    this.track(
      lrFolder.add(this.model, 'log10Lr', -5, 1, 0.01).decimals(2).name('log₁₀ η'),
      (value) => this.send({ lr: Number((10 ** (value as number)).toPrecision(4)) }),
    );
    this.track(lrFolder.add(this.model, 'lr').name('η'), (value) => this.send({ lr: value as number }), true);

    const runFolder = gui.addFolder('Particles');
    this.gridController = runFolder.add(this.model, 'grid', GRID_CHOICES_2D).name('grid (per side)');
    this.track(this.gridController, (value) => this.send({ grid: Number(value) }));
    this.track(
      runFolder.add(this.model, 'log10Speed', Math.log10(STEPS_PER_FRAME.min), Math.log10(1000), 0.01).decimals(2).name('log₁₀ steps/frame'),
      (value) => this.send({ stepsPerFrame: Number((10 ** (value as number)).toPrecision(3)) }),
    );
    this.track(runFolder.add(this.model, 'stepsPerFrame').name('steps per frame'), (value) => this.send({ stepsPerFrame: value as number }), true);
    this.track(runFolder.add(this.model, 'paused').name('pause'), (value) => this.send({ paused: value as boolean }));
    runFolder.add({ step: () => actions.step() }, 'step').name('single step');
    runFolder.add({ reset: () => actions.reset() }, 'reset').name('reset');

    const viewFolder = gui.addFolder('View');
    this.track(viewFolder.add(this.model, 'view', { '3D orbit': '3d', '2D top-down': '2d' }).name('view'), (value) =>
      this.send({ view: value as AppSettings['view'] }),
    );
    this.track(viewFolder.add(this.model, 'trails').name('trails'), (value) => this.send({ trails: value as boolean }));
    this.track(viewFolder.add(this.model, 'zScale', { auto: 'auto', linear: 'linear', log: 'log' }).name('z scale'), (value) =>
      this.send({ zScale: value as ZScale }),
    );

    this.setGridChoices(surfaceDims(settings));
    this.show(settings);
  }

  /** Puts `settings` into every control, without firing change handlers. */
  show(settings: AppSettings): void {
    Object.assign(this.model, settings, {
      log10Lr: Math.log10(settings.lr),
      log10Speed: Math.log10(settings.stepsPerFrame),
    });
    this.setGridChoices(surfaceDims(settings));
    this.surface.show(settings);
    for (const controller of this.gui.controllersRecursive()) {
      controller.updateDisplay();
    }
  }

  clearPreset(): void {
    this.model.preset = '';
    for (const controller of this.gui.controllers) {
      controller.updateDisplay();
    }
  }

  private setGridChoices(dims: 1 | 2): void {
    const standard = dims === 1 ? GRID_CHOICES_1D : GRID_CHOICES_2D;
    const choices = standard.includes(this.model.grid) ? standard : [...standard, this.model.grid].sort((a, b) => a - b);
    this.gridController.options(choices);
    this.gridController.name(dims === 1 ? 'starts' : 'grid (per side)');
  }

  /**
   * Calls `handler` when the control changes (or, for typed fields, when
   * editing finishes); the panel snaps back if the app rejects the value.
   */
  private track(controller: Controller, handler: (value: unknown) => void, onFinish = false): void {
    if (onFinish) {
      controller.onFinishChange(handler);
    } else {
      controller.onChange(handler);
    }
  }

  private send(update: Partial<AppSettings>): void {
    this.actions.change(update);
  }
}
