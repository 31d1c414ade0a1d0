/**
 * The height map of heightMap.ts as TSL uniforms, so vertex shaders place
 * particles and trail points exactly where the CPU put the surface mesh.
 */
import { clamp, float, log, max, mix, select, uniform, vec2, vec3 } from 'three/tsl';
import type { Node } from 'three/webgpu';
import { NORMALIZED_MAX, NORMALIZED_MIN, type HeightMap } from './heightMap.ts';

export class WorldMapping {
  readonly center = uniform(vec2(0, 0));
  readonly scale = uniform(1);
  readonly lossMin = uniform(0);
  readonly lossSpan = uniform(1);
  readonly logOffset = uniform(1);
  /** 1 for the log scale, 0 for linear. */
  readonly logScale = uniform(0);
  /** World height of normalised loss 1, times the view's vertical scale (0 flattens the 2D view). */
  readonly height = uniform(0.8);
  /** Domain box, for clamping diverged particles to its edge: xMin, yMin, xMax, yMax. */
  readonly boxMin = uniform(vec2(-1, -1));
  readonly boxMax = uniform(vec2(1, 1));
  /** 1 in the 1D view, which draws diverged particles past the box as bars along its edge; 0 otherwise. */
  readonly edgeBars = uniform(0);

  update(map: HeightMap, verticalScale: number, box: { xMin: number; xMax: number; yMin: number; yMax: number }, dims: 1 | 2): void {
    this.center.value.set(map.centerX, map.centerY);
    this.scale.value = map.scale;
    this.lossMin.value = map.lossMin;
    this.lossSpan.value = map.lossSpan;
    this.logOffset.value = map.logOffset;
    this.logScale.value = map.kind === 'log' ? 1 : 0;
    this.height.value = map.height * verticalScale;
    this.boxMin.value.set(box.xMin, box.yMin);
    this.boxMax.value.set(box.xMax, box.yMax);
    this.edgeBars.value = dims === 1 ? 1 : 0;
  }

  /** Normalised height of a loss node, the TSL twin of normalizeLoss. */
  normalized(loss: Node<'float'>): Node<'float'> {
    const above = max(loss.sub(this.lossMin), 0);
    const logHeight = log(above.div(this.logOffset).add(1)).div(log(this.lossSpan.div(this.logOffset).add(1)));
    const linearHeight = loss.sub(this.lossMin).div(this.lossSpan);
    return clamp(select(this.logScale.greaterThan(0.5), logHeight, linearHeight), NORMALIZED_MIN, NORMALIZED_MAX);
  }

  /** World position of a surface point (x, y) with the given loss, lifted by `lift` world units. */
  world(xy: Node<'vec2'>, loss: Node<'float'>, lift = 0): Node<'vec3'> {
    return vec3(this.planar(xy), this.normalized(loss).mul(this.height).add(lift));
  }

  /** World position of the point (x, y) clamped to the box, at normalised height `level` (0 to 1 spans the box from bottom to top). */
  boxPoint(xy: Node<'vec2'>, level: Node<'float'>): Node<'vec3'> {
    return vec3(this.planar(xy), mix(float(NORMALIZED_MIN), float(NORMALIZED_MAX), level).mul(this.height));
  }

  private planar(xy: Node<'vec2'>): Node<'vec2'> {
    return clamp(xy, this.boxMin, this.boxMax).sub(this.center).mul(this.scale);
  }
}
