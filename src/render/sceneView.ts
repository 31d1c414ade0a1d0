/**
 * The three.js scene: renderer on the app's own GPUDevice, cameras for the
 * 3D orbit view, the top-down 2D view and the 1D side view, lights, and the
 * surface, particle and trail layers.
 */
import { uniform, vec2, vec4 } from 'three/tsl';
import {
  AmbientLight,
  ArrowHelper,
  BufferGeometry,
  Color,
  Float32BufferAttribute,
  Line,
  LineBasicNodeMaterial,
  Plane,
  Raycaster,
  Vector2,
  Group,
  DirectionalLight,
  OrthographicCamera,
  PerspectiveCamera,
  Scene,
  Vector3,
  WebGPURenderer,
  type Camera,
  type DataTexture,
} from 'three/webgpu';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import type { Domain } from '../core/surfaces.ts';
import type { BasinMapNodes } from './basinMap.ts';
import { createViridisTexture } from './colormap.ts';
import { chooseContourLevels, type ContourLevel } from './contourLevels.ts';
import { createHeightMap, normalizeLoss, NORMALIZED_MAX, NORMALIZED_MIN, sampleLoss, worldX, worldY, type HeightMap, type HeightScaleKind } from './heightMap.ts';
import { ParticleLayer } from './particles.ts';
import { MESH_RESOLUTION, SurfaceObject, type SurfaceShape } from './surfaceMesh.ts';
import { TrailLayer, type TrailShape } from './trails.ts';
import { fitOrthographic, MIN_ROOM_SHARE_OF_HEIGHT, ndcToPixel, type AxisFrame, type OrthographicFit, type Viewport } from './viewGeometry.ts';
import { WorldMapping } from './worldMapping.ts';

export type ViewMode = '3d' | '2d';

/** Points of the picked particle's drawn path. */
const PICKED_PATH_POINTS = 4096;

/** Vertical scale of the top-down view: flat, but not zero, so normals stay defined. */
const FLAT = 1e-4;

/** Narrowest room, in CSS pixels, between the side column and the panel that the side-by-side view uses. */
const MIN_SPLIT_WIDTH = 200;

/** Height map of the drawn surface and the levels of its contour lines. */
export interface SurfaceScale {
  map: HeightMap;
  levels: ContourLevel[];
}

/** Samples per side of the grid that chooses the height range (1D: samples on x). */
const RANGE_SAMPLES = 129;

export interface ParticleSource {
  points: GPUBuffer;
  count: number;
  trails: GPUBuffer;
  trailShape: TrailShape;
  /** Updates between two trail points. */
  trailEvery: number;
  /** Colour of the run's particles and trails (linear RGB). */
  color: readonly [number, number, number];
  visible: boolean;
}

/** The layers drawn for one run. */
interface RunLayers {
  source: ParticleSource;
  particles: ParticleLayer;
  picked: ParticleLayer;
  trails: TrailLayer;
}

/** An arrow drawn in the horizontal plane from a particle, in surface units. */
export interface SurfaceArrow {
  dx: number;
  dy: number;
  /** CSS colour. */
  color: string;
}

export class SceneView {
  readonly renderer: WebGPURenderer;
  readonly mapping = new WorldMapping();
  private readonly scene = new Scene();
  /** The box that particles, trails and the picked path are clamped to: the domain and a margin. */
  private drawBox: { xMin: number; xMax: number; yMin: number; yMax: number } | undefined;
  private readonly perspective = new PerspectiveCamera(40, 1, 0.01, 100);
  private readonly orthographic = new OrthographicCamera(-1, 1, 1, -1, -20, 20);
  private readonly controls: OrbitControls;
  private readonly pixelToClip = uniform(vec2(0.001, 0.001));
  private readonly colormap: DataTexture;
  private surface: SurfaceObject | undefined;
  private runs: RunLayers[] = [];
  private trailsVisible = true;
  private readonly arrows = new Group();
  /** Arrow helpers drawn by setArrows(), reused from frame to frame. */
  private readonly arrowPool: ArrowHelper[] = [];
  private readonly pickedPath: Line;
  /** Index of the configuration whose particle the picked path follows. The side-by-side view draws the path in that configuration's half only. */
  private pickedPathRun = 0;
  private heightMap: HeightMap | undefined;
  private basinMap: BasinMapNodes | undefined;
  private splitRuns = false;
  private insets = { left: 0, right: 0 };
  private domain: Domain | undefined;
  private dims: 1 | 2 = 2;
  private mode: ViewMode = '3d';

  private constructor(
    private readonly canvas: HTMLCanvasElement,
    device: GPUDevice,
    private readonly light: boolean,
  ) {
    this.renderer = new WebGPURenderer({ canvas, device, antialias: !light });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
    this.scene.background = new Color(0x101418);
    this.colormap = createViridisTexture();

    for (const camera of [this.perspective, this.orthographic]) {
      camera.up.set(0, 0, 1);
    }
    // High enough to see into a bowl: from z = 2.2 the near rim of x² + 2y² hid its minimum.
    this.perspective.position.set(2.4, -2.9, 3.4);

    this.scene.add(new AmbientLight(0xffffff, 0.9));
    const sun = new DirectionalLight(0xffffff, 2.2);
    sun.position.set(1.5, -2.5, 4);
    this.scene.add(sun);
    this.arrows.renderOrder = 4;
    this.scene.add(this.arrows);

    const pathGeometry = new BufferGeometry();
    pathGeometry.setAttribute('position', new Float32BufferAttribute(new Float32Array(3 * PICKED_PATH_POINTS), 3));
    const pathMaterial = new LineBasicNodeMaterial({ transparent: true, depthWrite: false });
    pathMaterial.colorNode = vec4(1.0, 0.25, 0.85, 0.95);
    this.pickedPath = new Line(pathGeometry, pathMaterial);
    this.pickedPath.frustumCulled = false;
    this.pickedPath.renderOrder = 3;
    this.pickedPath.visible = false;
    this.scene.add(this.pickedPath);

    this.controls = new OrbitControls(this.perspective, canvas);
    this.controls.target.set(0, 0, 0.25);
    this.controls.enableDamping = true;
    this.controls.update();
  }

  /**
   * Creates the renderer on `device` and waits until it can draw. With
   * `light`, for adapters that run on the CPU, it draws without multisampling
   * and with a coarser surface mesh: on SwiftShader at 1280 × 800 that made
   * frames of the default scene about twice as fast.
   */
  static async create(canvas: HTMLCanvasElement, device: GPUDevice, light = false): Promise<SceneView> {
    const view = new SceneView(canvas, device, light);
    await view.renderer.init();
    view.resize();
    return view;
  }

  /**
   * Replaces the surface; heights use `scale` ('auto' picks log for wide loss
   * ranges). Returns the height map and the contour levels it drew.
   */
  setSurface(shape: SurfaceShape, scale: HeightScaleKind | 'auto'): SurfaceScale {
    this.surface?.dispose();
    if (this.surface) {
      this.scene.remove(this.surface.object);
    }

    const samples = sampleLoss(shape.value, shape.domain, shape.dims, RANGE_SAMPLES);
    this.heightMap = createHeightMap(shape.domain, samples, scale, { knownMinimum: shape.knownMinimum });
    const levels = chooseContourLevels(this.heightMap);
    this.domain = shape.domain;
    this.dims = shape.dims;
    this.surface = new SurfaceObject(shape, this.heightMap, this.colormap, levels, this.light ? MESH_RESOLUTION.light : MESH_RESOLUTION.full);
    this.scene.add(this.surface.object);
    const basinMap = this.basinMap;
    if (basinMap) {
      this.surface.setOverlay((xy) => basinMap.colorAt(xy));
    }
    this.applyViewMode();
    return { map: this.heightMap, levels };
  }

  /** Draws the particles and trails of each run straight from its compute buffers. */
  setParticles(sources: ParticleSource[]): void {
    this.removeParticles();
    const ratio = this.renderer.getPixelRatio();
    for (const source of sources) {
      const particles = new ParticleLayer(this.renderer, source.points, source.count, this.mapping, this.pixelToClip, {
        sizePixels: particleSize(source.count) * ratio,
        color: source.color,
      });
      const picked = new ParticleLayer(this.renderer, source.points, source.count, this.mapping, this.pixelToClip, {
        sizePixels: 11 * ratio,
        color: source.color,
        highlight: true,
      });
      const trails = new TrailLayer(this.renderer, source.trails, source.trailShape, this.mapping, source.color);
      this.scene.add(trails.lines, particles.mesh, picked.mesh);
      this.runs.push({ source, particles, picked, trails });
    }
    this.applyVisibility();
  }

  setRunVisible(index: number, visible: boolean): void {
    const run = this.runs[index];
    if (run) {
      run.source.visible = visible;
      this.applyVisibility();
    }
  }

  setPicked(index: number): void {
    for (const run of this.runs) {
      run.picked.pickedIndex.value = index;
    }
  }

  setTrailsVisible(visible: boolean): void {
    this.trailsVisible = visible;
    this.applyVisibility();
  }

  /**
   * Draws arrows from the point (x, y) at height `loss`, in the plane; each
   * arrow's (dx, dy) is in surface units. An empty list removes them.
   */
  setArrows(x: number, y: number, loss: number, arrows: SurfaceArrow[]): void {
    // The helpers are reused because this runs every frame while a particle is
    // picked, and a removed helper's render objects stay in the renderer.
    const map = this.heightMap;
    let shownCount = 0;
    if (map && arrows.length > 0) {
      const verticalScale = this.dims === 2 && this.mode === '2d' ? FLAT : 1;
      const origin = new Vector3(worldX(map, x), worldY(map, y), normalizeLoss(map, loss) * map.height * verticalScale + 0.01);
      for (const arrow of arrows) {
        const direction = new Vector3(arrow.dx * map.scale, arrow.dy * map.scale, 0);
        const length = direction.length();
        if (!(length > 1e-9) || !Number.isFinite(length) || !origin.toArray().every(Number.isFinite)) {
          continue;
        }
        let helper = this.arrowPool[shownCount];
        if (!helper) {
          helper = new ArrowHelper();
          this.arrowPool.push(helper);
          this.arrows.add(helper);
        }
        helper.position.copy(origin);
        helper.setDirection(direction.normalize());
        helper.setLength(length, Math.min(0.06, length * 0.35), Math.min(0.035, length * 0.2));
        helper.setColor(new Color(arrow.color));
        helper.visible = true;
        shownCount++;
      }
    }
    for (let i = shownCount; i < this.arrowPool.length; i++) {
      this.arrowPool[i]!.visible = false;
    }
  }

  /** Canvas pixel (CSS pixels) where the surface point (x, y) with `loss` is drawn, in the single view. */
  screenPositionOf(x: number, y: number, loss: number, half: 0 | 1 = 0): { px: number; py: number } | undefined {
    const map = this.heightMap;
    if (!map) {
      return undefined;
    }
    const width = this.canvas.clientWidth;
    const height = this.canvas.clientHeight;
    // In the side-by-side view each configuration has its own viewport.
    const split = this.basinMap !== undefined && this.splitRuns && this.runs.length >= 2;
    const viewport = split ? this.splitViewports()[half] : { x: 0, y: 0, width, height };
    const verticalScale = this.dims === 2 && this.mode === '2d' ? FLAT : 1;
    const camera = this.activeCamera();
    this.fitCameras(viewport.width, viewport.height);
    camera.updateMatrixWorld();
    const point = new Vector3(worldX(map, x), worldY(map, y), normalizeLoss(map, loss) * map.height * verticalScale).project(camera);
    this.fitCameras(width, height);
    return ndcToPixel(point, viewport);
  }

  /**
   * Returns the axes of the 2D or 1D view, one per viewport (two in the
   * side-by-side view): the canvas pixels of the domain's edges and, in 1D,
   * of the loss heights 0 and 1. Empty in the 3D view and before a surface.
   */
  axisFrames(): AxisFrame[] {
    const map = this.heightMap;
    const domain = this.domain;
    const box = this.drawBox;
    if (!map || !domain || !box || (this.dims === 2 && this.mode === '3d')) {
      return [];
    }
    const width = this.canvas.clientWidth;
    const height = this.canvas.clientHeight;
    const split = this.basinMap !== undefined && this.splitRuns && this.runs.length >= 2;
    const viewports = split ? this.splitViewports() : [{ x: 0, y: 0, width, height }];
    const camera = this.orthographic;
    camera.updateMatrixWorld();
    const frames = viewports.map((viewport) => {
      this.fitCameras(viewport.width, viewport.height);
      const pixel = (worldPoint: Vector3) => ndcToPixel(worldPoint.project(camera), viewport);
      // The 1D view looks along y at the plane x-z; the 2D view down z at the plane x-y.
      const low = this.dims === 1 ? new Vector3(worldX(map, domain.xMin), 0, 0) : new Vector3(worldX(map, domain.xMin), worldY(map, domain.yMin), 0);
      const high =
        this.dims === 1 ? new Vector3(worldX(map, domain.xMax), 0, map.height) : new Vector3(worldX(map, domain.xMax), worldY(map, domain.yMax), 0);
      const lowPixel = pixel(low);
      const highPixel = pixel(high);
      const boxLow = pixel(
        this.dims === 1 ? new Vector3(worldX(map, box.xMin), 0, NORMALIZED_MIN * map.height) : new Vector3(worldX(map, box.xMin), worldY(map, box.yMin), 0),
      );
      const boxHigh = pixel(
        this.dims === 1 ? new Vector3(worldX(map, box.xMax), 0, NORMALIZED_MAX * map.height) : new Vector3(worldX(map, box.xMax), worldY(map, box.yMax), 0),
      );
      // The side-by-side view fills each viewport; the single one centres the domain in the room between the panels.
      const fit = this.orthographicFit(width, height);
      const room = split
        ? { left: viewport.x, top: viewport.y, right: viewport.x + viewport.width, bottom: viewport.y + viewport.height }
        : { left: fit.roomLeft, top: 0, right: fit.roomLeft + fit.roomWidth, bottom: height };
      const frame: AxisFrame = {
        room,
        box: { left: boxLow.px, top: boxHigh.py, right: boxHigh.px, bottom: boxLow.py },
        x: { kind: 'linear', min: domain.xMin, max: domain.xMax, pixelMin: lowPixel.px, pixelMax: highPixel.px },
        vertical:
          this.dims === 1
            ? { kind: 'loss', map, pixelAtZero: lowPixel.py, pixelAtOne: highPixel.py }
            : { kind: 'linear', min: domain.yMin, max: domain.yMax, pixelMin: lowPixel.py, pixelMax: highPixel.py },
      };
      return frame;
    });
    this.fitCameras(width, height);
    return frames;
  }

  /**
   * Draws the picked particle's path in configuration `run` through the given
   * points (x, y, loss triples, oldest first); an empty list removes it.
   */
  setPickedPath(points: readonly (readonly [number, number, number])[], run: number): void {
    this.pickedPathRun = run;
    const map = this.heightMap;
    const count = Math.min(points.length, PICKED_PATH_POINTS);
    if (!map || count < 2) {
      this.pickedPath.visible = false;
      return;
    }
    const verticalScale = this.dims === 2 && this.mode === '2d' ? FLAT : 1;
    const first = points.length - count;
    const attribute = this.pickedPath.geometry.getAttribute('position') as Float32BufferAttribute;
    // Clamped to the box that the particles are drawn in, as the vertex shaders clamp them.
    const box = this.drawBox;
    const within = (value: number, low: number, high: number): number => Math.min(Math.max(value, low), high);
    for (let k = 0; k < count; k++) {
      const [x, y, loss] = points[first + k];
      const drawnX = box ? within(x, box.xMin, box.xMax) : x;
      const drawnY = box ? within(y, box.yMin, box.yMax) : y;
      attribute.setXYZ(k, worldX(map, drawnX), worldY(map, drawnY), normalizeLoss(map, loss) * map.height * verticalScale + 0.006);
    }
    attribute.needsUpdate = true;
    this.pickedPath.geometry.setDrawRange(0, count);
    this.pickedPath.visible = true;
  }

  /**
   * Index of the particle drawn nearest to canvas pixel (px, py), within
   * `radius` CSS pixels, from a copy of the `points` buffer (x, y, loss,
   * status per particle); -1 when none is that close.
   */
  pickParticle(points: Float32Array, px: number, py: number, radius = 14): number {
    const map = this.heightMap;
    if (!map) {
      return -1;
    }
    const camera = this.activeCamera();
    camera.updateMatrixWorld();
    const width = this.canvas.clientWidth;
    const height = this.canvas.clientHeight;
    const verticalScale = this.dims === 2 && this.mode === '2d' ? FLAT : 1;
    const projected = new Vector3();
    let best = -1;
    let bestDistance = radius * radius;
    for (let i = 0; i < points.length / 4; i++) {
      const loss = points[4 * i + 2];
      projected.set(worldX(map, points[4 * i]), worldY(map, points[4 * i + 1]), normalizeLoss(map, loss) * map.height * verticalScale);
      projected.project(camera);
      const sx = ((projected.x + 1) / 2) * width;
      const sy = ((1 - projected.y) / 2) * height;
      const distance = (sx - px) ** 2 + (sy - py) ** 2;
      if (distance < bestDistance) {
        bestDistance = distance;
        best = i;
      }
    }
    return best;
  }

  /** Where the camera of the current view is, what it looks at, and its zoom. */
  cameraState(): { position: [number, number, number]; target: [number, number, number]; zoom: number } {
    const camera = this.activeCamera() as PerspectiveCamera | OrthographicCamera;
    const { x, y, z } = camera.position;
    const target = this.controls.target;
    return { position: [x, y, z], target: [target.x, target.y, target.z], zoom: camera.zoom };
  }

  /** Moves the current view's camera; the orbit controls continue from there. */
  setCameraState(state: { position: readonly number[]; target: readonly number[]; zoom: number }): void {
    const camera = this.activeCamera() as PerspectiveCamera | OrthographicCamera;
    camera.position.set(state.position[0], state.position[1], state.position[2]);
    camera.zoom = state.zoom;
    camera.updateProjectionMatrix();
    this.controls.target.set(state.target[0], state.target[1], state.target[2]);
    this.controls.update();
  }

  /** Calls `listener` when the user ends a rotation, pan or zoom of the view. */
  onCameraChange(listener: () => void): void {
    this.controls.addEventListener('end', listener);
  }

  /**
   * A PNG of the view at `scale` times the canvas resolution, with particles
   * and lines as thick, relative to the picture, as on screen. Where the view
   * is framed between the side column and the panel (see framedColumns), the
   * PNG has those columns only, without the empty bands under the panels.
   * `rows` keeps only the CSS pixel rows from its top to its bottom (the map
   * and its axes). `decorate` paints what the page shows over the canvas (the
   * axes) onto the picture, given the CSS pixel where the picture's top left
   * corner lies and the picture's pixels per CSS pixel. Resolves with the
   * image and its size; the canvas returns to its own resolution at once.
   */
  captureImage(
    scale: number,
    stepsDone: readonly number[],
    decorate?: (context: CanvasRenderingContext2D, originX: number, originY: number, pixelScale: number) => void,
    rows?: { top: number; bottom: number },
  ): Promise<{ blob: Blob; width: number; height: number }> {
    const renderer = this.renderer;
    const ratio = renderer.getPixelRatio();
    // Only the drawing buffer grows: the pixel-to-clip factor stays the on-screen
    // one, so point and line sizes grow with the picture.
    renderer.setPixelRatio(ratio * scale);
    renderer.setSize(Math.max(1, this.canvas.clientWidth), Math.max(1, this.canvas.clientHeight), false);
    this.render(stepsDone);

    // The columns and rows in drawing-buffer pixels. drawImage and toBlob copy the canvas now, in this task,
    // before the frame is presented and the size restored.
    const columns = this.framedColumns();
    const left = Math.round(columns.left * ratio * scale);
    const width = Math.max(1, Math.min(this.canvas.width - left, Math.round(columns.width * ratio * scale)));
    const topRow = rows ? Math.max(0, rows.top) : 0;
    const top = Math.round(topRow * ratio * scale);
    const height = rows ? Math.max(1, Math.min(this.canvas.height - top, Math.round((rows.bottom - topRow) * ratio * scale))) : this.canvas.height;
    let source = this.canvas;
    if (left > 0 || width < this.canvas.width || top > 0 || height < this.canvas.height || decorate) {
      source = document.createElement('canvas');
      source.width = width;
      source.height = height;
      const context = source.getContext('2d')!;
      context.drawImage(this.canvas, left, top, width, height, 0, 0, width, height);
      decorate?.(context, columns.left, topRow, ratio * scale);
    }
    const blob = new Promise<Blob>((resolve, reject) =>
      source.toBlob((result) => (result ? resolve(result) : reject(new Error('the browser could not encode the view as PNG'))), 'image/png'),
    );
    renderer.setPixelRatio(ratio);
    this.resize();
    return blob.then((result) => ({ blob: result, width, height }));
  }

  /**
   * Returns the columns of the canvas, in CSS pixels, that the view is framed
   * in: the room between the side column and the panel where the 2D or 1D
   * view or the side-by-side maps use it, else the whole width (the 3D view
   * centres its camera on the whole canvas).
   */
  private framedColumns(): { left: number; width: number } {
    const width = this.canvas.clientWidth;
    const height = this.canvas.clientHeight;
    if (this.basinMap !== undefined && this.splitRuns && this.runs.length >= 2) {
      const [first, second] = this.splitViewports();
      const right = Math.max(first.x + first.width, second.x + second.width);
      return { left: first.x, width: right - first.x };
    }
    if (this.activeCamera() === this.orthographic) {
      const fit = this.orthographicFit(width, height);
      return { left: fit.roomLeft, width: fit.roomWidth };
    }
    return { left: 0, width };
  }

  /** Turns the orbit controls off while another gesture (a zoom rectangle) owns the pointer. */
  setControlsEnabled(enabled: boolean): void {
    this.controls.enabled = enabled;
  }

  get viewMode(): ViewMode {
    return this.mode;
  }

  setViewMode(mode: ViewMode): void {
    this.mode = mode;
    this.applyViewMode();
  }

  resize(): void {
    const width = Math.max(1, this.canvas.clientWidth);
    const height = Math.max(1, this.canvas.clientHeight);
    this.renderer.setSize(width, height, false);
    const ratio = this.renderer.getPixelRatio();
    this.pixelToClip.value.set(2 / (width * ratio), 2 / (height * ratio));
    this.fitCameras(width, height);
  }

  /** Draws a frame; `stepsDone[k]` places the newest point of run k's trail rings. */
  render(stepsDone: readonly number[]): void {
    this.runs.forEach((run, k) => {
      run.trails.head.value = Math.floor((stepsDone[k] ?? 0) / run.source.trailEvery) % run.source.trailShape.length;
    });
    this.controls.update();
    if (this.basinMap && this.splitRuns && this.runs.length >= 2) {
      this.renderSideBySide();
    } else {
      void this.renderer.render(this.scene, this.activeCamera());
    }
  }

  /**
   * Lays the basin map over the surface (undefined removes it). With
   * `split`, one half of the view shows configuration 1 with its map and the
   * other configuration 2 with its map (see splitViewports).
   */
  setBasinMap(map: BasinMapNodes | undefined, split: boolean): void {
    this.basinMap = map;
    this.splitRuns = split;
    this.surface?.setOverlay(map ? (xy) => map.colorAt(xy) : undefined);
    this.resize();
  }

  /**
   * The surface point (x, y) under canvas pixel (px, py), in CSS pixels, or
   * undefined off the surface. In the side-by-side view, `half` says which
   * configuration's half the pixel is in (0 or 1).
   */
  surfacePointAt(px: number, py: number): { x: number; y: number; half: number } | undefined {
    const map = this.heightMap;
    if (!map) {
      return undefined;
    }
    const split = this.basinMap !== undefined && this.splitRuns && this.runs.length >= 2;
    const width = this.canvas.clientWidth;
    const height = this.canvas.clientHeight;
    const viewports = split ? this.splitViewports() : [{ x: 0, y: 0, width, height }];
    const half = split && px >= viewports[1].x && py >= viewports[1].y ? 1 : 0;
    const viewport = viewports[half];
    const ndc = new Vector2(((px - viewport.x) / viewport.width) * 2 - 1, 1 - ((py - viewport.y) / viewport.height) * 2);
    const camera = this.activeCamera();
    this.fitCameras(viewport.width, viewport.height);
    const raycaster = new Raycaster();
    raycaster.setFromCamera(ndc, camera);

    let world: Vector3 | null = null;
    if (this.dims === 2 && this.mode === '3d' && this.surface) {
      world = raycaster.intersectObject(this.surface.object, false)[0]?.point ?? null;
    } else {
      const plane = this.dims === 1 ? new Plane(new Vector3(0, 1, 0), 0) : new Plane(new Vector3(0, 0, 1), 0);
      world = raycaster.ray.intersectPlane(plane, new Vector3());
    }
    this.fitCameras(width, height);
    if (!world) {
      return undefined;
    }
    return { x: world.x / map.scale + map.centerX, y: this.dims === 1 ? 0 : world.y / map.scale + map.centerY, half };
  }

  /**
   * Returns the two viewports of the side-by-side view, in CSS pixels from
   * the canvas's top left. They split the room between the side column and
   * the panel (see setInsets), or the whole canvas where that room is
   * narrower than MIN_SPLIT_WIDTH or 0.4 of the height. The halves lie side by side or one
   * above the other, whichever draws the maps larger: the 2D view fits a
   * square into each viewport, so the larger of the two shorter sides wins.
   */
  private splitViewports(): Viewport[] {
    const width = this.canvas.clientWidth;
    const height = this.canvas.clientHeight;
    const room = width - this.insets.left - this.insets.right;
    // The same rule as the single top-down map (fitOrthographic), and at least MIN_SPLIT_WIDTH.
    const useRoom = room >= Math.max(MIN_SPLIT_WIDTH, MIN_ROOM_SHARE_OF_HEIGHT * height);
    const left = useRoom ? this.insets.left : 0;
    const free = useRoom ? room : width;
    if (Math.min(free, height / 2) > Math.min(free / 2, height)) {
      return [
        { x: left, y: 0, width: free, height: height / 2 },
        { x: left, y: height / 2, width: free, height: height / 2 },
      ];
    }
    return [
      { x: left, y: 0, width: free / 2, height },
      { x: left + free / 2, y: 0, width: free / 2, height },
    ];
  }

  /** Returns how the side-by-side view arranges its two maps: 'columns' (left and right) or 'rows' (top and bottom). */
  splitArrangement(): 'columns' | 'rows' {
    const [first, second] = this.splitViewports();
    return second.y > first.y ? 'rows' : 'columns';
  }

  private renderSideBySide(): void {
    const renderer = this.renderer;
    const width = this.canvas.clientWidth;
    const height = this.canvas.clientHeight;
    const map = this.basinMap!;
    const camera = this.activeCamera();
    const [first, second] = this.runs;
    const firstVisible = first.source.visible;
    const secondVisible = second.source.visible;

    const viewports = this.splitViewports();
    const pathShown = this.pickedPath.visible;
    renderer.autoClear = false;
    renderer.setScissorTest(false);
    renderer.setViewport(0, 0, width, height);
    renderer.clear();
    renderer.setScissorTest(true);
    for (const half of [0, 1]) {
      const viewport = viewports[half];
      this.fitCameras(viewport.width, viewport.height);
      map.mode.value = half;
      this.showRun(first, firstVisible && half === 0);
      this.showRun(second, secondVisible && half === 1);
      this.pickedPath.visible = pathShown && half === this.pickedPathRun;
      // WebGPURenderer passes these to the render pass as they are, so y counts from the top, as in CSS.
      renderer.setViewport(viewport.x, viewport.y, viewport.width, viewport.height);
      renderer.setScissor(viewport.x, viewport.y, viewport.width, viewport.height);
      void renderer.render(this.scene, camera);
    }
    renderer.setScissorTest(false);
    renderer.setViewport(0, 0, width, height);
    renderer.autoClear = true;
    this.pickedPath.visible = pathShown;
    this.showRun(first, firstVisible);
    this.showRun(second, secondVisible);
    map.mode.value = 0;
    this.fitCameras(width, height);
  }

  private showRun(run: RunLayers, visible: boolean): void {
    run.particles.mesh.visible = visible;
    run.picked.mesh.visible = visible;
    run.trails.lines.visible = visible && this.trailsVisible;
  }

  /** Fits both cameras to a viewport of `width` × `height` CSS pixels. */
  private fitCameras(width: number, height: number): void {
    this.perspective.aspect = Math.max(1, width) / Math.max(1, height);
    this.perspective.updateProjectionMatrix();
    this.fitOrthographic(width, height);
  }

  dispose(): void {
    this.removeParticles();
    for (const helper of this.arrowPool) {
      helper.dispose();
    }
    this.surface?.dispose();
    this.controls.dispose();
    this.colormap.dispose();
    this.renderer.dispose();
  }

  private activeCamera(): Camera {
    return this.dims === 1 || this.mode === '2d' ? this.orthographic : this.perspective;
  }

  private removeParticles(): void {
    for (const run of this.runs) {
      this.scene.remove(run.particles.mesh, run.picked.mesh, run.trails.lines);
      run.particles.dispose();
      run.picked.dispose();
      run.trails.dispose();
    }
    this.runs = [];
  }

  private applyVisibility(): void {
    for (const run of this.runs) {
      run.particles.mesh.visible = run.source.visible;
      run.picked.mesh.visible = run.source.visible;
      run.trails.lines.visible = run.source.visible && this.trailsVisible;
    }
  }

  private applyViewMode(): void {
    const flat = this.dims === 2 && this.mode === '2d';
    const verticalScale = flat ? FLAT : 1;
    this.surface?.setVerticalScale(verticalScale);
    if (this.heightMap && this.domain) {
      // Particles past the domain are drawn at most 7% of its span beyond it. The domain spans at most
      // ±1 world units, so they stay within ±1.14, inside the ±1.15 that the 1D and 2D views fit beside the panels.
      const margin = 0.07;
      const xPad = (this.domain.xMax - this.domain.xMin) * margin;
      const yPad = (this.domain.yMax - this.domain.yMin) * margin;
      this.drawBox = {
        xMin: this.domain.xMin - xPad,
        xMax: this.domain.xMax + xPad,
        yMin: this.domain.yMin - yPad,
        yMax: this.domain.yMax + yPad,
      };
      this.mapping.update(this.heightMap, verticalScale, this.drawBox, this.dims);
    }

    const camera = this.orthographic;
    if (this.dims === 1) {
      camera.position.set(0, -5, 0.4);
      camera.up.set(0, 0, 1);
      camera.lookAt(new Vector3(0, 0, 0.4));
    } else if (flat) {
      camera.position.set(0, 0, 5);
      camera.up.set(0, 1, 0);
      camera.lookAt(new Vector3(0, 0, 0));
    }
    this.controls.object = this.activeCamera();
    this.controls.enableRotate = this.activeCamera() === this.perspective;
    // The top-down and 1D views zoom about the cursor, as maps and plots do. Their frustum is off
    // centre (the domain sits between the panels), so a zoom about the frustum's centre made the
    // map drift sideways.
    this.controls.zoomToCursor = this.activeCamera() === this.orthographic;
    let targetHeight = 0;
    if (this.activeCamera() === this.perspective) {
      targetHeight = 0.25;
    } else if (this.dims === 1) {
      targetHeight = 0.4;
    }
    this.controls.target.set(0, 0, targetHeight);
    this.controls.update();
    this.fitOrthographic(this.canvas.clientWidth, this.canvas.clientHeight);
  }

  /**
   * Fits the orthographic frustum so that the square [-1.15, 1.15]² seen by
   * the 2D and 1D views fills the part of the viewport not covered by the
   * panels (see setInsets), centred in it.
   */
  private fitOrthographic(width: number, height: number): void {
    const camera = this.orthographic;
    const fit = this.orthographicFit(width, height);
    camera.left = fit.left;
    camera.right = fit.right;
    camera.top = fit.top;
    camera.bottom = fit.bottom;
    camera.updateProjectionMatrix();
  }

  /**
   * Returns the frustum of fitOrthographic for a viewport of `width` × `height` CSS pixels: the
   * canvas, or one half of the side-by-side view, whose axes then need their margins inside it.
   */
  private orthographicFit(width: number, height: number): OrthographicFit {
    const split = this.basinMap !== undefined && this.splitRuns && this.runs.length >= 2;
    return fitOrthographic(Math.max(1, width), Math.max(1, height), split ? 0 : this.insets.left, split ? 0 : this.insets.right);
  }

  /** Sets the widths, in CSS pixels, of the panels over the left and right edges of the canvas. */
  setInsets(left: number, right: number): void {
    this.insets = { left, right };
    this.resize();
  }
}

/** Quad size in CSS pixels: smaller when there are many particles. */
function particleSize(count: number): number {
  if (count <= 4096) {
    return 6;
  }
  if (count <= 65536) {
    return 4;
  }
  return 2.5;
}
