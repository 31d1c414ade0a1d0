/**
 * Data out of a run, for spreadsheets and scripts: CSV text (RFC 4180
 * quoting, a header row, '.' decimals, empty fields for missing values) and
 * the RGBA pixels of phase maps. Shared by the app's exports and the CLI.
 */
import type { Rgb8 } from './colorScience.ts';
import { STATUS_NAMES, type OptimizerName } from './config.ts';
import { outcomeName } from './basins.ts';
import { OPTIMIZER_SPECS } from './hyperparameters.ts';
import { CONVERGED_COLOR, DIVERGED_COLOR, NEITHER_COLOR } from './palette.ts';
import type { CellHyperparameters, CellStatistics, Outcome } from './sweep.ts';

export type CsvValue = number | string | boolean | null | undefined;

/** One CSV field: numbers as JavaScript writes them (round-trip exact), text quoted when it needs to be. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) {
    return '';
  }
  if (typeof value === 'number') {
    if (Number.isFinite(value)) {
      return String(value);
    }
    // Non-finite numbers are written as words that spreadsheets read as text; NaN as an empty field.
    if (Number.isNaN(value)) {
      return '';
    }
    return value > 0 ? 'inf' : '-inf';
  }
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A CSV document: the header, then one line per row, each line ending in a newline. */
export function toCsv(header: readonly string[], rows: Iterable<readonly CsvValue[]>): string {
  const lines = [header.map(csvField).join(',')];
  for (const row of rows) {
    lines.push(row.map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** A sweep cell with the hyperparameters that made it. */
export interface SweepRow extends CellStatistics {
  lr: number;
  /** Value of the second hyperparameter, in a phase map. */
  y?: number;
  /** The stability limit of the cell's hyperparameters: null where it is not known, absent where it was not computed. */
  stabilityLimit?: number | null;
}

/** Rounds to twelve significant digits: log spacing gives 0.10000000000000002 where 0.1 was meant. */
function twelveDigits(value: number): number {
  return Number(value.toPrecision(12));
}

/**
 * Formats the sweep table: one row per cell, rates first. `parameter` names
 * the second axis, if any. A last column stabilityLimit appears when the
 * first row carries one.
 */
export function sweepCsv(rows: readonly SweepRow[], parameter: string | undefined): string {
  const withLimit = rows.length > 0 && rows[0].stabilityLimit !== undefined;
  const header = ['lr', ...(parameter ? [parameter] : []), 'converged', 'diverged', 'medianLoss', 'p10Loss', 'p90Loss', 'medianStepsToConverge', 'outcome'];
  if (withLimit) {
    header.push('stabilityLimit');
  }
  return toCsv(
    header,
    rows.map((row) => {
      const y = row.y === undefined ? undefined : twelveDigits(row.y);
      return [
        twelveDigits(row.lr),
        ...(parameter ? [y] : []),
        row.converged,
        row.diverged,
        row.medianLoss,
        row.p10Loss,
        row.p90Loss,
        row.medianStepsToConverge,
        row.outcome,
        ...(withLimit ? [row.stabilityLimit] : []),
      ];
    }),
  );
}

/** Colours of the phase map's outcomes as 8-bit sRGB (palette.ts). */
export const OUTCOME_COLORS: Record<Outcome, Rgb8> = {
  converged: CONVERGED_COLOR,
  diverged: DIVERGED_COLOR,
  neither: NEITHER_COLOR,
};

/**
 * RGBA pixels of a phase map, one pixel per cell: `columns` rates by `rows`
 * second values, row 0 of the image at the largest second value.
 */
export function phaseImage(statistics: readonly CellStatistics[], columns: number, rows: number): Uint8Array {
  const pixels = new Uint8Array(4 * columns * rows);
  for (let row = 0; row < rows; row++) {
    const source = rows - 1 - row;
    for (let column = 0; column < columns; column++) {
      const [r, g, b] = OUTCOME_COLORS[statistics[source * columns + column].outcome];
      pixels.set([r, g, b, 255], 4 * (row * columns + column));
    }
  }
  return pixels;
}

/** Final state of every particle of one configuration. */
export interface FinalStates {
  configuration: number;
  optimizer: OptimizerName;
  /**
   * η, μ and β₁ of each cell of a sweep, in particle order: particle i runs
   * those of cell ⌊i / startsPerCell⌋. Without a sweep, the configuration's
   * own values as one cell.
   */
  cells: readonly CellHyperparameters[];
  /** Particles per cell, each cell starting from the same starts. */
  startsPerCell: number;
  /** Starts of one cell, x and y interleaved (y is 0 on a 1D surface). */
  starts: ArrayLike<number>;
  positions: ArrayLike<number>;
  /** Loss per particle; NaN where it is undefined or not finite, written as an empty field or null. */
  loss: ArrayLike<number>;
  status: ArrayLike<number>;
  /** Update on which each particle stopped, for converged and diverged ones. */
  stopSteps: ArrayLike<number>;
  /** Basin index per particle, or the BASIN_* codes; undefined where the surface names no basins. */
  basins?: ArrayLike<number>;
  /** Updates the configuration has run. */
  stepsDone: number;
  /** Names of the basins by index, such as "(3, 2)". */
  basinNames?: readonly string[];
}

export const FINAL_STATE_COLUMNS = ['configuration', 'optimizer', 'lr', 'momentum', 'beta1', 'particle', 'startX', 'startY', 'endX', 'endY', 'loss', 'status', 'basin', 'steps'] as const;

/**
 * Yields one record per particle: the learning rate, momentum and β₁ it ran with
 * (empty where the optimizer reads none), where it started and ended, its
 * loss, status, basin and updates done.
 */
export function* finalStateRecords(states: FinalStates): Generator<CsvValue[]> {
  const count = states.status.length;
  const readsMomentum = OPTIMIZER_SPECS.momentum.optimizers.includes(states.optimizer);
  const readsBeta1 = OPTIMIZER_SPECS.beta1.optimizers.includes(states.optimizer);
  for (let i = 0; i < count; i++) {
    const status = states.status[i];
    const stopped = status !== 0;
    const cell = states.cells[Math.floor(i / states.startsPerCell)];
    const start = i % states.startsPerCell;
    yield [
      states.configuration,
      states.optimizer,
      cell.lr,
      readsMomentum ? cell.momentum : null,
      readsBeta1 ? cell.beta1 : null,
      i,
      states.starts[2 * start],
      states.starts[2 * start + 1],
      states.positions[2 * i],
      states.positions[2 * i + 1],
      Number.isFinite(states.loss[i]) ? states.loss[i] : null,
      STATUS_NAMES[status] ?? String(status),
      states.basins ? basinName(states.basins[i], states.basinNames) : null,
      stopped ? states.stopSteps[i] : states.stepsDone,
    ];
  }
}

function basinName(basin: number, names: readonly string[] | undefined): string {
  return outcomeName(basin) ?? names?.[basin] ?? String(basin);
}

/** The final states of several configurations as one CSV table. */
export function finalStatesCsv(configurations: readonly FinalStates[]): string {
  return toCsv(FINAL_STATE_COLUMNS, configurations.flatMap((states) => [...finalStateRecords(states)]));
}

/** The same records as JSON objects keyed by the column names. */
export function finalStatesJson(configurations: readonly FinalStates[], context: Record<string, unknown>): string {
  const particles = configurations.flatMap((states) =>
    [...finalStateRecords(states)].map((record) => Object.fromEntries(FINAL_STATE_COLUMNS.map((column, k) => [column, record[k] ?? null]))),
  );
  return JSON.stringify({ ...context, columns: FINAL_STATE_COLUMNS, particles }, null, 1);
}
