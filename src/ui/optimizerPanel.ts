/**
 * The Optimizer folder of the panel: which configuration is edited, the
 * optimizer and its hyperparameters (only those it reads), the learning-rate
 * schedule with a plot of the rate against update step, and gradient noise.
 */
import type GUI from 'lil-gui';
import type { Controller } from 'lil-gui';
import uPlot from 'uplot';
import { OPTIMIZER_NAMES, SCHEDULE_NAMES, defaultOptimizer, type OptimizerName, type ScheduleName } from '../core/config.ts';
import { OPTIMIZER_FLAGS, OPTIMIZER_SPECS, SCHEDULE_SPECS } from '../core/hyperparameters.ts';
import { scheduleSpan, updateRateAt } from '../core/schedule.ts';
import { MAX_RUNS, activeRun, cloneSettings, dropUnreadAxis, type AppSettings } from './settings.ts';
import { runColor } from './runColors.ts';
import { scheduleSweepCaption, sweepOverrideNote, sweepOverrides } from './sweepOverrides.ts';
import { onTypedNumber } from './typedNumber.ts';

/** Points of the schedule plot, spread over the updates that show the schedule's shape. */
const SCHEDULE_PLOT_POINTS = 400;

/** Controller values, one field per control; mirrored from the active run by show(). */
interface Model {
  configuration: number;
  visible: boolean;
  optimizer: OptimizerName;
  log10Lr: number;
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  eps: number;
  lrDecay: number;
  initialAccumulator: number;
  alpha: number;
  centered: boolean;
  beta1: number;
  beta2: number;
  amsgrad: boolean;
  schedule: ScheduleName;
  stepSize: number;
  gamma: number;
  tMax: number;
  lrMin: number;
  warmup: number;
  noise: number;
  seed: number;
  restartOnChange: boolean;
}

type HyperparameterField = keyof typeof OPTIMIZER_SPECS;
type ScheduleField = keyof typeof SCHEDULE_SPECS;

export class OptimizerPanel {
  private readonly model: Model;
  private readonly configurationController: Controller;
  private readonly hyperparameterControllers = new Map<HyperparameterField | 'centered' | 'amsgrad', Controller>();
  private readonly scheduleControllers = new Map<ScheduleField, Controller>();
  private readonly removeController: Controller;
  private readonly addController: Controller;
  private readonly schedulePlot: uPlot;
  /** The log₁₀ η slider and the η field, which a running sweep overrides. */
  private readonly lrControllers: Controller[];
  /** Note beside η while a sweep sets it. */
  private readonly lrNote: HTMLParagraphElement;
  /** Caption of the schedule plot while a sweep sets η. */
  private readonly scheduleCaption: HTMLParagraphElement;
  private settings: AppSettings;

  constructor(
    gui: GUI,
    settings: AppSettings,
    private readonly change: (next: AppSettings) => boolean,
    private readonly notify: (message: string) => void,
  ) {
    this.settings = cloneSettings(settings);
    this.model = this.modelFrom(settings);
    const folder = gui.addFolder('Optimizer');

    this.configurationController = folder.add(this.model, 'configuration', this.configurationChoices(settings)).name('configuration');
    this.configurationController.onChange((index: number) => this.send((next) => (next.active = Number(index))));
    this.addController = folder.add({ add: () => this.addRun() }, 'add').name('add configuration to compare');
    this.removeController = folder.add({ remove: () => this.removeRun() }, 'remove').name('remove this configuration');
    folder.add(this.model, 'visible').name('shown').onChange((visible: boolean) => this.send((next) => (activeRun(next).visible = visible)));

    folder
      .add(this.model, 'optimizer', [...OPTIMIZER_NAMES])
      .name('optimizer')
      .onChange((name: OptimizerName) =>
        this.send((next) => {
          const run = activeRun(next);
          run.optimizer = defaultOptimizer(name, run.optimizer.lr);
          dropUnreadAxis(next, this.notify);
        }),
      );

    const log10LrController = folder
      .add(this.model, 'log10Lr', -5, 1, 0.01)
      .decimals(2)
      .name('log₁₀ η')
      .onChange((value: number) => this.send((next) => (activeRun(next).optimizer.lr = Number((10 ** value).toPrecision(4)))));
    // A value that did not parse to a finite number goes on as the typed text, so the rejection quotes it.
    const lrController = onTypedNumber(folder.add(this.model, 'lr').name('η'), (value) => this.send((next) => (activeRun(next).optimizer.lr = value)));
    this.lrControllers = [log10LrController, lrController];
    this.lrNote = document.createElement('p');
    this.lrNote.className = 'panel-note sweep-override';
    lrController.domElement.after(this.lrNote);
    folder
      .add(this.model, 'restartOnChange')
      .name('restart on every change')
      .onChange((value: boolean) => this.send((next) => (next.restartOnChange = value)));

    for (const field of Object.keys(OPTIMIZER_SPECS) as HyperparameterField[]) {
      if (field === 'lr') {
        continue;
      }
      const controller = folder.add(this.model, field).name(OPTIMIZER_SPECS[field].label);
      onTypedNumber(controller, (value) => this.send((next) => (activeRun(next).optimizer[field] = value)));
      this.hyperparameterControllers.set(field, controller);
    }
    for (const field of ['centered', 'amsgrad'] as const) {
      const controller = folder
        .add(this.model, field)
        .name(field === 'centered' ? 'centered' : 'AMSGrad')
        .onChange((value: boolean) => this.send((next) => (activeRun(next).optimizer[field] = value)));
      this.hyperparameterControllers.set(field, controller);
    }

    const scheduleFolder = folder.addFolder('Schedule');
    scheduleFolder
      .add(this.model, 'schedule', [...SCHEDULE_NAMES])
      .name('schedule')
      .onChange((name: ScheduleName) => this.send((next) => (activeRun(next).schedule.name = name)));
    for (const field of Object.keys(SCHEDULE_SPECS) as ScheduleField[]) {
      const controller = scheduleFolder.add(this.model, field).name(SCHEDULE_SPECS[field].label);
      onTypedNumber(controller, (value) => this.send((next) => (activeRun(next).schedule[field] = value)));
      this.scheduleControllers.set(field, controller);
    }
    const plotElement = document.createElement('div');
    plotElement.className = 'schedule-plot';
    scheduleFolder.$children.append(plotElement);
    this.schedulePlot = new uPlot(
      {
        width: 270,
        height: 110,
        legend: { show: false },
        cursor: { show: false },
        // Series 1 is the run's rate, or a sweep's lowest rate. Series 2 is a sweep's highest rate, empty without a sweep.
        series: [{}, { stroke: () => runColor(this.settings.active), width: 1.5 }, { stroke: () => runColor(this.settings.active), width: 1.5 }],
        bands: [{ series: [2, 1], fill: () => `${runColor(this.settings.active)}40` }],
        scales: { x: { time: false } },
        axes: [
          { stroke: '#9aa3ad', grid: { stroke: '#2a3138' }, size: 24, font: '10px system-ui' },
          { stroke: '#9aa3ad', grid: { stroke: '#2a3138' }, size: 42, font: '10px system-ui' },
        ],
      },
      [[], [], []],
      plotElement,
    );
    this.scheduleCaption = document.createElement('p');
    this.scheduleCaption.className = 'panel-note sweep-override';
    plotElement.after(this.scheduleCaption);

    scheduleFolder.close();
    const noiseFolder = folder.addFolder('Gradient noise');
    noiseFolder.close();
    onTypedNumber(noiseFolder.add(this.model, 'noise').name('σ per component'), (value) => this.send((next) => (next.noise.sigma = value)));
    onTypedNumber(noiseFolder.add(this.model, 'seed').name('seed'), (value) => this.send((next) => (next.noise.seed = value)));

    this.show(settings);
  }

  /** Puts `settings` into the controls, shows only what the optimizer and schedule read, and redraws the plot. */
  show(settings: AppSettings): void {
    this.settings = cloneSettings(settings);
    Object.assign(this.model, this.modelFrom(settings));
    const run = activeRun(settings);

    this.configurationController.options(this.configurationChoices(settings));
    this.configurationController.updateDisplay();
    this.addController.show(settings.runs.length < MAX_RUNS);
    this.removeController.show(settings.runs.length > 1);

    // A running sweep sets η, and a phase map its second axis too: those fields are disabled, with a note.
    const overrides = sweepOverrides(settings);
    for (const controller of this.lrControllers) {
      controller.enable(!overrides.lr);
    }
    showNote(this.lrNote, sweepOverrideNote(settings));
    for (const [field, controller] of this.hyperparameterControllers) {
      const optimizers = field === 'centered' || field === 'amsgrad' ? OPTIMIZER_FLAGS[field].optimizers : OPTIMIZER_SPECS[field].optimizers;
      controller.show(optimizers.includes(run.optimizer.name));
      controller.enable(field !== overrides.second);
      controller.updateDisplay();
    }
    for (const [field, controller] of this.scheduleControllers) {
      controller.show(SCHEDULE_SPECS[field].schedules.includes(run.schedule.name));
      controller.updateDisplay();
    }

    // Every update up to the span, or 400 of them spread evenly over it.
    const span = scheduleSpan(run.schedule);
    const count = Math.min(SCHEDULE_PLOT_POINTS, span + 1);
    const steps = Array.from({ length: count }, (_, k) => Math.round((k * span) / (count - 1)));
    const ratesAt = (lr: number): number[] => steps.map((t) => updateRateAt({ ...run.optimizer, lr }, run.schedule, t));
    if (overrides.lr) {
      this.schedulePlot.setData([steps, ratesAt(settings.sweep.lrMin), ratesAt(settings.sweep.lrMax)]);
    } else {
      this.schedulePlot.setData([steps, ratesAt(run.optimizer.lr), steps.map(() => null)]);
    }
    showNote(this.scheduleCaption, scheduleSweepCaption(settings));
  }

  private configurationChoices(settings: AppSettings): Record<string, number> {
    return Object.fromEntries(settings.runs.map((run, index) => [`${index + 1}: ${run.optimizer.name}`, index]));
  }

  private modelFrom(settings: AppSettings): Model {
    const run = activeRun(settings);
    return {
      configuration: settings.active,
      visible: run.visible,
      optimizer: run.optimizer.name,
      log10Lr: Math.log10(run.optimizer.lr),
      ...run.optimizer,
      ...run.schedule,
      schedule: run.schedule.name,
      noise: settings.noise.sigma,
      seed: settings.noise.seed,
      restartOnChange: settings.restartOnChange,
    };
  }

  /** Copies the settings, applies `edit`, and hands the result to the app; the controls snap back if it is rejected. */
  private send(edit: (next: AppSettings) => void): void {
    const next = cloneSettings(this.settings);
    edit(next);
    if (!this.change(next)) {
      this.show(this.settings);
    }
  }

  private addRun(): void {
    this.send((next) => {
      const copy = cloneSettings(next).runs[next.active];
      // A new configuration starts as Adam, the usual first comparison with plain descent.
      const name: OptimizerName = copy.optimizer.name === 'adam' ? 'momentum' : 'adam';
      copy.optimizer = defaultOptimizer(name, copy.optimizer.lr);
      copy.visible = true;
      next.runs.push(copy);
      next.active = next.runs.length - 1;
      dropUnreadAxis(next, this.notify);
    });
  }

  private removeRun(): void {
    this.send((next) => {
      next.runs.splice(next.active, 1);
      next.active = Math.min(next.active, next.runs.length - 1);
    });
  }
}

/** Shows `element` with `text`, or hides it when there is none. */
function showNote(element: HTMLElement, text: string | undefined): void {
  element.textContent = text ?? '';
  element.hidden = text === undefined;
}
