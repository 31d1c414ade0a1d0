/**
 * The text report of `downhill sweep` for a person: an aligned table of the
 * rates with the stability limit marked, or for a phase map one line per
 * value of the second hyperparameter.
 */
import { cssHex } from '../core/colorScience.ts';
import { OUTCOME_COLORS, type SweepRow } from '../core/exportTables.ts';
import type { OptimizerChoice } from './optimizerOptions.ts';
import { counted, criteriaLines, settingsText } from './wording.ts';
import { SWEEP_FLAG_NAMES, type SweepReport } from './sweepCommand.ts';

const TABLE_HEADER = ['rate', 'diverged', 'median loss', 'p10 loss', 'p90 loss', 'median steps'];

/**
 * Formats the configuration, the table (or the phase map's lines) and the files written. The report
 * leaves out the schedule, the noise and the fixed hyperparameters, so `choice` gives them.
 */
export function formatSweepReport(report: SweepReport, choice: OptimizerChoice): string {
  const rates = report.lr.length;
  const rateText = rates === 1 ? `learning rate ${report.lr[0]}` : `${rates} learning rates from ${report.lr[0]} to ${report.lr[rates - 1]}`;
  let axes = rateText;
  if (report.sweepY) {
    const { parameter, values } = report.sweepY;
    const count = values.length;
    axes += count === 1 ? ` × ${parameter} ${values[0]}` : ` × ${count} values of ${parameter} from ${values[0]} to ${values[count - 1]}`;
  }
  // The swept hyperparameters are in `axes`, so the settings leave them out.
  const swept = report.sweepY ? ['lr', report.sweepY.parameter] as const : ['lr'] as const;
  const settings = settingsText(choice, { swept, flagNames: SWEEP_FLAG_NAMES });
  const lines = [`${report.surface}: ${settings}, ${axes}, ${counted(report.starts, 'start')} each, ${counted(report.steps, 'step')}`, ...criteriaLines(report.criteria)];

  if (report.sweepY) {
    lines.push(...phaseMapLines(report));
  } else {
    lines.push(...rateTable(report.rows, report.stabilityLimit, choice.optimizer.weightDecay));
    lines.push('diverged: share of the starts. Loss percentiles count a diverged start as inf.');
    lines.push('median steps: updates to converge, - where fewer than half of the starts converged.');
  }

  if (report.csv) {
    lines.push(`table written to ${report.csv}`);
  }
  if (report.png && report.sweepY) {
    const size = `${report.lr.length} × ${report.sweepY.values.length} pixels`;
    lines.push(`phase map written to ${report.png} (${size}, learning rate to the right, ${report.sweepY.parameter} up)`);
    lines.push('colours of the map:');
    for (const [outcome, color] of Object.entries(OUTCOME_COLORS)) {
      lines.push(`  ${cssHex(color)}  ${outcome}`);
    }
  }
  return lines.join('\n');
}

/** Right-aligns the columns of a table whose first row is the header. */
function alignColumns(table: readonly string[][]): string[] {
  const widths = table[0].map((_, column) => Math.max(...table.map((row) => row[column].length)));
  return table.map((row) => row.map((cell, column) => cell.padStart(widths[column])).join('  '));
}

/**
 * Formats one rate per row, with a marker line where the rates cross the stability limit. The
 * limit includes coupled weight decay `weightDecay`, which adds to the curvature.
 */
function rateTable(rows: readonly SweepRow[], limit: number | null, weightDecay: number): string[] {
  const table = [TABLE_HEADER, ...rows.map((row) => [
    row.lr.toPrecision(4),
    formatShare(row.diverged),
    formatLoss(row.medianLoss),
    formatLoss(row.p10Loss),
    formatLoss(row.p90Loss),
    row.medianStepsToConverge === null ? '-' : String(row.medianStepsToConverge),
  ])];
  const lines = alignColumns(table);
  if (limit === null) {
    lines.push('stability limit: not known for this optimizer or surface');
    return lines;
  }

  // Line k + 1 is row k, and the marker goes before the first rate at or above the limit.
  const source = weightDecay > 0 ? `the Hessian at the listed minima plus weight decay ${weightDecay}` : 'the Hessian at the listed minima';
  const marker = `-- stability limit η = ${limit.toPrecision(4)} (from ${source}) --`;
  const above = rows.findIndex((row) => row.lr >= limit);
  lines.splice(above === -1 ? lines.length : above + 1, 0, marker);
  return lines;
}

/** Formats one line per value of the second hyperparameter: its stability limit and where divergence begins. */
function phaseMapLines(report: SweepReport): string[] {
  const axis = report.sweepY!;
  const rates = report.lr.length;
  const table = [[axis.parameter, 'stability limit', 'first rate with divergence', 'first rate with most diverged']];
  axis.values.forEach((value, k) => {
    const rows = report.rows.slice(k * rates, (k + 1) * rates);
    const limit = axis.stabilityLimit[k];
    table.push([
      fourDigits(value),
      limit === null ? 'not known' : fourDigits(limit),
      firstRate(rows, (row) => row.diverged > 0),
      firstRate(rows, (row) => row.outcome === 'diverged'),
    ]);
  });
  return alignColumns(table);
}

function firstRate(rows: readonly SweepRow[], predicate: (row: SweepRow) => boolean): string {
  const row = rows.find(predicate);
  return row ? row.lr.toPrecision(4) : 'none';
}

/** Formats a value to four significant digits, and 0 as 0 rather than 0.000. */
function fourDigits(value: number): string {
  return value === 0 ? '0' : value.toPrecision(4);
}

function formatShare(share: number): string {
  return `${(100 * share).toFixed(1)}%`;
}

/** A loss percentile, where null stands for +∞ (a diverged start). */
function formatLoss(loss: number | null): string {
  return loss === null ? 'inf' : loss.toExponential(3);
}
