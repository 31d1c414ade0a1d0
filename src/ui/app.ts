/**
 * The app: settings in, a running scene out. It owns the GPU context, the
 * descent pipeline and the three.js view, applies validated changes, and
 * drives the frame loop (dispatch, draw, status) without reading particle
 * state back.
 */
import { FormulaError, type CompiledSurface } from '../core/expr/index.ts';
import { DEFAULT_CRITERIA, DEFAULT_OPTIMIZER, STATUS, type OptimizerConfig } from '../core/config.ts';
import { formatDomain } from '../core/domain.ts';
import { MAX_STEPS_PER_DISPATCH } from '../core/limits.ts';
import { clusterMinima, type FoundMinimum } from '../core/minima.ts';
import { resolveSurface } from '../core/surfaceChoice.ts';
import { CUSTOM_SURFACE_NAME, type Domain, type SurfaceDefinition } from '../core/surfaces.ts';
import type { GridStarts } from '../core/grid.ts';
import { createGpuContext, type GpuContext } from '../gpu/device.ts';
import { Descent } from '../gpu/descent.ts';
import { readResult } from '../gpu/runDescent.ts';
import type { StatsSnapshot } from '../gpu/statsRing.ts';
import { SceneView } from '../render/sceneView.ts';
import { ColorLegend } from './colorLegend.ts';
import { formatValue } from './format.ts';
import { HistoryPlot } from './historyPlot.ts';
import { Notices, showBlocker } from './notices.ts';
import { Panel } from './panel.ts';
import { findPreset } from './presets.ts';
import { DEFAULT_SETTINGS, validateSettings, type AppSettings } from './settings.ts';
import { StatusBar } from './statusBar.ts';

/** Trails: at most this many particles keep one, of TRAIL_LENGTH points, one every TRAIL_EVERY updates. */
const TRAIL_PARTICLES = 256;
const TRAIL_LENGTH = 64;
const TRAIL_EVERY = 1;
/** Entries of the picked particle's history ring; more updates than this between two readbacks lose the oldest. */
const HISTORY_LENGTH = 4096;
/** Frames submitted but not finished on the GPU before the loop waits. */
const MAX_FRAMES_IN_FLIGHT = 2;
/** Characters of a rejected formula that the log repeats. */
const LOGGED_FORMULA_LENGTH = 80;
/** Minima listed in the notice of 'list minima found'. */
const LISTED_MINIMA = 8;

export interface AppElements {
  root: HTMLElement;
  canvas: HTMLCanvasElement;
  status: HTMLElement;
  notices: HTMLElement;
  plot: HTMLElement;
}

/** The surface the particles run on. */
export interface RunningSurface {
  readonly definition: SurfaceDefinition;
  readonly compiled: CompiledSurface;
  readonly domain: Domain;
}

/** The parts of the app a test or the browser console may read. */
export interface AppHandle {
  readonly settings: AppSettings;
  /** Name, formula and domain of the surface that runs; it changes when a new scene is built, after the settings. */
  readonly surface: { name: string; formula: string; dims: 1 | 2; domain: Domain } | undefined;
  /** Minima of the last 'list minima found'. */
  readonly foundMinima: readonly FoundMinimum[];
  readonly stepsDone: number;
  readonly particleCount: number;
  readonly lastStats: StatsSnapshot | undefined;
  readonly adapterName: string;
}

export class App implements AppHandle {
  settings: AppSettings = { ...DEFAULT_SETTINGS };
  lastStats: StatsSnapshot | undefined;
  foundMinima: FoundMinimum[] = [];

  private gpu!: GpuContext;
  private view!: SceneView;
  private panel!: Panel;
  private readonly notices: Notices;
  private readonly statusBar: StatusBar;
  private plot: HistoryPlot | undefined;
  private legend!: ColorLegend;
  private descent: Descent | undefined;
  private running: RunningSurface | undefined;
  /** Formula, domain and z scale of the drawn surface mesh, so that it is redrawn only when one changes. */
  private drawnKey = '';
  private pendingSteps = 0;
  private framesInFlight = 0;
  private pickAt: [number, number] = [0.95, 0.9];
  private rebuilding: Promise<void> = Promise.resolve();

  constructor(private readonly elements: AppElements) {
    this.notices = new Notices(elements.notices);
    this.statusBar = new StatusBar(elements.status);
  }

  get stepsDone(): number {
    return this.descent?.stepsDone ?? 0;
  }

  get particleCount(): number {
    return this.descent?.particleCount ?? 0;
  }

  get adapterName(): string {
    return this.gpu?.adapterName ?? '';
  }

  get surface(): AppHandle['surface'] {
    const running = this.running;
    if (!running) {
      return undefined;
    }
    const { name, formula, dims } = running.definition;
    return { name, formula, dims, domain: { ...running.domain } };
  }

  /** Starts WebGPU, builds the first scene and the panel, and begins the frame loop. */
  async start(): Promise<void> {
    try {
      this.gpu = await createGpuContext(navigator.gpu, {
        onLost: (info) => this.deviceLost(info),
        onUncapturedError: (message) => {
          console.error(`downhill: uncaptured WebGPU error: ${message}`);
          this.notices.show(`WebGPU error: ${message}`, 'error');
        },
      });
    } catch (error) {
      this.block(error);
      return;
    }
    console.info(`downhill: WebGPU adapter ${this.gpu.adapterName}`);

    this.view = await SceneView.create(this.elements.canvas, this.gpu.device);
    this.legend = new ColorLegend(this.elements.root);
    this.panel = new Panel(this.settings, {
      change: (update) => this.change(update),
      step: () => this.singleStep(),
      reset: () => this.reset(),
      preset: (name) => this.applyPreset(name),
      listMinima: () => void this.listMinima(),
    });

    await this.rebuild();
    new ResizeObserver(() => this.view.resize()).observe(this.elements.canvas);
    requestAnimationFrame((time) => this.frame(time));
  }

  /**
   * Applies a change of settings. Invalid values are rejected with a notice
   * naming them, an invalid formula with its message and position next to
   * the formula field, and the previous settings and scene stay as they were.
   */
  change(update: Partial<AppSettings>): boolean {
    const previous = this.settings;
    const next: AppSettings = { ...previous, ...update };
    const surfaceChanged = next.surface !== previous.surface || (next.surface === CUSTOM_SURFACE_NAME && next.formula !== previous.formula);
    if (surfaceChanged && !('domain' in update)) {
      next.domain = undefined;
    }

    let valid: AppSettings;
    try {
      // A 1D and a 2D grid mean different things, so a change of dimension starts from the default grid.
      const dims = resolveSurface(next).definition.dims;
      if (update.grid === undefined && dims !== resolveSurface(previous).definition.dims) {
        next.grid = defaultGrid(dims);
      }
      valid = validateSettings(next);
    } catch (error) {
      this.reject(next, error);
      return false;
    }

    this.settings = valid;
    this.panel.show(valid);
    this.panel.clearPreset();

    if (sceneKey(valid) !== sceneKey(previous)) {
      void this.rebuild();
    } else {
      if (valid.lr !== previous.lr) {
        this.descent?.setOptimizer(this.optimizerConfig());
      }
      if (valid.zScale !== previous.zScale) {
        this.drawSurface();
      }
    }
    if (valid.view !== previous.view) {
      this.view.setViewMode(valid.view);
    }
    if (valid.trails !== previous.trails) {
      this.view.setTrailsVisible(valid.trails);
    }
    return true;
  }

  /** Applies a preset's settings and explains what it shows; the preset's surface starts on its standard domain. */
  applyPreset(name: string): void {
    const preset = findPreset(name);
    if (!preset) {
      this.notices.show(`unknown preset "${name}"`, 'error');
      return;
    }
    this.pickAt = preset.pickAt;
    const next = validateSettings({ ...this.settings, domain: undefined, ...preset.settings });
    this.settings = next;
    this.panel.show(next);
    this.notices.show(preset.explanation, 'info', 20000);
    this.view.setViewMode(next.view);
    void this.rebuild();
  }

  /**
   * Reads every particle back, clusters the converged ones into minima
   * (minima.ts) and lists them in a notice. Returns the minima, or none while
   * no scene runs.
   */
  async listMinima(): Promise<FoundMinimum[]> {
    const descent = this.descent;
    const running = this.running;
    if (!descent || !running) {
      return [];
    }

    const result = await readResult(this.gpu.device, descent);
    if (descent !== this.descent) {
      return [];
    }
    const found = clusterMinima(result.positions, result.status, running.compiled, { domain: running.domain });
    this.foundMinima = found;

    const converged = result.status.filter((status) => status === STATUS.converged).length;
    console.info(`downhill: ${found.length} minima from ${converged} converged particles on ${running.definition.name}`);
    if (found.length === 0) {
      this.notices.show('No particle has converged yet, so no minimum is known. Let the particles run longer, or raise the learning rate.', 'info');
      return found;
    }
    const lines = found.slice(0, LISTED_MINIMA).map(
      (minimum) =>
        `(${formatValue(minimum.x)}${running.definition.dims === 2 ? `, ${formatValue(minimum.y)}` : ''}): ` +
        `f = ${formatValue(minimum.value)}, ${minimum.count} particles${minimum.refined ? '' : ', not refined'}`,
    );
    const more = found.length > LISTED_MINIMA ? `; ${found.length - LISTED_MINIMA} more` : '';
    const noun = found.length === 1 ? 'minimum' : 'minima';
    this.notices.show(`${found.length} ${noun} from ${converged} converged particles: ${lines.join('; ')}${more}.`, 'info', 30000);
    return found;
  }

  /** Shows why a change was rejected: a formula fault next to the field, anything else as a notice. */
  private reject(next: AppSettings, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.panel.show(this.settings);
    if (error instanceof FormulaError && next.surface === CUSTOM_SURFACE_NAME && typeof next.formula === 'string') {
      const shown = next.formula.length > LOGGED_FORMULA_LENGTH ? `${next.formula.slice(0, LOGGED_FORMULA_LENGTH)}…` : next.formula;
      console.info(`downhill: rejected formula "${shown}" (${next.formula.length} characters): ${message}`);
      this.panel.surface.showFormulaError(next.formula, error);
      return;
    }
    this.notices.show(message, 'error');
  }

  singleStep(): void {
    this.descent?.step(1);
  }

  reset(): void {
    this.descent?.reset();
    this.plot?.clear();
    this.statusBar.restart();
    this.lastStats = undefined;
  }

  /**
   * Compiles the surface and builds a new descent pipeline. The old one keeps
   * running until the new one is ready, and stays if the new one fails.
   */
  private rebuild(): Promise<void> {
    this.rebuilding = this.rebuilding.then(() => this.rebuildNow());
    return this.rebuilding;
  }

  private async rebuildNow(): Promise<void> {
    const settings = this.settings;
    const started = performance.now();
    let descent: Descent;
    let running: RunningSurface;
    try {
      const { definition, compiled } = resolveSurface(settings);
      const domain = settings.domain ?? definition.domain;
      running = { definition, compiled, domain };
      console.info(
        `downhill: building surface ${definition.name} (${definition.formula}) on ${formatDomain(domain, definition.dims)}, ` +
          `grid ${settings.grid}, lr ${settings.lr}`,
      );
      const starts = gridStarts(definition.dims, domain, settings.grid);
      descent = await Descent.create(this.gpu, {
        surface: compiled,
        optimizer: this.optimizerConfig(),
        criteria: DEFAULT_CRITERIA,
        starts,
        trail: { maxParticles: TRAIL_PARTICLES, length: TRAIL_LENGTH, every: TRAIL_EVERY },
        historyLength: HISTORY_LENGTH,
        pickedIndex: pickIndex(starts, this.pickAt),
        maxStepsPerDispatch: MAX_STEPS_PER_DISPATCH,
        onStats: (snapshot) => this.receiveStats(descent, snapshot),
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      console.error(`downhill: rebuild failed for surface ${settings.surface}, grid ${settings.grid}: ${message}`);
      this.notices.show(`Could not build the scene: ${message}`, 'error');
      return;
    }

    console.info(`downhill: built ${descent.particleCount} particles in ${(performance.now() - started).toFixed(0)} ms`);
    const dimsChanged = running.definition.dims !== this.running?.definition.dims;
    this.descent?.destroy();
    this.descent = descent;
    this.running = running;
    this.foundMinima = [];
    this.lastStats = undefined;
    this.pendingSteps = 0;
    this.statusBar.restart();

    this.drawSurface();
    if (dimsChanged || !this.plot) {
      this.plot?.destroy();
      this.plot = new HistoryPlot(this.elements.plot, running.definition.dims);
    } else {
      this.plot.clear();
    }
    this.view.setParticles({
      points: descent.points,
      count: descent.particleCount,
      trails: descent.trails,
      trailShape: { count: descent.trailLayout.count, length: descent.trailLayout.length },
      trailEvery: descent.trailLayout.every,
    });
    this.view.setPicked(descent.picked);
    this.view.setTrailsVisible(settings.trails);
    this.view.setViewMode(settings.view);
  }

  /** Draws the running surface with the current z scale, unless that very surface is drawn already. */
  private drawSurface(): void {
    const running = this.running;
    if (!running) {
      return;
    }
    const { definition, compiled, domain } = running;
    const key = [definition.formula, formatDomain(domain, definition.dims), this.settings.zScale].join('|');
    if (key === this.drawnKey) {
      return;
    }

    const scale = this.view.setSurface(
      {
        value: (x, y) => compiled.value(x, y, 'f64'),
        domain,
        dims: definition.dims,
        knownMinimum: definition.minima.find((minimum) => minimum.global)?.value,
      },
      this.settings.zScale,
    );
    this.legend.show(scale, definition.dims);
    this.drawnKey = key;
  }

  private frame(time: number): void {
    // Frames whose GPU work is still queued: a slow GPU must not let work pile
    // up behind requestAnimationFrame, or every later command waits for it.
    if (this.framesInFlight >= MAX_FRAMES_IN_FLIGHT) {
      requestAnimationFrame((next) => this.frame(next));
      return;
    }

    const descent = this.descent;
    if (descent && !this.settings.paused) {
      this.pendingSteps += this.settings.stepsPerFrame;
      let steps = Math.floor(this.pendingSteps);
      this.pendingSteps -= steps;
      while (steps > 0) {
        const chunk = Math.min(steps, MAX_STEPS_PER_DISPATCH);
        descent.step(chunk);
        steps -= chunk;
      }
    }

    this.view.render(this.stepsDone);
    this.framesInFlight++;
    void this.gpu.device.queue.onSubmittedWorkDone().finally(() => this.framesInFlight--);
    this.statusBar.frame(time);
    this.statusBar.render(this.particleCount, this.stepsDone, this.lastStats, this.settings.paused);
    this.plot?.redraw();
    requestAnimationFrame((next) => this.frame(next));
  }

  private receiveStats(source: Descent, snapshot: StatsSnapshot): void {
    if (source !== this.descent) {
      return;
    }
    this.lastStats = snapshot;
    this.statusBar.snapshot(snapshot, source.particleCount, performance.now());
    if (snapshot.pickedIndex === source.picked) {
      this.plot?.add(snapshot.history);
    }
  }

  private optimizerConfig(): OptimizerConfig {
    return { ...DEFAULT_OPTIMIZER, lr: this.settings.lr };
  }

  private deviceLost(info: GPUDeviceLostInfo): void {
    console.error(`downhill: WebGPU device lost (${info.reason}): ${info.message}`);
    // TODO: acquire a new device and rebuild the scene instead of stopping.
    showBlocker(this.elements.root, 'The GPU device was lost', [
      `WebGPU reported: ${info.message || info.reason}.`,
      'This happens after a driver reset or when the browser reclaims the GPU. Reload the page to start again.',
    ]);
  }

  private block(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`downhill: cannot start WebGPU: ${message}`);
    showBlocker(this.elements.root, 'downhill needs WebGPU', [
      message,
      'downhill runs its particles in WebGPU compute shaders. Chrome and Edge 113 or later enable WebGPU on Windows, macOS and ChromeOS; on Linux start Chrome with --enable-unsafe-webgpu; Safari 26 and Firefox 141 or later on Windows also support it.',
    ]);
  }
}

/** Builds the grid of starts over `domain`: grid × grid cell centres in 2D, grid starts on x in 1D. */
function gridStarts(dims: 1 | 2, domain: Domain, grid: number): GridStarts {
  return { kind: 'grid', nx: grid, ny: dims === 1 ? 1 : grid, domain };
}

/** Returns the grid size a surface starts with: 33 starts on a line, 64 × 64 in 2D. */
function defaultGrid(dims: 1 | 2): number {
  return dims === 1 ? 33 : 64;
}

/** Returns a key of the settings that need a new descent pipeline when they change: the surface, its domain and the grid. */
function sceneKey(settings: AppSettings): string {
  const { definition } = resolveSurface(settings);
  const domain = settings.domain ?? definition.domain;
  return [definition.name, definition.formula, formatDomain(domain, definition.dims), settings.grid].join('|');
}

/** Index of the start nearest to a point given as fractions (0 to 1) of the domain. */
function pickIndex(starts: GridStarts, fraction: [number, number]): number {
  const column = Math.min(starts.nx - 1, Math.max(0, Math.round(fraction[0] * (starts.nx - 1))));
  const row = Math.min(starts.ny - 1, Math.max(0, Math.round(fraction[1] * (starts.ny - 1))));
  return row * starts.nx + column;
}
