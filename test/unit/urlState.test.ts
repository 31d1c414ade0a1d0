// The scene in the URL fragment: writing and reading back, and links with
// bad values, which keep the rest of the link and name what was left out.

import { describe, expect, test } from 'vitest';

import { parseOptimizerOptions, type RawOptimizerOptions } from '../../src/cli/optimizerOptions.ts';
import { defaultOptimizer, OPTIMIZER_NAMES, SCHEDULE_NAMES, type OptimizerName, type ScheduleName } from '../../src/core/config.ts';
import { OPTIMIZER_FLAGS, OPTIMIZER_SPECS, SCHEDULE_SPECS } from '../../src/core/hyperparameters.ts';
import { cloneSettings, DEFAULT_SETTINGS, type AppSettings } from '../../src/ui/settings.ts';
import { decodeLink, encodeLink, MAX_LINK_LENGTH, type LinkState } from '../../src/ui/urlState.ts';

function scene(): AppSettings {
  const settings = cloneSettings(DEFAULT_SETTINGS);
  settings.surface = 'himmelblau';
  settings.grid = 128;
  settings.view = '2d';
  settings.domain = { xMin: -4.5, xMax: 1.25, yMin: 0, yMax: 3.3 };
  settings.noise = { sigma: 0.25, seed: 7 };
  settings.basinView = 'difference';
  settings.radius = 0.05;
  settings.runs = [
    { optimizer: { ...defaultOptimizer('adam', 0.05), beta2: 0.95, amsgrad: true }, schedule: { name: 'cosine', stepSize: 100, gamma: 0.5, tMax: 400, lrMin: 0.001, warmup: 20 }, visible: true },
    { optimizer: defaultOptimizer('nesterov', 0.01), schedule: { ...DEFAULT_SETTINGS.runs[0].schedule }, visible: false },
  ];
  settings.active = 1;
  settings.sweep = { ...settings.sweep, lrMin: 0.001, lrCount: 32 };
  return settings;
}

describe('a link round-trips', () => {
  test('the defaults are just the version', () => {
    expect(encodeLink({ settings: DEFAULT_SETTINGS })).toBe('v=1');
    const decoded = decodeLink('#v=1');
    expect(decoded.problems).toEqual([]);
    expect(decoded.state.settings).toEqual(DEFAULT_SETTINGS);
  });

  test('every kind of setting, the camera, the step and the pick come back equal', () => {
    const state: LinkState = {
      settings: scene(),
      camera: { position: [1.5, -2.25, 3], target: [0, 0, 0.25], zoom: 1.75 },
      step: 437,
      pick: 1234,
    };
    const fragment = encodeLink(state);
    const decoded = decodeLink(`#${fragment}`);
    expect(decoded.problems).toEqual([]);
    expect(decoded.state).toEqual(state);
    // Serialised again: identical text.
    expect(encodeLink(decoded.state)).toBe(fragment);
  });

  test('a typed formula with the characters a URL reserves', () => {
    const settings = cloneSettings(DEFAULT_SETTINGS);
    settings.surface = 'custom';
    settings.formula = '(x + 1)^2 & y # 3 = sin(x*y) / 2';
    const decoded = decodeLink(encodeLink({ settings }));
    // The formula itself does not compile ('&', '#', '='), so it is named and the rest kept.
    expect(decoded.problems.some((problem) => problem.startsWith("The link's formula="))).toBe(true);

    settings.formula = '(x + 1)^2 + 0.5*sin(3*x*y) - y/4';
    const good = decodeLink(encodeLink({ settings }));
    expect(good.problems).toEqual([]);
    expect(good.state.settings.formula).toBe(settings.formula);
    expect(good.state.settings.surface).toBe('custom');
  });

  test('a formula without a surface runs', () => {
    const decoded = decodeLink('formula=sin(x)*y');
    expect(decoded.problems).toEqual([]);
    expect(decoded.state.settings.surface).toBe('custom');
    expect(decoded.state.settings.formula).toBe('sin(x)*y');
  });

  test('a typed plus sign in a formula', () => {
    const decoded = decodeLink('#formula=x^2+y^2&grid=32');
    expect(decoded.problems).toEqual([]);
    expect(decoded.state.settings.surface).toBe('custom');
    expect(decoded.state.settings.formula).toBe('x^2+y^2');
  });

  test('a formula beside a surface that is not one', () => {
    const decoded = decodeLink('formula=x^2+y^2&surface=bogus');
    expect(decoded.problems).toHaveLength(1);
    expect(decoded.problems[0]).toMatch(/^The link's surface=bogus was not applied: /);
    expect(decoded.state.settings.surface).toBe('custom');
    expect(decoded.state.settings.formula).toBe('x^2+y^2');
  });

  test('a surface that is not one, before a formula', () => {
    const decoded = decodeLink('#surface=nope&formula=x^2');
    expect(decoded.problems).toHaveLength(1);
    expect(decoded.problems[0]).toMatch(/^The link's surface=nope was not applied: invalid surface "nope": expected one of parabola, .* or custom\.$/);
    expect(decoded.state.settings.surface).toBe('custom');
    expect(decoded.state.settings.formula).toBe('x^2');
  });

  test('plus in a v= link: hint', () => {
    const decoded = decodeLink('#v=1&surface=custom&formula=x^2+y^2');
    expect(decoded.problems).toEqual([
      "The link's formula=x^2 y^2 was not applied: missing operator between 2 and y; write 2*y. In a link that begins with v=, + stands for a space: write %2B for a plus sign.",
    ]);
    // Without a + the fault has no such hint.
    expect(decodeLink('#v=1&surface=custom&formula=x^^2').problems[0]).not.toMatch(/%2B/);
  });

  test('the custom surface without a formula', () => {
    const decoded = decodeLink('#v=1&surface=custom&grid=32');
    expect(decoded.problems).toEqual(["The link's surface=custom was not applied: the custom surface needs formula= beside it, a formula in x, or in x and y."]);
    expect(decoded.state.settings.surface).toBe(DEFAULT_SETTINGS.surface);
    expect(decoded.state.settings.grid).toBe(32);
  });

  test('an app link without surface keeps the default surface', () => {
    // Before the app named the surface beside every formula, this meant the default surface and a kept formula.
    const decoded = decodeLink('#v=1&formula=x%5E4+-+x%5E2');
    expect(decoded.problems).toEqual(["The link's formula=x^4 - x^2 is kept but does not run: a link that begins with v= runs its formula only with surface=custom."]);
    expect(decoded.state.settings.surface).toBe(DEFAULT_SETTINGS.surface);
    expect(decoded.state.settings.formula).toBe('x^4 - x^2');
  });

  test('two numbers: the x bounds of a 1D surface', () => {
    const decoded = decodeLink('#surface=parabola&domain=-1,3');
    expect(decoded.problems).toEqual([]);
    expect(decoded.state.settings.domain).toEqual({ xMin: -1, xMax: 3, yMin: 0, yMax: 0 });
  });

  test('two numbers for a 2D surface', () => {
    const decoded = decodeLink('#surface=himmelblau&domain=-1,3&grid=32');
    expect(decoded.problems).toEqual([
      "The link's domain=-1,3 was not applied: it gives x bounds only, and himmelblau is a function of x and y; write 4 numbers: x min, x max, y min, y max.",
    ]);
    expect(decoded.state.settings.domain).toBeUndefined();
    expect(decoded.state.settings.grid).toBe(32);
  });

  test('y bounds for a 1D surface', () => {
    const decoded = decodeLink('#v=1&surface=parabola&domain=-2,2,-2,2');
    expect(decoded.problems).toEqual(["The link's domain=-2,2,-2,2 gives y bounds, which were not applied: parabola is a function of x alone."]);
    expect(decoded.state.settings.domain).toEqual({ xMin: -2, xMax: 2, yMin: 0, yMax: 0 });
    // The app writes a 1D domain with y bounds of 0: no problem.
    expect(decodeLink('#v=1&surface=parabola&domain=-2,2,0,0').problems).toEqual([]);
  });

  test('a bad formula kept beside a built-in surface', () => {
    const typed = decodeLink('#formula=x^2+(&surface=parabola');
    expect(typed.problems).toHaveLength(1);
    expect(typed.problems[0]).toMatch(/^The link's formula=x\^2\+\( was not applied: /);
    expect(typed.state.settings.surface).toBe('parabola');
    expect(typed.state.settings.formula).toBeUndefined();
    // Checked before saying that it does not run.
    const legacy = decodeLink('#v=1&formula=x%2F0');
    expect(legacy.problems).toEqual(["The link's formula=x/0 was not applied: x/0 divides by zero, so it is undefined everywhere."]);
  });

  test('y bounds for a 1D formula', () => {
    expect(decodeLink('#formula=x^4-x^2&domain=-2,2,-1,1').problems).toEqual([
      "The link's domain=-2,2,-1,1 gives y bounds, which were not applied: the formula is a function of x alone.",
    ]);
  });

  test('a broken %-escape', () => {
    const decoded = decodeLink('#%E0%A4%A=1&grid=32&formula=x%ZZ');
    expect(decoded.problems).toEqual([
      'The link\'s part "%E0%A4%A=1" was ignored: it has a % that is not a valid escape (write a % sign as %25).',
      'The link\'s part "formula=x%ZZ" was ignored: it has a % that is not a valid escape (write a % sign as %25).',
    ]);
    expect(decoded.state.settings.grid).toBe(32);
    expect(decoded.state.settings.formula).toBeUndefined();
  });

  test('a bad formula without a surface', () => {
    const decoded = decodeLink('formula=sin(x&grid=32');
    expect(decoded.problems).toHaveLength(1);
    expect(decoded.problems[0]).toMatch(/^The link's formula=sin\(x was not applied: /);
    expect(decoded.state.settings.surface).toBe(DEFAULT_SETTINGS.surface);
    expect(decoded.state.settings.grid).toBe(32);
  });

  test('a kept formula beside the default surface', () => {
    // The panel keeps the last typed formula while a built-in surface runs.
    const settings = cloneSettings(DEFAULT_SETTINGS);
    settings.formula = 'x^4 - x^2';
    const fragment = encodeLink({ settings });
    expect(new URLSearchParams(fragment).get('surface')).toBe(DEFAULT_SETTINGS.surface);
    const decoded = decodeLink(fragment);
    expect(decoded.problems).toEqual([]);
    expect(decoded.state.settings.surface).toBe(DEFAULT_SETTINGS.surface);
    expect(decoded.state.settings.formula).toBe('x^4 - x^2');
  });

  test('numbers keep every bit', () => {
    const settings = cloneSettings(DEFAULT_SETTINGS);
    settings.runs[0].optimizer.lr = 0.1 + 0.2;
    settings.criteria.gradTol = 1.2345678901234567e-7;
    const decoded = decodeLink(encodeLink({ settings }));
    expect(decoded.state.settings.runs[0].optimizer.lr).toBe(0.1 + 0.2);
    expect(decoded.state.settings.criteria.gradTol).toBe(1.2345678901234567e-7);
  });
});

describe('a link with bad values', () => {
  // [fragment, the key named in the problem]; the good key beside it must still apply.
  const table: [string, string][] = [
    ['grid=1000000000', 'grid=1000000000'],
    ['grid=abc', 'grid=abc'],
    ['grid=', 'grid='],
    ['grid=12.5', 'grid=12.5'],
    ['grid=-4', 'grid=-4'],
    ['grid=0x40', 'grid=0x40'],
    ['run1.lr=1e300', 'run1.lr=1e300'],
    ['run1.lr=NaN', 'run1.lr=NaN'],
    ['run1.lr=Infinity', 'run1.lr=Infinity'],
    ['run1.lr=-0.1', 'run1.lr=-0.1'],
    ['run1.lr=1e999', 'run1.lr=1e999'],
    ['run1.momentum=2', 'run1.momentum=2'],
    ['run1.eval=1', 'run1.eval=1'],
    ['run1.__proto__=1', 'run1.__proto__=1'],
    ['run1.optimizer=alert(1)', 'run1.optimizer=alert(1)'],
    ['run1.schedule=sometimes', 'run1.schedule=sometimes'],
    ['run9.optimizer=adam', 'run9.optimizer=adam'],
    ['domain=2,1,0,1', 'domain=2,1,0,1'],
    ['domain=0,1', 'domain=0,1'],
    ['domain=0,1,0,1e300', 'domain=0,1,0,1e300'],
    ['surface=nowhere', 'surface=nowhere'],
    ['surface=custom&formula=alert(document.cookie)', 'formula=alert(document.cookie)'],
    ['surface=custom&formula=x); } fn evil() {', 'formula=x); } fn evil() {'],
    ['view=4d', 'view=4d'],
    ['paused=yes', 'paused=yes'],
    ['stepsPerFrame=1e9', 'stepsPerFrame=1e9'],
    ['noise.sigma=-1', 'noise.sigma=-1'],
    ['noise.sigma=1e-400', 'noise.sigma=1e-400'],
    ['criteria.gradTol=1e-400', 'criteria.gradTol=1e-400'],
    ['noise.seed=1.5', 'noise.seed=1.5'],
    ['noise.color=red', 'noise.color=red'],
    ['sweep.lrMin=5&sweep.lrMax=1', 'sweep.lr'],
    ['__proto__=1', '__proto__=1'],
    ['constructor=1', 'constructor=1'],
    ['camera=1,2,3', 'camera=1,2,3'],
    ['camera=0,0,5,0,0,0,-1', 'camera=0,0,5,0,0,0,-1'],
    ['step=-1', 'step=-1'],
    ['step=1e12', 'step=1e12'],
  ];

  test('a number below the smallest double is named as typed', () => {
    const decoded = decodeLink('#v=1&run1.lr=1e-400');
    expect(decoded.problems).toEqual(["The link's run1.lr=1e-400 was not applied: too small for a number and was not read as 0."]);
  });

  test.each(table)('%s is named, and trails=false beside it still applies', (fragment, named) => {
    const decoded = decodeLink(`#v=1&trails=false&${fragment}`);
    expect(decoded.problems.length).toBeGreaterThanOrEqual(1);
    expect(decoded.problems.join(' ')).toContain(named);
    expect(decoded.state.settings.trails).toBe(false);
    // Nothing invalid got in: the settings are the defaults apart from trails (and what a multi-key case kept).
    expect(decoded.state.settings.grid).toBe(DEFAULT_SETTINGS.grid);
    expect(decoded.state.settings.runs[0].optimizer.lr).toBe(DEFAULT_SETTINGS.runs[0].optimizer.lr);
    expect(Object.getPrototypeOf(decoded.state.settings)).toBe(Object.prototype);
  });

  test('a negative pick names the accepted indices', () => {
    const decoded = decodeLink('#v=1&pick=-1');
    expect(decoded.problems).toEqual(["The link's pick=-1 was not applied: expected a particle index, an integer from 0 to the particle count minus 1."]);
    expect(decoded.state.pick).toBeUndefined();
  });

  test('a later version is named and read as version 1', () => {
    const decoded = decodeLink('v=2&grid=32');
    expect(decoded.state.settings.grid).toBe(32);
    expect(decoded.problems).toEqual(["The link's v=2 was not applied: expected version 1; the rest of the link is read as version 1."]);
  });

  test('a repeated key uses the first value and says so', () => {
    const decoded = decodeLink('grid=32&grid=64');
    expect(decoded.state.settings.grid).toBe(32);
    expect(decoded.problems).toEqual(['The link repeats "grid"; the first value was used.']);
  });

  test('two ends of a range that only fit together both apply', () => {
    const decoded = decodeLink('sweep.lrMin=2&sweep.lrMax=3');
    expect(decoded.problems).toEqual([]);
    expect(decoded.state.settings.sweep).toMatchObject({ lrMin: 2, lrMax: 3 });
  });

  test('an overlong link is ignored whole', () => {
    const decoded = decodeLink(`grid=32&formula=${'x+'.repeat(MAX_LINK_LENGTH)}x`);
    expect(decoded.state.settings).toEqual(DEFAULT_SETTINGS);
    expect(decoded.problems[0]).toMatch(/characters long; at most 16384 are read/);
  });

  test('a message names the value and what is accepted', () => {
    const decoded = decodeLink('grid=1000000000');
    expect(decoded.problems).toEqual(["The link's grid=1000000000 was not applied: invalid grid size 1000000000: expected an integer from 1 to 2048."]);
  });
});

describe('a bad value typed into the running scene\'s link', () => {
  const running = (): LinkState => {
    const settings = cloneSettings(DEFAULT_SETTINGS);
    settings.surface = 'himmelblau';
    settings.grid = 16;
    settings.runs[0].optimizer.lr = 0.01;
    settings.domain = { xMin: -4, xMax: 4, yMin: -3, yMax: 3 };
    return { settings };
  };

  test('running rate kept and named', () => {
    const decoded = decodeLink('#v=1&surface=himmelblau&grid=16&run1.lr=abc', running());
    expect(decoded.state.settings.runs[0].optimizer.lr).toBe(0.01);
    expect(decoded.problems).toEqual(["The link's run1.lr=abc was not applied: expected a decimal number. It keeps its current value, 0.01."]);
    // Opened afresh, the same link leaves the rate at its default.
    expect(decodeLink('#v=1&surface=himmelblau&grid=16&run1.lr=abc').state.settings.runs[0].optimizer.lr).toBe(0.1);
  });

  test('keeps a grid and a domain that fail validation', () => {
    const decoded = decodeLink('#v=1&surface=himmelblau&grid=0&domain=4,-4,-3,3&run1.lr=0.01', running());
    expect(decoded.state.settings.grid).toBe(16);
    expect(decoded.state.settings.domain).toEqual({ xMin: -4, xMax: 4, yMin: -3, yMax: 3 });
    expect(decoded.problems).toHaveLength(2);
    expect(decoded.problems[0]).toMatch(/^The link's grid=0 was not applied: .* It keeps its current value, 16\.$/);
    expect(decoded.problems[1]).toMatch(/^The link's domain=4,-4,-3,3 was not applied: .* It keeps its current value, -4,4,-3,3\.$/);
  });

  test('default setting: default kept, no value named', () => {
    const decoded = decodeLink('#v=1&surface=himmelblau&grid=16&run1.lr=0.01&stepsPerFrame=-3', running());
    expect(decoded.state.settings.stepsPerFrame).toBe(DEFAULT_SETTINGS.stepsPerFrame);
    expect(decoded.problems).toHaveLength(1);
    expect(decoded.problems[0]).not.toMatch(/current value/);
  });

  test('a formula with a fault keeps the running formula', () => {
    const scene = running();
    scene.settings.surface = 'custom';
    scene.settings.formula = 'sin(x)*cos(y)';
    scene.settings.domain = { xMin: -3, xMax: 3, yMin: -2, yMax: 2 };
    const decoded = decodeLink('#v=1&grid=16&surface=custom&formula=sin(x)*cos(&domain=-3,3,-2,2&run1.lr=0.01', scene);
    expect(decoded.state.settings).toMatchObject({ surface: 'custom', formula: 'sin(x)*cos(y)', domain: { xMin: -3, xMax: 3, yMin: -2, yMax: 2 } });
    expect(decoded.rejectedFormula?.text).toBe('sin(x)*cos(');
    expect(decoded.problems).toHaveLength(1);
    expect(decoded.problems[0]).toMatch(/^The link's formula=sin\(x\)\*cos\( was not applied: .* The running surface, the formula sin\(x\)\*cos\(y\), stays\.$/);
  });

  test('unknown surface: running surface and domain kept', () => {
    const decoded = decodeLink('#v=1&surface=himmelblaw&grid=16&run1.lr=0.01&domain=-4,4,-3,x', running());
    expect(decoded.state.settings.surface).toBe('himmelblau');
    expect(decoded.state.settings.domain).toEqual({ xMin: -4, xMax: 4, yMin: -3, yMax: 3 });
    expect(decoded.problems.find((problem) => problem.startsWith("The link's surface=himmelblaw"))).toMatch(/The running surface, himmelblau, stays\.$/);
    // Another surface takes its own default domain, not the running surface's.
    const other = decodeLink('#v=1&surface=rastrigin&grid=16&run1.lr=0.01&domain=-4,4,-3,x', running());
    expect(other.state.settings.surface).toBe('rastrigin');
    expect(other.state.settings.domain).toBeUndefined();
    expect(other.problems.join(' ')).not.toMatch(/current value/);
  });

  test('values checked against the surface that stays', () => {
    const scene: LinkState = { settings: { ...cloneSettings(DEFAULT_SETTINGS), surface: 'custom', formula: 'x^2-x', grid: 8, domain: { xMin: -2, xMax: 2, yMin: 0, yMax: 0 } } };
    // Two numbers fit the 1D formula that stays, though not the quadratic the link would fall back to.
    const fits = decodeLink('#formula=x^2+*&domain=-3,3&grid=8', scene);
    expect(fits.state.settings).toMatchObject({ surface: 'custom', formula: 'x^2-x', domain: { xMin: -3, xMax: 3, yMin: 0, yMax: 0 } });
    expect(fits.problems).toHaveLength(1);
    expect(fits.problems[0]).toMatch(/^The link's formula=x\^2\+\* was not applied: .* The running surface, the formula x\^2-x, stays\.$/);
    // A domain that fits no surface keeps the running one, and the notice names it.
    const reversed = decodeLink('#v=1&surface=himmelblauu&domain=9,1&grid=8', scene);
    expect(reversed.state.settings.domain).toEqual({ xMin: -2, xMax: 2, yMin: 0, yMax: 0 });
    expect(reversed.problems.find((problem) => problem.startsWith("The link's domain=9,1"))).toMatch(/It keeps its current value, -2,2,0,0\.$/);
  });

  test('condition beside a misspelt surface applies', () => {
    const scene: LinkState = { settings: { ...cloneSettings(DEFAULT_SETTINGS), surface: 'ill-conditioned', condition: 50 } };
    const decoded = decodeLink('#v=1&surface=ill-conditionedd&condition=100', scene);
    expect(decoded.state.settings).toMatchObject({ surface: 'ill-conditioned', condition: 100 });
    expect(decoded.problems).toHaveLength(1);
    // Without condition= in the link, the running one stays.
    expect(decodeLink('#v=1&surface=ill-conditionedd', scene).state.settings.condition).toBe(50);
  });

  test('misspelt optimizer or schedule: running one kept', () => {
    const scene = running();
    scene.settings.runs[0].optimizer = { ...defaultOptimizer('momentum', 0.05), momentum: 0.8 };
    scene.settings.runs[0].schedule = { ...scene.settings.runs[0].schedule, name: 'step', gamma: 0.3 };
    const decoded = decodeLink('#v=1&surface=himmelblau&grid=16&run1.optimizer=momentumx&run1.lr=0.05&run1.momentum=0.8&run1.schedule=stepx&run1.schedule.gamma=0.3', scene);
    const run = decoded.state.settings.runs[0];
    expect(run.optimizer).toMatchObject({ name: 'momentum', lr: 0.05, momentum: 0.8 });
    expect(run.schedule).toMatchObject({ name: 'step', gamma: 0.3 });
    expect(decoded.problems).toEqual([
      "The link's run1.optimizer=momentumx was not applied: unknown optimizer \"momentumx\": expected one of gd, momentum, nesterov, adagrad, rmsprop, adam, adamw. run1 keeps momentum, its current optimizer.",
      "The link's run1.schedule=stepx was not applied: unknown schedule \"stepx\": expected one of constant, step, exponential, cosine, cyclic. run1 keeps step, its current schedule.",
    ]);
    // Opened afresh, the run takes the defaults.
    expect(decodeLink('#v=1&run1.optimizer=momentumx').problems[0]).toMatch(/run1 runs gd, the default optimizer\.$/);
  });

  test('run value kept only where its optimizer reads it', () => {
    const scene = running();
    scene.settings.runs[0].optimizer = { ...defaultOptimizer('adam', 0.01), beta1: 0.8 };
    const adam = decodeLink('#v=1&surface=himmelblau&grid=16&run1.optimizer=adam&run1.lr=0.01&run1.beta1=abc', scene);
    expect(adam.state.settings.runs[0].optimizer).toMatchObject({ name: 'adam', beta1: 0.8 });
    expect(adam.problems).toEqual(["The link's run1.beta1=abc was not applied: expected a decimal number. It keeps its current value, 0.8."]);
    // The link's run is gd, which has no beta1, so the scene's 0.8 is not put back.
    const gd = decodeLink('#v=1&surface=himmelblau&grid=16&run1.lr=0.01&run1.beta1=abc', scene);
    expect(gd.state.settings.runs[0].optimizer.name).toBe('gd');
    expect(gd.problems).toEqual(["The link's run1.beta1=abc was not applied: expected a decimal number."]);
  });
});

describe('a link with run values at fault', () => {
  test('dampening beside nesterov is named', () => {
    const decoded = decodeLink('#run1.optimizer=nesterov&run1.dampening=0.5&grid=32');
    expect(decoded.problems).toEqual(["The link's run1.dampening=0.5 was not applied: dampening applies to momentum, not nesterov."]);
    expect(decoded.state.settings.runs[0].optimizer).toEqual(defaultOptimizer('nesterov'));
    expect(decoded.state.settings.grid).toBe(32);
    expect(encodeLink(decoded.state)).toBe('v=1&grid=32&run1.optimizer=nesterov');
  });

  test('nesterov with momentum 0 names the momentum', () => {
    const decoded = decodeLink('#run1.optimizer=nesterov&run1.momentum=0&grid=32');
    expect(decoded.problems).toEqual([
      "The link's run1.momentum=0 was not applied: invalid momentum 0: expected a momentum above 0 for Nesterov momentum (as torch.optim.SGD requires).",
    ]);
    expect(decoded.state.settings.runs[0].optimizer.momentum).toBe(0.9);
    expect(decoded.state.settings.grid).toBe(32);
  });

  test('unknown optimizer: one notice', () => {
    const decoded = decodeLink('#run1.optimizer=Adam&run1.lr=0.05&surface=himmelblau');
    expect(decoded.problems).toEqual([
      'The link\'s run1.optimizer=Adam was not applied: unknown optimizer "Adam": expected one of gd, momentum, nesterov, adagrad, rmsprop, adam, adamw. Did you mean adam? run1 runs gd, the default optimizer.',
    ]);
    expect(decoded.state.settings.surface).toBe('himmelblau');
    expect(decoded.state.settings.runs).toHaveLength(1);
    expect(decoded.state.settings.runs[0].optimizer).toEqual(defaultOptimizer('gd', 0.05));
  });

  test('unknown optimizer names unread keys', () => {
    const decoded = decodeLink('#run1.optimizer=sgd&run1.beta1=0.5&run1.amsgrad=true&run1.weightDecay=0.01');
    expect(decoded.problems).toEqual([
      'The link\'s run1.optimizer=sgd was not applied: unknown optimizer "sgd": expected one of gd, momentum, nesterov, adagrad, rmsprop, adam, adamw. run1 runs gd, the default optimizer, without run1.beta1=0.5 and run1.amsgrad=true, which gd does not read.',
    ]);
    expect(decoded.state.settings.runs[0].optimizer).toEqual({ ...defaultOptimizer('gd'), weightDecay: 0.01 });
  });

  test('unknown optimizer keeps later runs', () => {
    const decoded = decodeLink('#run1.optimizer=adam&run2.optimizer=bogus&run2.lr=0.3&run3.optimizer=momentum');
    expect(decoded.problems).toEqual([
      'The link\'s run2.optimizer=bogus was not applied: unknown optimizer "bogus": expected one of gd, momentum, nesterov, adagrad, rmsprop, adam, adamw. run2 runs gd, the default optimizer.',
    ]);
    expect(decoded.state.settings.runs.map((run) => run.optimizer.name)).toEqual(['adam', 'gd', 'momentum']);
    expect(decoded.state.settings.runs[1].optimizer.lr).toBe(0.3);
  });

  test('a run without its optimizer runs gd', () => {
    const decoded = decodeLink('#run1.optimizer=adam&run2.lr=0.05&run2.beta1=0.5');
    expect(decoded.problems).toEqual(['The link sets run2 without run2.optimizer, so run2 runs gd, the default optimizer, without run2.beta1=0.5, which gd does not read.']);
    expect(decoded.state.settings.runs[1].optimizer).toEqual(defaultOptimizer('gd', 0.05));
  });

  test('a missing run in between runs gd', () => {
    const decoded = decodeLink('#run1.optimizer=adam&run3.optimizer=rmsprop');
    expect(decoded.problems).toEqual(['The link sets run3 but not run2, so run2 runs gd, the default optimizer.']);
    expect(decoded.state.settings.runs.map((run) => run.optimizer.name)).toEqual(['adam', 'gd', 'rmsprop']);
  });

  test('unknown schedule names unread keys', () => {
    const decoded = decodeLink('#run1.schedule=sometimes&run1.schedule.gamma=0.3&run1.schedule.warmup=10');
    expect(decoded.problems).toEqual([
      'The link\'s run1.schedule=sometimes was not applied: unknown schedule "sometimes": expected one of constant, step, exponential, cosine, cyclic. run1 runs constant, the default schedule, without run1.schedule.gamma=0.3, which constant does not read.',
    ]);
    expect(decoded.state.settings.runs[0].schedule).toEqual({ ...DEFAULT_SETTINGS.runs[0].schedule, warmup: 10 });
  });

  test('fifth run: one notice', () => {
    const decoded = decodeLink('#run5.optimizer=adam&run5.lr=0.05&grid=32');
    expect(decoded.problems).toEqual(["The link's run5.optimizer=adam and run5.lr=0.05 were not applied: at most 4 configurations run side by side."]);
    expect(decoded.state.settings.runs).toHaveLength(1);
    expect(decoded.state.settings.grid).toBe(32);
  });
});

describe('a link with values the run does not read', () => {
  test('beta1 beside gd', () => {
    const decoded = decodeLink('#run1.optimizer=gd&run1.beta1=0.5&grid=32');
    expect(decoded.problems).toEqual(["The link's run1.beta1=0.5 was not applied: beta1 applies to adam and adamw, not gd."]);
    expect(decoded.state.settings.runs[0].optimizer).toEqual(defaultOptimizer('gd'));
    expect(encodeLink(decoded.state)).toBe('v=1&grid=32');
  });

  test('gamma beside the constant schedule', () => {
    const decoded = decodeLink('#run1.schedule.gamma=0.3&grid=32');
    expect(decoded.problems).toEqual(["The link's run1.schedule.gamma=0.3 was not applied: gamma applies to schedule step and exponential, not constant."]);
    expect(decoded.state.settings.runs[0].schedule).toEqual(DEFAULT_SETTINGS.runs[0].schedule);
    expect(encodeLink(decoded.state)).toBe('v=1&grid=32');
  });

  test('unread default values are named', () => {
    // The command line rejects --beta1 0.9 beside gd as well, although 0.9 is Adam's default.
    expect(decodeLink('#run1.beta1=0.9').problems).toEqual(["The link's run1.beta1=0.9 was not applied: beta1 applies to adam and adamw, not gd."]);
    expect(decodeLink('#run1.optimizer=adam&run1.centered=false').problems).toEqual(["The link's run1.centered=false was not applied: centered applies to rmsprop, not adam."]);
  });

  // Every optimizer and schedule setting beside one that does not read it, with a value in its range.
  const OPTIMIZER_CASES: [string, string, string, RawOptimizerOptions][] = [];
  for (const [field, spec] of Object.entries(OPTIMIZER_SPECS)) {
    const other = OPTIMIZER_NAMES.find((name) => !spec.optimizers.includes(name));
    if (other !== undefined) {
      OPTIMIZER_CASES.push([field, other, '0.5', { optimizer: other, [spec.flag]: '0.5' }]);
    }
  }
  for (const [field, spec] of Object.entries(OPTIMIZER_FLAGS)) {
    const other = OPTIMIZER_NAMES.find((name) => !spec.optimizers.includes(name))!;
    OPTIMIZER_CASES.push([field, other, 'true', { optimizer: other, [spec.flag]: true }]);
  }

  test.each(OPTIMIZER_CASES)('%s beside %s: the CLI reason', (field, optimizer, value, raw) => {
    const flag = Object.hasOwn(OPTIMIZER_SPECS, field) ? OPTIMIZER_SPECS[field as keyof typeof OPTIMIZER_SPECS].flag : field;
    let cli = '';
    try {
      parseOptimizerOptions(raw);
    } catch (error) {
      cli = (error as Error).message;
    }
    expect(cli).toMatch(/ applies to /);
    const decoded = decodeLink(`#run1.optimizer=${optimizer}&run1.${field}=${value}`);
    expect(decoded.problems).toEqual([`The link's run1.${field}=${value} was not applied: ${cli.replace(`--${flag}`, field)}.`]);
    expect(decoded.state.settings.runs[0].optimizer).toEqual(defaultOptimizer(optimizer as OptimizerName));
  });

  const SCHEDULE_CASES = Object.entries(SCHEDULE_SPECS)
    .map(([field, spec]) => [field, SCHEDULE_NAMES.find((name) => !spec.schedules.includes(name)), spec.flag] as const)
    .filter((entry): entry is [string, ScheduleName, string] => entry[1] !== undefined);

  test.each(SCHEDULE_CASES)('schedule.%s beside %s: the CLI reason', (field, schedule, flag) => {
    let cli = '';
    try {
      parseOptimizerOptions({ schedule, [flag]: '2' });
    } catch (error) {
      cli = (error as Error).message;
    }
    expect(cli).toMatch(/ applies to /);
    const decoded = decodeLink(`#run1.schedule=${schedule}&run1.schedule.${field}=2`);
    expect(decoded.problems).toEqual([`The link's run1.schedule.${field}=2 was not applied: ${cli.replace(`--${flag}`, field).replace('--schedule', 'schedule')}.`]);
    expect(decoded.state.settings.runs[0].schedule).toEqual({ ...DEFAULT_SETTINGS.runs[0].schedule, name: schedule });
  });

  test('unread panel values not written', () => {
    // The panel keeps gamma when the step schedule becomes constant, for a change back.
    const settings = cloneSettings(DEFAULT_SETTINGS);
    settings.runs[0].schedule = { ...settings.runs[0].schedule, name: 'constant', gamma: 0.3, warmup: 5 };
    settings.runs[0].optimizer = { ...defaultOptimizer('gd'), beta1: 0.5 };
    const fragment = encodeLink({ settings });
    expect(fragment).toBe('v=1&run1.schedule.warmup=5');
    expect(decodeLink(fragment).problems).toEqual([]);
  });
});
