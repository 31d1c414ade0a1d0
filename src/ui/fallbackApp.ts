/**
 * The app without WebGPU. It has the same panel, status line, legend,
 * inspector, history plot and link as the GPU app. The float32 CPU reference
 * steps the particles in a Web Worker (fallbackWorker.ts), and a Canvas 2D
 * draws them top-down (src/render/canvasView.ts). The grid is capped, and the
 * GPU-only features (basin map, sweeps, verify) are off with a note in the
 * panel.
 */
import { FormulaError, type CompiledSurface } from '../core/expr/index.ts';
import { STATUS } from '../core/config.ts';
import { finalStatesCsv, finalStatesJson, toCsv, type FinalStates } from '../core/exportTables.ts';
import { fillStarts, type GridStarts } from '../core/grid.ts';
import { clusterMinima, type FoundMinimum } from '../core/minima.ts';
import { quantile } from '../core/sweep.ts';
import { resolveSurface } from '../core/surfaceChoice.ts';
import { singleCell } from '../core/sweep.ts';
import { CUSTOM_SURFACE_NAME, type Domain, type SurfaceDefinition } from '../core/surfaces.ts';
import type { HistoryEntry, StatsSnapshot } from '../gpu/statsRing.ts';
import { CanvasView } from '../render/canvasView.ts';
import { drawnLoss } from '../render/heightMap.ts';
import type { AppElements, ExportKind } from './app.ts';
import { needsRebuild } from './app.ts';
import { ColorLegend } from './colorLegend.ts';
import { fileName, saveFile, saveText } from './download.ts';
import { createFallbackBanner, describeStartFailure, type StartFailure } from './fallbackBanner.ts';
import { clampForFallback, FALLBACK_GRID_2D, FALLBACK_STARTS_1D } from './fallbackSettings.ts';
import type { FallbackHyperparameters, FallbackMessage, FallbackRequest, FallbackRunFrame } from './fallbackWorker.ts';
import { AxisOverlay } from './axisOverlay.ts';
import { HistoryPlot } from './historyPlot.ts';
import { historyWithPickedPoint, SampleClock } from './historyRows.ts';
import { Inspector } from './inspector.ts';
import { Legend } from './legend.ts';
import { LinkSync, type LinkChange } from './linkSync.ts';
import { applyLinkPickAndStep, copyLinkToClipboard, LinkProblemNotices, sceneLinkState, showFoundMinima, showUndefinedStarts } from './sceneNotices.ts';
import { NoticeSlot, Notices } from './notices.ts';
import { Panel } from './panel.ts';
import { applyPresetSettings, findPreset } from './presets.ts';
import { runColor } from './runColors.ts';
import { activeRun, cloneSettings, DEFAULT_SETTINGS, sceneDiffers, validateSettings, type AppSettings } from './settings.ts';
import { Shortcuts } from './shortcuts.ts';
import { StatusBar } from './statusBar.ts';
import { decodeLink, type DecodedLink, type LinkState } from './urlState.ts';

/** Frames of updates that may wait while the worker is busy; more are dropped, so a slow CPU never builds a backlog. */
const MAX_FRAMES_BEHIND = 4;
/** Time between two population percentiles on the loss plot, in milliseconds, once the update count no longer doubles between them. */
const SAMPLE_INTERVAL = 500;
/** Minima listed in the notice of 'list minima found'. */
/** Panel folders of features that need WebGPU, with the note shown in each. */
const GPU_ONLY_FOLDERS: Record<string, string> = {
  'Learning-rate sweep': 'Sweeps need WebGPU: the CPU fallback runs one learning rate per configuration.',
  Basins: 'The basin map needs WebGPU: it classifies every particle on the GPU each frame.',
  Verify: 'Verify compares the GPU with the CPU reference. Without WebGPU the particles run on the CPU reference itself, so there is nothing to compare.',
};

/** The scene the worker runs. */
interface BuiltScene {
  definition: SurfaceDefinition;
  surface: CompiledSurface;
  starts: GridStarts;
  /** Starts as float32 x, y pairs. */
  startPoints: Float32Array;
  generation: number;
}

export class FallbackApp {
  settings: AppSettings = cloneSettings(DEFAULT_SETTINGS);
  /** Reason WebGPU did not start and the advice, as the banner shows them. */
  readonly failure: StartFailure;
  /** Minima of the last clustering of converged particles. */
  foundMinima: FoundMinimum[] = [];

  private readonly worker: Worker;
  private readonly canvas: HTMLCanvasElement;
  private readonly view: CanvasView;
  private readonly axes: AxisOverlay;
  private readonly notices: Notices;
  private readonly linkProblems: LinkProblemNotices;
  private readonly statusBar: StatusBar;
  private readonly legend: Legend;
  private readonly inspector: Inspector;
  private panel!: Panel;
  private colorLegend!: ColorLegend;
  private banner!: HTMLElement;
  private plot: HistoryPlot | undefined;
  private linkSync: LinkSync | undefined;
  private scene: BuiltScene | undefined;
  /** The latest frame of every configuration. */
  private frames: FallbackRunFrame[] = [];
  private generation = 0;
  private stepInFlight = false;
  private pendingSteps = 0;
  /** Single steps asked for while paused, not yet sent. */
  private singleSteps = 0;
  /** Update count a paused scene runs to (from a link), then stays paused. */
  private runTo: number | undefined;
  private pickedIndex = 0;
  private pickedPath = new Map<number, [number, number, number]>();
  private readonly sampleClock = new SampleClock(SAMPLE_INTERVAL);
  /** The explanation of the last preset chosen, until the next preset or a change of its scene. */
  private readonly presetNotice: NoticeSlot;
  /** The warning that the surface is undefined at every start, while the scene built is such. */
  private readonly undefinedNotice: NoticeSlot;
  private drawnKey = '';
  private disposed = false;
  private builtWaiters: (() => void)[] = [];
  /** Particle-steps per second the worker reached in its last frame. */
  workerRate = 0;

  constructor(
    private readonly elements: AppElements,
    startError: unknown,
  ) {
    this.failure = describeStartFailure(startError);
    // A canvas that WebGPU configured cannot give a 2D context, so the view draws on a fresh one.
    this.canvas = elements.canvas.cloneNode(false) as HTMLCanvasElement;
    elements.canvas.replaceWith(this.canvas);
    this.view = new CanvasView(this.canvas);
    this.axes = new AxisOverlay(this.canvas);
    this.notices = new Notices(elements.notices);
    this.linkProblems = new LinkProblemNotices(this.notices);
    this.presetNotice = new NoticeSlot(this.notices, 'info', 20000);
    this.undefinedNotice = new NoticeSlot(this.notices, 'error', 30000);
    this.statusBar = new StatusBar(elements.status);
    this.legend = new Legend(elements.legend, (index, visible) => {
      const next = cloneSettings(this.settings);
      next.runs[index].visible = visible;
      this.change(next);
    });
    this.inspector = new Inspector(elements.inspector);
    this.worker = new Worker(new URL('./fallbackWorker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (event: MessageEvent<FallbackMessage>) => this.receive(event.data);
    this.worker.onerror = (event) => {
      console.error(`downhill: the CPU fallback worker failed: ${event.message}`);
      this.notices.show(`The CPU fallback worker failed: ${event.message}. Reload the page to start again.`, 'error', 0);
    };
  }

  /** Always the CPU: this app never runs on WebGPU. */
  readonly backend = 'cpu';

  get stepsDone(): number {
    return this.frames[this.settings.active]?.stepsDone ?? 0;
  }

  get particleCount(): number {
    return this.frames[this.settings.active]?.status.length ?? 0;
  }

  get lastStats(): StatsSnapshot | undefined {
    const frame = this.frames[this.settings.active];
    return frame ? this.snapshotOf(frame) : undefined;
  }

  get adapterName(): string {
    return '';
  }

  get picked(): number {
    return this.pickedIndex;
  }

  /** Name, formula and domain of the surface that runs. */
  get runningSurface(): { name: string; formula: string; dims: 1 | 2; domain: Domain } | undefined {
    const scene = this.scene;
    if (!scene) {
      return undefined;
    }
    return { name: scene.definition.name, formula: scene.definition.formula, dims: scene.definition.dims, domain: { ...scene.starts.domain } };
  }

  /** Copies x, y and loss of every particle of configuration `run` as the worker last sent them, for the console and the tests. */
  points(run = this.settings.active): Float32Array | undefined {
    return this.frames[run]?.points.slice();
  }

  /** Resolves once the worker has sent the first frame of the scene built last. */
  whenBuilt(): Promise<void> {
    if (this.scene && this.frames.length > 0 && !this.stale()) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.builtWaiters.push(resolve));
  }

  /** Shows the banner, builds the panel and the first scene, and begins the frame loop. */
  async start(): Promise<void> {
    const cap = `${FALLBACK_GRID_2D} × ${FALLBACK_GRID_2D} starts (${FALLBACK_STARTS_1D.toLocaleString('en-US')} on a 1D surface)`;
    this.banner = createFallbackBanner(this.failure, cap);
    this.elements.notices.prepend(this.banner);
    console.warn(`downhill: WebGPU did not start (${this.failure.reason}); running the CPU fallback at most ${cap}`);

    this.colorLegend = new ColorLegend(this.elements.root);
    this.panel = new Panel(this.settings, {
      change: (next) => this.change(next),
      step: () => this.singleStep(),
      reset: () => this.reset(),
      preset: (name) => this.applyPreset(name),
      zoomOut: () => undefined,
      listMinima: () => void this.listMinima(),
      verify: () => this.verify(),
      copyLink: () => void this.copyLink(),
      exportFile: (kind) => void this.exportFile(kind),
      showHelp: () => shortcuts.toggleHelp(),
      hidePanels: () => shortcuts.togglePanels(),
      notify: (message) => this.notices.show(message, 'error'),
    });
    this.markGpuOnlyFolders();
    const shortcuts = new Shortcuts(this.elements.root, {
      togglePause: () => this.change({ ...cloneSettings(this.settings), paused: !this.settings.paused }),
      step: () => this.singleStep(),
      reset: () => this.reset(),
      view: (mode) => this.change({ ...cloneSettings(this.settings), view: mode }),
      verify: () => this.verify(),
      copyLink: () => void this.copyLink(),
      saveView: () => void this.exportFile('view'),
      panelsToggled: () => this.updateInsets(),
    }, this.notices);
    this.listenForPicks();

    const link = location.hash.length > 1 ? decodeLink(location.hash) : undefined;
    if (link) {
      this.showLinkProblems(link.problems);
      this.settings = this.clamp(link.state.settings);
      this.panel.show(this.settings);
    }
    this.rebuild();
    if (link) {
      await this.whenBuilt();
      this.applyLinkExtras(link);
    }
    this.linkSync = new LinkSync(
      () => this.linkState(),
      (decoded) => void this.applyLink(decoded),
    );
    this.linkChanged('replace');
    new ResizeObserver(() => {
      this.view.resize();
      this.updateInsets();
    }).observe(this.canvas);
    // The colour bar's width is known once the first surface is drawn.
    await this.whenBuilt();
    this.updateInsets();
    requestAnimationFrame((time) => this.frame(time));
  }

  dispose(): void {
    this.disposed = true;
    this.worker.terminate();
  }

  /** Applies new settings: invalid ones are rejected with a notice, and those past the fallback's limits are clamped with one. */
  change(next: AppSettings): boolean {
    let valid: AppSettings;
    try {
      valid = validateSettings(next);
    } catch (error) {
      this.reject(next, error);
      return false;
    }
    const previous = this.settings;
    this.settings = this.clamp(valid);
    this.panel.show(this.settings);
    // Pausing or another view keeps the preset's scene, and its name in the menu.
    if (sceneDiffers(previous, this.settings)) {
      this.panel.clearPreset();
      // The preset's explanation describes its scene, which this one no longer is.
      this.presetNotice.clear();
    }

    if (needsRebuild(previous, this.settings)) {
      this.rebuild();
    } else {
      const hyperparameters = (settings: AppSettings): string => JSON.stringify([settings.runs.map((run) => [run.optimizer, run.schedule]), settings.noise, settings.criteria]);
      if (hyperparameters(previous) !== hyperparameters(this.settings)) {
        this.post({ kind: 'retarget', hyperparameters: this.hyperparameters(this.settings) });
        if (this.settings.restartOnChange) {
          this.reset();
        }
      }
      this.legend.setRuns(this.settings.runs, this.settings.active);
      if (previous.active !== this.settings.active) {
        this.createPlot();
      }
      this.showParticles();
    }
    if (this.settings.zScale !== previous.zScale) {
      this.drawSurface();
    }
    this.linkChanged('entry');
    return true;
  }

  singleStep(): void {
    this.singleSteps++;
    this.linkChanged('replace');
  }

  reset(): void {
    this.generation++;
    this.post({ kind: 'reset', generation: this.generation });
    this.clearPickedPath();
    this.statusBar.restart();
    this.runTo = undefined;
    this.pendingSteps = 0;
    this.singleSteps = 0;
    this.linkChanged('replace');
  }

  /** Picks particle `index` in every configuration: its path is drawn and the inspector follows it. */
  pick(index: number): void {
    this.pickedIndex = index;
    this.post({ kind: 'pick', index });
    this.view.setPicked(index, this.settings.active);
    this.clearPickedPath(true);
    this.linkChanged('replace');
  }

  applyPreset(name: string): void {
    const preset = findPreset(name);
    if (!preset) {
      this.notices.show(`unknown preset "${name}"`, 'error');
      return;
    }
    this.settings = this.clamp(validateSettings(applyPresetSettings(this.settings, preset)));
    this.panel.show(this.settings);
    this.presetNotice.show(preset.explanation);
    this.rebuild();
    this.linkChanged('entry');
  }

  /** Verify has nothing to compare here: the particles already run on the CPU reference. */
  verify(): undefined {
    this.notices.show(GPU_ONLY_FOLDERS.Verify, 'info');
    return undefined;
  }

  /** Returns the scene as a link carries it, without a camera because the fallback view is top-down. */
  linkState(): LinkState {
    return sceneLinkState({ settings: this.settings, runTo: this.runTo, stepsDone: this.stepsDone, pickedIndex: this.pickedIndex, particleCount: this.particleCount });
  }

  get link(): string {
    this.linkSync?.flush();
    return this.linkSync?.link ?? location.href;
  }

  copyLink(): Promise<void> {
    return copyLinkToClipboard(this.link, this.notices);
  }

  /** Clusters the converged particles of the active configuration into minima and lists them in a notice. */
  listMinima(notify = true): FoundMinimum[] {
    const frame = this.frames[this.settings.active];
    const scene = this.scene;
    if (!frame || !scene) {
      return [];
    }
    const count = frame.status.length;
    const positions = new Float64Array(2 * count);
    for (let k = 0; k < count; k++) {
      positions[2 * k] = frame.points[3 * k];
      positions[2 * k + 1] = frame.points[3 * k + 1];
    }
    const found = clusterMinima(positions, frame.status, scene.surface, { domain: scene.starts.domain });
    this.foundMinima = found;
    if (!notify) {
      return found;
    }
    showFoundMinima(this.notices, found, scene.definition.dims, scene.starts.domain, frame.converged);
    return found;
  }

  /**
   * Saves the view (PNG at the canvas resolution), the final states (CSV or
   * JSON) or the loss curves (CSV). The basin, phase and sweep exports need
   * WebGPU and get a notice. Resolves with the file's name, or undefined.
   */
  async exportFile(kind: ExportKind, scale = 1): Promise<string | undefined> {
    const scene = this.scene;
    if (!scene || this.frames.length === 0) {
      return undefined;
    }
    const stepsDone = this.stepsDone;
    const optimizer = activeRun(this.settings).optimizer.name;
    const name = (extension: string, ...parts: (string | number)[]): string => fileName([scene.definition.name, ...parts, `step${stepsDone}`], extension);
    switch (kind) {
      case 'view': {
        if (scale !== 1) {
          this.notices.show('The CPU fallback saves the view at the canvas resolution only (1×).', 'info');
          return undefined;
        }
        // The picture has the axes as the page shows them over the canvas.
        const picture = document.createElement('canvas');
        picture.width = this.canvas.width;
        picture.height = this.canvas.height;
        const context = picture.getContext('2d')!;
        context.drawImage(this.canvas, 0, 0);
        this.axes.paint(context, 0, 0, this.canvas.width / Math.max(1, this.canvas.clientWidth));
        const blob = await new Promise<Blob | null>((resolve) => picture.toBlob(resolve, 'image/png'));
        if (!blob) {
          this.notices.show('Could not export: the browser could not encode the PNG.', 'error');
          return undefined;
        }
        const file = name('png', 'view', `${this.canvas.width}x${this.canvas.height}`);
        saveFile(file, blob);
        return file;
      }
      case 'final-csv': {
        const file = name('csv', 'final', optimizer);
        saveText(file, finalStatesCsv(this.finalStates(scene)), 'text/csv');
        return file;
      }
      case 'final-json': {
        const context = { surface: scene.definition.name, formula: scene.definition.formula, link: this.link, settings: cloneSettings(this.settings), adapter: 'CPU fallback' };
        const file = name('json', 'final', optimizer);
        saveText(file, finalStatesJson(this.finalStates(scene), context), 'application/json');
        return file;
      }
      case 'loss-csv': {
        const table = this.plot?.csvTable();
        if (!table || table.rows.length === 0) {
          this.notices.show('The loss plot has no values to export yet: let the particles run a few updates, or pick a particle that has not diverged.', 'info');
          return undefined;
        }
        const file = name('csv', 'loss', optimizer);
        saveText(file, toCsv(table.header, table.rows), 'text/csv');
        return file;
      }
      default:
        this.notices.show('The basin map, phase map and sweep exports need WebGPU, which did not start here.', 'info');
        return undefined;
    }
  }

  private finalStates(scene: BuiltScene): FinalStates[] {
    return this.frames.map((frame, k) => {
      const count = frame.status.length;
      const positions = new Float32Array(2 * count);
      const loss = new Float32Array(count);
      for (let i = 0; i < count; i++) {
        positions[2 * i] = frame.points[3 * i];
        positions[2 * i + 1] = frame.points[3 * i + 1];
        loss[i] = frame.points[3 * i + 2];
      }
      const optimizer = this.settings.runs[k].optimizer;
      return {
        configuration: k + 1,
        optimizer: optimizer.name,
        cells: [{ lr: optimizer.lr, momentum: optimizer.momentum, beta1: optimizer.beta1 }],
        startsPerCell: count,
        starts: scene.startPoints,
        positions,
        loss,
        status: frame.status,
        stopSteps: frame.stopSteps,
        stepsDone: frame.stepsDone,
      };
    });
  }

  /** Clamps valid settings to the fallback's limits, with a notice per change. */
  private clamp(settings: AppSettings): AppSettings {
    const clamped = clampForFallback(settings);
    for (const change of clamped.changes) {
      console.info(`downhill: CPU fallback: ${change}`);
      this.notices.show(change, 'info', 20000);
    }
    return clamped.settings;
  }

  private reject(next: AppSettings, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.panel.show(this.settings);
    if (error instanceof FormulaError && next.surface === CUSTOM_SURFACE_NAME && typeof next.formula === 'string') {
      this.panel.surface.showFormulaError(next.formula, error);
      return;
    }
    this.notices.show(message, 'error');
  }

  /** Disables the controls of the GPU-only folders and puts a note with the reason in each. */
  private markGpuOnlyFolders(): void {
    for (const folder of this.panel.gui.foldersRecursive()) {
      const note = GPU_ONLY_FOLDERS[folder._title];
      if (!note) {
        continue;
      }
      for (const controller of folder.controllersRecursive()) {
        controller.disable();
      }
      const element = document.createElement('p');
      element.className = 'panel-note fallback-note';
      element.textContent = note;
      folder.$children.prepend(element);
    }
  }

  private hyperparameters(settings: AppSettings): FallbackHyperparameters {
    return {
      runs: settings.runs.map((run) => ({ optimizer: { ...run.optimizer }, schedule: { ...run.schedule } })),
      noise: { ...settings.noise },
      criteria: { ...settings.criteria },
    };
  }

  /** Sends the scene of the current settings to the worker; its frames replace the old scene's when they arrive. */
  private rebuild(): void {
    const settings = cloneSettings(this.settings);
    let resolved;
    try {
      resolved = resolveSurface(settings);
    } catch (error) {
      // Validated settings resolve; this is a fault of the app, reported rather than hidden.
      const message = error instanceof Error ? error.message : String(error);
      console.error(`downhill: CPU fallback could not build surface ${settings.surface}: ${message}`);
      this.notices.show(`Could not build the scene: ${message}`, 'error');
      return;
    }
    const { definition, compiled } = resolved;
    const domain = settings.domain ?? definition.domain;
    const starts: GridStarts = definition.dims === 1 ? { kind: 'grid', nx: settings.grid, ny: 1, domain } : { kind: 'grid', nx: settings.grid, ny: settings.grid, domain };
    const count = starts.nx * starts.ny;
    const startPoints = new Float32Array(2 * count);
    fillStarts(starts, startPoints);
    showUndefinedStarts(this.undefinedNotice, compiled, startPoints);

    const sameStarts = this.scene !== undefined && this.scene.definition.formula === definition.formula && JSON.stringify(this.scene.starts) === JSON.stringify(starts);
    if (!sameStarts || this.pickedIndex >= count) {
      // The start nearest (0.95, 0.9) of the domain, as the GPU app picks by default.
      const column = Math.round(0.95 * (starts.nx - 1));
      const row = Math.round(0.9 * (starts.ny - 1));
      this.pickedIndex = row * starts.nx + column;
    }
    this.generation++;
    this.scene = { definition, surface: compiled, starts, startPoints, generation: this.generation };
    console.info(`downhill: CPU fallback: building surface ${settings.surface}, grid ${settings.grid}, ${settings.runs.map((run) => run.optimizer.name).join(' + ')}`);
    this.post({ kind: 'build', generation: this.generation, scene: { formula: definition.formula, starts, picked: this.pickedIndex, ...this.hyperparameters(settings) } });

    this.frames = [];
    this.pendingSteps = 0;
    this.statusBar.restart();
    this.legend.setRuns(settings.runs, settings.active);
    this.view.setPicked(this.pickedIndex, settings.active);
    this.drawSurface();
    this.createPlot();
  }

  private drawSurface(): void {
    const scene = this.scene;
    if (!scene) {
      return;
    }
    const key = [scene.definition.formula, JSON.stringify(scene.starts.domain), this.settings.zScale].join('|');
    if (key === this.drawnKey) {
      return;
    }
    this.drawnKey = key;
    const surface = scene.surface;
    const scale = this.view.setSurface(
      {
        value: (x, y) => drawnLoss(surface, x, y),
        domain: scene.starts.domain,
        dims: scene.definition.dims,
        knownMinimum: scene.definition.minima.find((minimum) => minimum.global)?.value,
      },
      this.settings.zScale,
    );
    this.colorLegend.show(scale, scene.definition.dims);
  }

  private createPlot(): void {
    this.pickedPath.clear();
    this.sampleClock.reset();
    this.view.setPickedPath([]);
    this.plot?.destroy();
    this.plot = new HistoryPlot(this.elements.plot, this.scene?.definition.dims ?? 2, this.settings.runs.length, this.settings.active);
  }

  /** Forgets the picked particle's path and plot. A new pick keeps the population's band, which does not depend on the pick. */
  private clearPickedPath(newPick = false): void {
    this.pickedPath.clear();
    if (newPick) {
      this.plot?.clearPicked();
    } else {
      this.plot?.clear();
      this.sampleClock.reset();
    }
    this.view.setPickedPath([]);
  }

  private post(request: FallbackRequest): void {
    this.worker.postMessage(request);
  }

  /** True while the frames on hand belong to an older scene than the one built last. */
  private stale(): boolean {
    return this.frameGeneration !== this.generation;
  }

  private frameGeneration = -1;

  private receive(message: FallbackMessage): void {
    if (message.kind === 'error') {
      console.error(`downhill: CPU fallback worker: ${message.message}`);
      this.notices.show(`The CPU fallback failed: ${message.message}`, 'error');
      this.stepInFlight = false;
      return;
    }
    if (message.isStepReply) {
      this.stepInFlight = false;
    }
    if (message.generation !== this.generation) {
      return;
    }
    this.frameGeneration = message.generation;
    this.frames = message.runs;
    if (message.milliseconds > 0 && message.steps > 0) {
      this.workerRate = (message.steps * this.particleCount * this.frames.length) / (message.milliseconds / 1000);
    }
    const now = performance.now();
    message.runs.forEach((frame, k) => {
      const snapshot = this.snapshotOf(frame);
      this.legend.update(k, snapshot, frame.status.length);
      const history = historyWithPickedPoint(frame);
      this.plot?.add(k, history);
      if (k === this.settings.active) {
        this.statusBar.snapshot(snapshot, frame.status.length, now);
        this.showInspector(frame);
        this.extendPickedPath(history);
      }
    });
    const active = this.frames[this.settings.active];
    if (active && this.sampleClock.take(now, active.stepsDone)) {
      const losses = Array.from(active.status, (status, k) => (status === STATUS.diverged ? Infinity : active.points[3 * k + 2])).sort((a, b) => a - b);
      this.plot?.addPopulation(active.stepsDone, quantile(losses, 0.1), quantile(losses, 0.5), quantile(losses, 0.9));
    }
    this.showParticles();
    const waiters = this.builtWaiters;
    this.builtWaiters = [];
    for (const resolve of waiters) {
      resolve();
    }
  }

  private showParticles(): void {
    this.view.setParticles(
      this.frames.map((frame, k) => ({ points: frame.points, status: frame.status, color: runColor(k), visible: this.settings.runs[k]?.visible ?? true })),
    );
    this.view.setPicked(this.pickedIndex, this.settings.active);
  }

  private snapshotOf(frame: FallbackRunFrame): StatsSnapshot {
    // The worker's frames carry the request generation instead; stale ones never reach here.
    return { ...frame, pickedIndex: this.pickedIndex, generation: 0, capturedAt: performance.now() };
  }

  private showInspector(frame: FallbackRunFrame): void {
    const scene = this.scene;
    if (!scene || this.pickedIndex >= scene.startPoints.length / 2) {
      return;
    }
    const domain = scene.starts.domain;
    const run = activeRun(this.settings);
    const arrows = this.inspector.show(
      {
        index: this.pickedIndex,
        start: [scene.startPoints[2 * this.pickedIndex], scene.startPoints[2 * this.pickedIndex + 1]],
        point: frame.pickedPoint,
        state: frame.pickedState,
        stepsDone: frame.stepsDone,
        stopStep: frame.pickedStopStep,
      },
      { surface: scene.surface, optimizer: run.optimizer, schedule: run.schedule, noise: this.settings.noise },
      singleCell(run.optimizer)[0],
      scene.definition.dims,
      0.12 * (domain.xMax - domain.xMin),
    );
    const [x, y, loss] = frame.pickedPoint;
    this.view.setArrows(x, y, loss, arrows);
  }

  private extendPickedPath(history: readonly HistoryEntry[]): void {
    for (const entry of history) {
      if (Number.isFinite(entry.x)) {
        this.pickedPath.set(entry.step, [entry.x, entry.y, entry.loss]);
      }
    }
    if (history.length > 0) {
      const steps = [...this.pickedPath.keys()].sort((a, b) => a - b);
      this.view.setPickedPath(steps.map((step) => this.pickedPath.get(step)!));
    }
  }

  private frame(time: number): void {
    if (this.disposed) {
      return;
    }
    const target = this.runTo;
    if (target !== undefined && (!this.settings.paused || this.stepsDone >= target)) {
      this.runTo = undefined;
    }
    if (!this.settings.paused) {
      this.pendingSteps = Math.min(this.pendingSteps + this.settings.stepsPerFrame, MAX_FRAMES_BEHIND * Math.max(1, this.settings.stepsPerFrame));
    }
    if (!this.stepInFlight && this.scene && !this.stale()) {
      let steps = Math.floor(this.pendingSteps);
      this.pendingSteps -= steps;
      if (this.runTo !== undefined) {
        // A link's paused scene: straight to its update count. The worker replies within its time budget.
        steps = this.runTo - this.stepsDone;
        this.pendingSteps = 0;
      }
      steps += this.singleSteps;
      this.singleSteps = 0;
      if (steps > 0) {
        this.stepInFlight = true;
        this.post({ kind: 'step', steps });
      }
    }
    this.view.draw();
    this.axes.update(this.view.axisFrames());
    this.statusBar.frame(time);
    this.statusBar.render(this.particleCount, this.stepsDone, this.lastStats, this.settings.paused);
    this.plot?.redraw();
    requestAnimationFrame((next) => this.frame(next));
  }

  private listenForPicks(): void {
    this.canvas.addEventListener('click', (event) => {
      const rect = this.canvas.getBoundingClientRect();
      const index = this.view.pickParticle(this.settings.active, event.clientX - rect.left, event.clientY - rect.top);
      if (index >= 0) {
        this.pick(index);
      }
    });
  }

  /** Canvas pixel (CSS pixels) where the surface point (x, y) is drawn, for scripted clicks and tests. */
  screenPositionOf(x: number, y: number): { px: number; py: number } | undefined {
    const loss = this.scene?.surface.value(x, y, 'f64') ?? 0;
    return this.view.screenPositionOf(x, y, loss);
  }

  /** Keeps the map clear of the side column, the panel, the colour bar and the banner. */
  private updateInsets(): void {
    const side = this.elements.root.querySelector('.side')?.getBoundingClientRect();
    const panel = this.panel.gui.domElement.getBoundingClientRect();
    const banner = this.banner.getBoundingClientRect();
    this.view.setInsets(side ? side.right + 8 : 0, this.colorLegend.rightInset(panel, this.canvas.clientWidth), banner.bottom);
  }

  private linkChanged(kind: LinkChange): void {
    this.linkSync?.changed(kind);
  }

  private async applyLink(decoded: DecodedLink): Promise<void> {
    this.showLinkProblems(decoded.problems);
    if (!this.change(decoded.state.settings)) {
      return;
    }
    await this.whenBuilt();
    this.applyLinkExtras(decoded);
  }

  private applyLinkExtras(decoded: DecodedLink): void {
    const { state } = decoded;
    // A formula that did not compile stays in its field, marked, to be corrected there.
    if (decoded.rejectedFormula) {
      this.panel.surface.showFormulaError(decoded.rejectedFormula.text, decoded.rejectedFormula.error);
    } else {
      // Back, Forward or a new link replace a rejected formula that an earlier link left in the field.
      this.panel.surface.showRunningFormula();
    }
    // A pick beyond this scene's particles joins the link's other problems, in one notice.
    const runTo = applyLinkPickAndStep(state, this, (problem) => this.showLinkProblems([...decoded.problems, problem]));
    if (runTo !== undefined) {
      this.runTo = runTo;
    }
  }

  private showLinkProblems(problems: readonly string[]): void {
    this.linkProblems.show(problems);
  }
}
