// Learning-rate sweeps on a real adapter: stability thresholds of plain
// descent and heavy-ball momentum, and the GPU table against the CPU one.

import { describe, expect, test } from 'vitest';

import { compileFormula } from '../../src/core/expr/index.ts';
import { DEFAULT_CRITERIA, STATUS, defaultOptimizer, type OptimizerConfig } from '../../src/core/config.ts';
import type { Starts } from '../../src/core/grid.ts';
import { ReferenceRun } from '../../src/core/reference.ts';
import { cellStatistics, linearSpace, logSpace, sweepCells, type CellHyperparameters } from '../../src/core/sweep.ts';
import { runDescent } from '../../src/gpu/runDescent.ts';
import { useTestGpuContext } from '../helpers/nodeGpu.ts';

const gpu = useTestGpuContext();

/** Status of every particle after a GPU sweep, cell by cell (each cell holds every start). */
async function sweepStatus(formula: string, optimizer: OptimizerConfig, cells: CellHyperparameters[], starts: Starts, steps: number): Promise<{ status: Uint8Array; perCell: number }> {
  const result = await runDescent(gpu(), { surface: compileFormula(formula), optimizer, criteria: DEFAULT_CRITERIA, starts, cells }, steps, 2000);
  return { status: result.status, perCell: result.particleCount / cells.length };
}

const grid2d: Starts = { kind: 'grid', nx: 4, ny: 4, domain: { xMin: -2, xMax: 2, yMin: -2, yMax: 2 } };
const grid1d: Starts = { kind: 'grid', nx: 16, ny: 1, domain: { xMin: -2, xMax: 2, yMin: 0, yMax: 0 } };

describe('stability thresholds of plain descent', () => {
  test.each([
    ['x^2', 1, grid1d],
    ['x^2 + 2*y^2', 0.5, grid2d],
    ['x^2 + 10*y^2', 0.1, grid2d],
  ] as const)('%s: nothing diverges below η = %s, everything above', async (formula, threshold, starts) => {
    // 81 log-spaced rates from half to twice the threshold, leaving out the
    // 1% around it, where growth or decay takes longer than the run.
    const rates = logSpace(threshold / 2, threshold * 2, 81).filter((lr) => Math.abs(lr / threshold - 1) > 0.01);
    const cells = rates.map((lr) => ({ lr, momentum: 0, beta1: 0.9 }));
    const { status, perCell } = await sweepStatus(formula, defaultOptimizer('gd'), cells, starts, 20000);
    rates.forEach((lr, cell) => {
      const statuses = Array.from(status.subarray(cell * perCell, (cell + 1) * perCell));
      if (lr < threshold) {
        expect(statuses.filter((value) => value === STATUS.diverged), `η = ${lr}`).toEqual([]);
      } else {
        expect(statuses.every((value) => value === STATUS.diverged), `η = ${lr}`).toBe(true);
      }
    });
  });
});

describe('heavy-ball momentum phase map', () => {
  test('the diverged region follows ηλ = 2 + 2β', async () => {
    // f = 2x² has curvature λ = 4, so the limit is η = (2 + 2β)/4.
    const lambda = 4;
    const optimizer = defaultOptimizer('momentum');
    const axes = { lrMin: 0.2, lrMax: 2, lrCount: 48, second: { parameter: 'momentum' as const, min: 0, max: 0.9, count: 10 } };
    const cells = sweepCells(optimizer, axes);
    const starts: Starts = { kind: 'list', points: Float64Array.of(1, 0, -0.3, 0) };
    const { status, perCell } = await sweepStatus('2*x^2', optimizer, cells, starts, 8000);

    const rates = logSpace(axes.lrMin, axes.lrMax, axes.lrCount);
    const betas = linearSpace(0, 0.9, 10);
    let checked = 0;
    cells.forEach((cell, c) => {
      const limit = (2 + 2 * cell.momentum) / lambda;
      // Cells within 3% of the limit grow or shrink too slowly to decide in 8,000 updates.
      if (Math.abs(cell.lr / limit - 1) < 0.03) {
        return;
      }
      const diverged = Array.from(status.subarray(c * perCell, (c + 1) * perCell)).every((value) => value === STATUS.diverged);
      expect(diverged, `η = ${cell.lr.toFixed(4)}, β = ${cell.momentum.toFixed(2)}, limit ${limit.toFixed(4)}`).toBe(cell.lr > limit);
      checked++;
    });
    expect(checked).toBeGreaterThan(0.9 * rates.length * betas.length);
  });
});

describe('Nesterov phase map', () => {
  test('momentum 0 row equals plain descent', async () => {
    // A plain run rejects nesterov with momentum 0, as torch.optim.SGD does.
    // A phase map over momentum may start at 0, where θ − γ (g + μ b) is θ − γ g.
    const axes = { lrMin: 0.01, lrMax: 0.3, lrCount: 6, second: { parameter: 'momentum' as const, min: 0, max: 0.9, count: 4 } };
    const starts: Starts = { kind: 'grid', nx: 4, ny: 4, domain: { xMin: -3, xMax: 3, yMin: -3, yMax: 3 } };
    const surface = compileFormula('(x^2 + y - 11)^2 + (x + y^2 - 7)^2');
    const run = (optimizer: OptimizerConfig, cells: CellHyperparameters[]) =>
      runDescent(gpu(), { surface, optimizer, criteria: DEFAULT_CRITERIA, starts, cells }, 300, 100);
    const nesterov = await run(defaultOptimizer('nesterov'), sweepCells(defaultOptimizer('nesterov'), axes));
    const plain = await run(defaultOptimizer('gd'), sweepCells(defaultOptimizer('gd'), { ...axes, second: undefined }));
    const firstRow = 2 * plain.particleCount;
    expect(Array.from(nesterov.positions.subarray(0, firstRow))).toEqual(Array.from(plain.positions));
    expect(Array.from(nesterov.stopSteps.subarray(0, plain.particleCount))).toEqual(Array.from(plain.stopSteps));
    // The rows above it do differ, so the comparison is not of two identical runs.
    expect(Array.from(nesterov.positions.subarray(firstRow, 2 * firstRow))).not.toEqual(Array.from(plain.positions));
  });
});

describe('the same sweep on the GPU and the CPU', () => {
  test('per-rate shares and loss percentiles agree', async () => {
    const optimizer = defaultOptimizer('gd');
    const cells = sweepCells(optimizer, { lrMin: 0.001, lrMax: 0.03, lrCount: 12 });
    const starts: Starts = { kind: 'grid', nx: 8, ny: 8, domain: { xMin: -5, xMax: 5, yMin: -5, yMax: 5 } };
    const surface = compileFormula('(x^2 + y - 11)^2 + (x + y^2 - 7)^2');
    const setup = { surface, optimizer, criteria: DEFAULT_CRITERIA, starts, cells };
    const gpuResult = await runDescent(gpu(), setup, 400, 200);
    const reference = new ReferenceRun(setup, 'f32');
    reference.advance(400);

    const gpuTable = cellStatistics(cells.length, gpuResult.status, gpuResult.loss, gpuResult.stopSteps, (k) => Math.floor(k / 64));
    const cpuTable = cellStatistics(cells.length, reference.status, reference.loss, reference.stopSteps, (k) => Math.floor(k / 64));
    gpuTable.forEach((row, k) => {
      const cpu = cpuTable[k];
      expect(row.diverged, `cell ${k}`).toBe(cpu.diverged);
      expect(row.converged, `cell ${k}`).toBe(cpu.converged);
      expect(row.medianStepsToConverge, `cell ${k}`).toBe(cpu.medianStepsToConverge);
      for (const key of ['medianLoss', 'p10Loss', 'p90Loss'] as const) {
        const a = row[key];
        const b = cpu[key];
        expect(a === null, `cell ${k} ${key}`).toBe(b === null);
        if (a !== null && b !== null) {
          // Polynomial surface, same float32 operations: a loss differs by a
          // few ulp of the coordinates at most, so 1e-4 relative plus 1e-9
          // absolute (losses near 0) covers it.
          expect(Math.abs(a - b), `cell ${k} ${key}`).toBeLessThanOrEqual(1e-4 * Math.abs(b) + 1e-9);
        }
      }
    });
  });
});
