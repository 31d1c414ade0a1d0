/**
 * The basin map as a fragment colour: each start of the grid is one texel,
 * read straight from the classifier's `basins` buffer and the descent's
 * `stop_steps` buffer on the GPU, coloured by basin, brighter where the
 * particle converged in fewer updates (logarithmic). A difference mode
 * compares two configurations and marks the starts whose basin differs.
 *
 * The map is a storage buffer read by texel index with nearest filtering,
 * which is what a storage texture would give, without a second way into
 * three.js's texture internals (see externalBuffer.ts for the buffer one).
 */
import { Fn, If, clamp, float, floor, log, max, saturate, select, storage, uniform, uniformArray, uint, vec2, vec3, vec4 } from 'three/tsl';
import { Vector4, type Node, type WebGPURenderer } from 'three/webgpu';
import { BASIN_DIVERGED, BASIN_MOVING, BASIN_OTHER, MAX_BASINS, basinPalette } from '../core/basins.ts';
import { AGREEING_DIM, convergenceBrightness, type ShadeMath } from '../core/basinShading.ts';
import { linearRgb } from '../core/colorScience.ts';
import { DIFFERENCE_COLOR, UNRESOLVED_COLOR } from '../core/palette.ts';

// The wrap-around in basinColor relies on these being the three largest u32 values.
if (BASIN_OTHER + 3 !== 2 ** 32 || BASIN_DIVERGED + 2 !== 2 ** 32 || BASIN_MOVING + 1 !== 2 ** 32) {
  throw new Error('basin codes changed: update BasinMapNodes.basinColor');
}
import type { Domain } from '../core/surfaces.ts';
import { externalStorageAttribute } from './externalBuffer.ts';

export interface BasinMapSource {
  /** Per start: basin code (u32). */
  basins: GPUBuffer;
  /** Per start: update at which it stopped (u32), 0 while moving. */
  stopSteps: GPUBuffer;
  count: number;
  /** Per start, from a verification: 0 nothing, 1 GPU and CPU disagree, 2 unresolved (float32 and float64 disagree). */
  marks?: GPUBuffer;
}

/** Values of BasinMapSource.marks. */
export const MARK_DISAGREE = 1;
export const MARK_UNRESOLVED = 2;

/** The mark colours (palette.ts) in the linear light the shader works in. */
const DIFFERENCE_LINEAR = linearRgb(DIFFERENCE_COLOR);
const UNRESOLVED_LINEAR = linearRgb(UNRESOLVED_COLOR);

/** The shading formulas of basinShading.ts on float nodes. */
const NODE_MATH: ShadeMath<Node<'float'>> = {
  constant: (value) => float(value),
  add: (a, b) => a.add(b),
  sub: (a, b) => a.sub(b),
  mul: (a, b) => a.mul(b),
  div: (a, b) => a.div(b),
  max: (a, b) => max(a, b),
  log: (a) => log(a),
  saturate: (a) => saturate(a),
};

/** How far past the grid's edges, in cells, a surface point still takes the nearest cell's colour. */
const EDGE_TOLERANCE = 1e-3;

export class BasinMapNodes {
  /** Grid of starts: xMin, yMin, cell width, cell height. */
  readonly grid = uniform(new Vector4(0, 0, 1, 1));
  /** Starts per row and rows. */
  readonly size = uniform(vec2(1, 1));
  /** Updates done; the brightness scale runs from 1 update to this many. */
  readonly stepsDone = uniform(1);
  /** 0: the first configuration's map; 1: the second's; 2: difference of the two. */
  readonly mode = uniform(uint(0));
  private readonly palette;
  private readonly first;
  private readonly second;
  private readonly marks;

  constructor(renderer: WebGPURenderer, first: BasinMapSource, second?: BasinMapSource) {
    const colors = basinPalette();
    const entries: Vector4[] = [];
    for (let k = 0; k < colors.length / 4; k++) {
      entries.push(new Vector4(colors[4 * k], colors[4 * k + 1], colors[4 * k + 2], 1));
    }
    this.palette = uniformArray(entries, 'vec4');
    this.first = this.readers(renderer, first);
    this.second = this.readers(renderer, second ?? first);
    this.marks = first.marks ? storage(externalStorageAttribute(renderer, first.marks, first.count, 1), 'uint', first.count).toReadOnly() : undefined;
  }

  setGrid(domain: Domain, nx: number, ny: number): void {
    this.grid.value.set(domain.xMin, domain.yMin, (domain.xMax - domain.xMin) / nx, ny > 1 ? (domain.yMax - domain.yMin) / ny : 1);
    this.size.value.set(nx, ny);
  }

  /**
   * The map colour at surface point `xy` (vec4: rgb, and a = 1 inside the
   * grid of starts, 0 outside, where the caller keeps its own colour). For a
   * 1D surface pass y = yMin.
   */
  colorAt(xy: Node<'vec2'>): Node<'vec4'> {
    return Fn(() => {
      // The grid's far edges count as inside. The rasterizer's top-left rule keeps a pixel whose centre lies
      // exactly on the quad's top edge (y = yMax), where the position is size.y, and that row would show the
      // surface's own colour as a line along the map. EDGE_TOLERANCE cells take in float32 rounding as well.
      const position = xy.sub(this.grid.xy).div(this.grid.zw);
      const inside = position.x
        .greaterThanEqual(-EDGE_TOLERANCE)
        .and(position.y.greaterThanEqual(-EDGE_TOLERANCE))
        .and(position.x.lessThanEqual(this.size.x.add(EDGE_TOLERANCE)))
        .and(position.y.lessThanEqual(this.size.y.add(EDGE_TOLERANCE)));
      const cell = clamp(floor(position), vec2(0, 0), this.size.sub(1));
      const result = vec4(0, 0, 0, 0).toVar();
      If(inside, () => {
        const index = cell.y.mul(this.size.x).add(cell.x).toUint();
        const colorFirst = this.basinColor(this.first, index);
        If(this.mode.equal(uint(1)), () => {
          result.assign(vec4(this.basinColor(this.second, index), 1));
        })
          .ElseIf(this.mode.equal(uint(2)), () => {
            // A start still moving in either configuration has no basin to compare yet.
            const a = this.first.basins.element(index);
            const b = this.second.basins.element(index);
            const same = a.equal(b).or(a.equal(uint(BASIN_MOVING))).or(b.equal(uint(BASIN_MOVING)));
            result.assign(vec4(select(same, colorFirst.mul(AGREEING_DIM), vec3(...DIFFERENCE_LINEAR)), 1));
          })
          .Else(() => {
            result.assign(vec4(colorFirst, 1));
          });
        if (this.marks) {
          const mark = this.marks.element(index);
          If(mark.equal(uint(MARK_DISAGREE)), () => {
            result.assign(vec4(vec3(...DIFFERENCE_LINEAR), 1));
          }).ElseIf(mark.equal(uint(MARK_UNRESOLVED)), () => {
            result.assign(vec4(vec3(...UNRESOLVED_LINEAR), 1));
          });
        }
      });
      return result;
    })();
  }

  private readers(renderer: WebGPURenderer, source: BasinMapSource) {
    return {
      basins: storage(externalStorageAttribute(renderer, source.basins, source.count, 1), 'uint', source.count).toReadOnly(),
      stopSteps: storage(externalStorageAttribute(renderer, source.stopSteps, source.count, 1), 'uint', source.count).toReadOnly(),
    };
  }

  private basinColor(reader: ReturnType<BasinMapNodes['readers']>, index: Node<'uint'>): Node<'vec3'> {
    const basin = reader.basins.element(index);
    // The codes past the minima (BASIN_OTHER, _DIVERGED, _MOVING) are the three
    // largest u32 values; adding 3 wraps them to 0, 1, 2, which avoids
    // 32-bit constants in the generated shader.
    const slot = select(basin.lessThan(uint(MAX_BASINS)), basin, basin.add(uint(3)).add(uint(MAX_BASINS)));
    const base = vec3(this.palette.element(slot) as unknown as Node<'vec4'>);
    const steps = reader.stopSteps.element(index).toFloat();
    const brightness = convergenceBrightness(NODE_MATH, steps, this.stepsDone);
    return select(slot.equal(uint(MAX_BASINS + 2)), base, base.mul(brightness)) as Node<'vec3'>;
  }
}
