/**
 * Rejection of a formula, with the span of the fault in the input text.
 *
 * `start` and `end` are 0-based UTF-16 offsets into the text, `end` exclusive,
 * so `text.slice(start, end)` is the faulty part. Faults that concern the whole
 * formula (blank input, no variable) span the whole text.
 */
export class FormulaError extends Error {
  readonly start: number;
  readonly end: number;

  constructor(message: string, start: number, end: number) {
    super(message);
    this.name = 'FormulaError';
    this.start = start;
    this.end = end;
  }
}
