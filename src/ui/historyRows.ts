/**
 * The rows of the picked-particle plot, by update step, without repeats of
 * values that have stopped changing. A stopped particle keeps writing the same
 * entry, and the population's percentiles stop changing once every particle
 * has stopped. Plotted, those repeats stretched the step axis to the update
 * count, and after a few thousand updates the descent took only the first
 * pixels of the plot. A repeat is held back instead and written only when a
 * later value differs, so that a curve stays flat up to the step where it
 * changes again.
 */
import { EMPTY_ENTRY_STEP, type HistoryEntry } from '../gpu/statsRing.ts';

/** Steps kept; older ones are dropped. */
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
  step: number;
  x: number;
  y: number;
  loss: number;
}

export class HistoryRows {
  private readonly rows = new Map<number, Row>();
  /** Newest step seen per run, so that ring entries are added once. */
  private readonly lastStep: number[];
  /** Per run: the values of the last row written, and a newer repeat of them held back. */
  private readonly written: (RunValues | undefined)[];
  private readonly heldBack: (RunValues | undefined)[];
  private writtenPopulation: { step: number; values: Percentiles } | undefined;
  private heldPopulation: { step: number; values: Percentiles } | undefined;

  constructor(
    private readonly dims: 1 | 2,
    private readonly runCount: number,
    private readonly active: number,
  ) {
    this.lastStep = Array.from({ length: runCount }, () => -1);
    this.written = Array.from({ length: runCount }, () => undefined);
    this.heldBack = Array.from({ length: runCount }, () => undefined);
  }

  /** Forgets every row (on reset or when another particle is picked). */
  clear(): void {
    this.rows.clear();
    this.lastStep.fill(-1);
    this.written.fill(undefined);
    this.heldBack.fill(undefined);
    this.writtenPopulation = undefined;
    this.heldPopulation = undefined;
  }

  /** Adds run `run`'s ring entries newer than the last one seen; returns whether a row changed. */
  add(run: number, entries: readonly HistoryEntry[]): boolean {
    const fresh = entries.filter((entry) => entry.step !== EMPTY_ENTRY_STEP && entry.step > this.lastStep[run]).sort((a, b) => a.step - b.step);
    if (fresh.length === 0) {
      return false;
    }
    this.lastStep[run] = fresh[fresh.length - 1].step;
    let changed = false;
    for (const entry of fresh) {
      const values: RunValues = { step: entry.step, x: entry.x, y: entry.y, loss: entry.loss };
      const last = this.written[run];
      if (last && Object.is(last.x, values.x) && Object.is(last.y, values.y) && Object.is(last.loss, values.loss)) {
        this.heldBack[run] = values;
        continue;
      }
      const repeat = this.heldBack[run];
      if (repeat) {
        this.writeRun(run, repeat);
        this.heldBack[run] = undefined;
      }
      this.writeRun(run, values);
      this.written[run] = values;
      changed = true;
    }
    this.trim();
    return changed;
  }

  /** Adds the population's loss percentiles at update `step`; returns whether a row changed. */
  addPopulation(step: number, values: Percentiles): boolean {
    const last = this.writtenPopulation;
    if (last && step > last.step && values.every((value, k) => Object.is(value, last.values[k]))) {
      this.heldPopulation = { step, values };
      return false;
    }
    if (this.heldPopulation) {
      this.row(this.heldPopulation.step).population = this.heldPopulation.values;
      this.heldPopulation = undefined;
    }
    this.row(step).population = values;
    this.writtenPopulation = { step, values };
    this.trim();
    return true;
  }

  /**
   * Returns the rows as a table: update step, the picked particle's coordinates
   * (active run) and loss (every run), and the population's loss percentiles;
   * null where a value was not recorded at that step. With `withHeld`, the
   * repeats held back end the table, so that it reaches the newest step.
   */
  table(withHeld = false): { header: string[]; rows: (number | null)[][] } {
    const header = ['step', 'x', ...(this.dims === 2 ? ['y'] : [])];
    for (let k = 0; k < this.runCount; k++) {
      header.push(this.runCount > 1 ? `loss${k + 1}` : 'loss');
    }
    header.push('populationLossP10', 'populationLossMedian', 'populationLossP90');

    const rows = new Map([...this.rows].map(([step, row]) => [step, { ...row, losses: [...row.losses] }]));
    if (withHeld) {
      const at = (step: number): Row => rows.get(step) ?? rows.set(step, { losses: [] }).get(step)!;
      this.heldBack.forEach((values, run) => values && this.fill(at(values.step), run, values));
      if (this.heldPopulation) {
        at(this.heldPopulation.step).population = this.heldPopulation.values;
      }
    }
    const steps = [...rows.keys()].sort((a, b) => a - b);
    return {
      header,
      rows: steps.map((step) => {
        const row = rows.get(step)!;
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

  private writeRun(run: number, values: RunValues): void {
    this.fill(this.row(values.step), run, values);
  }

  /** Writes a run's values into a row: its loss, and the coordinates for the active run. */
  private fill(row: Row, run: number, values: RunValues): void {
    // A missing loss (NaN) leaves a gap in the curve: uPlot draws no NaN, and a log axis no value <= 0.
    row.losses[run] = Number.isFinite(values.loss) ? values.loss : undefined;
    if (run === this.active) {
      row.x = values.x;
      row.y = values.y;
    }
  }

  private trim(): void {
    if (this.rows.size <= MAX_HISTORY_ROWS) {
      return;
    }
    const steps = [...this.rows.keys()].sort((a, b) => a - b);
    for (const step of steps.slice(0, this.rows.size - MAX_HISTORY_ROWS)) {
      this.rows.delete(step);
    }
  }
}
