/** Wording helpers shared by the text reports of the commands. */
import { DEFAULT_CRITERIA, type StopCriteria } from '../core/config.ts';
import { formatLimit } from '../core/limits.ts';

/** Writes a count with its noun, singular for 1: "1 step", "200 steps". */
export function counted(count: number, noun: string): string {
  return `${count} ${count === 1 ? noun : `${noun}s`}`;
}

/** Formats a value to six significant digits without trailing zeros: 3, -0.994959, 0.96015. */
export function sixDigits(value: number): string {
  return String(Number(value.toPrecision(6)));
}

/**
 * Returns the line that names the stopping criteria as options, so that a pasted report can be
 * rerun, or no line for the defaults. A report spreads the result into its lines.
 */
export function criteriaLines(criteria: StopCriteria): string[] {
  const { gradTol, stepTol, divergeBound } = criteria;
  if (gradTol === DEFAULT_CRITERIA.gradTol && stepTol === DEFAULT_CRITERIA.stepTol && divergeBound === DEFAULT_CRITERIA.divergeBound) {
    return [];
  }
  return [`stopping: --grad-tol ${formatLimit(gradTol)} --step-tol ${formatLimit(stepTol)} --diverge-bound ${formatLimit(divergeBound)}`];
}
