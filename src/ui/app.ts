/**
 * The app: settings in, a running scene out. It owns the GPU context, the
 * descent pipeline and the three.js view, applies validated changes, and
 * drives the frame loop (dispatch, draw, status) without reading particle
 * state back.
 */
import { compileFormula, type CompiledSurface } from '../core/expr/index.ts';
import { DEFAULT_CRITERIA, DEFAULT_OPTIMIZER, type OptimizerConfig } from '../core/config.ts';
import { MAX_STEPS_PER_DISPATCH } from '../core/limits.ts';
import { findSurface, type SurfaceDefinition } from '../core/surfaces.ts';
import type { GridStarts } from '../core/grid.ts';
import { createGpuContext, type GpuContext } from '../gpu/device.ts';
import { Descent } from '../gpu/descent.ts';
import type { StatsSnapshot } from '../gpu/statsRing.ts';
import { SceneView } from '../render/sceneView.ts';
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

export interface AppElements {
  root: HTMLElement;
  canvas: HTMLCanvasElement;
  status: HTMLElement;
  notices: HTMLElement;
  plot: HTMLElement;
}

/** The parts of the app a test or the browser console may read. */
export interface AppHandle {
  readonly settings: AppSettings;
  readonly stepsDone: number;
  readonly particleCount: number;
  readonly lastStats: StatsSnapshot | undefined;
  readonly adapterName: string;
}

export class App implements AppHandle {
  settings: AppSettings = { ...DEFAULT_SETTINGS };
  lastStats: StatsSnapshot | undefined;

  private gpu!: GpuContext;
  private view!: SceneView;
  private panel!: Panel;
  private readonly notices: Notices;
  private readonly statusBar: StatusBar;
  private plot: HistoryPlot | undefined;
  private descent: Descent | undefined;
  private surface: CompiledSurface | undefined;
  private surfaceDefinition: SurfaceDefinition | undefined;
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
    this.panel = new Panel(this.settings, {
      change: (update) => this.change(update),
      step: () => this.singleStep(),
      reset: () => this.reset(),
      preset: (name) => this.applyPreset(name),
    });

    await this.rebuild();
    new ResizeObserver(() => this.view.resize()).observe(this.elements.canvas);
    requestAnimationFrame((time) => this.frame(time));
  }

  /**
   * Applies a change of settings. Invalid values are rejected with a notice
   * naming them, and the previous settings and scene stay as they were.
   */
  change(update: Partial<AppSettings>): boolean {
    const next = { ...this.settings, ...update };
    if (update.surface && update.surface !== this.settings.surface && update.grid === undefined) {
      next.grid = this.defaultGrid(update.surface);
    }
    try {
      validateSettings(next);
    } catch (error) {
      this.notices.show(error instanceof Error ? error.message : String(error), 'error');
      this.panel.show(this.settings);
      return false;
    }

    const previous = this.settings;
    this.settings = next;
    this.panel.show(next);
    this.panel.clearPreset();

    if (next.surface !== previous.surface || next.grid !== previous.grid) {
      void this.rebuild();
    } else if (next.lr !== previous.lr) {
      this.descent?.setOptimizer(this.optimizerConfig());
    }
    if (next.view !== previous.view) {
      this.view.setViewMode(next.view);
    }
    if (next.trails !== previous.trails) {
      this.view.setTrailsVisible(next.trails);
    }
    return true;
  }

  /** Applies a preset's settings and explains what it shows. */
  applyPreset(name: string): void {
    const preset = findPreset(name);
    if (!preset) {
      this.notices.show(`unknown preset "${name}"`, 'error');
      return;
    }
    this.pickAt = preset.pickAt;
    const next = validateSettings({ ...this.settings, ...preset.settings });
    this.settings = next;
    this.panel.show(next);
    this.notices.show(preset.explanation, 'info', 20000);
    this.view.setViewMode(next.view);
    void this.rebuild();
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
    const definition = findSurface(settings.surface)!;
    const started = performance.now();
    console.info(`downhill: building surface ${settings.surface}, grid ${settings.grid}, lr ${settings.lr}`);
    let descent: Descent;
    let surface: CompiledSurface;
    try {
      surface = definition === this.surfaceDefinition && this.surface ? this.surface : compileFormula(definition.formula);
      const starts = this.gridStarts(definition, settings.grid);
      descent = await Descent.create(this.gpu, {
        surface,
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
    const surfaceChanged = definition !== this.surfaceDefinition;
    this.descent?.destroy();
    this.descent = descent;
    this.surface = surface;
    this.surfaceDefinition = definition;
    this.lastStats = undefined;
    this.pendingSteps = 0;
    this.statusBar.restart();

    if (surfaceChanged) {
      this.view.setSurface({ value: (x, y) => surface.value(x, y, 'f64'), domain: definition.domain, dims: definition.dims }, 'auto');
      this.plot?.destroy();
      this.plot = new HistoryPlot(this.elements.plot, definition.dims);
    } else {
      this.plot?.clear();
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

  private gridStarts(definition: SurfaceDefinition, grid: number): GridStarts {
    return definition.dims === 1
      ? { kind: 'grid', nx: grid, ny: 1, domain: definition.domain }
      : { kind: 'grid', nx: grid, ny: grid, domain: definition.domain };
  }

  private defaultGrid(surfaceName: string): number {
    return findSurface(surfaceName)?.dims === 1 ? 33 : 64;
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

/** Index of the start nearest to a point given as fractions (0 to 1) of the domain. */
function pickIndex(starts: GridStarts, fraction: [number, number]): number {
  const column = Math.min(starts.nx - 1, Math.max(0, Math.round(fraction[0] * (starts.nx - 1))));
  const row = Math.min(starts.ny - 1, Math.max(0, Math.round(fraction[1] * (starts.ny - 1))));
  return row * starts.nx + column;
}
