// The sweep table as CSV: rates as people write them, one field per column; the phase map as pixels.

import { describe, expect, test } from 'vitest';

import { finalStatesCsv, phaseImage, sweepCsv, type SweepRow } from '../../src/core/exportTables.ts';
import { CONVERGED_COLOR, DIVERGED_COLOR, NEITHER_COLOR } from '../../src/core/palette.ts';
import type { CellStatistics, Outcome } from '../../src/core/sweep.ts';

describe('sweep CSV', () => {
  const row = (lr: number, y?: number): SweepRow => ({
    lr,
    y,
    converged: 1,
    diverged: 0,
    medianLoss: 0.5,
    p10Loss: 0.25,
    p90Loss: 0.75,
    medianStepsToConverge: 12,
    outcome: 'converged',
  }) as SweepRow;

  test('rates and values to twelve significant digits', () => {
    const lines = sweepCsv([row(0.1 + 2e-17, 0.30000000000000004), row(1e-8, 0)], 'momentum').trim().split('\n');
    expect(lines[0]).toBe('lr,momentum,converged,diverged,medianLoss,p10Loss,p90Loss,medianStepsToConverge,outcome');
    expect(lines[1].split(',').slice(0, 2)).toEqual(['0.1', '0.3']);
    expect(lines[2].split(',').slice(0, 2)).toEqual(['1e-8', '0']);
  });

  test('a missing second value keeps its column', () => {
    const fields = sweepCsv([row(0.5)], 'momentum').trim().split('\n')[1].split(',');
    expect(fields).toHaveLength(9);
    expect(fields[1]).toBe('');
  });
});

describe('final states CSV', () => {
  test('a sweep: each row with its cell\'s rate and its own start', () => {
    // Two cells of two starts: particles 2 and 3 rerun starts 0 and 1 at the second rate.
    const csv = finalStatesCsv([
      {
        configuration: 1,
        optimizer: 'momentum',
        cells: [
          { lr: 0.01, momentum: 0.5, beta1: 0.9 },
          { lr: 0.1, momentum: 0.5, beta1: 0.9 },
        ],
        startsPerCell: 2,
        starts: [-1, 0, 1, 0],
        positions: [-0.5, 0, 0.5, 0, 0, 0, 0, 0],
        loss: [0.25, 0.25, 0, 0],
        status: [0, 0, 1, 1],
        stopSteps: [0, 0, 40, 41],
        stepsDone: 50,
      },
    ]);
    const rows = csv.trim().split('\n').map((line) => line.split(','));
    expect(rows[0]).toEqual(['configuration', 'optimizer', 'lr', 'momentum', 'beta1', 'particle', 'startX', 'startY', 'endX', 'endY', 'loss', 'status', 'basin', 'steps']);
    expect(rows.map((row) => row[2]).slice(1)).toEqual(['0.01', '0.01', '0.1', '0.1']);
    // Momentum reads μ and not β₁.
    expect(rows[1].slice(3, 5)).toEqual(['0.5', '']);
    expect(rows.map((row) => row[6]).slice(1)).toEqual(['-1', '1', '-1', '1']);
    expect(rows.map((row) => row[13]).slice(1)).toEqual(['50', '50', '40', '41']);
  });
});

describe('phase-map image', () => {
  const cell = (outcome: Outcome): CellStatistics => ({
    converged: outcome === 'converged' ? 1 : 0,
    diverged: outcome === 'diverged' ? 1 : 0,
    medianLoss: null,
    p10Loss: null,
    p90Loss: null,
    medianStepsToConverge: null,
    outcome,
  });

  test('outcome colours from the palette, largest second value on top', () => {
    // Two rates by two second values: row 0 of the statistics is the smallest second value.
    const pixels = phaseImage([cell('converged'), cell('diverged'), cell('neither'), cell('diverged')], 2, 2);
    const pixel = (row: number, column: number) => Array.from(pixels.subarray(4 * (row * 2 + column), 4 * (row * 2 + column) + 4));
    expect(pixel(1, 0)).toEqual([...CONVERGED_COLOR, 255]);
    expect(pixel(1, 1)).toEqual([...DIVERGED_COLOR, 255]);
    expect(pixel(0, 0)).toEqual([...NEITHER_COLOR, 255]);
    expect(pixel(0, 1)).toEqual([...DIVERGED_COLOR, 255]);
  });
});
