// Rows of the picked-particle plot: repeats of values that stopped changing
// are held back, so the step axis ends where the descent stopped.

import { describe, expect, test } from 'vitest';

import { EMPTY_ENTRY_STEP, type HistoryEntry } from '../../src/gpu/statsRing.ts';
import { HistoryRows, MAX_HISTORY_ROWS } from '../../src/ui/historyRows.ts';

const entry = (step: number, x: number, y: number, loss: number): HistoryEntry => ({ step, x, y, loss });
const steps = (rows: (number | null)[][]): number[] => rows.map((row) => row[0]!);

describe('history rows', () => {
  test('a stopped particle ends its curve', () => {
    const rows = new HistoryRows(2, 1, 0);
    expect(rows.add(0, [entry(1, 0.8, 0.6, 1.36), entry(2, 0.64, 0.36, 0.6688), entry(3, 0.5, 0.2, 0.33)])).toBe(true);
    // Converged at update 3: the ring keeps writing the same entry.
    expect(rows.add(0, [entry(4, 0.5, 0.2, 0.33), entry(5, 0.5, 0.2, 0.33), entry(6, 0.5, 0.2, 0.33)])).toBe(false);
    expect(steps(rows.table().rows)).toEqual([1, 2, 3]);
    // The CSV table reaches the newest step.
    expect(rows.table(true).rows.at(-1)).toEqual([6, 0.5, 0.2, 0.33, null, null, null]);
  });

  test('repeats before a change', () => {
    const rows = new HistoryRows(1, 1, 0);
    rows.add(0, [entry(1, 2, 0, 4), entry(2, 2, 0, 4), entry(3, 2, 0, 4), entry(4, 1, 0, 1)]);
    expect(rows.table().rows).toEqual([
      [1, 2, 4, null, null, null],
      [3, 2, 4, null, null, null],
      [4, 1, 1, null, null, null],
    ]);
  });

  test('entries already seen and empty entries are skipped', () => {
    const rows = new HistoryRows(1, 1, 0);
    rows.add(0, [entry(2, 1, 0, 1), entry(1, 2, 0, 4)]);
    expect(rows.add(0, [entry(1, 2, 0, 4), entry(2, 1, 0, 1), entry(EMPTY_ENTRY_STEP, 0, 0, 0)])).toBe(false);
    expect(steps(rows.table().rows)).toEqual([1, 2]);
  });

  test('an undefined loss leaves a gap, and repeats of it are held', () => {
    const rows = new HistoryRows(2, 1, 0);
    rows.add(0, [entry(1, -3, 1, NaN), entry(2, -3, 1, NaN), entry(3, -2, 1, 5)]);
    expect(rows.table().rows).toEqual([
      [1, -3, 1, null, null, null, null],
      [2, -3, 1, null, null, null, null],
      [3, -2, 1, 5, null, null, null],
    ]);
  });

  test('two runs: coordinates of the active one, a loss per run', () => {
    const rows = new HistoryRows(2, 2, 1);
    rows.add(0, [entry(1, 9, 9, 10), entry(2, 9, 9, 10)]);
    rows.add(1, [entry(1, 1, 2, 3), entry(2, 0.5, 1, 1.5)]);
    expect(rows.table().header).toEqual(['step', 'x', 'y', 'loss1', 'loss2', 'populationLossP10', 'populationLossMedian', 'populationLossP90']);
    expect(rows.table().rows).toEqual([
      [1, 1, 2, 10, 3, null, null, null],
      [2, 0.5, 1, null, 1.5, null, null, null],
    ]);
  });

  test('population percentiles that stop changing are held', () => {
    const rows = new HistoryRows(1, 1, 0);
    expect(rows.addPopulation(0, [1, 2, 3])).toBe(true);
    expect(rows.addPopulation(10, [0.5, 1, 2])).toBe(true);
    expect(rows.addPopulation(20, [0.5, 1, 2])).toBe(false);
    expect(rows.addPopulation(30, [0.5, 1, 2])).toBe(false);
    expect(steps(rows.table().rows)).toEqual([0, 10]);
    expect(rows.addPopulation(40, [0.25, null, 2])).toBe(true);
    expect(steps(rows.table().rows)).toEqual([0, 10, 30, 40]);
    expect(rows.table().rows[3]).toEqual([40, null, null, 0.25, null, 2]);
  });

  test('clear forgets rows and repeats', () => {
    const rows = new HistoryRows(1, 1, 0);
    rows.add(0, [entry(5, 1, 0, 1), entry(6, 1, 0, 1)]);
    rows.clear();
    expect(rows.table(true).rows).toEqual([]);
    // After a reset the same values start a new curve.
    expect(rows.add(0, [entry(1, 1, 0, 1)])).toBe(true);
    expect(steps(rows.table().rows)).toEqual([1]);
  });

  test(`at most ${MAX_HISTORY_ROWS} rows, the newest`, () => {
    const rows = new HistoryRows(1, 1, 0);
    const entries = Array.from({ length: MAX_HISTORY_ROWS + 10 }, (_, k) => entry(k + 1, k, 0, k * k));
    rows.add(0, entries);
    const newest = steps(rows.table().rows);
    expect(newest).toHaveLength(MAX_HISTORY_ROWS);
    expect(newest[0]).toBe(11);
    expect(newest.at(-1)).toBe(MAX_HISTORY_ROWS + 10);
  });
});
