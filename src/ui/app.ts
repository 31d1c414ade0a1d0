/**
 * The app: settings in, a running scene out. It owns the GPU context, one
 * descent pipeline per optimizer configuration and the three.js view,
 * applies validated changes, and drives the frame loop (dispatch, draw,
 * status) without reading particle state back.
 */
import { FormulaError, type CompiledSurface } from '../core/expr/index.ts';
import { BASIN_DIVERGED, BASIN_MOVING, BASIN_OTHER, classifyAll, MAX_BASINS } from '../core/basins.ts';
import { basinDifferenceImage, basinImage, sideBySideImage, type RgbaImage } from '../core/basinImage.ts';
import { cssHex } from '../core/colorScience.ts';
import { defaultOptimizer, STATUS } from '../core/config.ts';
import { MAX_STEPS_PER_DISPATCH, stepsPerSubmit } from '../core/limits.ts';
import { formatDomain } from '../core/domain.ts';
import { clusterMinima, combineMinima, type FoundMinimum, type NamedMinimum } from '../core/minima.ts';
import { DIFFERENCE_COLOR, UNRESOLVED_COLOR } from '../core/palette.ts';
import { resolveSurface } from '../core/surfaceChoice.ts';
import { CUSTOM_SURFACE_NAME, type Domain, type SurfaceDefinition } from '../core/surfaces.ts';
import { fillStarts, type GridStarts } from '../core/grid.ts';
import { createGpuContext, type GpuContext } from '../gpu/device.ts';
import { LimitExceededError } from '../gpu/errors.ts';
import { cellStatistics, linearSpace, quantile, rankedLoss, singleCell, surfaceStabilityLimit, sweepCells, type CellHyperparameters } from '../core/sweep.ts';
import { BasinClassifier, BasinComparer, BASIN_STRIDE, type BasinCounts } from '../gpu/basins.ts';
import { PopulationSampler, type PopulationSample } from '../gpu/sampler.ts';
import { Descent } from '../gpu/descent.ts';
import { lossFromStored, POINT_STRIDE, STOP_STEP_STRIDE } from '../gpu/layout.ts';
import { readBuffer } from '../gpu/readback.ts';
import { readResult, runDescent, type DescentResult } from '../gpu/runDescent.ts';
import { flushesSubnormals } from '../gpu/subnormals.ts';
import type { HistoryEntry, StatsSnapshot } from '../gpu/statsRing.ts';
import { BasinMapNodes, MARK_DISAGREE, MARK_UNRESOLVED } from '../render/basinMap.ts';
import { drawnLoss } from '../render/heightMap.ts';
import { chooseParticles, type VerifyReport } from '../core/verify.ts';
import { VerifyView } from './verifyView.ts';
import type { VerifyMessage, VerifyRequest } from './verifyWorker.ts';
import { SceneView, type ViewMode } from '../render/sceneView.ts';
import { BasinLegend, type BasinColumn } from './basinLegend.ts';
import { ColorLegend } from './colorLegend.ts';
import { AxisOverlay } from './axisOverlay.ts';
import { effectiveRadius } from './basinPanel.ts';
import { formatCount, formatShare, formatValue } from './format.ts';
import { MapInteraction, type MapPoint } from './mapInteraction.ts';
import { HistoryPlot } from './historyPlot.ts';
import { historyWithPickedPoint } from './historyRows.ts';
import { SampleClock } from './historyRows.ts';
import { Inspector } from './inspector.ts';
import { Legend } from './legend.ts';
import { applyLinkPickAndStep, copyLinkToClipboard, LinkProblemNotices, sceneLinkState, showFoundMinima, showUndefinedStarts, stabilityWarning } from './sceneNotices.ts';
import { NoticeSlot, Notices, showBlocker } from './notices.ts';
import { Panel } from './panel.ts';
import { applyPresetSettings, findPreset } from './presets.ts';
import { runColor, runColorLinear } from './runColors.ts';
import { DEFAULT_SETTINGS, activeRun, cloneSettings, sceneDiffers, sweepAxes, validateSettings, type AppSettings, type RunSettings } from './settings.ts';
import { SweepPlots } from './sweepPlots.ts';
import { finalStatesCsv, finalStatesJson, phaseImage, sweepCsv, toCsv, type FinalStates, type SweepRow } from '../core/exportTables.ts';
import { encodePng, fileName, saveFile, saveText } from './download.ts';
import { LinkSync, type LinkChange } from './linkSync.ts';
import { Shortcuts } from './shortcuts.ts';
import { decodeLink, roundCamera, type DecodedLink, type LinkState } from './urlState.ts';
import { SlowFrames, StatusBar } from './statusBar.ts';

/** What the app exports; see App.exportFile. */
export type ExportKind = 'view' | 'basin-map' | 'phase-map' | 'final-csv' | 'final-json' | 'loss-csv' | 'sweep-csv';
/** Scales of the exported view image, relative to the canvas resolution. */
export const EXPORT_SCALES: readonly number[] = [1, 2, 4];

/** Trails: at most this many particles keep one, of TRAIL_LENGTH points, one every TRAIL_EVERY updates. */
const TRAIL_PARTICLES = 256;
const TRAIL_LENGTH = 64;
const TRAIL_EVERY = 1;
/** Entries of the picked particle's history ring; more updates than this between two readbacks lose the oldest. */
const HISTORY_LENGTH = 4096;
/** Frames submitted but not finished on the GPU before the loop waits. */
const MAX_FRAMES_IN_FLIGHT = 2;
/** A pointer that moves less than this many CSS pixels between press and release is a click, not an orbit drag. */
const CLICK_SLOP = 4;
/** Most particles sampled for the population statistics and the sweep plots. */
const MAX_SAMPLES = 65_536;
/** Time between two population samples, in milliseconds, once the update count no longer doubles between them. */
const SAMPLE_INTERVAL = 500;
/** Time between two clusterings of converged particles, for the basins of minima the surface does not list, in milliseconds. */
const CLUSTER_INTERVAL = 2000;
/** Characters of a rejected formula that the log repeats. */
const LOGGED_FORMULA_LENGTH = 80;
/** Minima listed in the notice of 'list minima found'. */

export interface AppElements {
  root: HTMLElement;
  canvas: HTMLCanvasElement;
  status: HTMLElement;
  notices: HTMLElement;
  plot: HTMLElement;
  legend: HTMLElement;
  inspector: HTMLElement;
  basinLegend: HTMLElement;
  sweep: HTMLElement;
  verify: HTMLElement;
}

/** One optimizer configuration with its particles on the GPU. */
interface Run {
  descent: Descent;
  classifier: BasinClassifier;
  sampler: PopulationSampler;
  stats: StatsSnapshot | undefined;
  basinCounts: BasinCounts | undefined;
}

export class App {
  settings: AppSettings = cloneSettings(DEFAULT_SETTINGS);

  private gpu!: GpuContext;
  private view!: SceneView;
  private panel!: Panel;
  private readonly notices: Notices;
  private readonly linkProblems: LinkProblemNotices;
  private readonly statusBar: StatusBar;
  private readonly legend: Legend;
  private readonly inspector: Inspector;
  private readonly basinLegend: BasinLegend;
  private readonly sweepPlots: SweepPlots;
  private readonly verifyView: VerifyView;
  private verifyWorker: Worker | undefined;
  /** The verification in progress, if any; cancelling marks it so each of its stages stops. */
  private verifyAttempt: { cancelled: boolean } | undefined;
  /** Per particle of the active run, the marks of the last verification (see MARK_*); its buffer is drawn on the basin map. */
  private verifyMarks: GPUBuffer | undefined;
  /** True from showing a report's marks until the basin legend lists them, when the side column scrolls to legend and report again. */
  private scrollToReport = false;
  /** The last verification report, for the console and the tests. */
  lastVerifyReport: VerifyReport | undefined;
  /** The basin view before verify turned the map on for its marks; closing the report restores it. */
  private basinViewBeforeVerify: AppSettings['basinView'] | undefined;
  private readonly sampleClock = new SampleClock(SAMPLE_INTERVAL);
  /** True once the population band has a sample of the starts, at update 0 of a scene or reset. */
  private startSampled = false;
  /** Watches for frames that take seconds; public so that a test can lower its threshold. */
  readonly slowFrames = new SlowFrames();
  private lastClustering = 0;
  private mapInteraction!: MapInteraction;
  private comparer: BasinComparer | undefined;
  private differing: number | undefined;
  /** Regions left by zooming in, innermost last, for zooming back out. */
  private readonly regionStack: (Domain | undefined)[] = [];
  private gridStartsInUse: GridStarts | undefined;
  private plot: HistoryPlot | undefined;
  private runs: Run[] = [];
  private surface: CompiledSurface | undefined;
  private surfaceDefinition: SurfaceDefinition | undefined;
  private colorLegend!: ColorLegend;
  /** Ticks and labels of the 2D and 1D views. */
  private axes!: AxisOverlay;
  /** Formula, domain and z scale of the drawn surface mesh, so that it is redrawn only when one changes. */
  private drawnKey = '';
  /** Minima of the last clustering of converged particles. */
  foundMinima: FoundMinimum[] = [];
  /** The surface's known minima followed by the found ones no known minimum covers (see combineMinima); empty until the first clustering. */
  private namedMinima: NamedMinimum[] = [];
  private starts: Float32Array = new Float32Array(0);
  private pickedIndex = 0;
  /** The camera each view had when the user last left it for the other, kept while the scene stays. */
  private viewCameras = new Map<ViewMode, ReturnType<SceneView['cameraState']>>();
  /** The picked particle's positions and losses in the active run, by update count. */
  private pickedPath = new Map<number, [number, number, number]>();
  private pendingSteps = 0;
  private framesInFlight = 0;
  /** Frames whose GPU work has finished, for tests that wait for the view to be drawn. */
  private finishedFrames = 0;
  private pickAt: [number, number] = [0.95, 0.9];
  /** A preset's scene is being built: no warning about its learning rate. */
  private presetBuilding = false;
  /** The stability-limit warning for the current surface and rate, if any. */
  private readonly stabilityNotice: NoticeSlot;
  /** The explanation of the last preset chosen, until the next preset or a change of its scene. */
  private readonly presetNotice: NoticeSlot;
  /** The notice about stopped particles after a change, once shown in this scene (it may have timed out since). */
  private readonly stoppedNotice: NoticeSlot;
  /** The warning that the surface is undefined at every start, while the scene built is such. */
  private readonly undefinedNotice: NoticeSlot;
  private basinNodes: BasinMapNodes | undefined;
  private rebuilding: Promise<void> = Promise.resolve();
  private linkSync: LinkSync | undefined;
  private shortcuts!: Shortcuts;
  /** The settings of the scene that runs, as last built. */
  private builtSettings: AppSettings | undefined;
  /** True while a new device replaces a lost one; the frame loop waits. */
  private recovering = false;
  /** Devices lost and replaced since the page loaded. */
  deviceLosses = 0;
  private disposed = false;
  /** Set once the GPU, the view and the panel exist; change() before that only records the settings. */
  private started = false;
  /** Update count a paused scene runs to (from a link), then stays paused. */
  private runTo: number | undefined;
  /** Set when start() failed because WebGPU (adapter, device or view) did not start. */
  gpuStartFailed = false;

  constructor(private readonly elements: AppElements) {
    this.notices = new Notices(elements.notices);
    this.linkProblems = new LinkProblemNotices(this.notices);
    this.stabilityNotice = new NoticeSlot(this.notices, 'info', 15000);
    this.presetNotice = new NoticeSlot(this.notices, 'info', 20000);
    this.stoppedNotice = new NoticeSlot(this.notices, 'info', 15000);
    this.undefinedNotice = new NoticeSlot(this.notices, 'error', 30000);
    this.statusBar = new StatusBar(elements.status);
    this.legend = new Legend(elements.legend, (index, visible) => {
      const next = cloneSettings(this.settings);
      next.runs[index].visible = visible;
      this.change(next);
    });
    this.inspector = new Inspector(elements.inspector);
    this.basinLegend = new BasinLegend(elements.basinLegend);
    this.sweepPlots = new SweepPlots(elements.sweep);
    this.verifyView = new VerifyView(
      elements.verify,
      () => this.cancelVerify(),
      () => this.closeVerifyReport(),
      (index) => this.pick(index),
    );
  }

  /** Updates done by the active configuration's particles. */
  get stepsDone(): number {
    return this.activeDescent?.stepsDone ?? 0;
  }

  get particleCount(): number {
    return this.activeDescent?.particleCount ?? 0;
  }

  /** Frames drawn so far whose GPU work has finished. */
  get framesDrawn(): number {
    return this.finishedFrames;
  }

  /** Status counts of the active configuration, as last read back. */
  get lastStats(): StatsSnapshot | undefined {
    return this.runs[this.settings.active]?.stats;
  }

  get adapterName(): string {
    return this.gpu?.adapterName ?? '';
  }

  get picked(): number {
    return this.pickedIndex;
  }

  /** Resolves once every queued rebuild (new surface, grid or optimizers) has finished. */
  whenBuilt(): Promise<void> {
    return this.rebuilding;
  }

  private get activeDescent(): Descent | undefined {
    return this.runs[this.settings.active]?.descent;
  }

  /**
   * Starts WebGPU, builds the first scene and the panel, and begins the frame
   * loop. Rejects with the error of createGpuContext (WebGpuUnavailableError,
   * NoAdapterError, DeviceRequestError) or of the view when WebGPU does not
   * start; the page then runs the CPU fallback (src/ui/fallbackApp.ts).
   */
  async start(): Promise<void> {
    try {
      await this.startGpu();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      console.warn(`downhill: cannot start WebGPU: ${message}`);
      this.gpuStartFailed = true;
      this.disposed = true;
      this.gpu?.destroy();
      throw error;
    }
    this.colorLegend = new ColorLegend(this.elements.root);
    this.axes = new AxisOverlay(this.elements.canvas);
    this.panel = new Panel(this.settings, {
      change: (next) => this.change(next),
      step: () => this.singleStep(),
      reset: () => this.reset(),
      preset: (name) => this.applyPreset(name),
      zoomOut: () => this.zoomOut(),
      listMinima: () => void this.listMinima(),
      verify: () => void this.verify(),
      copyLink: () => void this.copyLink(),
      exportFile: (kind, scale) => void this.exportFile(kind, scale),
      showHelp: () => this.shortcuts.toggleHelp(),
      hidePanels: () => this.shortcuts.togglePanels(),
      notify: (message) => this.notices.show(message, 'error'),
    });
    this.shortcuts = new Shortcuts(this.elements.root, {
      togglePause: () => this.change({ ...cloneSettings(this.settings), paused: !this.settings.paused }),
      step: () => this.singleStep(),
      reset: () => this.reset(),
      view: (mode) => this.change({ ...cloneSettings(this.settings), view: mode }),
      verify: () => void this.verify(),
      copyLink: () => void this.copyLink(),
      saveView: () => void this.exportFile('view', 1),
      panelsToggled: () => this.updateInsets(),
    }, this.notices);
    this.listenForPicks();
    this.mapInteraction = new MapInteraction(this.elements.canvas, this.elements.root, {
      pointAt: (px, py) => this.view.surfacePointAt(px, py),
      describe: (point) => this.describeStart(point),
      pick: (point) => this.pickStart(point),
      zoom: (a, b) => this.zoomTo(a, b),
      setControlsEnabled: (enabled) => this.view.setControlsEnabled(enabled),
    });

    const link = location.hash.length > 1 ? decodeLink(location.hash) : undefined;
    if (link) {
      this.settings = link.state.settings;
      this.panel.show(this.settings);
    }
    this.view.setViewMode(this.settings.view);
    this.view.setTrailsVisible(this.settings.trails);
    this.started = true;
    await this.rebuild();
    if (link) {
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
    }).observe(this.elements.canvas);
    this.updateInsets();
    requestAnimationFrame((time) => this.frame(time));
  }

  /** Acquires an adapter and a device, and creates the view on them. */
  private async startGpu(): Promise<void> {
    this.gpu = await createGpuContext(navigator.gpu, {
      onLost: (info) => void this.deviceLost(info),
      onUncapturedError: (message) => {
        console.error(`downhill: uncaptured WebGPU error: ${message}`);
        this.notices.show(`WebGPU error: ${message}`, 'error');
      },
    });
    console.info(`downhill: WebGPU adapter ${this.gpu.adapterName}`);
    if (this.gpu.cpuAdapter) {
      console.info('downhill: this adapter runs on the CPU, so the view is drawn without antialiasing and with a coarser surface mesh');
    }
    this.view = await SceneView.create(this.elements.canvas, this.gpu.device, this.gpu.cpuAdapter);
    this.view.setViewMode(this.settings.view);
    this.view.setTrailsVisible(this.settings.trails);
    this.view.onCameraChange(() => this.linkChanged('replace'));
  }

  /** The device the scene runs on now (it changes when a lost device is replaced). */
  get gpuDevice(): GPUDevice {
    return this.gpu.device;
  }

  /** Stops the scene and destroys its device on purpose (page unload): not reported as a loss. */
  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    this.cancelVerify();
    this.gpu?.destroy();
  }

  /** Tells the view how much of the canvas the side column, the panel and the colour bar cover. */
  private updateInsets(): void {
    const side = this.elements.root.querySelector('.side')?.getBoundingClientRect();
    const panel = this.panel.gui.domElement.getBoundingClientRect();
    this.view.setInsets(side ? side.right + 8 : 0, this.colorLegend.rightInset(panel, this.elements.canvas.clientWidth));
  }

  /**
   * Applies new settings. Invalid values are rejected with a notice naming
   * them, and the previous settings and scene stay as they were.
   */
  change(next: AppSettings): boolean {
    let valid: AppSettings;
    try {
      valid = validateSettings(next);
    } catch (error) {
      this.reject(next, error);
      return false;
    }
    next = valid;

    const previous = this.settings;
    this.settings = cloneSettings(next);
    if (!this.started) {
      // Called while WebGPU starts: the first scene is built from these settings.
      return true;
    }
    this.panel.show(this.settings, { canZoomOut: this.regionStack.length > 0 });
    // Pausing or another view keeps the preset's scene, and its name in the menu.
    if (sceneDiffers(previous, this.settings)) {
      this.panel.clearPreset();
      // The preset's explanation describes its scene, which this one no longer is.
      this.presetNotice.clear();
    }

    if (previous.paused && !this.settings.paused) {
      // The pause is no part of the rate: it starts again from the first updates after it.
      this.statusBar.restart();
    }
    this.updateStabilityWarning(JSON.stringify(activeRun(previous).optimizer) !== JSON.stringify(activeRun(this.settings).optimizer));
    if (needsRebuild(previous, this.settings)) {
      void this.rebuild();
    } else {
      this.applyLiveSettings();
      const hyperparametersChanged =
        JSON.stringify(previous.runs.map((run) => [run.optimizer, run.schedule])) !== JSON.stringify(this.settings.runs.map((run) => [run.optimizer, run.schedule])) ||
        JSON.stringify(previous.sweep) !== JSON.stringify(this.settings.sweep) ||
        JSON.stringify(previous.noise) !== JSON.stringify(this.settings.noise) ||
        JSON.stringify(previous.criteria) !== JSON.stringify(this.settings.criteria);
      if (hyperparametersChanged && (this.settings.restartOnChange || this.settings.sweep.enabled)) {
        // A sweep's plots describe runs from the start, so a changed sweep restarts.
        this.reset();
      } else if (hyperparametersChanged) {
        this.noteStoppedParticles();
      }
      this.legend.setRuns(this.settings.runs, this.settings.active, sweepAxes(this.settings));
      if (previous.active !== this.settings.active) {
        this.createPlot();
      }
    }
    if (next.view !== previous.view) {
      // Going back to a view finds its zoom and pan as the user left them.
      this.viewCameras.set(previous.view, this.view.cameraState());
      this.view.setViewMode(next.view);
      const camera = this.viewCameras.get(next.view);
      if (camera) {
        this.view.setCameraState(camera);
      }
      this.drawPickedPath();
    }
    if (next.trails !== previous.trails) {
      this.view.setTrailsVisible(next.trails);
    }
    if (next.zScale !== previous.zScale) {
      this.drawSurface();
    }
    this.linkChanged('entry');
    return true;
  }

  /** The scene as a link carries it. */
  linkState(): LinkState {
    return sceneLinkState({ settings: this.settings, runTo: this.runTo, stepsDone: this.stepsDone, pickedIndex: this.pickedIndex, particleCount: this.particleCount }, roundCamera(this.view.cameraState()));
  }

  /** The address of this scene, for sharing. */
  get link(): string {
    this.linkSync?.flush();
    return this.linkSync?.link ?? location.href;
  }

  /**
   * Copies the link of this scene to the clipboard, or shows it to copy by hand where the browser refuses.
   * It waits for any build in progress, so that the link names one scene.
   */
  async copyLink(): Promise<void> {
    await this.whenBuilt();
    return copyLinkToClipboard(this.link, this.notices);
  }

  private linkChanged(kind: LinkChange): void {
    this.linkSync?.changed(kind);
  }

  /** Applies a link (Back, Forward, or one typed in): its settings, then its camera, pick and step. */
  private async applyLink(decoded: DecodedLink): Promise<void> {
    this.showLinkProblems(decoded.problems);
    if (!this.change(decoded.state.settings)) {
      return;
    }
    await this.whenBuilt();
    this.applyLinkExtras(decoded);
  }

  private applyLinkExtras(decoded: DecodedLink): void {
    const { state, problems } = decoded;
    this.showLinkProblems(problems);
    // A formula that did not compile stays in its field, marked, to be corrected there.
    if (decoded.rejectedFormula) {
      this.panel.surface.showFormulaError(decoded.rejectedFormula.text, decoded.rejectedFormula.error);
    } else {
      // Back, Forward or a new link replace a rejected formula that an earlier link left in the field.
      this.panel.surface.showRunningFormula();
    }
    if (state.camera) {
      this.view.setCameraState(state.camera);
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

  /** Shows why a change was rejected: a formula fault next to the field, anything else as a notice. */
  private reject(next: AppSettings, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.panel.show(this.settings, { canZoomOut: this.regionStack.length > 0 });
    if (error instanceof FormulaError && next.surface === CUSTOM_SURFACE_NAME && typeof next.formula === 'string') {
      const shown = next.formula.length > LOGGED_FORMULA_LENGTH ? `${next.formula.slice(0, LOGGED_FORMULA_LENGTH)}…` : next.formula;
      console.info(`downhill: rejected formula "${shown}" (${next.formula.length} characters): ${message}`);
      this.panel.surface.showFormulaError(next.formula, error);
      return;
    }
    this.notices.show(message, 'error');
  }

  /** Returns the minima that name the basins: the surface's known ones, then those found by clustering converged particles. */
  private basinMinima(): readonly NamedMinimum[] {
    if (this.namedMinima.length > 0) {
      return this.namedMinima;
    }
    return (this.surfaceDefinition?.minima ?? []).map(({ x, y, value }) => ({ x, y, value, known: true }));
  }

  /** True when converged particles may reach minima the surface does not list, so clustering adds basins. */
  private needsFoundMinima(): boolean {
    const definition = this.surfaceDefinition;
    return definition !== undefined && (definition.minima.length === 0 || !definition.allMinimaListed);
  }

  /** True when a moving particle within the radius of a minimum takes its basin: gradient noise keeps particles from converging. */
  private get assignMoving(): boolean {
    return this.settings.noise.sigma > 0;
  }

  /** Name, formula and domain of the surface that runs; it changes when a new scene is built, after the settings. */
  get runningSurface(): { name: string; formula: string; dims: 1 | 2; domain: Domain } | undefined {
    const definition = this.surfaceDefinition;
    const starts = this.gridStartsInUse;
    if (!definition || !starts) {
      return undefined;
    }
    return { name: definition.name, formula: definition.formula, dims: definition.dims, domain: { ...starts.domain } };
  }

  /**
   * Reads every particle of the active configuration back, clusters the
   * converged ones into minima (src/core/minima.ts) and lists them in a
   * notice. Found minima that no known minimum covers become basins of
   * their own after the known ones.
   */
  async listMinima(notify = true): Promise<FoundMinimum[]> {
    const descent = this.activeDescent;
    const definition = this.surfaceDefinition;
    const surface = this.surface;
    const starts = this.gridStartsInUse;
    if (!descent || !definition || !surface || !starts) {
      return [];
    }
    // The notice lists the active configuration's minima; the basins take those of every configuration on the map.
    const view = this.settings.basinView;
    const descents = notify || view === 'map' || view === 'off' ? [descent] : this.runs.slice(0, 2).map((run) => run.descent);
    const results = await Promise.all(descents.map((shown) => readResult(this.gpu.device, shown)));
    if (descent !== this.activeDescent || descents.some((shown) => !this.runs.some((run) => run.descent === shown))) {
      return [];
    }
    const result = results.length === 1 ? results[0] : joinResults(results);
    const found = clusterMinima(result.positions, result.status, surface, { domain: starts.domain });
    this.foundMinima = found;
    if (this.needsFoundMinima()) {
      const combined = combineMinima(definition.minima, this.namedMinima, found, effectiveRadius(this.settings), MAX_BASINS);
      const unchanged =
        combined.length === this.namedMinima.length &&
        combined.every((minimum, k) => minimum.x === this.namedMinima[k].x && minimum.y === this.namedMinima[k].y);
      this.namedMinima = combined;
      // Rebuilding the basin map's nodes every clustering would recompile its material for nothing.
      if (!unchanged) {
        this.applyLiveSettings();
      }
    }

    if (!notify) {
      return found;
    }
    const converged = result.status.filter((status) => status === STATUS.converged).length;
    console.info(`downhill: ${found.length} minima from ${converged} converged particles on ${definition.name}`);
    showFoundMinima(this.notices, found, definition.dims, starts.domain, converged);
    return found;
  }

  /** Draws the running surface with the current z scale, unless that very surface is drawn already. */
  private drawSurface(): void {
    const definition = this.surfaceDefinition;
    const surface = this.surface;
    const starts = this.gridStartsInUse;
    if (!definition || !surface || !starts) {
      return;
    }
    const key = [definition.formula, formatDomain(starts.domain, definition.dims), this.settings.zScale].join('|');
    if (key === this.drawnKey) {
      return;
    }
    const scale = this.view.setSurface(
      {
        value: (x, y) => drawnLoss(surface, x, y),
        domain: starts.domain,
        dims: definition.dims,
        knownMinimum: definition.minima.find((minimum) => minimum.global)?.value,
      },
      this.settings.zScale,
    );
    this.colorLegend.show(scale, definition.dims);
    this.updateInsets();
    this.drawnKey = key;
  }

  /**
   * Hands hyperparameters, schedules, noise and visibility to the running
   * descents, from the next dispatch on. A run whose optimizer differs from
   * its descent's is skipped: a rebuild for it is queued.
   */
  private applyLiveSettings(): void {
    const minima = this.basinMinima();
    const radius = effectiveRadius(this.settings);
    this.runs.forEach((run, k) => {
      const runSettings = this.settings.runs[k];
      if (!runSettings || runSettings.optimizer.name !== run.descent.optimizerName) {
        return;
      }
      run.descent.setOptimizer(runSettings.optimizer);
      const axes = sweepAxes(this.settings);
      const cells = axes ? sweepCells(runSettings.optimizer, axes) : undefined;
      // A sweep of another size waits for its rebuild, which is queued.
      if (cells && cells.length === run.descent.cellCount) {
        run.descent.setCells(cells);
      }
      run.descent.setSchedule(runSettings.schedule);
      run.descent.setNoise(this.settings.noise);
      run.descent.setCriteria(this.settings.criteria);
      run.classifier.setMinima(minima, radius, this.assignMoving);
      this.view.setRunVisible(k, runSettings.visible);
    });
    this.applyBasinView();
  }

  /** Shows or hides the basin map and its legend as the settings say, and enables the map gestures. */
  private applyBasinView(): void {
    const view = this.settings.basinView;
    const needsTwo = view === 'side-by-side' || view === 'difference';
    if (view === 'off' || this.runs.length === 0 || (needsTwo && this.runs.length < 2)) {
      this.colorLegend.setCovered(false);
      this.updateInsets();
      this.view.setBasinMap(undefined, false);
      this.basinLegend.hide();
      this.mapInteraction.enabled = false;
      if (needsTwo && this.runs.length < 2) {
        this.notices.show('The side-by-side and difference views compare two optimizer configurations: add a second one in the Optimizer folder.', 'info');
      }
      return;
    }

    const first = needsTwo ? this.runs[0] : this.runs[this.settings.active];
    const second = needsTwo ? this.runs[1] : undefined;
    const source = (run: Run) => ({ basins: run.classifier.basins, stopSteps: run.descent.stopSteps, count: run.descent.particleCount });
    const marks = view === 'map' ? this.verifyMarks : undefined;
    const nodes = new BasinMapNodes(this.view.renderer, { ...source(first), marks }, second ? source(second) : undefined);
    const starts = this.gridStartsInUse!;
    nodes.setGrid(starts.domain, starts.nx, starts.ny);
    nodes.mode.value = view === 'difference' ? 2 : 0;
    this.basinNodes = nodes;
    this.colorLegend.setCovered(true);
    this.updateInsets();
    this.view.setBasinMap(nodes, view === 'side-by-side');
    this.mapInteraction.enabled = true;
    this.basinLegend.setMinima(this.basinMinima(), this.surfaceDefinition!.dims, starts.domain, effectiveRadius(this.settings), this.assignMoving);
  }

  /** Applies a preset's settings and explains what it shows. */
  applyPreset(name: string): void {
    const preset = findPreset(name);
    if (!preset) {
      this.notices.show(`unknown preset "${name}"`, 'error');
      return;
    }
    this.pickAt = preset.pickAt;
    // A preset explains its own rate, which may be too large on purpose.
    this.presetBuilding = true;
    this.surfaceDefinition = undefined;
    this.settings = validateSettings(applyPresetSettings(this.settings, preset));
    this.panel.show(this.settings);
    this.presetNotice.show(preset.explanation);
    this.view.setViewMode(this.settings.view);
    void this.rebuild();
    this.linkChanged('entry');
  }

  singleStep(): void {
    for (const run of this.runs) {
      run.descent.step(1);
    }
    this.linkChanged('replace');
  }

  reset(): void {
    // Every particle starts again, so the notice about stopped particles is out of date.
    this.stoppedNotice.clear();
    for (const run of this.runs) {
      run.descent.reset();
      run.stats = undefined;
    }
    this.clearPickedPath();
    this.statusBar.restart();
    this.startSampled = false;
    this.runTo = undefined;
    this.linkChanged('replace');
  }

  /** Picks particle `index` in every configuration: its path is highlighted and the inspector follows it. */
  pick(index: number): void {
    this.pickedIndex = index;
    for (const run of this.runs) {
      run.descent.setPicked(index);
    }
    this.view.setPicked(index);
    this.clearPickedPath(true);
    this.linkChanged('replace');
  }

  /**
   * Says, once per scene, that changed hyperparameters leave the particles
   * that already stopped where they are, when at least a tenth did.
   */
  private noteStoppedParticles(): void {
    const stats = this.lastStats;
    const count = this.particleCount;
    if (this.stoppedNotice.text !== undefined || !stats || count === 0) {
      return;
    }
    const stopped = (stats.converged + stats.diverged) / count;
    if (stopped < 0.1) {
      return;
    }
    this.stoppedNotice.show(
      `The change applies to the particles still moving; the ${formatShare(stats.converged + stats.diverged, count)} that already converged or diverged stay where they stopped. ` +
        'Press R (reset) to start every particle again, or turn on "restart on every change" in the Optimizer folder.',
    );
  }

  /**
   * Warns when a surface chosen outside a preset and a sweep meets a rate
   * above its stability limit, where every particle diverges at once.
   */
  private warnAboveStabilityLimit(settings: AppSettings, definition: SurfaceDefinition, surface: CompiledSurface): void {
    // A warning about the surface before is out of date on this one.
    this.stabilityNotice.clear();
    if (this.presetBuilding || settings.sweep.enabled) {
      return;
    }
    const optimizer = activeRun(settings).optimizer;
    const warning = stabilityWarning(definition.name, optimizer.name, optimizer.lr, surfaceStabilityLimit(definition, surface, optimizer));
    if (warning) {
      this.stabilityNotice.show(warning);
    }
  }

  /**
   * Updates the stability warning after a change of settings. A change of the
   * active optimizer or its rate shows the warning where the rate is above the
   * limit. Other changes only update a warning already shown. The warning goes
   * once the rate is at or below the limit.
   */
  private updateStabilityWarning(optimizerChanged: boolean): void {
    const shownWarning = this.stabilityNotice.text;
    if ((shownWarning === undefined && !optimizerChanged) || !this.surfaceDefinition || !this.surface) {
      return;
    }
    const optimizer = activeRun(this.settings).optimizer;
    const limit = this.presetBuilding || this.settings.sweep.enabled ? undefined : surfaceStabilityLimit(this.surfaceDefinition, this.surface, optimizer);
    const warning = stabilityWarning(this.surfaceDefinition.name, optimizer.name, optimizer.lr, limit);
    if (warning === undefined) {
      this.stabilityNotice.clear();
    } else if (warning !== shownWarning) {
      this.stabilityNotice.show(warning);
    }
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
    this.view.setPickedPath([], this.settings.active);
  }

  /**
   * Compiles the surface and builds one descent pipeline per configuration.
   * The old ones keep running until the new ones are ready, and stay if any
   * new one fails.
   */
  private rebuild(): Promise<void> {
    // The address waits for the build, which chooses the pick and the camera of the new scene.
    this.linkSync?.hold();
    // Each rebuild waits for the one before; a failure is reported and does not stop later ones.
    this.rebuilding = this.rebuilding.then(() =>
      this.rebuildNow()
        .catch((error: unknown) => {
          console.error('downhill: rebuild failed', error);
          this.notices.show(`Could not build the scene: ${error instanceof Error ? error.message : String(error)}`, 'error');
        })
        .finally(() => this.linkSync?.release()),
    );
    return this.rebuilding;
  }

  private async rebuildNow(): Promise<void> {
    const settings = cloneSettings(this.settings);
    const started = performance.now();
    console.info(`downhill: building surface ${settings.surface}, grid ${settings.grid}, ${settings.runs.map((run) => run.optimizer.name).join(' + ')}`);

    let surface: CompiledSurface;
    let definition: SurfaceDefinition;
    let starts: GridStarts;
    let sameStarts = false;
    const built: Run[] = [];
    try {
      ({ definition, compiled: surface } = resolveSurface(settings));
      starts = gridStarts(definition, settings.grid, settings.domain);
      sameStarts = definition.formula === this.surfaceDefinition?.formula && JSON.stringify(starts.domain) === JSON.stringify(this.gridStartsInUse?.domain) && this.runs[0]?.descent.particleCount === starts.nx * starts.ny;
      const pickedIndex = sameStarts ? this.pickedIndex : pickIndex(starts, this.pickAt);
      const creations = settings.runs.map((runSettings) => this.createRun(surface, starts, runSettings, settings, pickedIndex));
      const results = await Promise.allSettled(creations);
      for (const result of results) {
        if (result.status === 'fulfilled') {
          built.push(result.value);
        }
      }
      const failure = results.find((result) => result.status === 'rejected');
      if (failure) {
        throw (failure as PromiseRejectedResult).reason;
      }
    } catch (error) {
      for (const run of built) {
        run.sampler.destroy();
        run.classifier.destroy();
        run.descent.destroy();
      }
      const message = error instanceof Error ? error.message : String(error);
      const log = error instanceof LimitExceededError ? console.warn : console.error;
      log(`downhill: rebuild failed for surface ${settings.surface}, grid ${settings.grid}: ${message}`);
      // The running scene stays, and so do its settings, unless newer ones already wait for their own build.
      const builtSettings = this.builtSettings;
      const kept = builtSettings !== undefined && JSON.stringify(this.settings) === JSON.stringify(settings);
      if (kept) {
        this.settings = keepBuilt(this.settings, builtSettings);
        this.panel.show(this.settings, { canZoomOut: this.regionStack.length > 0 });
        this.linkChanged('replace');
      }
      this.notices.show(`Could not build the scene: ${message}.${kept ? ' The running scene and its settings are kept.' : ''}`, 'error');
      this.presetBuilding = false;
      return;
    }
    this.builtSettings = cloneSettings(settings);
    console.info(`downhill: built ${built.length} × ${built[0].descent.particleCount} particles in ${(performance.now() - started).toFixed(0)} ms`);

    const surfaceChanged = definition.formula !== this.surfaceDefinition?.formula;
    // Everything new is built before anything old is destroyed: from here to
    // the end of this function nothing awaits, so no frame draws in between.
    let comparer: BasinComparer | undefined;
    if (built.length >= 2) {
      comparer = await BasinComparer.create(this.gpu, built[0].classifier, built[1].classifier, built[0].descent.particleCount, (differing) => {
        if (this.comparer === comparer) {
          this.differing = differing;
        }
      });
    }
    for (const run of this.runs) {
      run.sampler.destroy();
      run.classifier.destroy();
      run.descent.destroy();
    }
    this.comparer?.destroy();
    this.comparer = comparer;
    // Hover text describes particles of the old scene.
    this.mapInteraction?.hideTooltip();
    // A report and its marks belong to the particles they checked. Closing an earlier report leaves the basin view as it is now.
    this.cancelVerify();
    this.clearVerifyMarks();
    this.basinViewBeforeVerify = undefined;
    this.verifyView.markEarlier();
    this.differing = undefined;
    this.runs = built;
    this.startSampled = false;
    this.gridStartsInUse = starts;
    this.surface = surface;
    this.surfaceDefinition = definition;
    // A particle picked while the pipelines compiled stays picked.
    if (sameStarts && this.pickedIndex !== built[0].descent.picked) {
      for (const run of built) {
        run.descent.setPicked(this.pickedIndex);
      }
    }
    this.pickedIndex = built[0].descent.picked;
    // Particle k starts at start k mod startsPerCell: a sweep repeats the grid once per cell.
    this.starts = new Float32Array(2 * built[0].descent.particleCount);
    const perCell = 2 * built[0].descent.startsPerCell;
    fillStarts(starts, this.starts.subarray(0, perCell));
    for (let offset = perCell; offset < this.starts.length; offset += perCell) {
      this.starts.copyWithin(offset, 0, perCell);
    }
    showUndefinedStarts(this.undefinedNotice, surface, this.starts.subarray(0, perCell));
    this.pendingSteps = 0;
    this.statusBar.restart();
    this.slowFrames.reset();
    // A new scene starts every particle again.
    this.stoppedNotice.clear();

    if (surfaceChanged) {
      this.foundMinima = [];
      this.namedMinima = [];
      this.warnAboveStabilityLimit(settings, definition, surface);
    }
    this.drawSurface();
    this.view.setParticles(
      built.map((run, k) => ({
        points: run.descent.points,
        count: run.descent.particleCount,
        trails: run.descent.trails,
        trailShape: { count: run.descent.trailLayout.count, length: run.descent.trailLayout.length },
        trailEvery: run.descent.trailLayout.every,
        color: runColorLinear(k),
        visible: settings.runs[k].visible,
      })),
    );
    this.view.setPicked(this.pickedIndex);
    this.view.setTrailsVisible(settings.trails);
    this.view.setViewMode(settings.view);
    // A new scene starts both views from their default cameras.
    this.viewCameras.clear();
    this.legend.setRuns(settings.runs, settings.active, sweepAxes(settings));
    this.createPlot();
    this.elements.root.classList.toggle('sweep-mode', settings.sweep.enabled);
    if (!settings.sweep.enabled) {
      this.sweepPlots.hide();
    }
    // Settings changed while the pipelines compiled apply now.
    this.applyLiveSettings();
    // The address bar was written before the build chose the picked particle and the camera.
    this.linkChanged('replace');
    this.presetBuilding = false;
  }

  private async createRun(surface: CompiledSurface, starts: GridStarts, runSettings: RunSettings, settings: AppSettings, pickedIndex: number): Promise<Run> {
    const run: Run = {
      descent: undefined as unknown as Descent,
      classifier: undefined as unknown as BasinClassifier,
      sampler: undefined as unknown as PopulationSampler,
      stats: undefined,
      basinCounts: undefined,
    };
    const axes = sweepAxes(settings);
    run.descent = await Descent.create(this.gpu, {
      surface,
      optimizer: runSettings.optimizer,
      schedule: runSettings.schedule,
      noise: settings.noise,
      criteria: settings.criteria,
      cells: axes ? sweepCells(runSettings.optimizer, axes) : undefined,
      starts,
      trail: { maxParticles: TRAIL_PARTICLES, length: TRAIL_LENGTH, every: TRAIL_EVERY },
      historyLength: HISTORY_LENGTH,
      pickedIndex,
      maxStepsPerDispatch: MAX_STEPS_PER_DISPATCH,
      onStats: (snapshot) => this.receiveStats(run, snapshot),
    });
    try {
      run.classifier = await BasinClassifier.create(
        this.gpu,
        {
          points: run.descent.points,
          particleCount: run.descent.particleCount,
          minima: this.basinMinima(),
          radius: effectiveRadius(settings),
          assignMoving: settings.noise.sigma > 0,
        },
        (counts) => this.receiveBasinCounts(run, counts),
      );
      run.sampler = await PopulationSampler.create(this.gpu, run.descent, MAX_SAMPLES, (sample) => this.receiveSample(run, sample));
    } catch (error) {
      run.classifier?.destroy();
      run.descent.destroy();
      throw error;
    }
    return run;
  }

  /** Updates the population band of the loss plot, or the sweep plots, from a sample of the active run. */
  private receiveSample(run: Run, sample: PopulationSample): void {
    // A sample taken before a reset describes the old run.
    if (run !== this.runs[this.settings.active] || sample.generation !== run.descent.generation) {
      return;
    }
    const axes = sweepAxes(this.settings);
    if (axes && sample.cells !== axes.lrCount * (axes.second?.count ?? 1)) {
      // A sample of the descent that a rebuild for this sweep is about to replace.
      return;
    }
    if (axes) {
      const statistics = cellStatistics(sample.cells, sample.status, sample.loss, sample.stopSteps, (k) => Math.floor(k / sample.samplesPerCell));
      const definition = this.surfaceDefinition;
      const optimizer = activeRun(this.settings).optimizer;
      const limit = definition && this.surface ? surfaceStabilityLimit(definition, this.surface, optimizer) : undefined;
      const perCell = sample.samplesPerCell === run.descent.startsPerCell ? 'every start' : `${sample.samplesPerCell} of ${run.descent.startsPerCell} starts`;
      const shownLimit = axes.second ? undefined : limit;
      // The limit comes from the curvature at the listed minima; where the surface curves more away from them, starts there diverge at lower rates.
      let legend = shownLimit === undefined ? '' : `; dashed: stability limit at the minima, η = ${formatValue(shownLimit)}`;
      // A phase map over momentum has a limit per momentum; over β₁ (Adam) none is known.
      const second = axes.second;
      const surface = this.surface;
      const limitAt =
        definition && surface && second && limit !== undefined
          ? (value: number) => surfaceStabilityLimit(definition, surface, { ...optimizer, [second.parameter]: value })
          : undefined;
      // The caption names the curve only where some of it lies within the swept rates.
      const curveShown =
        limitAt !== undefined &&
        second !== undefined &&
        linearSpace(second.min, second.max, 64).some((value) => {
          const rate = limitAt(value);
          return rate !== undefined && rate >= axes.lrMin && rate <= axes.lrMax;
        });
      if (curveShown) {
        legend = '; dashed: stability limit at the minima';
      }
      this.sweepPlots.show(axes, statistics, shownLimit, `Sweep of ${optimizer.name} after ${sample.stepsDone} updates (${perCell} per rate${legend})`, limitAt);
      return;
    }
    const losses = Array.from(sample.loss, (loss, k) => (sample.status[k] === STATUS.diverged ? Infinity : rankedLoss(loss))).sort((a, b) => a - b);
    this.plot?.addPopulation(sample.stepsDone, quantile(losses, 0.1), quantile(losses, 0.5), quantile(losses, 0.9));
  }

  private receiveBasinCounts(run: Run, counts: BasinCounts): void {
    run.basinCounts = counts;
    const view = this.settings.basinView;
    if (view === 'off') {
      return;
    }
    const column = (index: number, place: string): BasinColumn | undefined => {
      const shown = this.runs[index];
      const runSettings = this.settings.runs[index];
      if (!shown?.basinCounts || !runSettings) {
        return undefined;
      }
      const title = `${index + 1}: ${runSettings.optimizer.name}${place}`;
      return { title, color: runColor(index), counts: shown.basinCounts, particles: shown.descent.particleCount };
    };

    if (view === 'map') {
      const index = this.settings.active;
      const single = column(index, '');
      if (run === this.runs[index] && single) {
        this.basinLegend.update(`Basins of ${single.title}`, [single]);
        if (this.scrollToReport && this.verifyMarks) {
          this.scrollToReport = false;
          this.verifyView.scrollIntoColumn();
        }
      }
      return;
    }
    if (run !== this.runs[0] && run !== this.runs[1]) {
      return;
    }
    const sideBySide = view === 'side-by-side';
    let places = ['', ''];
    if (sideBySide) {
      places = this.view.splitArrangement() === 'rows' ? [' (top)', ' (bottom)'] : [' (left)', ' (right)'];
    }
    const first = column(0, places[0]);
    const second = column(1, places[1]);
    if (first && second) {
      const title = sideBySide ? 'Basins of configurations 1 and 2, side by side' : 'Basins of configurations 1 and 2; the map shows where they differ';
      this.basinLegend.update(title, [first, second], this.differing);
    }
  }

  private createPlot(): void {
    this.pickedPath.clear();
    this.sampleClock.reset();
    this.view.setPickedPath([], this.settings.active);
    this.plot?.destroy();
    this.plot = new HistoryPlot(this.elements.plot, this.surfaceDefinition?.dims ?? 2, this.runs.length, this.settings.active);
  }

  private frame(time: number): void {
    if (this.disposed) {
      return;
    }
    if (this.recovering) {
      requestAnimationFrame((next) => this.frame(next));
      return;
    }
    // Frames whose GPU work is still queued: a slow GPU must not let work pile
    // up behind requestAnimationFrame, or every later command waits for it.
    if (this.framesInFlight >= MAX_FRAMES_IN_FLIGHT) {
      requestAnimationFrame((next) => this.frame(next));
      return;
    }

    const target = this.runTo;
    if (target !== undefined && (!this.settings.paused || this.stepsDone >= target)) {
      this.runTo = undefined;
    }
    let stepped = false;
    const active = this.runs[this.settings.active];
    // The population band starts at the starts, before the first update of a scene or a reset.
    if (active && !this.startSampled && active.descent.stepsDone === 0) {
      this.sampleClock.reset();
      this.sampleClock.take(time, 0);
      active.sampler.sample(0);
      this.startSampled = true;
    }
    if (this.runs.length > 0 && (!this.settings.paused || this.runTo !== undefined)) {
      this.pendingSteps += this.settings.stepsPerFrame;
      let steps = Math.floor(this.pendingSteps);
      this.pendingSteps -= steps;
      // One submit per dispatch, each short enough for the GPU watchdog.
      const perSubmit = stepsPerSubmit(this.particleCount);
      if (this.runTo !== undefined) {
        // A link's paused scene: straight to its update count, a submit's worth per frame.
        steps = Math.min(this.runTo - this.stepsDone, perSubmit);
        this.pendingSteps = 0;
      }
      if (steps > 0) {
        // The first stepping frame of a scene counts from here, so that one frame of minutes brings the advice.
        this.slowFrames.submitted(performance.now());
      }
      while (steps > 0) {
        const chunk = Math.min(steps, perSubmit);
        for (const run of this.runs) {
          run.descent.step(chunk);
        }
        steps -= chunk;
        stepped = true;
      }
    }
    // A pick while paused, made when every staging buffer was busy, still owes its snapshot.
    for (const run of this.runs) {
      run.descent.captureOwedSnapshot();
    }

    if (this.basinNodes && this.settings.basinView !== 'off') {
      // Minima the surface does not list get basins from clusters of converged particles.
      if (this.needsFoundMinima() && time - this.lastClustering >= CLUSTER_INTERVAL) {
        this.lastClustering = time;
        void this.listMinima(false);
      }
      for (const run of this.runs) {
        run.classifier.classify(run.descent.stepsDone);
      }
      if (this.settings.basinView === 'difference' || this.settings.basinView === 'side-by-side') {
        this.comparer?.compare();
      }
      this.basinNodes.stepsDone.value = Math.max(1, this.stepsDone);
    }

    if (active && this.sampleClock.take(time, active.descent.stepsDone)) {
      active.sampler.sample(active.descent.stepsDone);
    }

    this.view.render(this.runs.map((run) => run.descent.stepsDone));
    this.axes.update(this.view.axisFrames());
    this.framesInFlight++;
    const device = this.gpu.device;
    const scene = this.runs;
    void device.queue.onSubmittedWorkDone().finally(() => {
      // Work of a lost device may never finish; its frames stopped counting at the loss.
      if (device === this.gpu.device) {
        this.framesInFlight--;
        this.finishedFrames++;
        this.frameFinished(stepped && scene === this.runs);
      }
    });
    this.statusBar.frame(time);
    this.statusBar.render(this.particleCount, this.stepsDone, this.lastStats, this.settings.paused);
    this.plot?.redraw();
    requestAnimationFrame((next) => this.frame(next));
  }

  /** Advises a smaller scene once, when several frames in a row take seconds on this adapter. */
  private frameFinished(stepped: boolean): void {
    if (!stepped) {
      this.slowFrames.interrupt();
      return;
    }
    if (this.slowFrames.finished(performance.now())) {
      const seconds = (this.slowFrames.frameMs / 1000).toFixed(1);
      this.notices.show(
        `Each frame takes about ${seconds} s on this adapter (${this.gpu.adapterName}) for ${formatCount(this.particleCount)} particles ` +
          `at ${formatValue(this.settings.stepsPerFrame)} steps per frame. For a live view, lower the grid or the steps per frame in the Particles folder.`,
        'info',
        30_000,
      );
    }
  }

  private receiveStats(run: Run, snapshot: StatsSnapshot): void {
    const index = this.runs.indexOf(run);
    // A copy made before a reset or a pick would bring back the old run's path.
    if (index < 0 || snapshot.generation !== run.descent.generation) {
      return;
    }
    run.stats = snapshot;
    this.legend.update(index, snapshot, run.descent.particleCount);
    if (index === this.settings.active) {
      // Timed by when the updates were submitted: copies arrive in bursts, submits keep the frames' pace.
      this.statusBar.snapshot(snapshot, run.descent.particleCount, snapshot.capturedAt);
      this.showInspector(snapshot);
    }
    if (snapshot.pickedIndex === this.pickedIndex) {
      const history = historyWithPickedPoint(snapshot);
      this.plot?.add(index, history);
      if (index === this.settings.active) {
        this.extendPickedPath(history, snapshot.stepsDone);
      }
    }
  }

  private extendPickedPath(history: readonly HistoryEntry[], stepsDone: number): void {
    let added = false;
    for (const entry of history) {
      if (entry.step <= stepsDone && !this.pickedPath.has(entry.step) && Number.isFinite(entry.x)) {
        this.pickedPath.set(entry.step, [entry.x, entry.y, entry.loss]);
        added = true;
      }
    }
    if (added) {
      this.drawPickedPath();
    }
  }

  private drawPickedPath(): void {
    const steps = [...this.pickedPath.keys()].sort((a, b) => a - b);
    this.view.setPickedPath(steps.map((step) => this.pickedPath.get(step)!), this.settings.active);
  }

  /** Returns the hyperparameters of the picked particle's cell: a sweep's cell, or the active configuration's own. */
  private pickedCell(): CellHyperparameters {
    const optimizer = activeRun(this.settings).optimizer;
    const axes = sweepAxes(this.settings);
    const perCell = this.runs[this.settings.active]?.descent.startsPerCell;
    if (!axes || perCell === undefined) {
      return singleCell(optimizer)[0];
    }
    return sweepCells(optimizer, axes)[Math.floor(this.pickedIndex / perCell)] ?? singleCell(optimizer)[0];
  }

  private showInspector(snapshot: StatsSnapshot): void {
    const definition = this.surfaceDefinition;
    if (!definition || !this.surface || snapshot.pickedIndex !== this.pickedIndex || this.pickedIndex >= this.starts.length / 2) {
      return;
    }
    const domain = definition.domain;
    const run = activeRun(this.settings);
    const arrows = this.inspector.show(
      {
        index: this.pickedIndex,
        start: [this.starts[2 * this.pickedIndex], this.starts[2 * this.pickedIndex + 1]],
        point: snapshot.pickedPoint,
        state: snapshot.pickedState,
        stepsDone: snapshot.stepsDone,
        stopStep: snapshot.pickedStopStep,
      },
      { surface: this.surface, optimizer: run.optimizer, schedule: run.schedule, noise: this.settings.noise },
      this.pickedCell(),
      definition.dims,
      0.12 * (domain.xMax - domain.xMin),
    );
    const [x, y, loss] = snapshot.pickedPoint;
    this.view.setArrows(x, y, loss, arrows);
  }

  /** Listens for a click (not an orbit drag) on the canvas, which picks the particle drawn nearest to it. */
  private listenForPicks(): void {
    const canvas = this.elements.canvas;
    let down: { x: number; y: number } | undefined;
    canvas.addEventListener('pointerdown', (event) => {
      down = { x: event.clientX, y: event.clientY };
    });
    canvas.addEventListener('pointerup', (event) => {
      if (!down || Math.hypot(event.clientX - down.x, event.clientY - down.y) > CLICK_SLOP || this.mapInteraction.enabled) {
        return;
      }
      const rect = canvas.getBoundingClientRect();
      void this.pickAtPixel(event.clientX - rect.left, event.clientY - rect.top);
    });
  }

  /**
   * Returns the canvas pixel (CSS pixels) where the surface point (x, y) is
   * drawn, for scripted clicks and tests. In the side-by-side view `half`
   * picks the configuration's map.
   */
  screenPositionOf(x: number, y: number, half: 0 | 1 = 0): { px: number; py: number } | undefined {
    const loss = this.surface?.value(x, y, 'f64') ?? 0;
    return this.view.screenPositionOf(x, y, loss, half);
  }

  /** Reads the active configuration's positions back once (a click, not a frame) and picks the nearest particle. */
  async pickAtPixel(px: number, py: number): Promise<number> {
    const descent = this.activeDescent;
    if (!descent) {
      return -1;
    }
    const bytes = await readBuffer(this.gpu.device, descent.points, descent.particleCount * POINT_STRIDE);
    const index = this.view.pickParticle(new Float32Array(bytes), px, py);
    if (index >= 0) {
      this.pick(index);
    }
    return index;
  }

  /** Index of the grid start whose cell contains (x, y), or -1 outside the grid. */
  private startIndexAt(x: number, y: number): number {
    const starts = this.gridStartsInUse;
    if (!starts) {
      return -1;
    }
    const { domain, nx, ny } = starts;
    const column = Math.floor(((x - domain.xMin) / (domain.xMax - domain.xMin)) * nx);
    const row = ny === 1 ? 0 : Math.floor(((y - domain.yMin) / (domain.yMax - domain.yMin)) * ny);
    if (column < 0 || column >= nx || row < 0 || row >= ny) {
      return -1;
    }
    return row * nx + column;
  }

  /** Reads one start's end point, stop step and basin back (a hover, not a frame) and describes them. */
  private async describeStart(point: MapPoint): Promise<string | undefined> {
    const index = this.startIndexAt(point.x, point.y);
    const view = this.settings.basinView;
    // The difference view shows both configurations at once; the others one, named when there are two.
    let described: { run: Run; number: number }[];
    if (view === 'difference') {
      described = this.runs.slice(0, 2).map((run, k) => ({ run, number: k + 1 }));
    } else {
      const number = view === 'map' ? this.settings.active : point.half;
      described = this.runs[number] ? [{ run: this.runs[number], number: number + 1 }] : [];
    }
    if (index < 0 || described.length === 0) {
      return undefined;
    }
    const dims = this.surfaceDefinition?.dims ?? 2;
    const where = (a: number, b: number): string => (dims === 1 ? formatValue(a) : `(${formatValue(a)}, ${formatValue(b)})`);
    const lines = [`start ${index}: ${where(this.starts[2 * index], this.starts[2 * index + 1])}`];
    for (const { run, number } of described) {
      const { x, y, loss, outcome } = await this.outcomeAt(run, index);
      const label = this.runs.length > 1 ? `${number}: ` : '';
      lines.push(`${label}end ${where(x, y)}, loss ${formatValue(loss)}`, `${label}${outcome}`);
    }
    return lines.join('\n');
  }

  /** Reads where particle `index` of `run` ended and describes its outcome: its basin, divergence, or still moving. */
  private async outcomeAt(run: Run, index: number): Promise<{ x: number; y: number; loss: number; outcome: string }> {
    const device = this.gpu.device;
    const [pointBytes, stopBytes, basinBytes] = await Promise.all([
      readBuffer(device, run.descent.points, POINT_STRIDE, index * POINT_STRIDE),
      readBuffer(device, run.descent.stopSteps, STOP_STEP_STRIDE, index * STOP_STEP_STRIDE),
      readBuffer(device, run.classifier.basins, BASIN_STRIDE, index * BASIN_STRIDE),
    ]);
    const [x, y, storedLoss] = new Float32Array(pointBytes);
    const stopStep = new Uint32Array(stopBytes)[0];
    const basin = new Uint32Array(basinBytes)[0];
    const minima = this.basinMinima();
    let outcome: string;
    if (basin === BASIN_MOVING) {
      outcome = 'not converged yet';
    } else if (basin === BASIN_DIVERGED) {
      outcome = `diverged at update ${stopStep}`;
    } else if (basin === BASIN_OTHER) {
      outcome = `converged elsewhere after ${stopStep} updates`;
    } else {
      outcome = `basin of (${formatValue(minima[basin].x)}, ${formatValue(minima[basin].y)}) after ${stopStep} updates`;
    }
    return { x, y, loss: lossFromStored(storedLoss), outcome };
  }

  private pickStart(point: MapPoint): void {
    const index = this.startIndexAt(point.x, point.y);
    if (index >= 0) {
      this.pick(index);
    }
  }

  /** Re-grids the rectangle between two map points at the same resolution; zoomOut() goes back. */
  private zoomTo(a: MapPoint, b: MapPoint): void {
    const dims = this.surfaceDefinition?.dims ?? 2;
    // Bounds rounded to a thousandth of the rectangle's side: the panel shows -1.006, not -1.0062499999999996.
    const round = (value: number, span: number): number => {
      const step = 10 ** (Math.floor(Math.log10(span)) - 3);
      return Number((Math.round(value / step) * step).toPrecision(12));
    };
    const xSpan = Math.abs(a.x - b.x) || 1;
    const ySpan = Math.abs(a.y - b.y) || 1;
    const region: Domain = {
      xMin: round(Math.min(a.x, b.x), xSpan),
      xMax: round(Math.max(a.x, b.x), xSpan),
      yMin: dims === 1 ? 0 : round(Math.min(a.y, b.y), ySpan),
      yMax: dims === 1 ? 0 : round(Math.max(a.y, b.y), ySpan),
    };
    const next = cloneSettings(this.settings);
    next.domain = region;
    const previous = this.settings.domain;
    if (this.change(next)) {
      this.regionStack.push(previous);
      this.panel.show(this.settings, { canZoomOut: true });
    }
  }

  /** Goes back to the region before the last zoom. */
  zoomOut(): void {
    if (this.regionStack.length === 0) {
      return;
    }
    const next = cloneSettings(this.settings);
    next.domain = this.regionStack.pop();
    this.change(next);
  }

  /**
   * Verifies the active configuration: a fresh GPU run to the current update
   * count, then the CPU reference in float32 and float64 in a Web Worker
   * (every particle, or a uniform sample of a large run), then the report and
   * the marks on the basin map. Resolves with the report, or undefined when
   * cancelled or failed.
   */
  async verify(): Promise<VerifyReport | undefined> {
    this.cancelVerify();
    const run = this.runs[this.settings.active];
    const definition = this.surfaceDefinition;
    const surface = this.surface;
    const starts = this.gridStartsInUse;
    if (!run || !definition || !surface || !starts) {
      return undefined;
    }
    const settings = cloneSettings(this.settings);
    const runSettings = activeRun(settings);
    const axes = sweepAxes(settings);
    const steps = Math.max(1, run.descent.stepsDone);
    const setup = {
      optimizer: runSettings.optimizer,
      schedule: runSettings.schedule,
      noise: settings.noise,
      criteria: settings.criteria,
      starts,
      cells: axes ? sweepCells(runSettings.optimizer, axes) : undefined,
    };
    console.info(`downhill: verifying ${definition.name}, ${runSettings.optimizer.name} at η ${runSettings.optimizer.lr}, ${steps} updates`);
    const attempt = { cancelled: false };
    this.verifyAttempt = attempt;

    // The live particles may have seen several rates; a fresh GPU run has one history, which the CPU can repeat.
    this.verifyView.preparing(steps);
    let gpuResult;
    let flushSubnormals;
    try {
      gpuResult = await runDescent(this.gpu, { surface, ...setup }, steps);
      flushSubnormals = await flushesSubnormals(this.gpu.device);
    } catch (error) {
      if (!attempt.cancelled) {
        this.verifyView.failed(error instanceof Error ? error.message : String(error));
      }
      return undefined;
    }
    if (attempt.cancelled) {
      return undefined;
    }
    const checked = chooseParticles(gpuResult.particleCount, steps, 1);
    const sampled = checked.length < gpuResult.particleCount;
    this.verifyView.running(0, checked.length, sampled);

    const minima = this.basinMinima();
    const request: VerifyRequest = {
      formula: definition.formula,
      setup: { ...setup, steps, minima: minima.map(({ x, y, value }) => ({ x, y, value })), radius: effectiveRadius(settings), flushSubnormals },
      gpu: { positions: gpuResult.positions, status: gpuResult.status, stopSteps: gpuResult.stopSteps },
      adapter: this.gpu.adapterName,
      checked,
    };
    const worker = new Worker(new URL('./verifyWorker.ts', import.meta.url), { type: 'module' });
    this.verifyWorker = worker;
    const report = await new Promise<VerifyReport | undefined>((resolve) => {
      worker.onmessage = (event: MessageEvent<VerifyMessage>) => {
        const message = event.data;
        if (message.kind === 'progress') {
          this.verifyView.running(message.share, checked.length, sampled);
        } else if (message.kind === 'report') {
          resolve(message.report);
        } else {
          this.verifyView.failed(message.message);
          resolve(undefined);
        }
      };
      worker.onerror = (event) => {
        this.verifyView.failed(event.message);
        resolve(undefined);
      };
      worker.addEventListener('downhill-cancel', () => resolve(undefined));
      worker.postMessage(request);
    });
    worker.terminate();
    if (attempt.cancelled) {
      return undefined;
    }
    this.verifyWorker = undefined;
    this.verifyAttempt = undefined;
    if (!report) {
      return undefined;
    }
    this.lastVerifyReport = report;
    // The downloaded report records what it checked, and how to open that scene again.
    this.verifyView.report(report, {
      surface: definition.name,
      formula: definition.formula,
      domain: { ...starts.domain },
      grid: settings.grid,
      optimizer: runSettings.optimizer,
      schedule: runSettings.schedule,
      noise: settings.noise,
      criteria: settings.criteria,
      sweep: axes ?? null,
      link: this.link,
    }, axes === undefined);
    console.info(`downhill: verify done: status agreement ${report.gpuVsF32.statusAgreement}, max ulp ${report.gpuVsF32.ulp?.max ?? 'none'}`);
    // The basin map does not show a sweep, so a sweep's report has no marks to show.
    if (axes === undefined) {
      this.showVerifyMarks(report, run);
    }
    return report;
  }

  /**
   * Saves a file of the scene: `view` (PNG at `scale` times the canvas
   * resolution), `basin-map` or `phase-map` (PNG, one pixel per start or
   * cell), `final-csv` or `final-json` (every particle's start, end, loss,
   * status, basin and updates), `loss-csv` (the plotted curves) or
   * `sweep-csv` (one row per swept cell). Resolves with the file's name, or
   * undefined when this scene has no such data (a notice says why).
   */
  async exportFile(kind: ExportKind, scale = 1): Promise<string | undefined> {
    try {
      return await this.exportNow(kind, scale);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      console.error(`downhill: export ${kind} failed: ${message}`);
      this.notices.show(`Could not export: ${message}`, 'error');
      return undefined;
    }
  }

  private async exportNow(kind: ExportKind, scale: number): Promise<string | undefined> {
    // A rebuild in progress would pair the new settings (a sweep's cells, say) with the old particles.
    await this.whenBuilt();
    const settings = this.settings;
    const run = this.runs[settings.active];
    const definition = this.surfaceDefinition;
    if (!run || !definition) {
      return undefined;
    }
    const optimizer = activeRun(settings).optimizer.name;
    const name = (extension: string, ...parts: (string | number)[]): string => fileName([definition.name, ...parts, `step${run.descent.stepsDone}`], extension);
    const axes = sweepAxes(settings);
    const refuse = (message: string): undefined => {
      this.notices.show(message, 'info');
      return undefined;
    };

    switch (kind) {
      case 'view': {
        if (!EXPORT_SCALES.includes(scale)) {
          return refuse(`An image scale of ${scale} is not offered: choose ${EXPORT_SCALES.join(', ')}.`);
        }
        const largest = this.gpu.device.limits.maxTextureDimension2D;
        const ratio = this.view.renderer.getPixelRatio();
        const width = Math.round(this.elements.canvas.clientWidth * ratio * scale);
        const height = Math.round(this.elements.canvas.clientHeight * ratio * scale);
        if (Math.max(width, height) > largest) {
          return refuse(`A ${width} × ${height} image exceeds this GPU's largest texture side of ${largest} pixels: choose a smaller scale.`);
        }
        const image = await this.view.captureImage(
          scale,
          this.runs.map((each) => each.descent.stepsDone),
          (context, originX, originY, pixelScale) => this.axes.paint(context, originX, originY, pixelScale),
          // The 2D and 1D views keep only the rows of the map and its axes.
          this.axes.extent(),
        );
        const file = name('png', 'view', `${image.width}x${image.height}`);
        saveFile(file, image.blob);
        return file;
      }
      case 'basin-map': {
        const starts = this.gridStartsInUse;
        const minima = this.basinMinima();
        if (!starts || axes) {
          return refuse('The basin map is exported for a run without a sweep: turn the sweep off first.');
        }
        if (minima.length === 0) {
          return refuse('No minimum is known yet, so there are no basins to draw: let the particles converge, then list the minima found.');
        }
        const map = await this.basinMapImage(run, starts.nx, starts.ny);
        const file = name('png', 'basins', ...map.nameParts, `${starts.nx}x${starts.ny}`);
        saveFile(file, await encodePng(map.pixels, map.width, map.height));
        return file;
      }
      case 'phase-map': {
        if (!axes?.second) {
          return refuse('A phase map needs a sweep with a second axis (momentum or β₁): set one in the Learning-rate sweep folder.');
        }
        const statistics = await this.sweepStatistics(run);
        const file = name('png', 'phase', optimizer, `${axes.lrCount}x${axes.second.count}`);
        saveFile(file, await encodePng(phaseImage(statistics, axes.lrCount, axes.second.count), axes.lrCount, axes.second.count));
        return file;
      }
      case 'sweep-csv': {
        if (!axes) {
          return refuse('There is no sweep to export: turn the sweep on in the Learning-rate sweep folder.');
        }
        const statistics = await this.sweepStatistics(run);
        const cells = sweepCells(activeRun(settings).optimizer, axes);
        const rows: SweepRow[] = statistics.map((cell, c) => ({ ...cell, lr: cells[c].lr, ...(axes.second ? { y: cells[c][axes.second.parameter] } : {}) }));
        const file = name('csv', 'sweep', optimizer);
        saveText(file, sweepCsv(rows, axes.second?.parameter), 'text/csv');
        return file;
      }
      case 'final-csv':
      case 'final-json': {
        const states = await this.finalStates();
        if (kind === 'final-csv') {
          const file = name('csv', 'final', optimizer);
          saveText(file, finalStatesCsv(states), 'text/csv');
          return file;
        }
        const context = { surface: definition.name, formula: definition.formula, link: this.link, settings: cloneSettings(settings), adapter: this.gpu.adapterName };
        const file = name('json', 'final', optimizer);
        saveText(file, finalStatesJson(states, context), 'application/json');
        return file;
      }
      case 'loss-csv': {
        const table = this.plot?.csvTable();
        if (!table || table.rows.length === 0) {
          return refuse('The loss plot has no values to export yet: let the particles run a few updates, or pick a particle that has not diverged.');
        }
        const file = name('csv', 'loss', optimizer);
        saveText(file, toCsv(table.header, table.rows), 'text/csv');
        return file;
      }
    }
  }

  /**
   * Draws the basin map as the basin view shows it, one pixel per start and
   * shaded by updates to converge. That is the difference of configurations 1
   * and 2, both of their maps arranged as on screen, or else `active`'s map.
   * Returns the pixels and the words that name the view in the file name.
   */
  private async basinMapImage(active: Run, nx: number, ny: number): Promise<RgbaImage & { nameParts: string[] }> {
    const minima = this.basinMinima();
    const radius = effectiveRadius(this.settings);
    // The map on screen scales brightness to the same update count (see frame).
    const stepsDone = Math.max(1, this.stepsDone);
    const read = async (run: Run) => {
      const result = await readResult(this.gpu.device, run.descent);
      const basins = classifyAll(result.status, result.positions, minima, radius, this.assignMoving);
      return { basins, shading: { stopSteps: result.stopSteps, stepsDone } };
    };
    const optimizerOf = (run: Run): string => this.settings.runs[this.runs.indexOf(run)]?.optimizer.name ?? run.descent.optimizerName;

    const view = this.settings.basinView;
    const [first, second] = this.runs;
    if (second && view === 'difference') {
      const [a, b] = await Promise.all([read(first), read(second)]);
      const pixels = basinDifferenceImage(a.basins, b.basins, nx, ny, a.shading);
      return { pixels, width: nx, height: ny, nameParts: ['difference', `${optimizerOf(first)}-vs-${optimizerOf(second)}`] };
    }
    if (second && view === 'side-by-side') {
      const [a, b] = await Promise.all([read(first), read(second)]);
      const image = sideBySideImage(basinImage(a.basins, nx, ny, a.shading), basinImage(b.basins, nx, ny, b.shading), nx, ny, this.view.splitArrangement());
      return { ...image, nameParts: ['side-by-side', `${optimizerOf(first)}-and-${optimizerOf(second)}`] };
    }
    const map = await read(active);
    return { pixels: basinImage(map.basins, nx, ny, map.shading), width: nx, height: ny, nameParts: [optimizerOf(active)] };
  }

  /** Statistics of every cell of the active sweep, from all of its particles. */
  private async sweepStatistics(run: Run) {
    const result = await readResult(this.gpu.device, run.descent);
    const perCell = run.descent.startsPerCell;
    return cellStatistics(run.descent.particleCount / perCell, result.status, result.loss, result.stopSteps, (k) => Math.floor(k / perCell));
  }

  /** Every configuration's particles as they are now. */
  private async finalStates(): Promise<FinalStates[]> {
    const minima = this.basinMinima();
    const radius = effectiveRadius(this.settings);
    const dims = this.surfaceDefinition?.dims ?? 2;
    const names = minima.map((minimum) => (dims === 1 ? `(${formatValue(minimum.x)})` : `(${formatValue(minimum.x)}, ${formatValue(minimum.y)})`));
    const axes = sweepAxes(this.settings);
    return Promise.all(
      this.runs.map(async (run, k) => {
        const result = await readResult(this.gpu.device, run.descent);
        // A configuration removed since its run was built still exports, with the defaults of its optimizer.
        const optimizer = this.settings.runs[k]?.optimizer ?? defaultOptimizer(run.descent.optimizerName);
        return {
          configuration: k + 1,
          optimizer: optimizer.name,
          cells: axes ? sweepCells(optimizer, axes) : [{ lr: optimizer.lr, momentum: optimizer.momentum, beta1: optimizer.beta1 }],
          startsPerCell: run.descent.startsPerCell,
          starts: this.starts,
          positions: result.positions,
          loss: result.loss,
          status: result.status,
          stopSteps: result.stopSteps,
          basins: minima.length > 0 ? classifyAll(result.status, result.positions, minima, radius, this.assignMoving) : undefined,
          basinNames: names,
          stepsDone: run.descent.stepsDone,
        };
      }),
    );
  }

  private cancelVerify(): void {
    const attempt = this.verifyAttempt;
    if (!attempt || attempt.cancelled) {
      return;
    }
    attempt.cancelled = true;
    const worker = this.verifyWorker;
    this.verifyWorker = undefined;
    if (worker) {
      worker.terminate();
      worker.dispatchEvent(new Event('downhill-cancel'));
    }
    this.verifyView.hide();
  }

  /** Uploads the report's marks for the basin map and shows the map of the verified configuration. */
  private showVerifyMarks(report: VerifyReport, run: Run): void {
    this.clearVerifyMarks();
    const marks = new Uint32Array(run.descent.particleCount);
    for (const index of report.f32VsF64.unresolved) {
      marks[index] = MARK_UNRESOLVED;
    }
    for (const index of report.gpuVsF32.disagreeing) {
      marks[index] = MARK_DISAGREE;
    }
    this.verifyMarks = this.gpu.device.createBuffer({ label: 'Verify.marks', size: Math.max(16, marks.byteLength), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    this.gpu.device.queue.writeBuffer(this.verifyMarks, 0, marks);
    this.basinLegend.setVerifyMarks({
      disagreeColor: cssHex(DIFFERENCE_COLOR),
      unresolvedColor: cssHex(UNRESOLVED_COLOR),
      disagreeing: report.gpuVsF32.disagreeing.length,
      unresolved: report.f32VsF64.unresolved.length,
    });
    this.scrollToReport = true;
    if (this.settings.basinView !== 'map') {
      this.basinViewBeforeVerify = this.settings.basinView;
      this.change({ ...cloneSettings(this.settings), basinView: 'map' });
    } else {
      this.applyBasinView();
    }
  }

  /** Removes the closed report's marks, and turns the basin view back to what it was if verify changed it and the user did not. */
  private closeVerifyReport(): void {
    this.cancelVerify();
    this.clearVerifyMarks();
    const before = this.basinViewBeforeVerify;
    this.basinViewBeforeVerify = undefined;
    if (before !== undefined && this.settings.basinView === 'map') {
      this.change({ ...cloneSettings(this.settings), basinView: before });
    } else {
      this.applyBasinView();
    }
  }

  private clearVerifyMarks(): void {
    this.verifyMarks?.destroy();
    this.verifyMarks = undefined;
    this.basinLegend.setVerifyMarks(undefined);
  }

  /**
   * A lost device takes every buffer, pipeline and the renderer with it:
   * forget them, acquire a new device and build the same settings again
   * from the start. Resolves when the scene runs again (or the page says
   * why it cannot).
   */
  private async deviceLost(info: GPUDeviceLostInfo): Promise<void> {
    if (this.recovering) {
      return;
    }
    this.recovering = true;
    const started = performance.now();
    const reported = info.message || info.reason;
    console.warn(`downhill: WebGPU device lost (${info.reason}): ${info.message}; starting again on a new device`);
    this.notices.show(`The GPU device was lost (${reported}). Starting the same scene again on a new device…`, 'error');
    const camera = this.view.cameraState();
    this.cancelVerify();
    // Everything below belonged to the lost device; destroying it is allowed and frees the CPU side.
    for (const run of this.runs) {
      run.sampler.destroy();
      run.classifier.destroy();
      run.descent.destroy();
    }
    this.runs = [];
    this.comparer?.destroy();
    this.comparer = undefined;
    this.clearVerifyMarks();
    this.basinNodes = undefined;
    this.drawnKey = '';
    this.framesInFlight = 0;
    try {
      this.view.dispose();
    } catch (error) {
      console.warn('downhill: disposing the old view failed', error);
    }
    try {
      await this.startGpu();
      this.view.setCameraState(camera);
      this.updateInsets();
      await this.rebuild();
      if (this.runs.length === 0) {
        throw new Error('the scene could not be built on the new device');
      }
    } catch (error) {
      showBlocker(this.elements.root, 'The GPU device was lost', [
        `WebGPU reported: ${reported}. A new device could not take over: ${error instanceof Error ? error.message : String(error)}.`,
        'This happens after a driver reset or when the browser reclaims the GPU. Reload the page to start again.',
      ]);
      return;
    } finally {
      this.recovering = false;
    }
    this.deviceLosses++;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.info(`downhill: running again on a new device after ${seconds} s`);
    this.notices.show(`Running again on a new GPU device (${seconds} s after the loss).`, 'info');
  }
}

/** True when a change needs new pipelines or buffers: another surface, grid, or set of optimizers. */
export function needsRebuild(previous: AppSettings, next: AppSettings): boolean {
  if (previous.surface !== next.surface || previous.grid !== next.grid || previous.runs.length !== next.runs.length) {
    return true;
  }
  if (JSON.stringify(previous.domain) !== JSON.stringify(next.domain)) {
    return true;
  }
  if (previous.formula !== next.formula && next.surface === CUSTOM_SURFACE_NAME) {
    return true;
  }
  if (previous.condition !== next.condition) {
    return true;
  }
  const sweepShape = (settings: AppSettings): string =>
    settings.sweep.enabled ? `${settings.sweep.lrCount} ${settings.sweep.second} ${settings.sweep.second === 'none' ? 1 : settings.sweep.secondCount}` : 'off';
  if (sweepShape(previous) !== sweepShape(next)) {
    return true;
  }
  return previous.runs.some((run, k) => run.optimizer.name !== next.runs[k].optimizer.name);
}

/**
 * `current` with what the running scene was built from put back: its
 * surface, domain, grid, sweep shape and configurations. Settings that
 * apply live (rates, view, noise) stay as the user set them.
 */
function keepBuilt(current: AppSettings, built: AppSettings): AppSettings {
  const next = cloneSettings(current);
  next.surface = built.surface;
  next.formula = built.formula;
  next.condition = built.condition;
  next.domain = built.domain ? { ...built.domain } : undefined;
  next.grid = built.grid;
  next.sweep = { ...built.sweep };
  const sameRuns = built.runs.length === current.runs.length && built.runs.every((run, k) => run.optimizer.name === current.runs[k].optimizer.name);
  if (!sameRuns) {
    next.runs = cloneSettings(built).runs;
    next.active = Math.min(current.active, next.runs.length - 1);
  }
  return next;
}

function gridStarts(definition: SurfaceDefinition, grid: number, region: Domain | undefined): GridStarts {
  const domain = region ?? definition.domain;
  return definition.dims === 1 ? { kind: 'grid', nx: grid, ny: 1, domain } : { kind: 'grid', nx: grid, ny: grid, domain };
}

/** Index of the start nearest to a point given as fractions (0 to 1) of the domain. */
function pickIndex(starts: GridStarts, fraction: [number, number]): number {
  const column = Math.min(starts.nx - 1, Math.max(0, Math.round(fraction[0] * (starts.nx - 1))));
  const row = Math.min(starts.ny - 1, Math.max(0, Math.round(fraction[1] * (starts.ny - 1))));
  return row * starts.nx + column;
}

/** Joins the positions and statuses of several runs, one after the other, for clustering them together. */
function joinResults(results: readonly DescentResult[]): Pick<DescentResult, 'positions' | 'status'> {
  const positions = new Float32Array(results.reduce((sum, result) => sum + result.positions.length, 0));
  const status = new Uint8Array(results.reduce((sum, result) => sum + result.status.length, 0));
  let offset = 0;
  for (const result of results) {
    positions.set(result.positions, 2 * offset);
    status.set(result.status, offset);
    offset += result.status.length;
  }
  return { positions, status };
}
