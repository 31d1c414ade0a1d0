// Rows of the picked-particle plot: the plot ends at the newest step where a
// value changed, the CSV file keeps every row, and repeats go first when rows
// are dropped.

import { describe, expect, test } from 'vitest';

import { EMPTY_ENTRY_STEP, type HistoryEntry } from '../../src/gpu/statsRing.ts';
import { HistoryRows, historyWithPickedPoint, MAX_HISTORY_ROWS, SampleClock } from '../../src/ui/historyRows.ts';

const entry = (step: number, x: number, y: number, loss: number): HistoryEntry => ({ step, x, y, loss });
const steps = (rows: (number | null)[][]): number[] => rows.map((row) => row[0]!);

describe('history rows', () => {
  test('a stopped particle ends the plot', () => {
    const rows = new HistoryRows(2, 1, 0);
    expect(rows.add(0, [entry(1, 0.8, 0.6, 1.36), entry(2, 0.64, 0.36, 0.6688), entry(3, 0.5, 0.2, 0.33)])).toBe(true);
    // Converged at update 3: the ring keeps writing the same entry.
    expect(rows.add(0, [entry(4, 0.5, 0.2, 0.33), entry(5, 0.5, 0.2, 0.33), entry(6, 0.5, 0.2, 0.33)])).toBe(false);
    expect(rows.lastChange).toBe(3);
    expect(steps(rows.table(true).rows)).toEqual([1, 2, 3]);
    // The CSV table keeps every step.
    expect(steps(rows.table().rows)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(rows.table().rows.at(-1)).toEqual([6, 0.5, 0.2, 0.33, null, null, null]);
  });

  test('repeats before a change', () => {
    const rows = new HistoryRows(1, 1, 0);
    rows.add(0, [entry(1, 2, 0, 4), entry(2, 2, 0, 4), entry(3, 2, 0, 4), entry(4, 1, 0, 1)]);
    expect(rows.lastChange).toBe(4);
    expect(rows.table(true).rows).toEqual([
      [1, 2, 4, null, null, null],
      [2, 2, 4, null, null, null],
      [3, 2, 4, null, null, null],
      [4, 1, 1, null, null, null],
    ]);
  });

  test('seen and empty entries skipped', () => {
    const rows = new HistoryRows(1, 1, 0);
    rows.add(0, [entry(2, 1, 0, 1), entry(1, 2, 0, 4)]);
    expect(rows.add(0, [entry(1, 2, 0, 4), entry(2, 1, 0, 1), entry(EMPTY_ENTRY_STEP, 0, 0, 0)])).toBe(false);
    expect(steps(rows.table().rows)).toEqual([1, 2]);
  });

  test('undefined loss: gap and repeats', () => {
    const rows = new HistoryRows(2, 1, 0);
    rows.add(0, [entry(1, -3, 1, NaN), entry(2, -3, 1, NaN), entry(3, -3, 1, NaN)]);
    expect(rows.lastChange).toBe(1);
    expect(rows.table(true).rows).toEqual([[1, -3, 1, null, null, null, null]]);
  });

  test('two runs: the plot ends at the later change', () => {
    const rows = new HistoryRows(2, 2, 1);
    rows.add(0, [entry(1, 9, 9, 10), entry(2, 9, 9, 10), entry(3, 9, 9, 10)]);
    rows.add(1, [entry(1, 1, 2, 3), entry(2, 0.5, 1, 1.5), entry(3, 0.5, 1, 1.5)]);
    expect(rows.table().header).toEqual(['step', 'x', 'y', 'loss1', 'loss2', 'populationLossP10', 'populationLossMedian', 'populationLossP90']);
    // Coordinates of the active run (1), a loss per run, and no gap in run 0's flat curve.
    expect(rows.table(true).rows).toEqual([
      [1, 1, 2, 10, 3, null, null, null],
      [2, 0.5, 1, 10, 1.5, null, null, null],
    ]);
  });

  test('late repeats inside the plot', () => {
    const rows = new HistoryRows(1, 2, 0);
    rows.add(1, [entry(1, 0, 0, 5), entry(2, 0, 0, 4)]);
    // Run 0 arrives later with a constant value: its rows lie within the plotted steps.
    expect(rows.add(0, [entry(1, 1, 0, 1), entry(2, 1, 0, 1)])).toBe(true);
    expect(rows.table(true).rows.map((row) => row[2])).toEqual([1, 1]);
  });

  test('population percentiles that stop changing end the plot', () => {
    const rows = new HistoryRows(1, 1, 0);
    expect(rows.addPopulation(0, [1, 2, 3])).toBe(true);
    expect(rows.addPopulation(10, [0.5, 1, 2])).toBe(true);
    expect(rows.addPopulation(20, [0.5, 1, 2])).toBe(false);
    expect(rows.addPopulation(30, [0.5, 1, 2])).toBe(false);
    expect(steps(rows.table(true).rows)).toEqual([0, 10]);
    expect(rows.addPopulation(40, [0.25, null, 2])).toBe(true);
    expect(steps(rows.table(true).rows)).toEqual([0, 10, 20, 30, 40]);
    expect(rows.table().rows[4]).toEqual([40, null, null, 0.25, null, 2]);
  });

  test('clear forgets rows and the last change', () => {
    const rows = new HistoryRows(1, 1, 0);
    rows.add(0, [entry(5, 1, 0, 1), entry(6, 1, 0, 1)]);
    rows.clear();
    expect(rows.table().rows).toEqual([]);
    expect(rows.lastChange).toBe(-1);
    // After a reset the same values start a new curve.
    expect(rows.add(0, [entry(1, 1, 0, 1)])).toBe(true);
    expect(steps(rows.table(true).rows)).toEqual([1]);
  });

  test('a new pick keeps the population', () => {
    const rows = new HistoryRows(1, 1, 0);
    rows.addPopulation(0, [1, 2, 3]);
    rows.add(0, [entry(1, 2, 0, 4), entry(2, 1, 0, 1), entry(3, 0.5, 0, 0.25)]);
    rows.addPopulation(3, [0.5, 1, 2]);
    rows.clearPicked();
    expect(rows.table().rows).toEqual([
      [0, null, null, 1, 2, 3],
      [3, null, null, 0.5, 1, 2],
    ]);
    expect(rows.lastChange).toBe(3);
    // The newly picked particle's ring starts from update 1 again.
    expect(rows.add(0, [entry(2, -1, 0, 1)])).toBe(true);
    expect(steps(rows.table().rows)).toEqual([0, 2, 3]);
  });

  test(`at most ${MAX_HISTORY_ROWS} rows: the oldest go`, () => {
    const rows = new HistoryRows(1, 1, 0);
    rows.add(0, Array.from({ length: MAX_HISTORY_ROWS + 10 }, (_, k) => entry(k + 1, k, 0, k * k)));
    const newest = steps(rows.table().rows);
    expect(newest).toHaveLength(MAX_HISTORY_ROWS);
    expect(newest[0]).toBe(11);
    expect(newest.at(-1)).toBe(MAX_HISTORY_ROWS + 10);
  });

  test(`at most ${MAX_HISTORY_ROWS} rows: repeats go before the descent`, () => {
    const rows = new HistoryRows(1, 1, 0);
    const descent = Array.from({ length: 100 }, (_, k) => entry(k + 1, 100 - k, 0, (100 - k) ** 2));
    const stopped = Array.from({ length: MAX_HISTORY_ROWS }, (_, k) => entry(101 + k, 1, 0, 1));
    rows.add(0, [...descent, ...stopped]);
    const remaining = steps(rows.table().rows);
    expect(remaining).toHaveLength(MAX_HISTORY_ROWS);
    expect(remaining.slice(0, 100)).toEqual(descent.map((item) => item.step));
    expect(remaining.at(-1)).toBe(100 + MAX_HISTORY_ROWS);
    expect(rows.table(true).rows).toHaveLength(100);
  });
});

describe('history with the picked point', () => {
  const snapshot = (history: HistoryEntry[], point: [number, number, number, number], stopStep: number, stepsDone: number) => ({
    history,
    pickedPoint: point,
    pickedStopStep: stopStep,
    stepsDone,
  });

  test('pick while paused: one entry', () => {
    // Picked at update 40 with the particles paused: the GPU has written no history for it.
    const history = historyWithPickedPoint(snapshot([], [0.25, -0.5, 0.5625, 0], 0, 40));
    expect(history).toEqual([entry(40, 0.25, -0.5, 0.5625)]);

    const rows = new HistoryRows(2, 1, 0);
    expect(rows.add(0, history)).toBe(true);
    expect(rows.table(true).rows).toEqual([[40, 0.25, -0.5, 0.5625, null, null, null]]);
  });

  test('stopped particle: entry at its stop step', () => {
    expect(historyWithPickedPoint(snapshot([], [0.001, 0, 1e-6, 1], 17, 300))).toEqual([entry(17, 0.001, 0, 1e-6)]);
  });

  test('entry at that step kept as recorded', () => {
    const recorded = [entry(39, 0.3, -0.6, 0.81), entry(40, 0.25, -0.5, 0.5625)];
    expect(historyWithPickedPoint(snapshot(recorded, [0.25, -0.5, 0.5625, 0], 0, 40))).toBe(recorded);
  });

  test('moving particle: current point after the ring', () => {
    const recorded = [entry(38, 0.36, -0.72, 1.17), entry(39, 0.3, -0.6, 0.81)];
    expect(historyWithPickedPoint(snapshot(recorded, [0.25, -0.5, 0.5625, 0], 0, 40))).toEqual([...recorded, entry(40, 0.25, -0.5, 0.5625)]);
  });

  test('missing loss kept, position not finite skipped', () => {
    expect(historyWithPickedPoint(snapshot([], [2, 3, Number.NaN, 2], 5, 9))).toEqual([entry(5, 2, 3, Number.NaN)]);
    expect(historyWithPickedPoint(snapshot([], [Number.NaN, 0, Number.NaN, 0], 0, 9))).toEqual([]);
  });
});

describe('population sample clock', () => {
  test('doubling update counts, then the interval', () => {
    const clock = new SampleClock(500);
    const sampled: number[] = [];
    // 100 updates per frame, a frame every 100 ms.
    for (let frame = 0; frame <= 40; frame++) {
      if (clock.take(100 * frame, 100 * frame)) {
        sampled.push(100 * frame);
      }
    }
    // 0, then each count at least twice the last (100, 200, 400, 800), then every 500 ms.
    expect(sampled).toEqual([0, 100, 200, 400, 800, 1300, 1800, 2300, 2800, 3300, 3800]);
  });

  test('one update per frame: samples spread on a log scale', () => {
    const clock = new SampleClock(1e9);
    const sampled = Array.from({ length: 70 }, (_, k) => k).filter((steps) => clock.take(steps, steps));
    expect(sampled).toEqual([0, 1, 2, 4, 8, 16, 32, 64]);
  });

  test('reset makes the next sample due', () => {
    const clock = new SampleClock(500);
    expect(clock.take(0, 1000)).toBe(true);
    expect(clock.take(10, 0)).toBe(false);
    clock.reset();
    expect(clock.take(20, 0)).toBe(true);
    expect(clock.take(30, 1)).toBe(true);
  });
});
