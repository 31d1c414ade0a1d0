/**
 * Hints for characters outside printable ASCII that people paste into formulas
 * because they look like an ASCII character: keyed by code point, the value is
 * the description and the ASCII text to type instead.
 */
const LOOKALIKES: ReadonlyMap<number, { readonly name: string; readonly ascii: string }> = new Map([
  // Cyrillic letters that render like Latin ones.
  [0x0430, { name: 'Cyrillic small letter a', ascii: 'a' }],
  [0x0435, { name: 'Cyrillic small letter ie', ascii: 'e' }],
  [0x043e, { name: 'Cyrillic small letter o', ascii: 'o' }],
  [0x0440, { name: 'Cyrillic small letter er', ascii: 'p' }],
  [0x0441, { name: 'Cyrillic small letter es', ascii: 'c' }],
  [0x0443, { name: 'Cyrillic small letter u', ascii: 'y' }],
  [0x0445, { name: 'Cyrillic small letter ha', ascii: 'x' }],
  [0x0456, { name: 'Cyrillic small letter Byelorussian-Ukrainian i', ascii: 'i' }],
  [0x0455, { name: 'Cyrillic small letter dze', ascii: 's' }],
  [0x0425, { name: 'Cyrillic capital letter ha', ascii: 'x' }],
  [0x0423, { name: 'Cyrillic capital letter u', ascii: 'y' }],
  // Greek letters.
  [0x03c0, { name: 'Greek small letter pi', ascii: 'pi' }],
  [0x03c7, { name: 'Greek small letter chi', ascii: 'x' }],
  [0x03bf, { name: 'Greek small letter omicron', ascii: 'o' }],
  [0x03b3, { name: 'Greek small letter gamma', ascii: 'y' }],
  [0x03c5, { name: 'Greek small letter upsilon', ascii: 'y' }],
  [0x03b5, { name: 'Greek small letter epsilon', ascii: 'e' }],
  [0x03a7, { name: 'Greek capital letter chi', ascii: 'x' }],
  // Operators from word processors and math fonts.
  [0x2212, { name: 'minus sign', ascii: '-' }],
  [0x2013, { name: 'en dash', ascii: '-' }],
  [0x2014, { name: 'em dash', ascii: '-' }],
  [0x00d7, { name: 'multiplication sign', ascii: '*' }],
  [0x00b7, { name: 'middle dot', ascii: '*' }],
  [0x22c5, { name: 'dot operator', ascii: '*' }],
  [0x2219, { name: 'bullet operator', ascii: '*' }],
  [0x2217, { name: 'asterisk operator', ascii: '*' }],
  [0x00f7, { name: 'division sign', ascii: '/' }],
  [0x2215, { name: 'division slash', ascii: '/' }],
  [0x00b2, { name: 'superscript two', ascii: '^2' }],
  [0x00b3, { name: 'superscript three', ascii: '^3' }],
  [0x00a0, { name: 'no-break space', ascii: ' ' }],
  [0x2009, { name: 'thin space', ascii: ' ' }],
]);

/** First and last code point of the full-width forms of printable ASCII ('!' to '~'). */
const FULL_WIDTH_FIRST = 0xff01;
const FULL_WIDTH_LAST = 0xff5e;
const FULL_WIDTH_OFFSET = 0xff01 - 0x21;

/** Formats a code point as Unicode writes it, such as "U+0445". */
export function formatCodePoint(codePoint: number): string {
  return 'U+' + codePoint.toString(16).toUpperCase().padStart(4, '0');
}

/**
 * Returns a hint such as "it is the Cyrillic small letter ha; type 'x' instead",
 * or '' when the character has no known ASCII look-alike.
 */
export function describeLookalike(codePoint: number): string {
  const known = LOOKALIKES.get(codePoint);
  if (known !== undefined) {
    return `it is the ${known.name}; type '${known.ascii}' instead`;
  }

  if (codePoint >= FULL_WIDTH_FIRST && codePoint <= FULL_WIDTH_LAST) {
    const ascii = String.fromCharCode(codePoint - FULL_WIDTH_OFFSET);
    return `it is the full-width form of '${ascii}'; type '${ascii}' instead`;
  }
  return '';
}
