/**
 * The control panel (lil-gui). It edits a copy of the settings and hands
 * every change to the app, which validates it. A rejected value is put back
 * in the panel.
 */
import GUI, { type Controller } from 'lil-gui';
import { SURFACES, findSurface } from '../core/surfaces.ts';
import { STEPS_PER_FRAME } from '../core/limits.ts';
import { BasinPanel } from './basinPanel.ts';
import { OptimizerPanel } from './optimizerPanel.ts';
import { PRESETS } from './presets.ts';
import { cloneSettings, type AppSettings } from './settings.ts';

export interface PanelActions {
  /** The settings changed; returns false when the app rejected them. */
  change(next: AppSettings): boolean;
  step(): void;
  reset(): void;
  preset(name: string): void;
  /** Goes back to the region before the last zoom into the basin map. */
  zoomOut(): void;
}

export interface PanelState {
  /** A zoom into the basin map can be undone. */
  canZoomOut: boolean;
}

const GRID_CHOICES_2D = [8, 16, 32, 64, 128, 256, 512, 1024, 2048];
const GRID_CHOICES_1D = [8, 16, 33, 64, 128, 256, 1024, 4096, 16384, 65536];

export class Panel {
  readonly gui: GUI;
  private readonly model: { surface: string; grid: number; log10Speed: number; stepsPerFrame: number; paused: boolean; view: string; trails: boolean; preset: string };
  private readonly gridController: Controller;
  private readonly optimizerPanel: OptimizerPanel;
  private readonly basinPanel: BasinPanel;
  private settings: AppSettings;

  constructor(
    settings: AppSettings,
    private readonly actions: PanelActions,
  ) {
    this.settings = cloneSettings(settings);
    this.gui = new GUI({ title: 'downhill', width: 300 });
    this.model = { ...this.modelFrom(settings), preset: '' };
    const gui = this.gui;

    gui
      .add(this.model, 'preset', ['', ...PRESETS.map((preset) => preset.name)])
      .name('preset')
      .onChange((name: string) => {
        if (name) {
          actions.preset(name);
        }
      });

    const surfaceNames = Object.fromEntries(SURFACES.map((surface) => [`${surface.name}: ${surface.label}`, surface.name]));
    gui
      .add(this.model, 'surface', surfaceNames)
      .name('surface')
      .onChange((name: string) =>
        this.send((next) => {
          next.surface = name;
          next.grid = findSurface(name)?.dims === 1 ? 33 : 64;
          next.region = null;
        }),
      );

    this.optimizerPanel = new OptimizerPanel(gui, settings, (next) => this.actions.change(next));
    this.basinPanel = new BasinPanel(gui, settings, (next) => this.actions.change(next), () => this.actions.zoomOut());

    const runFolder = gui.addFolder('Particles');
    this.gridController = runFolder.add(this.model, 'grid', GRID_CHOICES_2D).name('grid (per side)');
    this.gridController.onChange((value: unknown) => this.send((next) => (next.grid = Number(value))));
    runFolder
      .add(this.model, 'log10Speed', Math.log10(STEPS_PER_FRAME.min), Math.log10(1000), 0.01)
      .decimals(2)
      .name('log₁₀ steps/frame')
      .onChange((value: number) => this.send((next) => (next.stepsPerFrame = Number((10 ** value).toPrecision(3)))));
    runFolder
      .add(this.model, 'stepsPerFrame')
      .name('steps per frame')
      .onFinishChange((value: number) => this.send((next) => (next.stepsPerFrame = value)));
    runFolder
      .add(this.model, 'paused')
      .name('pause')
      .onChange((value: boolean) => this.send((next) => (next.paused = value)));
    runFolder.add({ step: () => actions.step() }, 'step').name('single step');
    runFolder.add({ reset: () => actions.reset() }, 'reset').name('reset');

    const viewFolder = gui.addFolder('View');
    viewFolder
      .add(this.model, 'view', { '3D orbit': '3d', '2D top-down': '2d' })
      .name('view')
      .onChange((value: string) => this.send((next) => (next.view = value as AppSettings['view'])));
    viewFolder
      .add(this.model, 'trails')
      .name('trails')
      .onChange((value: boolean) => this.send((next) => (next.trails = value)));

    this.show(settings);
  }

  /** Puts `settings` into every control, without firing change handlers. */
  show(settings: AppSettings, state: PanelState = { canZoomOut: false }): void {
    this.settings = cloneSettings(settings);
    Object.assign(this.model, this.modelFrom(settings));
    this.setGridChoices(findSurface(settings.surface)?.dims ?? 2);
    this.optimizerPanel.show(settings);
    this.basinPanel.show(settings, state.canZoomOut);
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

  private modelFrom(settings: AppSettings) {
    return {
      surface: settings.surface,
      grid: settings.grid,
      log10Speed: Math.log10(settings.stepsPerFrame),
      stepsPerFrame: settings.stepsPerFrame,
      paused: settings.paused,
      view: settings.view,
      trails: settings.trails,
    };
  }

  private setGridChoices(dims: 1 | 2): void {
    const standard = dims === 1 ? GRID_CHOICES_1D : GRID_CHOICES_2D;
    const choices = standard.includes(this.model.grid) ? standard : [...standard, this.model.grid].sort((a, b) => a - b);
    this.gridController.options(choices);
    this.gridController.name(dims === 1 ? 'starts' : 'grid (per side)');
  }

  /** Copies the settings, applies `edit`, and hands the result to the app; the controls snap back if it is rejected. */
  private send(edit: (next: AppSettings) => void): void {
    const next = cloneSettings(this.settings);
    edit(next);
    if (!this.actions.change(next)) {
      this.show(this.settings);
    }
  }
}
