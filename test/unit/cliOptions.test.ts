// The surface options of `downhill run` (--surface, --formula, --condition,
// --domain), parsed without starting a process.

import { describe, expect, it } from 'vitest';

import { parseRunOptions, type RawRunOptions } from '../../src/cli/options.ts';
import { UsageError } from '../../src/cli/errors.ts';
import { CONDITION_NUMBER } from '../../src/core/limits.ts';
import { findSurface } from '../../src/core/surfaces.ts';

/** Returns the message of the UsageError that parseRunOptions throws for `raw`. */
function usageMessage(raw: RawRunOptions): string {
  try {
    parseRunOptions(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error(`parseRunOptions accepted ${JSON.stringify(raw).slice(0, 200)}`);
}

describe('--formula', () => {
  it('runs a typed formula as the custom surface', () => {
    const options = parseRunOptions({ formula: 'x^2 + y' });
    expect(options.surface).toMatchObject({ name: 'custom', formula: 'x^2 + y', dims: 2, minima: [] });
    expect(options.domain).toEqual({ xMin: -3, xMax: 3, yMin: -3, yMax: 3 });
    expect(options.condition).toBeUndefined();
  });

  it('takes its dimension from the formula', () => {
    const options = parseRunOptions({ formula: 'x^4 - x', domain: '-1,2' });
    expect(options.surface.dims).toBe(1);
    expect(options.domain).toEqual({ xMin: -1, xMax: 2, yMin: 0, yMax: 0 });
  });

  it('excludes --surface', () => {
    expect(usageMessage({ surface: 'rosenbrock', formula: 'x^2' })).toMatch(/--surface and --formula exclude each other/);
  });

  const BAD_FORMULAS: [string, string, RegExp][] = [
    ['empty', '', /^invalid --formula "": at character 1: formula is empty/],
    ['missing operand', 'x +', /at character 3: formula ends after '\+'/],
    ['unbalanced', '(x', /unmatched '\(' at character 1/],
    ['unknown name', 'foo(x)', /unknown name 'foo' at character 1/],
    ['constructor', 'constructor', /unknown name 'constructor' at character 1/],
    ['__proto__', 'x + __proto__', /unknown name '__proto__' at character 5/],
    ['code fragment', 'x; process.exit(0)', /unexpected character ';' at character 2/],
    ['Unicode look-alike', '\u0445^2 + y', /invalid character 'х' \(U\+0445\) at character 1/],
    ['10,000 nested parentheses', '('.repeat(10_000) + 'x' + ')'.repeat(10_000), /at character 2001: formula is 20001 characters long/],
    ['100,000 characters', 'x+'.repeat(50_000), /^invalid --formula "(x\+){30}"…: at character 2001: formula is 100000 characters long/],
    ['constant overflow', 'exp(100)*x', /at character 1: exp\(100\) = 2\.69e43 overflows float32/],
    ['no variable', '2 + 3', /at character 1: formula uses neither x nor y/],
  ];

  it.each(BAD_FORMULAS)('rejects %s with the fault and its position', (_label, formula, message) => {
    const text = usageMessage({ formula });
    expect(text).toMatch(message);
    // One line, however long the formula: it is cut to 60 characters in the message.
    expect(text).not.toContain('\n');
    expect(text.length).toBeLessThan(400);
  });

  it('quotes line breaks of a formula', () => {
    expect(usageMessage({ formula: 'x +\n' })).toMatch(/^invalid --formula "x \+\\n"/);
  });
});

describe('--condition', () => {
  it('sets κ of the ill-conditioned quadratic', () => {
    const options = parseRunOptions({ surface: 'ill-conditioned', condition: '250' });
    expect(options.condition).toBe(250);
    expect(options.surface).toEqual(findSurface('ill-conditioned', 250));
  });

  it('defaults to 10 on the ill-conditioned quadratic only', () => {
    expect(parseRunOptions({ surface: 'ill-conditioned' }).condition).toBe(CONDITION_NUMBER.default);
    expect(parseRunOptions({ surface: 'booth' }).condition).toBeUndefined();
  });

  it.each([
    ['another surface', { surface: 'quadratic', condition: '10' }, /--condition applies only to --surface ill-conditioned/],
    ['a formula', { formula: 'x^2', condition: '10' }, /--condition applies only to --surface ill-conditioned/],
    ['below 1', { surface: 'ill-conditioned', condition: '0.5' }, /invalid --condition "0.5": expected a number from 1 to 10000/],
    ['above 1e4', { surface: 'ill-conditioned', condition: '1e5' }, /invalid --condition "1e5"/],
    ['not a number', { surface: 'ill-conditioned', condition: 'ten' }, /invalid --condition "ten"/],
    ['NaN', { surface: 'ill-conditioned', condition: 'NaN' }, /invalid --condition "NaN"/],
  ] as [string, RawRunOptions, RegExp][])('rejects %s', (_label, raw, message) => {
    expect(usageMessage(raw)).toMatch(message);
  });
});

describe('--domain', () => {
  it.each([
    ['reversed', '2,-2,-1,1', /expected xmin,xmax,ymin,ymax with xmin < xmax and ymin < ymax/],
    ['beyond ±1e5', '-1e6,1e6,-1,1', /within ±100,000/],
    ['too narrow for float32 starts', '1000,1000.5,-1,1', /each side at least 0\.001 times the larger of 1 and its largest bound/],
  ])('rejects a domain %s', (_label, domain, message) => {
    expect(usageMessage({ domain })).toMatch(message);
  });

  it('accepts a narrow domain near the origin', () => {
    expect(parseRunOptions({ domain: '-0.001,0.001,-0.001,0.001' }).domain).toEqual({ xMin: -0.001, xMax: 0.001, yMin: -0.001, yMax: 0.001 });
  });
});
