// The sweep table as CSV: rates as people write them, one field per column.

import { describe, expect, test } from 'vitest';

import { sweepCsv, type SweepRow } from '../../src/core/exportTables.ts';

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
