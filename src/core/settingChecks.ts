/**
 * Checks of a setting's type for values that arrive untyped (a URL, a saved
 * file, a test): flags, names from a list, and objects of known fields. Each
 * throws InvalidSettingError naming the setting, the value and what is
 * accepted. The checks of numbers and their ranges are in limits.ts.
 */
import { InvalidSettingError } from './limits.ts';

/** Returns value when it is true or false; throws InvalidSettingError otherwise. */
export function checkBoolean(setting: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new InvalidSettingError(setting, value, 'true or false');
  }
  return value;
}

/** Returns value when it is one of `choices`; throws InvalidSettingError listing them otherwise. */
export function checkChoice<T extends string>(setting: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new InvalidSettingError(setting, value, `one of ${choices.map((choice) => JSON.stringify(choice)).join(', ')}`);
  }
  return value as T;
}

/**
 * Checks that value is a plain object (its prototype Object.prototype or
 * null) whose own keys are all in `fields`. An own key such as `__proto__`
 * or `constructor`, which JSON.parse creates as an ordinary property, is
 * rejected like any other unknown field. Missing fields are left to the
 * checks of their values.
 */
export function checkFields(setting: string, value: unknown, fields: readonly string[]): void {
  const prototype = typeof value === 'object' && value !== null ? Object.getPrototypeOf(value) : undefined;
  if (prototype !== Object.prototype && prototype !== null) {
    throw new InvalidSettingError(setting, value, `an object with the fields ${fields.join(', ')}`);
  }

  const unknown = Reflect.ownKeys(value as object).find((key) => typeof key !== 'string' || !fields.includes(key));
  if (unknown !== undefined) {
    throw new InvalidSettingError(`${setting} field`, String(unknown), `one of ${fields.join(', ')}`);
  }
}
