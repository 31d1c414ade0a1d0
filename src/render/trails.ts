/**
 * Recent paths of a subsample of particles, drawn as line segments straight
 * from the compute pipeline's trail rings (x, y, loss per point). Each
 * instance is one segment between consecutive ring entries; older segments
 * fade out.
 */
import { Fn, cameraProjectionMatrix, float, instanceIndex, modelViewMatrix, positionGeometry, storage, uint, uniform, vec3, vec4 } from 'three/tsl';
import { BufferGeometry, Float32BufferAttribute, LineBasicNodeMaterial, LineSegments, type WebGPURenderer } from 'three/webgpu';
import { externalStorageAttribute } from './externalBuffer.ts';
import type { WorldMapping } from './worldMapping.ts';

export interface TrailShape {
  /** Trails in the buffer. */
  count: number;
  /** Points per trail ring. */
  length: number;
}

export class TrailLayer {
  readonly lines: LineSegments;
  /** Ring index of the newest point: floor(stepsDone / every) mod length. */
  readonly head = uniform(uint(0));
  readonly opacity = uniform(0.45);

  constructor(renderer: WebGPURenderer, trails: GPUBuffer, shape: TrailShape, mapping: WorldMapping, color: readonly [number, number, number]) {
    const pointCount = shape.count * shape.length;
    const attribute = externalStorageAttribute(renderer, trails, pointCount, 4);
    const points = storage(attribute, 'vec4', pointCount).toReadOnly();

    const segmentsPerTrail = uint(shape.length - 1);
    const ringLength = uint(shape.length);
    const trail = instanceIndex.div(segmentsPerTrail);
    // positionGeometry.x is 0 at a segment's older end and 1 at its newer end.
    const age = instanceIndex.mod(segmentsPerTrail).add(positionGeometry.x.toUint());
    const slot = this.head.add(uint(1)).add(age).mod(ringLength);
    const point = points.element(trail.mul(ringLength).add(slot));

    const material = new LineBasicNodeMaterial({ transparent: true, depthWrite: false });
    material.vertexNode = Fn(() => {
      const world = mapping.world(point.xy, point.z, 0.002);
      return cameraProjectionMatrix.mul(modelViewMatrix).mul(vec4(world, 1));
    })();
    const freshness = age.toFloat().add(1).div(float(shape.length));
    // Trails in the run's colour, lightened so that they read as paths behind the particles.
    const tint = vec3(...color).mul(0.5).add(0.5);
    material.colorNode = vec4(tint, freshness.mul(this.opacity));

    const geometry = new BufferGeometry();
    geometry.setAttribute('position', new Float32BufferAttribute([0, 0, 0, 1, 0, 0], 3));
    this.lines = new LineSegments(geometry, material);
    // LineSegments has no typed `count`, but three.js draws object.count instances when it is set.
    (this.lines as unknown as { count: number }).count = shape.count * (shape.length - 1);
    this.lines.frustumCulled = false;
    this.lines.renderOrder = 1;
  }

  dispose(): void {
    this.lines.geometry.dispose();
    (this.lines.material as LineBasicNodeMaterial).dispose();
  }
}
