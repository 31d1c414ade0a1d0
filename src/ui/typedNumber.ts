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
  input?.addEventListener('input', () => {
    typed = input.value.trim();
  });
  input?.addEventListener('focus', () => {
    typed = '';
  });
  return (value) => (Number.isFinite(value) || typed === '' ? value : typed);
}
