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

/** Maximum length of formula text, such as a number or a name, that a message quotes in full. */
const MAX_EXCERPT_LENGTH = 40;

/**
 * Shortens formula text that a message quotes, such as a 2,000-digit number,
 * to its first characters and '...', so the message stays one line. The
 * error's span still marks the whole text.
 */
export function excerpt(text: string, maxLength = MAX_EXCERPT_LENGTH): string {
  if (text.length <= maxLength) return text;
  return text.slice(0, maxLength - 3) + '...';
}

/**
 * Names the place of a fault for people: "at character 3" for the 0-based
 * offset 2. Offsets count UTF-16 code units, which equal characters in the
 * printable ASCII that a formula accepts before its first fault.
 */
export function atCharacter(offset: number): string {
  return `at character ${offset + 1}`;
}
