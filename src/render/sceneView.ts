/**
 * The three.js scene: renderer on the app's own GPUDevice, cameras for the
 * 3D orbit view, the top-down 2D view and the 1D side view, lights, and the
 * surface, particle and trail layers.
 */
import { uniform, vec2 } from 'three/tsl';
import {
  AmbientLight,
  Color,
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
import { createViridisTexture } from './colormap.ts';
import { chooseContourLevels, type ContourLevel } from './contourLevels.ts';
import { createHeightMap, sampleLoss, type HeightMap, type HeightScaleKind } from './heightMap.ts';
import { ParticleLayer } from './particles.ts';
import { SurfaceObject, type SurfaceShape } from './surfaceMesh.ts';
import { TrailLayer, type TrailShape } from './trails.ts';
import { WorldMapping } from './worldMapping.ts';

export type ViewMode = '3d' | '2d';

/** Vertical scale of the top-down view: flat, but not zero, so normals stay defined. */
const FLAT = 1e-4;

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
}

export class SceneView {
  readonly renderer: WebGPURenderer;
  readonly mapping = new WorldMapping();
  private readonly scene = new Scene();
  private readonly perspective = new PerspectiveCamera(40, 1, 0.01, 100);
  private readonly orthographic = new OrthographicCamera(-1, 1, 1, -1, -20, 20);
  private readonly controls: OrbitControls;
  private readonly pixelToClip = uniform(vec2(0.001, 0.001));
  private readonly colormap: DataTexture;
  private surface: SurfaceObject | undefined;
  private particles: ParticleLayer | undefined;
  private picked: ParticleLayer | undefined;
  private trails: TrailLayer | undefined;
  private source: ParticleSource | undefined;
  private heightMap: HeightMap | undefined;
  private domain: Domain | undefined;
  private dims: 1 | 2 = 2;
  private mode: ViewMode = '3d';

  private constructor(private readonly canvas: HTMLCanvasElement, device: GPUDevice) {
    this.renderer = new WebGPURenderer({ canvas, device, antialias: true });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
    this.scene.background = new Color(0x101418);
    this.colormap = createViridisTexture();

    for (const camera of [this.perspective, this.orthographic]) {
      camera.up.set(0, 0, 1);
    }
    this.perspective.position.set(2.4, -2.9, 2.2);

    this.scene.add(new AmbientLight(0xffffff, 0.9));
    const sun = new DirectionalLight(0xffffff, 2.2);
    sun.position.set(1.5, -2.5, 4);
    this.scene.add(sun);

    this.controls = new OrbitControls(this.perspective, canvas);
    this.controls.target.set(0, 0, 0.25);
    this.controls.enableDamping = true;
    this.controls.update();
  }

  /** Creates the renderer on `device` and waits until it can draw. */
  static async create(canvas: HTMLCanvasElement, device: GPUDevice): Promise<SceneView> {
    const view = new SceneView(canvas, device);
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
    this.surface = new SurfaceObject(shape, this.heightMap, this.colormap, levels);
    this.scene.add(this.surface.object);
    this.applyViewMode();
    return { map: this.heightMap, levels };
  }

  /** Draws particles and trails straight from the compute buffers of `source`. */
  setParticles(source: ParticleSource): void {
    this.removeParticles();
    this.source = source;
    this.particles = new ParticleLayer(this.renderer, source.points, source.count, this.mapping, this.pixelToClip, {
      sizePixels: particleSize(source.count) * this.renderer.getPixelRatio(),
    });
    this.picked = new ParticleLayer(this.renderer, source.points, source.count, this.mapping, this.pixelToClip, {
      sizePixels: 11 * this.renderer.getPixelRatio(),
      highlight: true,
    });
    this.trails = new TrailLayer(this.renderer, source.trails, source.trailShape, this.mapping);
    this.scene.add(this.trails.lines, this.particles.mesh, this.picked.mesh);
  }

  setPicked(index: number): void {
    if (this.picked) {
      this.picked.pickedIndex.value = index;
    }
  }

  setTrailsVisible(visible: boolean): void {
    if (this.trails) {
      this.trails.lines.visible = visible;
    }
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
    this.perspective.aspect = width / height;
    this.perspective.updateProjectionMatrix();
    this.fitOrthographic(width / height);
  }

  /** Draws a frame; `stepsDone` places the newest point of each trail ring. */
  render(stepsDone: number): void {
    if (this.trails && this.source) {
      this.trails.head.value = Math.floor(stepsDone / this.source.trailEvery) % this.source.trailShape.length;
    }
    this.controls.update();
    void this.renderer.render(this.scene, this.activeCamera());
  }

  dispose(): void {
    this.removeParticles();
    this.surface?.dispose();
    this.controls.dispose();
    this.colormap.dispose();
    this.renderer.dispose();
  }

  private activeCamera(): Camera {
    return this.dims === 1 || this.mode === '2d' ? this.orthographic : this.perspective;
  }

  private removeParticles(): void {
    for (const layer of [this.particles, this.picked]) {
      if (layer) {
        this.scene.remove(layer.mesh);
        layer.dispose();
      }
    }
    if (this.trails) {
      this.scene.remove(this.trails.lines);
      this.trails.dispose();
    }
    this.particles = undefined;
    this.picked = undefined;
    this.trails = undefined;
  }

  private applyViewMode(): void {
    const flat = this.dims === 2 && this.mode === '2d';
    const verticalScale = flat ? FLAT : 1;
    this.surface?.setVerticalScale(verticalScale);
    if (this.heightMap && this.domain) {
      const margin = 0.25;
      const xPad = (this.domain.xMax - this.domain.xMin) * margin;
      const yPad = (this.domain.yMax - this.domain.yMin) * margin;
      this.mapping.update(this.heightMap, verticalScale, {
        xMin: this.domain.xMin - xPad,
        xMax: this.domain.xMax + xPad,
        yMin: this.domain.yMin - yPad,
        yMax: this.domain.yMax + yPad,
      });
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
    let targetHeight = 0;
    if (this.activeCamera() === this.perspective) {
      targetHeight = 0.25;
    } else if (this.dims === 1) {
      targetHeight = 0.4;
    }
    this.controls.target.set(0, 0, targetHeight);
    this.controls.update();
    this.fitOrthographic(this.canvas.clientWidth / Math.max(1, this.canvas.clientHeight));
  }

  /** Fits the orthographic frustum around the square [-1.15, 1.15]² seen by the 2D and 1D views. */
  private fitOrthographic(aspect: number): void {
    const camera = this.orthographic;
    const half = 1.15;
    if (aspect >= 1) {
      camera.left = -half * aspect;
      camera.right = half * aspect;
      camera.top = half;
      camera.bottom = -half;
    } else {
      camera.left = -half;
      camera.right = half;
      camera.top = half / aspect;
      camera.bottom = -half / aspect;
    }
    camera.updateProjectionMatrix();
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
