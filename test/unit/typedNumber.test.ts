// Which text a number field of the panel takes as a number: the whole text,
// not the number it starts with, as parseFloat would.

import { describe, expect, test } from 'vitest';

import { isNumberText } from '../../src/ui/typedNumber.ts';

describe('number text of the panel', () => {
  test.each(['0', '1', '-3', '+2', '0.05', '.5', '5.', '1e-3', '2.5E+4', '1e400'])('%s is a number', (text) => {
    expect(isNumberText(text)).toBe(true);
  });

  test.each(['', '1,5', '2x', '0.1.2', '1e', 'e5', '-', '.', 'abc', 'NaN', 'Infinity', '0x10', '1_000', '5 steps', '1 e3'])('"%s" is not', (text) => {
    expect(isNumberText(text)).toBe(false);
  });
});
