/**
 * Every particle as a round screen-aligned quad of fixed pixel size, one
 * instance per particle, positioned in the vertex shader from the compute
 * pipeline's `points` buffer (x, y, loss, status). WebGPU has no wide points,
 * hence quads.
 */
import {
  Discard,
  Fn,
  If,
  cameraProjectionMatrix,
  float,
  instanceIndex,
  length,
  mix,
  modelViewMatrix,
  positionGeometry,
  select,
  smoothstep,
  storage,
  uint,
  uniform,
  uv,
  varyingProperty,
  vec2,
  vec3,
  vec4,
} from 'three/tsl';
import { Mesh, MeshBasicNodeMaterial, PlaneGeometry, type Node, type WebGPURenderer } from 'three/webgpu';
import { linearRgb } from '../core/colorScience.ts';
import { CONVERGED_LIGHTEN, DIVERGED_COLOR } from '../core/palette.ts';
import { externalStorageAttribute } from './externalBuffer.ts';
import type { WorldMapping } from './worldMapping.ts';

/** Colour of diverged particles (linear RGB), the outcome colour of palette.ts. */
const DIVERGED_LINEAR = linearRgb(DIVERGED_COLOR);
/**
 * Depth added at a particle's edge, so that where particles overlap at one
 * depth each one's fill covers the others' dark rims. By estimate it is about
 * two float32 steps of depth near 1, and far smaller than the depth of the
 * particles' 0.004 lift above the surface (about 1e-6 from the default camera).
 */
const RIM_DEPTH = 1e-7;

export interface ParticleLayerOptions {
  /** Quad size in device pixels. */
  sizePixels: number;
  /** Colour of moving particles (linear RGB); converged ones are drawn lighter, diverged ones in the diverged colour. */
  color: readonly [number, number, number];
  /** Draw only this one particle (the picked one), larger and highlighted. */
  highlight?: boolean;
}

/**
 * A drawable layer over a `points` buffer. `pixelToClip` must be updated
 * on resize with (2 / width, 2 / height) in device pixels.
 */
export class ParticleLayer {
  readonly mesh: Mesh;
  readonly pickedIndex = uniform(uint(0));
  readonly sizePixels = uniform(4);

  constructor(
    renderer: WebGPURenderer,
    points: GPUBuffer,
    count: number,
    mapping: WorldMapping,
    pixelToClip: Node<'vec2'>,
    options: ParticleLayerOptions,
  ) {
    const attribute = externalStorageAttribute(renderer, points, count, 4);
    const pointNodes = storage(attribute, 'vec4', count).toReadOnly();
    const index = options.highlight ? this.pickedIndex : instanceIndex;
    const point = pointNodes.element(index);
    this.sizePixels.value = options.sizePixels;

    const material = new MeshBasicNodeMaterial({ transparent: false, depthWrite: true });
    const status = point.w;
    // The depth of the particle's centre: every corner of its quad has the same clip z and w.
    const centreDepth = varyingProperty('float', 'vParticleDepth');
    // 1 where the quad is an edge bar. In 1D the diverged particles past the box all sit on its two top
    // corners, two dots in all. Each is drawn as a bar over the box's height at the edge it left by instead.
    const edgeBar = varyingProperty('float', 'vEdgeBar');
    material.vertexNode = Fn(() => {
      const left = point.x.lessThan(mapping.boxMin.x);
      const outside = left.or(point.x.greaterThan(mapping.boxMax.x));
      const isBar = options.highlight ? float(0) : select(outside.and(status.greaterThan(1.5)), mapping.edgeBars, float(0));
      const dot = mapping.world(point.xy, point.z, 0.004);
      const bar = mapping.boxPoint(point.xy, positionGeometry.y.add(0.5));
      const world = select(isBar.greaterThan(0.5), bar, dot);
      const clip = cameraProjectionMatrix.mul(modelViewMatrix).mul(vec4(world, 1)).toVar();
      // A bar is one particle wide and lies inside the box, so a panel over the box's edge does not hide it.
      const inward = select(left, float(0.5), float(-0.5));
      const barOffset = vec2(positionGeometry.x.add(inward), 0);
      const quadOffset = select(isBar.greaterThan(0.5), barOffset, positionGeometry.xy);
      const offset = quadOffset.mul(this.sizePixels).mul(pixelToClip).mul(clip.w);
      clip.assign(vec4(clip.xy.add(offset), clip.z, clip.w));
      centreDepth.assign(clip.z.div(clip.w));
      edgeBar.assign(isBar);
      return clip;
    })();

    const moving = vec3(...options.color);
    const converged = mix(moving, vec3(1, 1, 1), CONVERGED_LIGHTEN);
    const diverged = vec3(...DIVERGED_LINEAR);
    const fill = options.highlight
      ? vec3(1.0, 0.2, 0.85)
      : select(status.lessThan(0.5), moving, select(status.lessThan(1.5), converged, diverged));

    // The picked particle lies in front of the others at its depth, rim and all.
    material.depthNode = options.highlight ? centreDepth.sub(2 * RIM_DEPTH) : centreDepth.add(length(uv().sub(vec2(0.5))).mul(2 * RIM_DEPTH));
    material.colorNode = Fn(() => {
      const radius = length(uv().sub(vec2(0.5))).mul(2);
      If(radius.greaterThan(1).and(edgeBar.lessThan(0.5)), () => {
        Discard();
      });
      // A dark rim keeps light particles visible on light parts of the surface. Edge bars have none.
      const rim = smoothstep(float(0.7), float(0.9), radius).mul(float(1).sub(edgeBar));
      return vec4(mix(fill, vec3(0.05, 0.05, 0.08), rim), 1);
    })();

    this.mesh = new Mesh(new PlaneGeometry(1, 1), material);
    this.mesh.count = options.highlight ? 1 : count;
    this.mesh.frustumCulled = false;
    this.mesh.renderOrder = options.highlight ? 3 : 2;
  }

  dispose(): void {
    this.mesh.geometry.dispose();
    (this.mesh.material as MeshBasicNodeMaterial).dispose();
  }
}
