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
  LineSegments,
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
import { NORMALIZED_MAX, NORMALIZED_MIN, normalizeLoss, unclippedHeight, worldX, worldY, type HeightMap } from './heightMap.ts';

/**
 * Vertices per side of the 2D mesh in full and in light drawing (see
 * SceneView). The light mesh has a quarter of the vertices, and its contour
 * lines bend at coarser steps.
 */
export const MESH_RESOLUTION = { full: 256, light: 128 } as const;

/** Points of the 1D curve, in either drawing. */
const CURVE_POINTS = 512;

export interface SurfaceShape {
  /** Loss drawn at (x, y), such as drawnLoss; NaN leaves a hole. */
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
    const defined = new Float32Array(n * n);

    // PlaneGeometry orders vertices row by row from the top (+y) edge.
    const xAt = (column: number): number => domain.xMin + ((domain.xMax - domain.xMin) * column) / (n - 1);
    const yAt = (row: number): number => domain.yMax - ((domain.yMax - domain.yMin) * row) / (n - 1);
    for (let row = 0; row < n; row++) {
      for (let column = 0; column < n; column++) {
        const vertex = row * n + column;
        const loss = shape.value(xAt(column), yAt(row));
        if (Number.isFinite(loss)) {
          defined[vertex] = 1;
          heights[vertex] = normalizeLoss(map, loss);
          rises[vertex] = Math.min(unclippedHeight(map, loss), RISE_CAP);
          // Contours follow the unclipped height, so no lines crowd into the clipped top.
          contours[vertex] = contourCoordinate(levels, unclippedHeight(map, loss));
        }
      }
    }
    // Where the formula is undefined the mesh has a hole: the material drops every triangle with
    // such a vertex. Those vertices take the values of the nearest defined ones, so the normals at
    // the hole's edge stay those of the surface. With no defined vertex, the mesh is cut at the top.
    if (!fillUndefined(n, defined, [heights, rises, contours])) {
      heights.fill(NORMALIZED_MAX);
      rises.fill(RISE_CAP);
    }
    for (let row = 0; row < n; row++) {
      for (let column = 0; column < n; column++) {
        const vertex = row * n + column;
        positions.setXYZ(vertex, worldX(map, xAt(column)), worldY(map, yAt(row)), heights[vertex] * map.height);
      }
    }
    geometry.setAttribute('level', new Float32BufferAttribute(heights, 1));
    geometry.setAttribute('rise', new Float32BufferAttribute(rises, 1));
    geometry.setAttribute('contour', new Float32BufferAttribute(contours, 1));
    geometry.setAttribute('defined', new Float32BufferAttribute(defined, 1));
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
    const cut = rise.greaterThan(NORMALIZED_MAX).and(this.cutTop.greaterThan(0.5));
    material.opacityNode = select(cut.or(attribute('defined', 'float').lessThan(0.999)), float(0), float(1));
    material.alphaTest = 0.5;
    this.ownColor = mix(mix(base, vec3(0.02, 0.02, 0.05), line.mul(0.55)), CUT_RIM_COLOR, rim);
    material.colorNode = this.ownColor;
    return new Mesh(geometry, material);
  }

  private createCurve(shape: SurfaceShape, map: HeightMap): Line {
    const n = CURVE_POINTS;
    const { domain } = shape;
    const points: ([number, number, number] | undefined)[] = [];
    for (let i = 0; i < n; i++) {
      const x = domain.xMin + ((domain.xMax - domain.xMin) * i) / (n - 1);
      const loss = shape.value(x, 0);
      points.push(Number.isFinite(loss) ? [worldX(map, x), 0, normalizeLoss(map, loss) * map.height] : undefined);
    }
    // Segments between neighbouring samples where both are defined: the curve has gaps where the
    // formula is undefined (asin beyond ±1, log below 0) rather than lines to the top. Nor does a
    // segment join the bottom of the drawn range to its top, as across the pole of 1/x.
    const top = NORMALIZED_MAX * map.height;
    const bottom = NORMALIZED_MIN * map.height;
    const segments: number[] = [];
    for (let i = 0; i + 1 < n; i++) {
      const [a, b] = [points[i], points[i + 1]];
      const acrossPole = a && b && Math.max(a[2], b[2]) >= top && Math.min(a[2], b[2]) <= bottom;
      if (a && b && !acrossPole) {
        segments.push(...a, ...b);
      }
    }
    const geometry = new BufferGeometry();
    geometry.setAttribute('position', new Float32BufferAttribute(new Float32Array(segments), 3));
    const material = new LineBasicNodeMaterial();
    material.colorNode = vec3(0.35, 0.75, 0.95);
    return new LineSegments(geometry, material);
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

/**
 * Fills the entries of `arrays` at the vertices of the n × n grid where
 * `defined` is 0, outward from the defined ones: each takes the mean of its
 * neighbours (8-neighbourhood) filled before it. Returns false when no vertex
 * is defined.
 */
function fillUndefined(n: number, defined: Float32Array, arrays: Float32Array[]): boolean {
  const filled = Uint8Array.from(defined, (value) => (value === 1 ? 1 : 0));
  if (!filled.includes(1)) {
    return false;
  }
  const neighbours = (vertex: number): number[] => {
    const row = Math.floor(vertex / n);
    const column = vertex % n;
    const list: number[] = [];
    for (let dr = -1; dr <= 1; dr++) {
      for (let dc = -1; dc <= 1; dc++) {
        const r = row + dr;
        const c = column + dc;
        if ((dr !== 0 || dc !== 0) && r >= 0 && r < n && c >= 0 && c < n) {
          list.push(r * n + c);
        }
      }
    }
    return list;
  };
  // Breadth first from the defined vertices, one ring of the hole at a time.
  let ring = [...filled.keys()].filter((vertex) => filled[vertex] === 0 && neighbours(vertex).some((other) => filled[other] === 1));
  while (ring.length > 0) {
    for (const vertex of ring) {
      const sources = neighbours(vertex).filter((other) => filled[other] === 1);
      for (const array of arrays) {
        array[vertex] = sources.reduce((sum, other) => sum + array[other], 0) / sources.length;
      }
    }
    for (const vertex of ring) {
      filled[vertex] = 1;
    }
    ring = [...new Set(ring.flatMap(neighbours))].filter((vertex) => filled[vertex] === 0);
  }
  return true;
}
