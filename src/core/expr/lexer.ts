import { describeLookalike, formatCodePoint } from './characters.ts';
import { atCharacter, FormulaError } from './errors.ts';

export type TokenType = 'number' | 'name' | 'operator' | 'end';

/** Lexical token with its span in the formula text (`end` exclusive). */
export interface Token {
  readonly type: TokenType;
  /** Operators are normalized: `**` has the text `^`. */
  readonly text: string;
  /** The token as the formula writes it, `**` included, for messages. */
  readonly written: string;
  readonly start: number;
  readonly end: number;
}

const SINGLE_CHARACTER_OPERATORS = new Set(['+', '-', '*', '/', '^', '(', ')', ',']);

/** Printable ASCII is U+0020 (space) to U+007E (tilde). */
const FIRST_PRINTABLE = 0x20;
const LAST_PRINTABLE = 0x7e;

/** Unicode categories Other (C: control, format, surrogate, unassigned), Mark, and the line and paragraph separators. */
const UNPRINTABLE = /[\p{C}\p{M}\p{Zl}\p{Zp}]/u;

const OPERATOR_LIST = 'the operators + - * / ^ (or ** for ^)';
const CONTENTS = `numbers, x, y, pi, e, function calls, parentheses, commas and ${OPERATOR_LIST}`;

/** Hints for printable ASCII characters that are not part of the formula language. */
const CHARACTER_HINTS: ReadonlyMap<string, string> = new Map([
  ['=', 'a formula is an expression, not an equation: write only the right-hand side, such as x^2 + y^2'],
  ['[', 'use parentheses ( ) for grouping'],
  ['{', 'use parentheses ( ) for grouping'],
  [';', 'a formula is one expression'],
  ['.', 'a dot is only accepted inside a number, such as 1.5 or .5'],
]);

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isNameStart(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f;
}

function isWhitespace(code: number): boolean {
  // Tab, line feed and carriage return are accepted so that pasted multi-line text works.
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function rejectCharacter(text: string, position: number): never {
  const codePoint = text.codePointAt(position)!;
  const width = codePoint > 0xffff ? 2 : 1;

  if (codePoint < FIRST_PRINTABLE || codePoint > LAST_PRINTABLE) {
    // Control and format characters, lone surrogates, combining marks and line separators are
    // named only by code point, because printing them would garble the message.
    const quoted = UNPRINTABLE.test(String.fromCodePoint(codePoint)) ? '' : `'${String.fromCodePoint(codePoint)}' `;
    const hint = describeLookalike(codePoint);
    throw new FormulaError(
      `invalid character ${quoted}(${formatCodePoint(codePoint)}) ${atCharacter(position)}: ` +
        `formulas accept only printable ASCII` + (hint === '' ? '' : `; ${hint}`),
      position,
      position + width,
    );
  }

  const character = text[position];
  const hint = CHARACTER_HINTS.get(character);
  throw new FormulaError(
    `unexpected character '${character}' ${atCharacter(position)}; ` +
      (hint === undefined ? `formulas contain ${CONTENTS}` : hint),
    position,
    position + 1,
  );
}

/** Returns the end of the number that starts at `start`, or `start` when there is none. */
function scanNumber(text: string, start: number): number {
  let position = start;
  let digits = 0;
  while (position < text.length && isDigit(text.charCodeAt(position))) {
    position++;
    digits++;
  }

  if (text[position] === '.') {
    let fractionEnd = position + 1;
    while (fractionEnd < text.length && isDigit(text.charCodeAt(fractionEnd))) fractionEnd++;
    digits += fractionEnd - position - 1;
    if (digits === 0) return start; // a lone '.'
    position = fractionEnd;
  }
  if (digits === 0) return start;

  // An exponent needs at least one digit, so in `2e` or `2e+x` the `e` is the constant.
  if (text[position] === 'e' || text[position] === 'E') {
    let exponentStart = position + 1;
    if (text[exponentStart] === '+' || text[exponentStart] === '-') exponentStart++;
    let exponentEnd = exponentStart;
    while (exponentEnd < text.length && isDigit(text.charCodeAt(exponentEnd))) exponentEnd++;
    if (exponentEnd > exponentStart) position = exponentEnd;
  }
  return position;
}

/**
 * Splits a formula into tokens, ending with an `end` token. Runs in time linear
 * in the text. Throws FormulaError at the first character outside the language.
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;

  while (position < text.length) {
    const code = text.charCodeAt(position);

    if (isWhitespace(code)) {
      position++;
      continue;
    }

    const numberEnd = scanNumber(text, position);
    if (numberEnd > position) {
      tokens.push({ type: 'number', text: text.slice(position, numberEnd), written: text.slice(position, numberEnd), start: position, end: numberEnd });
      position = numberEnd;
      continue;
    }

    if (isNameStart(code)) {
      let nameEnd = position + 1;
      while (nameEnd < text.length) {
        const next = text.charCodeAt(nameEnd);
        if (!isNameStart(next) && !isDigit(next)) break;
        nameEnd++;
      }
      tokens.push({ type: 'name', text: text.slice(position, nameEnd), written: text.slice(position, nameEnd), start: position, end: nameEnd });
      position = nameEnd;
      continue;
    }

    if (text.startsWith('**', position)) {
      tokens.push({ type: 'operator', text: '^', written: '**', start: position, end: position + 2 });
      position += 2;
      continue;
    }

    const character = text[position];
    if (SINGLE_CHARACTER_OPERATORS.has(character)) {
      tokens.push({ type: 'operator', text: character, written: character, start: position, end: position + 1 });
      position++;
      continue;
    }

    rejectCharacter(text, position);
  }

  tokens.push({ type: 'end', text: '', written: '', start: text.length, end: text.length });
  return tokens;
}
