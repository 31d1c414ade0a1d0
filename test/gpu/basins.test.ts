// Basins of attraction on a real adapter: the GPU classifier and its counts
// against the CPU reference and the surfaces' known minima.

import { describe, expect, test } from 'vitest';

import { BASIN_MOVING, classifyAll, countBasins, defaultAssignmentRadius } from '../../src/core/basins.ts';
import { compileFormula } from '../../src/core/expr/index.ts';
import { DEFAULT_CRITERIA, defaultOptimizer, STATUS, type OptimizerConfig } from '../../src/core/config.ts';
import type { GridStarts } from '../../src/core/grid.ts';
import { ReferenceRun } from '../../src/core/reference.ts';
import { findSurface } from '../../src/core/surfaces.ts';
import { BasinClassifier, BasinComparer, BASIN_STRIDE, type BasinCounts } from '../../src/gpu/basins.ts';
import { Descent } from '../../src/gpu/descent.ts';
import { readBuffer } from '../../src/gpu/readback.ts';
import { readResult, runDescentSteps } from '../../src/gpu/runDescent.ts';
import { useTestGpuContext } from '../helpers/nodeGpu.ts';

const gpu = useTestGpuContext();

interface GpuMap {
  basins: Uint32Array;
  counts: BasinCounts;
}

/** Runs `steps` updates on the GPU, classifies every start, and returns the map and the reduced counts. */
async function gpuMap(surfaceName: string, optimizer: OptimizerConfig, n: number, steps: number): Promise<GpuMap> {
  const definition = findSurface(surfaceName)!;
  const surface = compileFormula(definition.formula);
  const starts: GridStarts = { kind: 'grid', nx: n, ny: n, domain: definition.domain };
  const descent = await Descent.create(gpu(), {
    surface,
    optimizer,
    criteria: DEFAULT_CRITERIA,
    starts,
    trail: { maxParticles: 1, length: 2, every: 1 },
    historyLength: 1,
    pickedIndex: 0xffffffff,
    maxStepsPerDispatch: 500,
  });
  let counts: BasinCounts | undefined;
  const classifier = await BasinClassifier.create(
    gpu(),
    { points: descent.points, particleCount: descent.particleCount, minima: definition.minima, radius: defaultAssignmentRadius(definition.domain) },
    (received) => {
      counts = received;
    },
  );
  try {
    runDescentSteps(descent, steps, 500);
    classifier.classify(steps);
    const basins = new Uint32Array(await readBuffer(gpu().device, classifier.basins, descent.particleCount * BASIN_STRIDE));
    await gpu().device.queue.onSubmittedWorkDone();
    // Let the map callback of the counts' readback run: up to 5 s, for a slow machine.
    for (let k = 0; k < 500 && !counts; k++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(counts, 'counts read back').toBeDefined();
    return { basins, counts: counts! };
  } finally {
    classifier.destroy();
    descent.destroy();
  }
}

function cpuMap(surfaceName: string, optimizer: OptimizerConfig, n: number, steps: number): Uint32Array {
  const definition = findSurface(surfaceName)!;
  const reference = new ReferenceRun(
    { surface: compileFormula(definition.formula), optimizer, criteria: DEFAULT_CRITERIA, starts: { kind: 'grid', nx: n, ny: n, domain: definition.domain } },
    'f32',
  );
  reference.advance(steps);
  return classifyAll(reference.status, reference.positions, definition.minima, defaultAssignmentRadius(definition.domain));
}

describe('basin maps on the GPU', () => {
  test('x² + 2y² at a stable rate: one basin holds every start', async () => {
    const { basins, counts } = await gpuMap('quadratic', defaultOptimizer('gd', 0.2), 32, 300);
    expect(basins.every((basin) => basin === 0)).toBe(true);
    expect(counts.minima).toEqual([1024]);
    expect(counts.other + counts.diverged + counts.moving).toBe(0);
  });

  test('Himmelblau, plain descent, small rate: exactly the four known minima', async () => {
    const n = 48;
    const { basins, counts } = await gpuMap('himmelblau', defaultOptimizer('gd', 0.005), n, 3000);
    const shares = countBasins(basins, 4);
    // Every start converged to one of the four minima, and each minimum drains a real share.
    expect(shares.other).toBe(0);
    expect(shares.diverged).toBe(0);
    expect(shares.moving).toBe(0);
    for (const count of shares.minima) {
      expect(count).toBeGreaterThan(0.15 * n * n);
    }
    // The GPU reduction counts the same as the map it wrote, and the shares sum to 1.
    expect(counts.minima).toEqual(shares.minima);
    const total = counts.minima.reduce((a, b) => a + b, 0) + counts.other + counts.diverged + counts.moving;
    expect(total).toBe(n * n);
  });

  test('CPU and GPU maps agree; disagreements lie on basin boundaries', async () => {
    // Momentum at a large rate: the basins interleave, so boundaries are long.
    const optimizer = { ...defaultOptimizer('momentum', 0.01), momentum: 0.9 };
    const n = 64;
    const steps = 1500;
    const gpuBasins = (await gpuMap('himmelblau', optimizer, n, steps)).basins;
    const cpuBasins = cpuMap('himmelblau', optimizer, n, steps);

    const disagreeing: number[] = [];
    for (let i = 0; i < n * n; i++) {
      if (gpuBasins[i] !== cpuBasins[i]) {
        disagreeing.push(i);
      }
    }
    expect(disagreeing.length / (n * n)).toBeLessThanOrEqual(0.005);
    for (const i of disagreeing) {
      const row = Math.floor(i / n);
      const column = i % n;
      const neighbours = [
        [row - 1, column],
        [row + 1, column],
        [row, column - 1],
        [row, column + 1],
      ].filter(([r, c]) => r >= 0 && r < n && c >= 0 && c < n);
      const onBoundary = neighbours.some(([r, c]) => cpuBasins[r * n + c] !== cpuBasins[i] || gpuBasins[r * n + c] !== gpuBasins[i]);
      expect(onBoundary, `start ${i} disagrees away from any boundary`).toBe(true);
    }
  });

  test('a map before any update is all unconverged', async () => {
    const { basins } = await gpuMap('himmelblau', defaultOptimizer('gd', 0.01), 8, 1);
    expect(basins.filter((basin) => basin === BASIN_MOVING).length).toBeGreaterThan(60);
  });

  test('the comparer counts the starts whose basins differ', async () => {
    const definition = findSurface('himmelblau')!;
    const surface = compileFormula(definition.formula);
    const starts: GridStarts = { kind: 'grid', nx: 32, ny: 32, domain: definition.domain };
    const make = (optimizer: OptimizerConfig) =>
      Descent.create(gpu(), {
        surface,
        optimizer,
        criteria: DEFAULT_CRITERIA,
        starts,
        trail: { maxParticles: 1, length: 2, every: 1 },
        historyLength: 1,
        pickedIndex: 0xffffffff,
        maxStepsPerDispatch: 500,
      });
    const plain = await make(defaultOptimizer('gd', 0.005));
    const heavy = await make({ ...defaultOptimizer('momentum', 0.01), momentum: 0.9 });
    const radius = defaultAssignmentRadius(definition.domain);
    const first = await BasinClassifier.create(gpu(), { points: plain.points, particleCount: 1024, minima: definition.minima, radius });
    const second = await BasinClassifier.create(gpu(), { points: heavy.points, particleCount: 1024, minima: definition.minima, radius });
    let differing = -1;
    const comparer = await BasinComparer.create(gpu(), first, second, 1024, (count) => {
      differing = count;
    });
    try {
      // Heavy-ball momentum only 60 updates: some of its starts are still moving.
      runDescentSteps(plain, 2000, 500);
      runDescentSteps(heavy, 60, 60);
      first.classify(2000);
      second.classify(2000);
      comparer.compare();
      const a = new Uint32Array(await readBuffer(gpu().device, first.basins, 1024 * BASIN_STRIDE));
      const b = new Uint32Array(await readBuffer(gpu().device, second.basins, 1024 * BASIN_STRIDE));
      for (let k = 0; k < 500 && differing < 0; k++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      // Only where both have settled: a start still moving in either has no basin yet.
      const expected = a.filter((basin, i) => basin !== b[i] && basin !== BASIN_MOVING && b[i] !== BASIN_MOVING).length;
      expect(expected).toBeGreaterThan(0);
      expect(b.filter((basin) => basin === BASIN_MOVING).length).toBeGreaterThan(0);
      expect(differing).toBe(expected);
    } finally {
      comparer.destroy();
      first.destroy();
      second.destroy();
      plain.destroy();
      heavy.destroy();
    }
  });

  test('gradient noise: moving particles near a minimum take its basin, as on the CPU', async () => {
    const definition = findSurface('himmelblau')!;
    const surface = compileFormula(definition.formula);
    const n = 32;
    const starts: GridStarts = { kind: 'grid', nx: n, ny: n, domain: definition.domain };
    const optimizer = defaultOptimizer('gd', 0.005);
    const noise = { sigma: 0.5, seed: 7 };
    const radius = defaultAssignmentRadius(definition.domain);
    const steps = 3000;
    const descent = await Descent.create(gpu(), {
      surface,
      optimizer,
      noise,
      criteria: DEFAULT_CRITERIA,
      starts,
      trail: { maxParticles: 1, length: 2, every: 1 },
      historyLength: 1,
      pickedIndex: 0xffffffff,
      maxStepsPerDispatch: 500,
    });
    const classifier = await BasinClassifier.create(gpu(), { points: descent.points, particleCount: n * n, minima: definition.minima, radius, assignMoving: true });
    try {
      runDescentSteps(descent, steps, 500);
      classifier.classify(steps);
      const gpuBasins = new Uint32Array(await readBuffer(gpu().device, classifier.basins, n * n * BASIN_STRIDE));
      const result = await readResult(gpu().device, descent);

      // The noisy gradient norm (about σ√2 ≈ 0.7) meets the tolerance 1e-3 only by rare chance (about 2e-6 per update).
      expect(result.status.filter((status) => status === STATUS.converged).length).toBeLessThan(0.02 * n * n);
      // The GPU rule on the GPU's own positions equals the CPU rule on them, start by start.
      expect(Array.from(gpuBasins)).toEqual(Array.from(classifyAll(result.status, result.positions, definition.minima, radius, true)));
      // Jitter of η·σ = 0.0025 per update, against a radius of 0.1: most particles sit near a minimum.
      const shares = countBasins(gpuBasins, 4);
      expect(shares.moving).toBeLessThan(0.2 * n * n);
      expect(shares.minima.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.8 * n * n);

      // The CPU reference with the same noise gives the same map except at a few starts on basin boundaries.
      const reference = new ReferenceRun({ surface, optimizer, noise, criteria: DEFAULT_CRITERIA, starts }, 'f32');
      reference.advance(steps);
      const cpuBasins = classifyAll(reference.status, reference.positions, definition.minima, radius, true);
      const disagreeing = gpuBasins.filter((basin, i) => basin !== cpuBasins[i]).length;
      expect(disagreeing / (n * n)).toBeLessThanOrEqual(0.02);
    } finally {
      classifier.destroy();
      descent.destroy();
    }
  });
});
