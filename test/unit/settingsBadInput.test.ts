// Bad values in every field of the app's settings, as a URL, a saved file or
// a script could hand them over: wrong types, NaN, ±Infinity, values out of
// range, unknown names and unknown fields such as __proto__. validateSettings
// rejects each with InvalidSettingError (FormulaError for a formula) whose
// message names the setting, the value and what is accepted.

import { describe, expect, it } from 'vitest';

import { FormulaError } from '../../src/core/expr/index.ts';
import { formatSettingValue, InvalidSettingError } from '../../src/core/limits.ts';
import { DEFAULT_SETTINGS, defaultRun, validateSettings, type AppSettings } from '../../src/ui/settings.ts';

/** Marks a field to delete instead of set. */
const MISSING = Symbol('missing');

type Path = (string | number)[];

/** Copies the defaults deeply and applies `changes`, each a path into the settings and its new value. */
function settingsWith(...changes: [Path, unknown][]): AppSettings {
  const settings = structuredClone(DEFAULT_SETTINGS) as unknown as Record<string | number, unknown>;
  for (const [path, value] of changes) {
    let parent = settings;
    for (const key of path.slice(0, -1)) {
      parent = parent[key] as Record<string | number, unknown>;
    }
    const last = path[path.length - 1];
    if (value === MISSING) {
      delete parent[last];
    } else {
      parent[last] = value;
    }
  }
  return settings as unknown as AppSettings;
}

/** Returns the InvalidSettingError that validateSettings throws for `settings`. */
function rejection(settings: AppSettings): InvalidSettingError {
  try {
    validateSettings(settings);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidSettingError);
    return error as InvalidSettingError;
  }
  throw new Error('validateSettings accepted the settings');
}

/** Formats a value as the message writes it: JSON, with NaN and ±Infinity quoted. */
function shown(value: unknown): string {
  return value === MISSING ? 'undefined' : formatSettingValue(value);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Values that no number setting accepts, whatever its range. */
const NOT_NUMBERS: unknown[] = [Number.NaN, Infinity, -Infinity, '1', '', '0x10', null, true, {}, [], [1], { value: 1 }, 10n, MISSING];

const NUMBER_FIELDS: [string, Path, unknown[]][] = [
  ['condition number κ', ['condition'], [0, -1, 0.5, 10001, 1e300]],
  ['grid size', ['grid'], [0, -1, 1.5, 2049, 1e9]],
  ['active configuration', ['active'], [-1, 1, 0.5, 1e9]],
  ['steps per frame', ['stepsPerFrame'], [0, -1, 0.001, 2001, 1e300]],
  ['assignment radius', ['radius'], [0, -1, 1e7, 1e300]],
  ['noise σ', ['noise', 'sigma'], [-1, 1e7, 1e300, 1e-50]],
  ['seed', ['noise', 'seed'], [-1, 1.5, 2 ** 32]],
  ['gradient tolerance', ['criteria', 'gradTol'], [-1, 1e7, 1e-40, 1e-30, 1.08e-19]],
  ['step tolerance', ['criteria', 'stepTol'], [-1, 1e7, 1e-20]],
  ['divergence bound', ['criteria', 'divergeBound'], [0, -1, 1e31, 1e300]],
  ['learning rate', ['runs', 0, 'optimizer', 'lr'], [0, -1, 1e-9, 1e7, 1e300, -0]],
  ['momentum', ['runs', 0, 'optimizer', 'momentum'], [-1, 1, 1e300, 1e-50, 0.99999999]],
  ['dampening', ['runs', 0, 'optimizer', 'dampening'], [-1, 1.5, 1e-40]],
  ['weight decay', ['runs', 0, 'optimizer', 'weightDecay'], [-1, 1001, 1e-45]],
  ['epsilon', ['runs', 0, 'optimizer', 'eps'], [0, -1, 2, 1e-50]],
  ['learning-rate decay', ['runs', 0, 'optimizer', 'lrDecay'], [-1, 1e300]],
  ['initial accumulator', ['runs', 0, 'optimizer', 'initialAccumulator'], [-1, 1e7]],
  ['alpha', ['runs', 0, 'optimizer', 'alpha'], [-1, 1, 1e-50, 0.99999999]],
  ['beta1', ['runs', 0, 'optimizer', 'beta1'], [-1, 1, 1e-50, 1e-39, 0.99999999]],
  ['beta2', ['runs', 0, 'optimizer', 'beta2'], [-1, 1, 1e300, 1 - 2 ** -26]],
  ['step size', ['runs', 0, 'schedule', 'stepSize'], [0, 1.5, 1e9]],
  ['gamma', ['runs', 0, 'schedule', 'gamma'], [0, -1, 11, 1e-50]],
  ['T max', ['runs', 0, 'schedule', 'tMax'], [0, 1.5, 1e9]],
  ['minimum learning rate', ['runs', 0, 'schedule', 'lrMin'], [-1, 1e7, 1e-50]],
  ['warm-up', ['runs', 0, 'schedule', 'warmup'], [-1, 1.5, 1e9]],
  ['lowest swept learning rate', ['sweep', 'lrMin'], [0, -1, 1e300]],
  ['highest swept learning rate', ['sweep', 'lrMax'], [0, -1, 1e300]],
  ['number of swept learning rates', ['sweep', 'lrCount'], [0, 1.5, 16385, 1e9]],
  ['lowest second axis value', ['sweep', 'secondMin'], [-1, 1, 1e-50]],
  ['highest second axis value', ['sweep', 'secondMax'], [-1, 1, 1e300, 0.99999999]],
  ['number of second axis values', ['sweep', 'secondCount'], [0, 1.5, 1e9]],
];

const NUMBER_CASES = NUMBER_FIELDS.flatMap(([setting, path, outOfRange]) =>
  [...NOT_NUMBERS, ...outOfRange]
    // null is the assignment radius's "1% of the domain".
    .filter((value) => !(setting === 'assignment radius' && value === null))
    .map((value) => [setting, shown(value), path, value] as const),
);

describe('number settings', () => {
  it.each(NUMBER_CASES)('%s %s: rejected with the value and the range', (setting, text, path, value) => {
    const error = rejection(settingsWith([path, value]));
    expect(error.message).toMatch(new RegExp(`^invalid ${escape(setting)} ${escape(text)}: expected (a|an) `));
    expect(error.setting).toBe(setting);
  });
});

describe('numbers below float32', () => {
  const tiny: [string, Path, number][] = [
    ['beta1', ['runs', 0, 'optimizer', 'beta1'], 1e-50],
    ['noise σ', ['noise', 'sigma'], 1e-40],
    ['lowest second axis value', ['sweep', 'secondMin'], 1e-50],
  ];
  it.each(tiny)('%s: the message names the float32 floor', (setting, path, value) => {
    const error = rejection(settingsWith([path, value]));
    expect(error.setting).toBe(setting);
    expect(error.message).toContain('either 0 or at least 1.18e-38 in magnitude');
  });

  it('a domain bound below float32: the message names the floor', () => {
    const error = rejection(settingsWith([['domain'], { xMin: -1e-40, xMax: 1, yMin: -1, yMax: 1 }]));
    expect(error.setting).toBe('domain');
    expect(error.message).toContain('every bound either 0 or at least 1.18e-38 in magnitude');
  });

  it('value rounding to 1: largest accepted named', () => {
    const error = rejection(settingsWith([['runs', 0, 'optimizer', 'beta2'], 0.99999999]));
    expect(error.message).toBe('invalid beta2 0.99999999: expected a number at least 0 and below 1, at most 0.99999994, since float32 rounds larger values to 1');
  });

  it('the largest float32 below 1 is accepted', () => {
    expect(() => validateSettings(settingsWith([['runs', 0, 'optimizer', 'beta2'], 1 - 2 ** -24]))).not.toThrow();
    expect(() => validateSettings(settingsWith([['runs', 0, 'optimizer', 'momentum'], 1 - 2 ** -24]))).not.toThrow();
    // The sweep's second axis takes the same range as the command line's --y-max.
    expect(() => validateSettings(settingsWith([['sweep', 'secondMax'], 1 - 2 ** -24]))).not.toThrow();
    expect(rejection(settingsWith([['sweep', 'secondMax'], 0.99999999])).message).toBe(
      'invalid highest second axis value 0.99999999: expected a number at least 0 and below 1, at most 0.99999994, since float32 rounds larger values to 1',
    );
  });

  it('0 and the smallest normal float32 are accepted', () => {
    for (const value of [0, 2 ** -126]) {
      expect(() => validateSettings(settingsWith([['runs', 0, 'optimizer', 'beta1'], value]))).not.toThrow();
      expect(() => validateSettings(settingsWith([['noise', 'sigma'], value]))).not.toThrow();
    }
  });
});

const NOT_BOOLEANS: unknown[] = ['true', 'false', '', 1, 0, Number.NaN, null, {}, [], MISSING];

const BOOLEAN_FIELDS: [string, Path][] = [
  ['pause', ['paused']],
  ['trails', ['trails']],
  ['restart on every change', ['restartOnChange']],
  ['configuration shown', ['runs', 0, 'visible']],
  ['centered', ['runs', 0, 'optimizer', 'centered']],
  ['AMSGrad', ['runs', 0, 'optimizer', 'amsgrad']],
  ['sweep every configuration', ['sweep', 'enabled']],
];

describe('flag settings', () => {
  it.each(BOOLEAN_FIELDS.flatMap(([setting, path]) => NOT_BOOLEANS.map((value) => [setting, shown(value), path, value] as const)))(
    '%s %s: rejected, expected true or false',
    (setting, text, path, value) => {
      expect(rejection(settingsWith([path, value])).message).toBe(`invalid ${setting} ${text}: expected true or false`);
    },
  );
});

/** Names that are not settings' choices, including the names of Object.prototype's members. */
const NOT_NAMES: unknown[] = ['banana', '', 'constructor', '__proto__', 'toString', 'hasOwnProperty', 5, null, {}, ['3d'], MISSING];

const NAME_FIELDS: [string, Path, string, unknown[]][] = [
  ['surface', ['surface'], 'one of parabola, double-well, quadratic, ', ['QUADRATIC', ' quadratic']],
  ['view', ['view'], 'one of "3d", "2d"', ['3D', '4d']],
  ['z scale', ['zScale'], 'one of "auto", "linear", "log"', ['cubic']],
  ['basin view', ['basinView'], 'one of "off", "map", "side-by-side", "difference"', ['on']],
  ['second sweep axis', ['sweep', 'second'], 'one of "none", "momentum", "beta1"', ['gamma', 'lr']],
  ['optimizer', ['runs', 0, 'optimizer', 'name'], 'one of "gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"', ['sgd', 'Adam']],
  ['schedule', ['runs', 0, 'schedule', 'name'], 'one of "constant", "step", "exponential", "cosine", "cyclic"', ['linear']],
];

describe('name settings', () => {
  it.each(NAME_FIELDS.flatMap(([setting, path, accepted, extra]) => [...NOT_NAMES, ...extra].map((value) => [setting, shown(value), path, accepted, value] as const)))(
    '%s %s: rejected with the names accepted',
    (setting, text, path, accepted, value) => {
      expect(rejection(settingsWith([path, value])).message).toMatch(new RegExp(`^invalid ${escape(setting)} ${escape(text)}: expected ${escape(accepted)}`));
    },
  );
});

/** Objects of the settings, each with its label in messages and its fields. */
const OBJECT_FIELDS: [string, Path, string[]][] = [
  ['settings', [], [...Object.keys(DEFAULT_SETTINGS), 'formula', 'domain']],
  ['noise', ['noise'], ['sigma', 'seed']],
  ['criteria', ['criteria'], ['gradTol', 'stepTol', 'divergeBound']],
  ['sweep', ['sweep'], Object.keys(DEFAULT_SETTINGS.sweep)],
  ['optimizer configuration', ['runs', 0], ['optimizer', 'schedule', 'visible']],
  ['optimizer', ['runs', 0, 'optimizer'], Object.keys(defaultRun().optimizer)],
  ['schedule', ['runs', 0, 'schedule'], Object.keys(defaultRun().schedule)],
  ['domain', ['domain'], ['xMin', 'xMax', 'yMin', 'yMax']],
];

/** Returns the object at `path` of `settings`. */
function objectAt(settings: AppSettings, path: Path): Record<string, unknown> {
  let value: unknown = settings;
  for (const key of path) {
    value = (value as Record<string | number, unknown>)[key];
  }
  return value as Record<string, unknown>;
}

/** Settings whose object at `path` (with a domain, so that there is one) is replaced by `make` of a copy of it. */
function settingsWithObject(path: Path, make: (original: Record<string, unknown>) => unknown): AppSettings {
  const base = settingsWith([['domain'], { xMin: -2, xMax: 2, yMin: -2, yMax: 2 }]);
  const copy = { ...objectAt(base, path) };
  return path.length === 0 ? (make(copy) as AppSettings) : settingsWith([['domain'], base.domain], [path, make(copy)]);
}

describe('object settings', () => {
  const NOT_OBJECTS: [string, unknown][] = [
    ['null', null],
    ['a number', 5],
    ['a string', '{}'],
    ['an array', []],
    ['an array of values', [1, 2]],
    ['a Date', new Date(0)],
  ];

  it.each(OBJECT_FIELDS.flatMap(([setting, path, fields]) => NOT_OBJECTS.map(([label, value]) => [setting, label, path, fields, value] as const)))(
    '%s as %s: rejected, expected an object',
    (setting, _label, path, fields, value) => {
      const settings = path.length === 0 ? (value as AppSettings) : settingsWithObject(path, () => value);
      expect(rejection(settings).message).toBe(`invalid ${setting} ${formatSettingValue(value)}: expected an object with the fields ${fields.join(', ')}`);
    },
  );

  const UNKNOWN_FIELDS: [string, (original: Record<string, unknown>) => unknown][] = [
    ['__proto__ from JSON', (original) => ({ ...original, ...JSON.parse('{"__proto__": {"polluted": true}}') })],
    ['constructor', (original) => ({ ...original, constructor: { prototype: { polluted: true } } })],
    ['prototype', (original) => ({ ...original, prototype: {} })],
    ['a misspelt field', (original) => ({ ...original, lR: 0.1 })],
  ];

  it.each(OBJECT_FIELDS.flatMap(([setting, path, fields]) => UNKNOWN_FIELDS.map(([label, make]) => [setting, label, path, fields, make] as const)))(
    '%s with %s: rejected, naming the field',
    (setting, _label, path, fields, make) => {
      const settings = settingsWithObject(path, make);
      const field = Object.keys(objectAt(settings, path)).find((key) => !fields.includes(key));
      expect(rejection(settings).message).toBe(`invalid ${setting} field ${JSON.stringify(field)}: expected one of ${fields.join(', ')}`);
      // Nothing reached Object.prototype.
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );

  it.each(OBJECT_FIELDS.map(([setting, path]) => [setting, path] as const))('%s with a symbol key: rejected', (setting, path) => {
    const settings = settingsWithObject(path, (original) => ({ ...original, [Symbol('extra')]: 1 }));
    expect(rejection(settings).message).toMatch(new RegExp(`^invalid ${setting} field "Symbol\\(extra\\)": expected one of `));
  });

  it.each(OBJECT_FIELDS.map(([setting, path]) => [setting, path] as const))('%s with another prototype: rejected', (setting, path) => {
    const settings = settingsWithObject(path, (original) => Object.setPrototypeOf(original, { inherited: true }));
    expect(rejection(settings).message).toMatch(new RegExp(`^invalid ${setting} .*: expected an object with the fields `));
  });

  it('accepts objects without a prototype', () => {
    const noise = Object.assign(Object.create(null) as object, DEFAULT_SETTINGS.noise);
    expect(validateSettings(settingsWith([['noise'], noise])).noise).toBe(noise);
  });
});

describe('optimizer configurations', () => {
  it.each([
    ['none', [], 0],
    ['five', Array.from({ length: 5 }, () => defaultRun()), 5],
    ['a thousand', Array.from({ length: 1000 }, () => defaultRun()), 1000],
    ['null', null, null],
    ['an object', { 0: defaultRun() }, { 0: defaultRun() }],
    ['missing', MISSING, MISSING],
  ] as [string, unknown, unknown][])('%s: rejected, expected 1 to 4', (_label, runs, count) => {
    expect(rejection(settingsWith([['runs'], runs])).message).toBe(`invalid number of optimizer configurations ${shown(count)}: expected 1 to 4`);
  });

  it('rejects an active configuration past the last', () => {
    const runs = Array.from({ length: 4 }, () => defaultRun());
    expect(rejection(settingsWith([['runs'], runs], [['active'], 4])).message).toBe('invalid active configuration 4: expected an integer from 0 to 3');
  });

  it('checks every configuration, not only the first', () => {
    const runs = [defaultRun(), { ...defaultRun(), visible: 'yes' }];
    expect(rejection(settingsWith([['runs'], runs])).message).toBe('invalid configuration shown "yes": expected true or false');
  });

  it('rejects Nesterov momentum without momentum', () => {
    const optimizer = { ...defaultRun().optimizer, name: 'nesterov', momentum: 0 };
    expect(rejection(settingsWith([['runs', 0, 'optimizer'], optimizer])).message).toBe('invalid momentum 0: expected a momentum above 0 for Nesterov momentum (as torch.optim.SGD requires)');
  });

  it('names the dampening of Nesterov momentum', () => {
    const optimizer = { ...defaultRun().optimizer, name: 'nesterov', momentum: 0.9, dampening: 0.5 };
    expect(rejection(settingsWith([['runs', 0, 'optimizer'], optimizer])).message).toBe('invalid dampening 0.5: expected 0 for Nesterov momentum (as torch.optim.SGD requires)');
  });
});

describe('domain', () => {
  const DOMAINS: [string, Record<string, unknown>, string][] = [
    ['xMin > xMax', { xMin: 2, xMax: -2, yMin: -1, yMax: 1 }, '[2, -2] × [-1, 1]'],
    ['xMin = xMax', { xMin: 1, xMax: 1, yMin: -1, yMax: 1 }, '[1, 1] × [-1, 1]'],
    ['yMin > yMax', { xMin: -1, xMax: 1, yMin: 3, yMax: 2 }, '[-1, 1] × [3, 2]'],
    ['yMin = yMax', { xMin: -1, xMax: 1, yMin: 0, yMax: 0 }, '[-1, 1] × [0, 0]'],
    ['a NaN bound', { xMin: Number.NaN, xMax: 1, yMin: -1, yMax: 1 }, '[NaN, 1] × [-1, 1]'],
    ['an infinite bound', { xMin: -1, xMax: Infinity, yMin: -1, yMax: 1 }, '[-1, Infinity] × [-1, 1]'],
    ['bounds of ±1e300', { xMin: -1e300, xMax: 1e300, yMin: -1, yMax: 1 }, '[-1e+300, 1e+300] × [-1, 1]'],
    ['a bound beyond ±1e5', { xMin: -1, xMax: 1, yMin: -1, yMax: 100001 }, '[-1, 1] × [-1, 100001]'],
    ['a bound as text', { xMin: '-1', xMax: 1, yMin: -1, yMax: 1 }, '["-1", 1] × [-1, 1]'],
    // The panel passes a number typed beyond a double's range on as its text.
    ['a typed overflow', { xMin: '-1e400', xMax: 1, yMin: -1, yMax: 1 }, '[-1e400, 1] × [-1, 1]'],
    ['text that reads as Infinity', { xMin: 'Infinity', xMax: 1, yMin: -1, yMax: 1 }, '["Infinity", 1] × [-1, 1]'],
    ['a bound of null', { xMin: -1, xMax: null, yMin: -1, yMax: 1 }, '[-1, null] × [-1, 1]'],
    ['a bound as an object', { xMin: -1, xMax: { valueOf: 1 }, yMin: -1, yMax: 1 }, '[-1, {"valueOf":1}] × [-1, 1]'],
    ['a missing bound', { xMin: -1, xMax: 1, yMin: -1 }, '[-1, 1] × [-1, undefined]'],
    ['too narrow for float32', { xMin: 1000, xMax: 1000.5, yMin: -1, yMax: 1 }, '[1000, 1000.5] × [-1, 1]'],
  ];

  it.each(DOMAINS)('%s: rejected, naming the domain', (_label, domain, text) => {
    const message = rejection(settingsWith([['domain'], domain])).message;
    expect(message).toBe(`invalid domain ${JSON.stringify(text)}: expected xmin < xmax and ymin < ymax, every bound within ±100,000, and each side at least 0.001 times the larger of 1 and its largest bound`);
  });

  it('of a 1D surface: checks x only', () => {
    expect(rejection(settingsWith([['surface'], 'parabola'], [['grid'], 33], [['domain'], { xMin: 1, xMax: 1, yMin: 0, yMax: 0 }])).message).toMatch(/^invalid domain "\[1, 1\]": expected xmin < xmax, /);
    expect(validateSettings(settingsWith([['surface'], 'parabola'], [['grid'], 33], [['domain'], { xMin: -1, xMax: 1, yMin: 5, yMax: 5 }])).domain).toEqual({ xMin: -1, xMax: 1, yMin: 0, yMax: 0 });
  });

  it('returns only the four bounds', () => {
    const valid = validateSettings(settingsWith([['domain'], { xMin: -1, xMax: 1, yMin: -1, yMax: 1 }]));
    expect(Object.keys(valid.domain!)).toEqual(['xMin', 'xMax', 'yMin', 'yMax']);
  });
});

describe('formula', () => {
  it.each([
    ['a number', 5],
    ['null', null],
    ['an object', { toString: 'x^2' }],
    ['an array', ['x^2']],
    ['missing', MISSING],
  ] as [string, unknown][])('of the custom surface as %s: rejected', (_label, formula) => {
    expect(rejection(settingsWith([['surface'], 'custom'], [['formula'], formula])).message).toMatch(new RegExp(`^invalid formula ${escape(shown(formula))}: expected a formula in x, or in x and y`));
  });

  it.each([
    ['empty', '', 0],
    ['missing operand', 'x +', 2],
    ['constructor', 'constructor', 0],
    ['__proto__', 'x + __proto__', 4],
    ['JavaScript', 'x; alert(1)', 1],
    ['call of eval', 'eval(x)', 0],
    ['NaN', 'x * NaN', 4],
    ['2,001 characters', 'x'.repeat(2001), 2000],
  ] as [string, string, number][])('of the custom surface, %s: FormulaError at its position', (_label, formula, start) => {
    expect(() => validateSettings(settingsWith([['surface'], 'custom'], [['formula'], formula]))).toThrow(FormulaError);
    expect(() => validateSettings(settingsWith([['surface'], 'custom'], [['formula'], formula]))).toThrow(expect.objectContaining({ start }));
  });

  it('kept beside a built-in surface: checked for its type and length only', () => {
    expect(validateSettings(settingsWith([['formula'], 'x +'])).formula).toBe('x +');
    expect(rejection(settingsWith([['formula'], 5])).message).toBe('invalid formula 5: expected a formula in x, or in x and y, of at most 2000 characters');
    expect(rejection(settingsWith([['formula'], 'x'.repeat(2001)])).message).toMatch(/^invalid formula "x{60}"…: expected a formula in x, or in x and y, of at most 2000 characters$/);
  });
});

describe('sweep', () => {
  const momentumRun = { ...defaultRun(), optimizer: { ...defaultRun().optimizer, name: 'momentum', momentum: 0.9 } };

  it.each([
    ['rates reversed', [[['sweep', 'lrMin'], 1], [['sweep', 'lrMax'], 0.1]], 'invalid swept learning rates "1 to 0.1": expected a lowest rate below the highest'],
    ['rates equal', [[['sweep', 'lrMin'], 0.5], [['sweep', 'lrMax'], 0.5]], 'invalid swept learning rates "0.5 to 0.5": expected a lowest rate below the highest'],
    [
      'second axis reversed',
      [[['sweep', 'second'], 'momentum'], [['sweep', 'secondMin'], 0.9], [['sweep', 'secondMax'], 0.1]],
      'invalid swept momentum "0.9 to 0.1": expected a lowest value below the highest',
    ],
    [
      'second axis of another optimizer',
      [[['sweep', 'enabled'], true], [['sweep', 'second'], 'beta1'], [['runs'], [momentumRun]]],
      'invalid second sweep axis "beta1": expected an axis that every configuration reads (beta1 applies to adam, adamw; configuration 1 is momentum)',
    ],
    [
      'too many cells',
      [[['runs'], [momentumRun]], [['sweep', 'second'], 'momentum'], [['sweep', 'lrCount'], 16384], [['sweep', 'secondCount'], 2]],
      'invalid number of sweep cells 32768: expected at most 16384 rates × values',
    ],
    [
      'too many particles',
      [[['grid'], 2048], [['sweep', 'enabled'], true], [['sweep', 'lrCount'], 5]],
      'invalid number of particles per configuration 20971520: expected at most 16,777,216 (4,194,304 starts × 5 sweep cells here): a smaller grid or fewer swept values',
    ],
    [
      'too many particles in 1D',
      [[['surface'], 'parabola'], [['grid'], 1_048_576], [['sweep', 'enabled'], true], [['sweep', 'lrCount'], 17]],
      'invalid number of particles per configuration 17825792: expected at most 16,777,216 (1,048,576 starts × 17 sweep cells here): a smaller grid or fewer swept values',
    ],
  ] as [string, [Path, unknown][], string][])('%s: rejected', (_label, changes, message) => {
    expect(rejection(settingsWith(...changes)).message).toBe(message);
  });

  it('accepts the largest grid unswept', () => {
    expect(() => validateSettings(settingsWith([['grid'], 2048], [['sweep', 'lrCount'], 16384]))).not.toThrow();
  });

  it('accepts a momentum phase map', () => {
    expect(() => validateSettings(settingsWith([['runs'], [momentumRun]], [['sweep', 'enabled'], true], [['sweep', 'second'], 'momentum']))).not.toThrow();
  });
});

describe('formatSettingValue', () => {
  it.each([
    [Number.NaN, '"NaN"'],
    [-Infinity, '"-Infinity"'],
    [1e300, '1e+300'],
    ['x'.repeat(100), `"${'x'.repeat(60)}"…`],
    [{ a: 'x'.repeat(100) }, `{"a":"${'x'.repeat(54)}…`],
    [undefined, 'undefined'],
    [10n, '10n'],
    [Symbol('s'), 'a symbol'],
    [() => 1, 'a function'],
  ] as [unknown, string][])('%s', (value, text) => {
    expect(formatSettingValue(value)).toBe(text);
  });

  it('describes a value with a cycle', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(formatSettingValue(cyclic)).toBe('an object');
  });
});
