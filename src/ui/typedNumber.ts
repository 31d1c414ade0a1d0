/**
 * The text typed into a lil-gui number field. lil-gui parses it with
 * parseFloat, so "1e400" arrives as Infinity and the field then shows
 * "Infinity", and "1e-400" arrives as 0. A rejection should quote what the
 * user typed instead.
 */
import type { Controller } from 'lil-gui';

import { decimalValue } from '../core/limits.ts';

/**
 * Watches the input of `controller` and returns a function that maps the
 * parsed value to itself when it is finite and, if 0, typed as 0, and to the
 * typed text otherwise.
 * Settings validation rejects the text with a message that quotes it.
 */
export function typedNumber(controller: Controller): (value: number) => number | string {
  const input = (controller as Controller & { $input?: HTMLInputElement }).$input;
  let typed = '';
  // On commit, before the panel hands the parsed value to the controller (see Panel.checkTypedNumbers).
  input?.addEventListener(
    'change',
    () => {
      typed = input.value.trim();
    },
    { capture: true },
  );
  input?.addEventListener('focus', () => {
    typed = '';
  });
  // "1e-400" arrives as 0: the typed text goes on too, so that it is rejected rather than taken as 0.
  return (value) => {
    const unreadable = !Number.isFinite(value) || (value === 0 && decimalValue(typed) !== 0);
    return unreadable && typed !== '' ? typed : value;
  };
}

/** Returns true when `text` is a decimal number as a whole: digits, an optional point and exponent, a sign. */
export function isNumberText(text: string): boolean {
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text);
}
