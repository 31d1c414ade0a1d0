/**
 * The text report of `downhill basins` for a person: the share of every
 * basin, for a 1D surface the runs of starts along x, and with --png the
 * colour legend of the map.
 */
import type { BasinLabel, BasinsReport } from './basinsCommand.ts';
import type { OptimizerChoice } from './optimizerOptions.ts';
import { counted, criteriaLines, settingsText, sixDigits } from './wording.ts';

/**
 * Formats the configuration, the shares, the 1D intervals and the legend. The report leaves out
 * the schedule, the noise and most hyperparameters, so `choice` gives them.
 */
export function formatBasinsReport(report: BasinsReport, choice: OptimizerChoice): string {
  const percent = (value: number): string => `${(100 * value).toFixed(1)}%`;
  const oneD = report.intervals !== null;
  const starts = oneD ? `${report.grid} starts on [${report.domain[0]}, ${report.domain[1]}]` : `${report.grid}×${report.grid} starts`;
  const lines = [`${report.surface}: ${settingsText(choice)}, ${counted(report.steps, 'step')}, ${starts}`, ...criteriaLines(report.criteria)];

  report.minima.forEach((minimum, k) => {
    const found = minimum.known ? '' : ', found by clustering';
    lines.push(`  ${minimumName(report, k)}, f = ${sixDigits(minimum.value)}${found}: ${percent(minimum.share)}`);
  });
  lines.push(`  elsewhere ${percent(report.other)}, diverged ${percent(report.diverged)}, not converged ${percent(report.unconverged)}`);

  if (report.intervals) {
    lines.push('starts along x, by where they ended:');
    for (const interval of report.intervals) {
      // Starts are float32: six significant digits, as for the minima, print 0.05 rather than 0.04999995231628418.
      const range = interval.starts === 1 ? `x = ${sixDigits(interval.from)}` : `x = ${sixDigits(interval.from)} to ${sixDigits(interval.to)}`;
      lines.push(`  ${range} (${interval.starts} ${interval.starts === 1 ? 'start' : 'starts'}): ${labelName(report, interval.basin)}`);
    }
  }

  if (report.png) {
    const layout = oneD ? `${report.grid} × 1 pixels, x to the right` : `${report.grid} × ${report.grid} pixels, x to the right, y up`;
    lines.push(`map written to ${report.png} (${layout})`);
  }
  if (report.legend) {
    lines.push('colours of the map:');
    for (const entry of report.legend) {
      lines.push(`  ${entry.color}  ${labelName(report, entry.basin)}`);
    }
  }
  return lines.join('\n');
}

/** Names minimum k by its position: x alone on a 1D surface. */
function minimumName(report: BasinsReport, k: number): string {
  const minimum = report.minima[k];
  if (report.intervals !== null) {
    return `minimum x = ${sixDigits(minimum.x)}`;
  }
  return `minimum (${sixDigits(minimum.x)}, ${sixDigits(minimum.y)})`;
}

function labelName(report: BasinsReport, basin: BasinLabel): string {
  return typeof basin === 'number' ? minimumName(report, basin) : basin;
}
