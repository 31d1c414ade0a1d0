/**
 * The control panel (lil-gui). It edits a copy of the settings and hands
 * every change to the app, which validates it. A rejected value is put back
 * in the panel.
 */
import GUI, { type Controller } from 'lil-gui';
import { formatLimit, STEPS_PER_FRAME, underflowsToZero } from '../core/limits.ts';
import { BasinPanel } from './basinPanel.ts';
import { OptimizerPanel } from './optimizerPanel.ts';
import { SweepPanel } from './sweepPanel.ts';
import { formatValue } from './format.ts';
import { PRESETS } from './presets.ts';
import { cloneSettings, largestGrid, surfaceDims, type AppSettings, type ZScale } from './settings.ts';
import { SurfacePanel } from './surfacePanel.ts';
import { isNumberText, onTypedNumber } from './typedNumber.ts';
import type { ExportKind } from './app.ts';

/** Label of the preset menu's empty value, shown while the scene is no preset's. */
export const NO_PRESET_LABEL = 'choose a preset…';

export interface PanelActions {
  /** The settings changed; returns false when the app rejected them. */
  change(next: AppSettings): boolean;
  /** Reads the particles back and shows the minima they converged to. */
  listMinima(): void;
  /** Reruns the active configuration on the CPU reference and reports how far the GPU is from it. */
  verify(): void;
  step(): void;
  reset(): void;
  preset(name: string): void;
  /** Goes back to the region before the last zoom into the basin map. */
  zoomOut(): void;
  /** Copies the link of this scene. */
  copyLink(): void;
  /** Saves a picture or the data of the scene; `scale` applies to the view image. */
  exportFile(kind: ExportKind, scale: number): void;
  /** Shows the keyboard shortcuts. */
  showHelp(): void;
  /** Hides the side column and the panel until H or the "show panels" button. */
  hidePanels(): void;
  /** Shows a notice about input the panel could not take. */
  notify(message: string): void;
}

export interface PanelState {
  /** A zoom into the basin map can be undone. */
  canZoomOut: boolean;
}

const GRID_CHOICES_2D = [8, 16, 32, 64, 128, 256, 512, 1024, 2048];
const GRID_CHOICES_1D = [8, 16, 33, 64, 128, 256, 1024, 4096, 16384, 65536];

export class Panel {
  readonly gui: GUI;
  readonly surface: SurfacePanel;
  private readonly model: {
    grid: number;
    log10Speed: number;
    stepsPerFrame: number;
    paused: boolean;
    view: string;
    trails: boolean;
    zScale: ZScale;
    preset: string;
  };
  private readonly gridController: Controller;
  private readonly optimizerPanel: OptimizerPanel;
  private readonly basinPanel: BasinPanel;
  private readonly sweepPanel: SweepPanel;
  private settings: AppSettings;
  /** The grid last shown for each dimension, which a change back to that dimension restores. */
  private readonly gridByDims = { 1: 33, 2: 64 };

  constructor(
    settings: AppSettings,
    private readonly actions: PanelActions,
  ) {
    this.settings = cloneSettings(settings);
    this.gridByDims[surfaceDims(settings)] = settings.grid;
    // main.ts imports lil-gui's stylesheet: its own injection adds an inline <style>, which the Content-Security-Policy rejects.
    this.gui = new GUI({ title: 'downhill', width: 300, injectStyles: false });
    this.model = { ...this.modelFrom(settings), preset: '' };
    const gui = this.gui;

    gui
      // The empty value's label tells what the menu is for.
      .add(this.model, 'preset', Object.fromEntries([[NO_PRESET_LABEL, ''], ...PRESETS.map((preset) => [preset.name, preset.name])]))
      .name('preset')
      .onChange((name: string) => {
        if (name) {
          actions.preset(name);
        }
      });

    this.surface = new SurfacePanel(gui, settings, {
      change: (update) => this.changeSurface(update),
      listMinima: () => actions.listMinima(),
    });

    this.optimizerPanel = new OptimizerPanel(gui, settings, (next) => this.actions.change(next), (message) => this.actions.notify(message));
    this.sweepPanel = new SweepPanel(gui, settings, (next) => this.actions.change(next), (message) => this.actions.notify(message));
    this.basinPanel = new BasinPanel(gui, settings, (next) => this.actions.change(next), () => this.actions.zoomOut());

    const runFolder = gui.addFolder('Particles');
    this.gridController = runFolder.add(this.model, 'grid', GRID_CHOICES_2D).name('grid (per side)');
    this.gridController.onChange((value: unknown) => this.send((next) => (next.grid = Number(value))));
    runFolder
      .add(this.model, 'log10Speed', Math.log10(STEPS_PER_FRAME.min), Math.log10(1000), 0.01)
      .decimals(2)
      .name('log₁₀ steps/frame')
      .onChange((value: number) => this.send((next) => (next.stepsPerFrame = Number((10 ** value).toPrecision(3)))));
    onTypedNumber(runFolder.add(this.model, 'stepsPerFrame').name('steps per frame'), (value) => this.send((next) => (next.stepsPerFrame = value)));
    runFolder
      .add(this.model, 'paused')
      .name('pause')
      .onChange((value: boolean) => this.send((next) => (next.paused = value)));
    runFolder.add({ step: () => actions.step() }, 'step').name('single step');
    runFolder.add({ reset: () => actions.reset() }, 'reset').name('reset');

    const verifyFolder = gui.addFolder('Verify');
    verifyFolder.add({ verify: () => actions.verify() }, 'verify').name('verify against the CPU');
    const verifyNote = document.createElement('p');
    verifyNote.className = 'panel-note';
    verifyNote.textContent = 'Reruns the active configuration on the GPU and on the CPU in float32 and float64, every particle or a uniform sample of a large run, and reports how far apart they are.';
    verifyFolder.$children.append(verifyNote);

    const shareFolder = gui.addFolder('Share and export');
    shareFolder.add({ copy: () => actions.copyLink() }, 'copy').name('copy link to this scene');
    const image = { scale: 1 };
    shareFolder.add(image, 'scale', { '1× canvas': 1, '2× canvas': 2, '4× canvas': 4 }).name('image size');
    shareFolder.add({ view: () => actions.exportFile('view', image.scale) }, 'view').name('view as PNG');
    shareFolder.add({ basins: () => actions.exportFile('basin-map', 1) }, 'basins').name('basin map as PNG');
    shareFolder.add({ phase: () => actions.exportFile('phase-map', 1) }, 'phase').name('phase map as PNG');
    shareFolder.add({ csv: () => actions.exportFile('final-csv', 1) }, 'csv').name('final states as CSV');
    shareFolder.add({ json: () => actions.exportFile('final-json', 1) }, 'json').name('final states as JSON');
    shareFolder.add({ loss: () => actions.exportFile('loss-csv', 1) }, 'loss').name('loss curves as CSV');
    shareFolder.add({ sweep: () => actions.exportFile('sweep-csv', 1) }, 'sweep').name('sweep table as CSV');
    shareFolder.add({ help: () => actions.showHelp() }, 'help').name('keyboard shortcuts (?)');
    shareFolder.close();

    const viewFolder = gui.addFolder('View');
    viewFolder
      .add(this.model, 'view', { '3D orbit': '3d', '2D top-down': '2d' })
      .name('view')
      .onChange((value: string) => this.send((next) => (next.view = value as AppSettings['view'])));
    viewFolder
      .add(this.model, 'trails')
      .name('trails')
      .onChange((value: boolean) => this.send((next) => (next.trails = value)));
    viewFolder
      .add(this.model, 'zScale', { auto: 'auto', linear: 'linear', log: 'log' })
      .name('z scale')
      .onChange((value: ZScale) => this.send((next) => (next.zScale = value)));
    viewFolder.add({ hide: () => actions.hidePanels() }, 'hide').name('hide panels (H)');

    this.checkTypedNumbers();
    this.show(settings);
  }

  /**
   * Takes a number field's text only when the whole of it is a number. lil-gui
   * parses the text on every keystroke with parseFloat, which reads "1,5" as 1
   * and "2x" as 2, and ignores text that does not start with a number. Here
   * the text is checked when it is committed (Enter or leaving the field): a
   * number goes to the controller, anything else is named in a notice and the
   * field keeps its value.
   */
  private checkTypedNumbers(): void {
    for (const controller of this.gui.controllersRecursive()) {
      const input = (controller as Controller & { $input?: HTMLInputElement }).$input;
      if (!input || input.type !== 'text' || typeof controller.getValue() !== 'number') {
        continue;
      }
      this.showExponents(controller, input);
      // Before lil-gui's own listener, which would apply a partial number while it is typed.
      input.addEventListener('input', (event) => event.stopImmediatePropagation(), { capture: true });
      input.addEventListener(
        'change',
        () => {
          const text = input.value.trim();
          // As the field shows it: rounded where it has fixed decimals.
          const decimals = (controller as Controller & { _decimals?: number })._decimals;
          const current = controller.getValue() as number;
          const keeps = `the field keeps ${decimals === undefined ? formatValue(current) : current.toFixed(decimals)}`;
          const field = controller as Controller & { _stepExplicit?: boolean; _snap?: (value: number) => number; _min?: number; _max?: number };
          if (isNumberText(text) && underflowsToZero(text)) {
            // "1e-400" would read as 0, which is not what was typed (and not every field takes 0).
            this.actions.notify(`invalid ${controller.$name.textContent}: "${text.slice(0, 40)}" is too small for a number and was not read as 0; ${keeps}.`);
            return;
          }
          if (isNumberText(text)) {
            // As lil-gui applies typed text (its private _snap), snapped to an explicit step. A value
            // outside a slider's range is named, where lil-gui would clamp it without a word.
            let value = Number(text);
            if (field._stepExplicit && field._snap) {
              value = field._snap(value);
            }
            const [min, max] = [field._min ?? -Infinity, field._max ?? Infinity];
            if (!(value >= min && value <= max)) {
              // Each log₁₀ slider has a field for the value itself below it (η and steps per frame take more there).
              const name = controller.$name.textContent ?? '';
              const below = name.startsWith('log₁₀ ') ? ' The field below it takes the value itself.' : '';
              this.actions.notify(`invalid ${name}: ${text.slice(0, 40)} is outside the slider's range from ${formatValue(min)} to ${formatValue(max)}; ${keeps}.${below}`);
              controller.updateDisplay();
              return;
            }
            controller.setValue(value);
            return;
          }
          const quoted = text === '' ? 'an empty field' : `"${text.slice(0, 40)}"`;
          this.actions.notify(`invalid ${controller.$name.textContent}: ${quoted} is not a number; ${keeps}.`);
        },
        { capture: true },
      );
    }
  }

  /**
   * Shows a number field's value as formatLimit writes it, 1e-6 and 1e30 where
   * lil-gui writes 0.000001 and 1e+30, unless the field rounds to fixed
   * decimals or has the focus. Both forms are the same double.
   */
  private showExponents(controller: Controller, input: HTMLInputElement): void {
    if ((controller as Controller & { _decimals?: number })._decimals !== undefined) {
      return;
    }
    const show = controller.updateDisplay.bind(controller);
    controller.updateDisplay = () => {
      show();
      const value = controller.getValue();
      if (typeof value === 'number' && Number.isFinite(value) && document.activeElement !== input) {
        input.value = formatLimit(value);
      }
      return controller;
    };
    controller.updateDisplay();
  }

  /** Puts `settings` into every control, without firing change handlers. */
  show(settings: AppSettings, state: PanelState = { canZoomOut: false }): void {
    this.settings = cloneSettings(settings);
    this.gridByDims[surfaceDims(settings)] = settings.grid;
    Object.assign(this.model, this.modelFrom(settings));
    this.setGridChoices(surfaceDims(settings));
    this.surface.show(settings);
    this.optimizerPanel.show(settings);
    this.sweepPanel.show(settings);
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
      grid: settings.grid,
      log10Speed: Math.log10(settings.stepsPerFrame),
      stepsPerFrame: settings.stepsPerFrame,
      paused: settings.paused,
      view: settings.view,
      trails: settings.trails,
      zScale: settings.zScale,
    };
  }

  /**
   * Applies a change from the Surface folder. Another surface or formula
   * starts on its standard domain unless the change sets one, and a change of
   * dimension takes the grid last used in that dimension (the default one at
   * first), since a 1D and a 2D grid mean different things.
   */
  private changeSurface(update: Partial<AppSettings>): boolean {
    const next = { ...cloneSettings(this.settings), ...update };
    const surfaceChanged = next.surface !== this.settings.surface || next.formula !== this.settings.formula;
    if (surfaceChanged && !('domain' in update)) {
      next.domain = undefined;
    }
    try {
      const dims = surfaceDims(next);
      if (update.grid === undefined && dims !== surfaceDims(this.settings)) {
        // Within what a running sweep allows: a 2D grid of 256 per side times its cells may pass the particle limit.
        next.grid = Math.min(this.gridByDims[dims], largestGrid(next, dims));
      }
    } catch {
      // An invalid formula: the app rejects it and shows why.
    }
    // On a rejection the app puts the settings back in the panel and shows the fault.
    return this.actions.change(next);
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
