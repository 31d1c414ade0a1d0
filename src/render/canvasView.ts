/**
 * The top-down view of the CPU fallback, drawn with Canvas 2D where WebGPU is
 * missing: the surface as a viridis loss map (a 1D surface as its curve), the
 * particles of every configuration as dots, and the picked particle with its
 * path and the inspector's arrows. It uses the same height map as the 3D view,
 * so that the colours follow the z scale setting.
 */
import type { Domain } from '../core/surfaces.ts';
import { cssHex, parseHex } from '../core/colorScience.ts';
import { STATUS } from '../core/config.ts';
import { convergedShade, DIVERGED_COLOR } from '../core/palette.ts';
import { viridis } from './colormap.ts';
import { chooseContourLevels } from './contourLevels.ts';
import { createHeightMap, normalizeLoss, NORMALIZED_MAX, NORMALIZED_MIN, sampleLoss, type HeightScaleKind } from './heightMap.ts';
import type { SurfaceArrow, SurfaceScale } from './sceneView.ts';
import { AXIS_MARGIN, type AxisFrame } from './viewGeometry.ts';

/** Loss samples per side of the 2D loss map (per line of a 1D curve). */
const MAP_SAMPLES = 256;
/** Samples per side that choose the height range, as in the 3D view. */
const RANGE_SAMPLES = 129;
/** Space above and right of the map, in CSS pixels; left and below it AXIS_MARGIN leaves room for the axes. */
const MARGIN = 28;
/** Radius of a particle's dot and of the picked particle's ring, in CSS pixels. */
const DOT_RADIUS = 2;
const PICK_RADIUS = 6;
const PICK_COLOR = '#ff2bd6';
const BACKGROUND = '#101418';
const LABEL_COLOR = '#9aa3ad';

export interface CanvasSurface {
  /** Loss drawn at (x, y), such as drawnLoss; NaN leaves a hole. */
  value: (x: number, y: number) => number;
  domain: Domain;
  dims: 1 | 2;
  /** Value of the global minimum when known, which the samples may miss. */
  knownMinimum?: number;
}

/** One configuration's particles: x, y and loss per particle, and the status codes. */
export interface CanvasParticles {
  points: Float32Array;
  status: Uint8Array;
  /** Colour of moving particles, CSS hex; converged ones are drawn lighter, diverged ones in the diverged colour, as in the 3D view. */
  color: string;
  visible: boolean;
}

interface MapRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export class CanvasView {
  private readonly context: CanvasRenderingContext2D;
  private surface: CanvasSurface | undefined;
  private scale: SurfaceScale | undefined;
  /** The loss map at MAP_SAMPLES² pixels, drawn scaled into the map's rectangle. */
  private image: HTMLCanvasElement | undefined;
  private particles: CanvasParticles[] = [];
  private picked = 0;
  private pickedRun = 0;
  private path: [number, number, number][] = [];
  private arrows: { x: number; y: number; loss: number; arrows: SurfaceArrow[] } | undefined;
  private insets = { left: 0, right: 0, top: 0 };
  private dirty = true;

  constructor(private readonly canvas: HTMLCanvasElement) {
    const context = canvas.getContext('2d');
    if (!context) {
      throw new Error('the browser gave no 2D canvas context for the CPU fallback view');
    }
    this.context = context;
  }

  /** Samples the surface and returns its colour scale, as SceneView.setSurface does. */
  setSurface(surface: CanvasSurface, kind: HeightScaleKind | 'auto'): SurfaceScale {
    this.surface = surface;
    const range = sampleLoss(surface.value, surface.domain, surface.dims, RANGE_SAMPLES);
    const map = createHeightMap(surface.domain, range, kind, { knownMinimum: surface.knownMinimum });
    this.scale = { map, levels: chooseContourLevels(map) };
    this.image = surface.dims === 2 ? this.lossImage(surface) : undefined;
    this.dirty = true;
    return this.scale;
  }

  setParticles(particles: CanvasParticles[]): void {
    this.particles = particles;
    this.dirty = true;
  }

  /** Sets the picked particle, drawn with a ring, in configuration `run`. */
  setPicked(index: number, run: number): void {
    this.picked = index;
    this.pickedRun = run;
    this.dirty = true;
  }

  /** Sets the picked particle's path: x, y and loss per update. */
  setPickedPath(path: [number, number, number][]): void {
    this.path = path;
    this.dirty = true;
  }

  setArrows(x: number, y: number, loss: number, arrows: SurfaceArrow[]): void {
    this.arrows = { x, y, loss, arrows };
    this.dirty = true;
  }

  /** Sets the CSS pixels that the side column (left), the panel and colour bar (right) and the banner (top) cover. */
  setInsets(left: number, right: number, top: number): void {
    this.insets = { left, right, top };
    this.dirty = true;
  }

  /** Matches the canvas's pixels to its size on the page; the next draw repaints. */
  resize(): void {
    this.dirty = true;
  }

  /** Index of the particle of configuration `run` drawn nearest to a canvas point (CSS pixels), or -1 when none is within reach. */
  pickParticle(run: number, px: number, py: number): number {
    const particles = this.particles[run];
    if (!particles) {
      return -1;
    }
    let best = -1;
    let bestDistance = (4 * PICK_RADIUS) ** 2;
    for (let k = 0; k < particles.status.length; k++) {
      if (particles.status[k] === STATUS.diverged) {
        continue;
      }
      const [sx, sy] = this.toScreen(particles.points[3 * k], particles.points[3 * k + 1], particles.points[3 * k + 2]);
      const distance = (sx - px) ** 2 + (sy - py) ** 2;
      if (distance < bestDistance) {
        bestDistance = distance;
        best = k;
      }
    }
    return best;
  }

  /** Canvas point (CSS pixels) of the surface point (x, y) with loss `loss` (a 1D surface draws the loss upwards). */
  screenPositionOf(x: number, y: number, loss: number): { px: number; py: number } {
    const [px, py] = this.toScreen(x, y, loss);
    return { px, py };
  }

  /** Draws the view when anything changed since the last draw. */
  draw(): void {
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(this.canvas.clientWidth * ratio));
    const height = Math.max(1, Math.round(this.canvas.clientHeight * ratio));
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
      this.dirty = true;
    }
    if (!this.dirty) {
      return;
    }
    this.dirty = false;

    const context = this.context;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.fillStyle = BACKGROUND;
    context.fillRect(0, 0, this.canvas.clientWidth, this.canvas.clientHeight);
    const surface = this.surface;
    if (!surface) {
      return;
    }
    const rect = this.mapRect();
    if (this.image) {
      context.imageSmoothingEnabled = true;
      context.drawImage(this.image, rect.left, rect.top, rect.width, rect.height);
    } else {
      this.drawCurve(rect);
    }
    this.drawBounds(rect);

    context.save();
    context.beginPath();
    context.rect(rect.left, rect.top, rect.width, rect.height);
    context.clip();
    this.drawParticles();
    this.drawPicked();
    context.restore();
  }

  /** Returns the square (2D) or the wide rectangle (1D) that the domain maps to. */
  private mapRect(): MapRect {
    const available = Math.max(40, this.canvas.clientWidth - this.insets.left - this.insets.right - AXIS_MARGIN.left - MARGIN);
    const tall = Math.max(40, this.canvas.clientHeight - this.insets.top - MARGIN - AXIS_MARGIN.bottom);
    const left = this.insets.left + AXIS_MARGIN.left;
    const top = this.insets.top + MARGIN;
    if (this.surface?.dims === 1) {
      return { left, top, width: available, height: Math.min(tall, available) };
    }
    const side = Math.min(available, tall);
    return { left: left + (available - side) / 2, top: top + (tall - side) / 2, width: side, height: side };
  }

  /**
   * Returns the axes of the map, as the GPU views give theirs (SceneView.axisFrames):
   * the canvas pixels of the domain's edges and, in 1D, of the loss heights 0 and 1.
   * Empty before a surface.
   */
  axisFrames(): AxisFrame[] {
    const surface = this.surface;
    const scale = this.scale;
    if (!surface || !scale) {
      return [];
    }
    const rect = this.mapRect();
    const { domain } = surface;
    const box = { left: rect.left, top: rect.top, right: rect.left + rect.width, bottom: rect.top + rect.height };
    const room = { left: this.insets.left, top: this.insets.top, right: this.canvas.clientWidth - this.insets.right, bottom: this.canvas.clientHeight };
    // The curve spans the normalised heights NORMALIZED_MIN to NORMALIZED_MAX from the bottom of the map up, as in toScreen.
    const heightPixel = (height: number) => rect.top + (1 - (height - NORMALIZED_MIN) / (NORMALIZED_MAX - NORMALIZED_MIN)) * rect.height;
    return [
      {
        room,
        box,
        x: { kind: 'linear', min: domain.xMin, max: domain.xMax, pixelMin: box.left, pixelMax: box.right },
        vertical:
          surface.dims === 1
            ? { kind: 'loss', map: scale.map, pixelAtZero: heightPixel(0), pixelAtOne: heightPixel(1) }
            : { kind: 'linear', min: domain.yMin, max: domain.yMax, pixelMin: box.bottom, pixelMax: box.top },
      },
    ];
  }

  private toScreen(x: number, y: number, loss: number): [number, number] {
    const surface = this.surface;
    if (!surface) {
      return [0, 0];
    }
    const rect = this.mapRect();
    const { domain } = surface;
    const px = rect.left + ((x - domain.xMin) / (domain.xMax - domain.xMin)) * rect.width;
    if (surface.dims === 1 && this.scale) {
      // The curve spans the normalised heights NORMALIZED_MIN to NORMALIZED_MAX from the bottom up.
      const height = (normalizeLoss(this.scale.map, loss) - NORMALIZED_MIN) / (NORMALIZED_MAX - NORMALIZED_MIN);
      return [px, rect.top + (1 - height) * rect.height];
    }
    // y grows upwards, as on the 3D view seen from above.
    return [px, rect.top + (1 - (y - domain.yMin) / (domain.yMax - domain.yMin)) * rect.height];
  }

  private lossImage(surface: CanvasSurface): HTMLCanvasElement | undefined {
    const scale = this.scale;
    const image = document.createElement('canvas');
    image.width = MAP_SAMPLES;
    image.height = MAP_SAMPLES;
    const context = image.getContext('2d');
    if (!scale || !context) {
      return undefined;
    }
    const { domain } = surface;
    const pixels = context.createImageData(MAP_SAMPLES, MAP_SAMPLES);
    for (let row = 0; row < MAP_SAMPLES; row++) {
      // Row 0 is the top of the image: the largest y.
      const y = domain.yMax - ((row + 0.5) / MAP_SAMPLES) * (domain.yMax - domain.yMin);
      for (let column = 0; column < MAP_SAMPLES; column++) {
        const x = domain.xMin + ((column + 0.5) / MAP_SAMPLES) * (domain.xMax - domain.xMin);
        const loss = surface.value(x, y);
        const [r, g, b] = Number.isFinite(loss) ? viridis(normalizeLoss(scale.map, loss)) : [255, 255, 255];
        pixels.data.set([r, g, b, 255], 4 * (row * MAP_SAMPLES + column));
      }
    }
    context.putImageData(pixels, 0, 0);
    return image;
  }

  private drawCurve(rect: MapRect): void {
    const surface = this.surface!;
    const context = this.context;
    const { domain } = surface;
    context.strokeStyle = viridis(0.6).reduce((text, channel) => text + channel.toString(16).padStart(2, '0'), '#');
    context.lineWidth = 2;
    context.beginPath();
    for (let i = 0; i < MAP_SAMPLES; i++) {
      const x = domain.xMin + (i / (MAP_SAMPLES - 1)) * (domain.xMax - domain.xMin);
      const [px, py] = this.toScreen(x, 0, surface.value(x, 0));
      if (i === 0) {
        context.moveTo(px, py);
      } else {
        context.lineTo(px, py);
      }
    }
    context.stroke();
  }

  /** Outlines the map; the axes overlay (AxisOverlay) labels its edges. */
  private drawBounds(rect: MapRect): void {
    const context = this.context;
    context.strokeStyle = LABEL_COLOR;
    context.lineWidth = 1;
    context.strokeRect(rect.left - 0.5, rect.top - 0.5, rect.width + 1, rect.height + 1);
  }

  private drawParticles(): void {
    const context = this.context;
    const diverged = cssHex(DIVERGED_COLOR);
    for (const particles of this.particles) {
      if (!particles.visible) {
        continue;
      }
      const converged = cssHex(convergedShade(parseHex(particles.color)));
      const fills: [number, string][] = [
        [STATUS.moving, particles.color],
        [STATUS.converged, converged],
        [STATUS.diverged, diverged],
      ];
      // A diverged particle stays where it was before the update that would take it past the bound.
      for (const [status, fill] of fills) {
        context.fillStyle = fill;
        for (let k = 0; k < particles.status.length; k++) {
          if (particles.status[k] !== status) {
            continue;
          }
          const [x, y, loss] = [particles.points[3 * k], particles.points[3 * k + 1], particles.points[3 * k + 2]];
          if (status === STATUS.diverged && this.drawDivergedOutside(x, y, loss)) {
            continue;
          }
          const [px, py] = this.toScreen(x, y, loss);
          context.fillRect(px - DOT_RADIUS, py - DOT_RADIUS, 2 * DOT_RADIUS, 2 * DOT_RADIUS);
        }
      }
    }
  }

  /**
   * Draws a diverged particle that lies past the domain as the WebGPU view
   * does. In 2D it goes to the nearest point of the domain's edge. In 1D it
   * is a bar over the map's height, just inside the edge it left by. Returns
   * false for a particle inside the domain, which the caller draws as a dot.
   */
  private drawDivergedOutside(x: number, y: number, loss: number): boolean {
    const surface = this.surface;
    if (!surface) {
      return false;
    }
    const { xMin, xMax, yMin, yMax } = surface.domain;
    const outsideX = !(x >= xMin && x <= xMax);
    const outsideY = surface.dims === 2 && !(y >= yMin && y <= yMax);
    if (!outsideX && !outsideY) {
      return false;
    }
    const context = this.context;
    const rect = this.mapRect();
    if (surface.dims === 1) {
      // Past the left edge, or past the right one (a NaN counts as the right).
      const left = x < xMin;
      context.fillRect(left ? rect.left : rect.left + rect.width - 2 * DOT_RADIUS, rect.top, 2 * DOT_RADIUS, rect.height);
      return true;
    }
    const clamp = (value: number, low: number, high: number): number => (Number.isNaN(value) ? high : Math.min(Math.max(value, low), high));
    const [px, py] = this.toScreen(clamp(x, xMin, xMax), clamp(y, yMin, yMax), loss);
    context.fillRect(px - DOT_RADIUS, py - DOT_RADIUS, 2 * DOT_RADIUS, 2 * DOT_RADIUS);
    return true;
  }

  private drawPicked(): void {
    const context = this.context;
    context.strokeStyle = PICK_COLOR;
    context.lineWidth = 1.5;
    if (this.path.length > 1) {
      context.beginPath();
      this.path.forEach(([x, y, loss], k) => {
        const [px, py] = this.toScreen(x, y, loss);
        if (k === 0) {
          context.moveTo(px, py);
        } else {
          context.lineTo(px, py);
        }
      });
      context.stroke();
    }

    const particles = this.particles[this.pickedRun];
    if (particles && this.picked < particles.status.length && particles.status[this.picked] !== STATUS.diverged) {
      const points = particles.points;
      const [px, py] = this.toScreen(points[3 * this.picked], points[3 * this.picked + 1], points[3 * this.picked + 2]);
      context.lineWidth = 2;
      context.beginPath();
      context.arc(px, py, PICK_RADIUS, 0, 2 * Math.PI);
      context.stroke();
    }

    if (this.arrows && this.surface?.dims === 2) {
      const { x, y, loss, arrows } = this.arrows;
      const [fromX, fromY] = this.toScreen(x, y, loss);
      for (const arrow of arrows) {
        const [toX, toY] = this.toScreen(x + arrow.dx, y + arrow.dy, loss);
        context.strokeStyle = arrow.color;
        context.lineWidth = 2;
        context.beginPath();
        context.moveTo(fromX, fromY);
        context.lineTo(toX, toY);
        context.stroke();
      }
    }
  }
}
