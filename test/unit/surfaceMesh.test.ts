// The surface mesh where a typed formula is undefined: a hole, not a wall up
// to the top of the drawn range.

import type { BufferAttribute, Mesh } from 'three';
import { describe, expect, test } from 'vitest';

import { createViridisTexture } from '../../src/render/colormap.ts';
import { createHeightMap, sampleLoss } from '../../src/render/heightMap.ts';
import { SurfaceObject } from '../../src/render/surfaceMesh.ts';

describe('surface mesh', () => {
  test('undefined region: masked at neighbours\' height', () => {
    // sqrt(x·y) is undefined where x and y have opposite signs. An even resolution keeps every vertex off the axes.
    const domain = { xMin: -2, xMax: 2, yMin: -2, yMax: 2 };
    const value = (x: number, y: number): number => Math.sqrt(x * y);
    const n = 16;
    const map = createHeightMap(domain, sampleLoss(value, domain, 2, 64), 'linear');
    const surface = new SurfaceObject({ value, domain, dims: 2 }, map, createViridisTexture(), [], n);
    const geometry = (surface.object as Mesh).geometry;
    const defined = geometry.getAttribute('defined') as BufferAttribute;
    const positions = geometry.getAttribute('position') as BufferAttribute;

    let definedHeightMax = -Infinity;
    const undefinedVertices: number[] = [];
    for (let row = 0; row < n; row++) {
      const y = domain.yMax - ((domain.yMax - domain.yMin) * row) / (n - 1);
      for (let column = 0; column < n; column++) {
        const x = domain.xMin + ((domain.xMax - domain.xMin) * column) / (n - 1);
        const vertex = row * n + column;
        expect(defined.getX(vertex), `vertex (${x}, ${y})`).toBe(x * y >= 0 ? 1 : 0);
        if (x * y >= 0) {
          definedHeightMax = Math.max(definedHeightMax, positions.getZ(vertex));
        } else {
          undefinedVertices.push(vertex);
        }
      }
    }
    expect(undefinedVertices).toHaveLength(n * n / 2);
    // Each masked vertex lies within the range of the defined ones, so no triangle at the hole's edge
    // rises to the top of the drawn range (the cut level, 1.25 of the height) as a wall.
    for (const vertex of undefinedVertices) {
      expect(positions.getZ(vertex)).toBeLessThanOrEqual(definedHeightMax + 1e-6);
    }
    expect(definedHeightMax).toBeLessThan(1.25 * map.height);
  });
});

describe('surface curve', () => {
  /** Returns the x of every segment end of a 1D surface's curve, and the number of segments. */
  function curveSegments(value: (x: number) => number, xMin: number, xMax: number): { ends: number[]; count: number } {
    const domain = { xMin, xMax, yMin: 0, yMax: 0 };
    const shape = { value: (x: number) => value(x), domain, dims: 1 as const };
    const map = createHeightMap(domain, sampleLoss(shape.value, domain, 1, 256), 'linear');
    const surface = new SurfaceObject(shape, map, createViridisTexture(), []);
    const positions = (surface.object as Mesh).geometry.getAttribute('position') as BufferAttribute;
    const ends: number[] = [];
    for (let k = 0; k < positions.count; k++) {
      ends.push(positions.getX(k));
    }
    return { ends, count: positions.count / 2 };
  }

  test('asin(x) on [-2, 2]: segments only where |x| ≤ 1', () => {
    const all = curveSegments((x) => x, -2, 2);
    const asin = curveSegments(Math.asin, -2, 2);
    expect(asin.count).toBeGreaterThan(0);
    // About half the samples lie within [-1, 1].
    expect(asin.count / all.count).toBeGreaterThan(0.45);
    expect(asin.count / all.count).toBeLessThan(0.55);
    const mapped = asin.ends.map((end) => (end - Math.min(...all.ends)) / (Math.max(...all.ends) - Math.min(...all.ends)));
    // In the drawn x (0 to 1 across the domain), every end is within the middle half.
    expect(Math.min(...mapped)).toBeGreaterThanOrEqual(0.25 - 1e-3);
    expect(Math.max(...mapped)).toBeLessThanOrEqual(0.75 + 1e-3);
  });

  test('1/x: no segment across the pole', () => {
    const inverse = curveSegments((x) => 1 / x, -1, 1);
    const all = curveSegments((x) => x, -1, 1);
    // One segment fewer than a curve without a pole: the one from −∞ to +∞.
    expect(inverse.count).toBe(all.count - 1);
  });
});
