/**
 * The rows of the picked-particle plot, by update step. The plot ends at the newest step where a
 * value changed, so that repeats of values that stopped changing do not squeeze the descent into its
 * first pixels. The CSV file keeps every row, and when rows must be dropped, those repeats go first.
 */
import { EMPTY_ENTRY_STEP, type HistoryEntry, type StatsSnapshot } from '../gpu/statsRing.ts';

/** Steps kept; repeats after the last change go first, then the oldest steps. */
export const MAX_HISTORY_ROWS = 5000;

export type Percentiles = [number | null, number | null, number | null];

interface Row {
  x?: number;
  y?: number;
  losses: (number | undefined)[];
  /** Population loss percentiles of the active run (10%, median, 90%). */
  population?: Percentiles;
}

/** A run's values at one step, as the plot compares them. */
interface RunValues {
  x: number;
  y: number;
  loss: number;
}

/**
 * Returns a snapshot's history entries with the picked particle's current
 * point added, at its stop step or else at the snapshot's update count,
 * unless an entry already has that step. The GPU writes history only while
 * the picked particle moves, so without it a pick made while paused, or of a
 * particle that already stopped, would have no curve and no path.
 */
export function historyWithPickedPoint(snapshot: Pick<StatsSnapshot, 'history' | 'pickedPoint' | 'pickedStopStep' | 'stepsDone'>): HistoryEntry[] {
  const [x, y, loss] = snapshot.pickedPoint;
  const step = snapshot.pickedStopStep > 0 ? snapshot.pickedStopStep : snapshot.stepsDone;
  if (!Number.isFinite(x) || !Number.isFinite(y) || snapshot.history.some((entry) => entry.step === step)) {
    return snapshot.history;
  }
  return [...snapshot.history, { step, x, y, loss }];
}

export class HistoryRows {
  private readonly rows = new Map<number, Row>();
  /** Newest step seen per run, so that ring entries are added once. */
  private readonly lastStep: number[];
  /** Per run: the values of its newest entry, which tell a change from a repeat. */
  private readonly previous: (RunValues | undefined)[];
  private previousPopulation: Percentiles | undefined;
  /** Newest step at which a value was first recorded or changed; -1 before any. */
  private changedAt = -1;
  /** The same, for the population's percentiles alone. */
  private populationChangedAt = -1;

  constructor(
    private readonly dims: 1 | 2,
    private readonly runCount: number,
    private readonly active: number,
  ) {
    this.lastStep = Array.from({ length: runCount }, () => -1);
    this.previous = Array.from({ length: runCount }, () => undefined);
  }

  /** Forgets every row (on reset or when another particle is picked). */
  clear(): void {
    this.rows.clear();
    this.lastStep.fill(-1);
    this.previous.fill(undefined);
    this.previousPopulation = undefined;
    this.changedAt = -1;
    this.populationChangedAt = -1;
  }

  /** Forgets the picked particle's values and keeps the population's, for a new pick. */
  clearPicked(): void {
    for (const [step, row] of this.rows) {
      if (row.population === undefined) {
        this.rows.delete(step);
      } else {
        this.rows.set(step, { losses: [], population: row.population });
      }
    }
    this.lastStep.fill(-1);
    this.previous.fill(undefined);
    this.changedAt = this.populationChangedAt;
  }

  /** Newest step at which a value changed: the plot ends there. */
  get lastChange(): number {
    return this.changedAt;
  }

  /** Adds run `run`'s ring entries newer than the last one seen; returns whether the plotted rows changed. */
  add(run: number, entries: readonly HistoryEntry[]): boolean {
    const fresh = entries.filter((entry) => entry.step !== EMPTY_ENTRY_STEP && entry.step > this.lastStep[run]).sort((a, b) => a.step - b.step);
    if (fresh.length === 0) {
      return false;
    }
    this.lastStep[run] = fresh[fresh.length - 1].step;
    for (const entry of fresh) {
      const values: RunValues = { x: entry.x, y: entry.y, loss: entry.loss };
      const last = this.previous[run];
      if (!last || !Object.is(last.x, values.x) || !Object.is(last.y, values.y) || !Object.is(last.loss, values.loss)) {
        this.changedAt = Math.max(this.changedAt, entry.step);
      }
      this.previous[run] = values;
      const row = this.row(entry.step);
      // A missing loss (NaN) leaves a gap in the curve: uPlot draws no NaN, and a log axis no value <= 0.
      row.losses[run] = Number.isFinite(entry.loss) ? entry.loss : undefined;
      if (run === this.active) {
        row.x = entry.x;
        row.y = entry.y;
      }
    }
    this.trim();
    return fresh[0].step <= this.changedAt;
  }

  /** Adds the population's loss percentiles at update `step`; returns whether the plotted rows changed. */
  addPopulation(step: number, values: Percentiles): boolean {
    const last = this.previousPopulation;
    if (!last || values.some((value, k) => !Object.is(value, last[k]))) {
      this.changedAt = Math.max(this.changedAt, step);
      this.populationChangedAt = Math.max(this.populationChangedAt, step);
    }
    this.previousPopulation = values;
    this.row(step).population = values;
    this.trim();
    return step <= this.changedAt;
  }

  /**
   * Returns the rows as a table: update step, the picked particle's coordinates
   * (active run) and loss (every run), and the population's loss percentiles;
   * null where a value was not recorded at that step. With `toLastChange`, the
   * rows end at the newest step where a value changed, as the plot shows them.
   */
  table(toLastChange = false): { header: string[]; rows: (number | null)[][] } {
    const header = ['step', 'x', ...(this.dims === 2 ? ['y'] : [])];
    for (let k = 0; k < this.runCount; k++) {
      header.push(this.runCount > 1 ? `loss${k + 1}` : 'loss');
    }
    header.push('populationLossP10', 'populationLossMedian', 'populationLossP90');
    const steps = [...this.rows.keys()].filter((step) => !toLastChange || step <= this.changedAt).sort((a, b) => a - b);
    return {
      header,
      rows: steps.map((step) => {
        const row = this.rows.get(step)!;
        const values: (number | null)[] = [step, row.x ?? null, ...(this.dims === 2 ? [row.y ?? null] : [])];
        for (let k = 0; k < this.runCount; k++) {
          values.push(row.losses[k] ?? null);
        }
        values.push(...(row.population ?? [null, null, null]));
        return values;
      }),
    };
  }

  private row(step: number): Row {
    let row = this.rows.get(step);
    if (!row) {
      row = { losses: [] };
      this.rows.set(step, row);
    }
    return row;
  }

  /** Drops rows beyond MAX_HISTORY_ROWS: first the repeats between the last change and the newest step, then the oldest. */
  private trim(): void {
    if (this.rows.size <= MAX_HISTORY_ROWS) {
      return;
    }
    const steps = [...this.rows.keys()].sort((a, b) => a - b);
    const newest = steps[steps.length - 1];
    const repeats = steps.filter((step) => step > this.changedAt && step < newest);
    for (const step of repeats.slice(0, this.rows.size - MAX_HISTORY_ROWS)) {
      this.rows.delete(step);
    }
    const remaining = [...this.rows.keys()].sort((a, b) => a - b);
    for (const step of remaining.slice(0, Math.max(0, this.rows.size - MAX_HISTORY_ROWS))) {
      this.rows.delete(step);
    }
  }
}

/**
 * Decides when the population's loss percentiles are sampled again: every `intervalMs`
 * milliseconds, or sooner once the update count has doubled, so the first updates get samples too.
 */
export class SampleClock {
  private lastTime = Number.NEGATIVE_INFINITY;
  private lastSteps = 0;

  constructor(private readonly intervalMs: number) {}

  /** Returns whether a sample at `time` after `stepsDone` updates is due, and if so counts it as taken. */
  take(time: number, stepsDone: number): boolean {
    const due = time - this.lastTime >= this.intervalMs || stepsDone >= Math.max(1, 2 * this.lastSteps);
    if (due) {
      this.lastTime = time;
      this.lastSteps = stepsDone;
    }
    return due;
  }

  /** Starts again, as after a reset: the next sample is due at once. */
  reset(): void {
    this.lastTime = Number.NEGATIVE_INFINITY;
    this.lastSteps = 0;
  }
}
