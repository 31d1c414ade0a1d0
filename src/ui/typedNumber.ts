/**
 * The text typed into a lil-gui number field. lil-gui parses it with
 * parseFloat, so "1e400" arrives as Infinity and the field then shows
 * "Infinity". A rejection should quote what the user typed instead.
 */
import type { Controller } from 'lil-gui';

/**
 * Watches the input of `controller` and returns a function that maps the
 * parsed value to itself when it is finite, and to the typed text otherwise.
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
  return (value) => (Number.isFinite(value) || typed === '' ? value : typed);
}

/**
 * Calls `commit` with each value committed in `controller` (on Enter or on
 * leaving the field), mapped by typedNumber. Typed text that overflowed
 * arrives as a string typed as a number: settings validation checks the type
 * of every value, so it rejects the text and quotes it.
 */
export function onTypedNumber(controller: Controller, commit: (value: number) => void): Controller {
  const typed = typedNumber(controller);
  return controller.onFinishChange((value: number) => commit(typed(value) as number));
}

/** Returns true when `text` is a decimal number as a whole: digits, an optional point and exponent, a sign. */
export function isNumberText(text: string): boolean {
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text);
}
