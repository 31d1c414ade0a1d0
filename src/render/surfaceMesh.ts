/**
 * The loss surface: a lit height-mapped mesh coloured by normalised loss with
 * contour lines at the chosen levels (2D surfaces), or a curve in the x–z
 * plane (1D surfaces). Heights come from the float64 evaluator through the
 * shared height map.
 */
import { attribute, float, fract, fwidth, min, mix, select, smoothstep, texture, uniform, uv, vec2, vec3 } from 'three/tsl';
import {
  BufferGeometry,
  Float32BufferAttribute,
  Line,
  LineBasicNodeMaterial,
  Mesh,
  MeshBasicNodeMaterial,
  MeshStandardNodeMaterial,
  PlaneGeometry,
  DoubleSide,
  type DataTexture,
  type Node,
  type Object3D,
} from 'three/webgpu';
import type { Domain } from '../core/surfaces.ts';
import { contourCoordinate, type ContourLevel } from './contourLevels.ts';
import { NORMALIZED_MAX, normalizeLoss, unclippedHeight, worldX, worldY, type HeightMap } from './heightMap.ts';

/**
 * Vertices per side of the 2D mesh in full and in light drawing (see
 * SceneView). The light mesh has a quarter of the vertices, and its contour
 * lines bend at coarser steps.
 */
export const MESH_RESOLUTION = { full: 256, light: 128 } as const;

/** Points of the 1D curve, in either drawing. */
const CURVE_POINTS = 512;

export interface SurfaceShape {
  value: (x: number, y: number) => number;
  domain: Domain;
  dims: 1 | 2;
  /** Lowest value of the surface when known (a global minimum), for the height range. */
  knownMinimum?: number;
}

/** Colour of the rim where the 3D mesh is cut at the top of the drawn range (linear RGB, a light grey). */
const CUT_RIM_COLOR = vec3(0.85, 0.85, 0.85);

/**
 * Largest unclipped height stored per vertex: enough to place the cut
 * between a vertex below the top and one far above it, and finite for the
 * interpolation.
 */
const RISE_CAP = NORMALIZED_MAX + 1;

/** A colour laid over the surface: rgb, and a = 1 where it replaces the surface's own colour. */
export type SurfaceOverlay = (xy: Node<'vec2'>) => Node<'vec4'>;

export class SurfaceObject {
  readonly object: Object3D;
  /** The surface's own colour, without an overlay. */
  private ownColor: Node<'vec3'> | undefined;
  /** A strip under a 1D curve that shows the overlay, created on demand. */
  private strip: Mesh | undefined;
  /** 1 while the 3D view cuts the mesh where the loss rises above the drawn range; 0 in the top-down view, which shows every colour. */
  private readonly cutTop = uniform(1);

  constructor(
    private readonly shape: SurfaceShape,
    private readonly map: HeightMap,
    colormap: DataTexture,
    levels: readonly ContourLevel[],
    private readonly resolution: number = MESH_RESOLUTION.full,
  ) {
    this.object = shape.dims === 1 ? this.createCurve(shape, map) : this.createMesh(shape, map, colormap, levels);
  }

  /**
   * Lays `overlay` (for example the basin map) over the surface: on the mesh
   * of a 2D surface, or on a strip under the curve of a 1D one. Undefined
   * removes it.
   */
  setOverlay(overlay: SurfaceOverlay | undefined): void {
    const { domain } = this.shape;
    const surfacePoint = vec2(uv().x.mul(domain.xMax - domain.xMin).add(domain.xMin), uv().y.mul(domain.yMax - domain.yMin).add(domain.yMin));

    if (this.shape.dims === 2) {
      const material = (this.object as Mesh).material as MeshStandardNodeMaterial;
      if (overlay) {
        const color = overlay(surfacePoint);
        material.colorNode = mix(this.ownColor!, color.xyz, color.w);
      } else {
        material.colorNode = this.ownColor!;
      }
      material.needsUpdate = true;
      return;
    }

    if (this.strip) {
      this.object.remove(this.strip);
      this.strip.geometry.dispose();
      (this.strip.material as MeshBasicNodeMaterial).dispose();
      this.strip = undefined;
    }
    if (overlay) {
      // A band below the curve in the x–z plane, spanning the domain.
      const width = (domain.xMax - domain.xMin) * this.map.scale;
      const geometry = new PlaneGeometry(width, 0.06);
      geometry.rotateX(Math.PI / 2);
      const material = new MeshBasicNodeMaterial({ side: DoubleSide });
      material.colorNode = overlay(vec2(uv().x.mul(domain.xMax - domain.xMin).add(domain.xMin), domain.yMin)).xyz;
      this.strip = new Mesh(geometry, material);
      this.strip.position.set(worldX(this.map, (domain.xMin + domain.xMax) / 2), 0.001, -0.08);
      this.object.add(this.strip);
    }
  }

  private createMesh(shape: SurfaceShape, map: HeightMap, colormap: DataTexture, levels: readonly ContourLevel[]): Mesh {
    const n = this.resolution;
    const { domain } = shape;
    const geometry = new PlaneGeometry(1, 1, n - 1, n - 1);
    const positions = geometry.getAttribute('position');
    const heights = new Float32Array(n * n);
    const rises = new Float32Array(n * n);
    const contours = new Float32Array(n * n);

    // PlaneGeometry orders vertices row by row from the top (+y) edge.
    for (let row = 0; row < n; row++) {
      const y = domain.yMax - ((domain.yMax - domain.yMin) * row) / (n - 1);
      for (let column = 0; column < n; column++) {
        const x = domain.xMin + ((domain.xMax - domain.xMin) * column) / (n - 1);
        const vertex = row * n + column;
        const loss = shape.value(x, y);
        const height = Number.isFinite(loss) ? normalizeLoss(map, loss) : NORMALIZED_MAX;
        heights[vertex] = height;
        rises[vertex] = Number.isFinite(loss) ? Math.min(unclippedHeight(map, loss), RISE_CAP) : RISE_CAP;
        // Contours follow the unclipped height, so no lines crowd into the clipped top.
        contours[vertex] = contourCoordinate(levels, Number.isFinite(loss) ? unclippedHeight(map, loss) : Infinity);
        positions.setXYZ(vertex, worldX(map, x), worldY(map, y), height * map.height);
      }
    }
    geometry.setAttribute('level', new Float32BufferAttribute(heights, 1));
    geometry.setAttribute('rise', new Float32BufferAttribute(rises, 1));
    geometry.setAttribute('contour', new Float32BufferAttribute(contours, 1));
    geometry.computeVertexNormals();

    const level = attribute('level', 'float');
    const base = texture(colormap, vec2(level.clamp(0, 1), 0.5)).rgb;
    // A line where the contour coordinate crosses an integer, about one pixel wide.
    const coordinate = attribute('contour', 'float');
    const distance = min(fract(coordinate), float(1).sub(fract(coordinate)));
    const width = fwidth(coordinate);
    const line = float(1).sub(smoothstep(width.mul(0.5), width.mul(1.5), distance));

    // Losses above the drawn range would form a flat slab at the top. The 3D view cuts the mesh
    // where the interpolated unclipped height passes NORMALIZED_MAX instead, with a light rim
    // about two pixels wide along the cut, so the clipping reads as clipping.
    const rise = attribute('rise', 'float');
    const riseWidth = fwidth(rise);
    const rim = smoothstep(float(NORMALIZED_MAX).sub(riseWidth.mul(2)), float(NORMALIZED_MAX).sub(riseWidth), rise).mul(this.cutTop);
    const material = new MeshStandardNodeMaterial({ roughness: 0.85, metalness: 0, side: DoubleSide });
    material.opacityNode = select(rise.greaterThan(NORMALIZED_MAX).and(this.cutTop.greaterThan(0.5)), float(0), float(1));
    material.alphaTest = 0.5;
    this.ownColor = mix(mix(base, vec3(0.02, 0.02, 0.05), line.mul(0.55)), CUT_RIM_COLOR, rim);
    material.colorNode = this.ownColor;
    return new Mesh(geometry, material);
  }

  private createCurve(shape: SurfaceShape, map: HeightMap): Line {
    const n = CURVE_POINTS;
    const { domain } = shape;
    const positions = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      const x = domain.xMin + ((domain.xMax - domain.xMin) * i) / (n - 1);
      const loss = shape.value(x, 0);
      const height = Number.isFinite(loss) ? normalizeLoss(map, loss) : NORMALIZED_MAX;
      positions.set([worldX(map, x), 0, height * map.height], 3 * i);
    }
    const geometry = new BufferGeometry();
    geometry.setAttribute('position', new Float32BufferAttribute(positions, 3));
    const material = new LineBasicNodeMaterial();
    material.colorNode = vec3(0.35, 0.75, 0.95);
    return new Line(geometry, material);
  }

  /** Scales heights for the view: 1 in 3D, nearly 0 in the top-down 2D view, where the mesh is not cut. */
  setVerticalScale(scale: number): void {
    this.object.scale.z = scale;
    this.cutTop.value = scale >= 0.5 ? 1 : 0;
  }

  dispose(): void {
    this.setOverlay(undefined);
    const drawable = this.object as Mesh | Line;
    drawable.geometry.dispose();
    (drawable.material as MeshStandardNodeMaterial | LineBasicNodeMaterial).dispose();
  }
}
