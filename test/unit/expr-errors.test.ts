import { describe, expect, it } from 'vitest';

import { compileFormula, FormulaError, MAX_FORMULA_LENGTH } from '../../src/core/expr/index.ts';

interface BadFormula {
  readonly label: string;
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly message: RegExp;
}

const NESTED_10000 = '('.repeat(10_000) + 'x' + ')'.repeat(10_000);
const LONG_100000 = 'x+'.repeat(49_999) + 'xx';
const NESTED_101 = '('.repeat(101) + 'x' + ')'.repeat(101);

const LONG_NUMBER = '1'.repeat(100) + '*x';
const LONG_NAME = 'x+' + 'a'.repeat(60);
const LONG_CONSTANT_SUM = 'x*exp(' + '1+'.repeat(100) + '1)';

const BAD_FORMULAS: readonly BadFormula[] = [
  { label: 'empty', text: '', start: 0, end: 0, message: /formula is empty/ },
  { label: 'blank', text: '   ', start: 0, end: 3, message: /formula is empty/ },
  { label: 'unclosed (', text: '(x', start: 0, end: 1, message: /unmatched '\(' at character 1/ },
  { label: 'unopened )', text: 'x)', start: 1, end: 2, message: /unmatched '\)' at character 2/ },
  { label: 'unclosed call', text: 'sin(x', start: 3, end: 4, message: /unmatched '\('/ },
  { label: 'missing operand', text: 'x +', start: 2, end: 3, message: /formula ends after '\+'; expected a number/ },
  { label: 'leading *', text: '*x', start: 0, end: 1, message: /expected a number, a variable, a function call or '\(' at character 1, found '\*'/ },
  { label: 'empty parentheses', text: 'x*()', start: 3, end: 4, message: /found '\)'/ },
  { label: 'unknown function', text: 'foo(x)', start: 0, end: 3, message: /unknown name 'foo'.*accepted names are x, y, pi, e, sin, cos/ },
  { label: 'constructor', text: 'constructor', start: 0, end: 11, message: /unknown name 'constructor'/ },
  { label: '__proto__', text: '__proto__', start: 0, end: 9, message: /unknown name '__proto__'/ },
  { label: 'toString call', text: 'toString(x)', start: 0, end: 8, message: /unknown name 'toString'/ },
  { label: 'hasOwnProperty', text: 'x + hasOwnProperty', start: 4, end: 18, message: /unknown name 'hasOwnProperty'/ },
  { label: 'member access', text: 'x.constructor', start: 1, end: 2, message: /unexpected character '\.' at character 2/ },
  { label: 'alert call', text: 'alert(1)', start: 0, end: 5, message: /unknown name 'alert'/ },
  { label: 'this', text: 'this', start: 0, end: 4, message: /unknown name 'this'/ },
  { label: 'internal sign', text: 'sign(x)', start: 0, end: 4, message: /unknown name 'sign'/ },
  { label: 'statement separator', text: 'x;y', start: 1, end: 2, message: /unexpected character ';' at character 2/ },
  { label: 'backticks', text: '`x`', start: 0, end: 1, message: /unexpected character '`' at character 1/ },
  { label: 'equation', text: 'x = 1', start: 2, end: 3, message: /unexpected character '='.*not an equation/ },
  { label: 'brackets', text: '[x]', start: 0, end: 1, message: /unexpected character '\['.*parentheses/ },
  { label: 'number before name', text: '2x', start: 0, end: 2, message: /missing operator between 2 and x; write 2\*x/ },
  { label: 'two names', text: 'x y', start: 0, end: 3, message: /missing operator between x and y; write x\*y/ },
  { label: 'name before (', text: 'x(y)', start: 0, end: 2, message: /missing operator between x and \(/ },
  { label: 'call without parentheses', text: 'sin x', start: 0, end: 3, message: /function sin needs its argument in parentheses; write sin\(x\)/ },
  { label: 'call without argument', text: 'sin()', start: 0, end: 5, message: /sin takes 1 argument sin\(u\), but got 0/ },
  { label: 'atan2 with one argument', text: 'atan2(x)', start: 0, end: 8, message: /atan2 takes 2 arguments atan2\(y, x\), but got 1/ },
  { label: 'min with one argument', text: 'min(x)', start: 0, end: 6, message: /min takes 2 or more arguments/ },
  { label: 'sin with two arguments', text: 'sin(x, y)', start: 0, end: 9, message: /sin takes 1 argument/ },
  { label: 'comma outside a call', text: 'x, y', start: 1, end: 2, message: /unexpected ','/ },
  { label: '10,000 nested parentheses', text: NESTED_10000, start: MAX_FORMULA_LENGTH, end: NESTED_10000.length, message: /formula is 20001 characters long; the maximum is 2000/ },
  { label: '100,000 characters', text: LONG_100000, start: MAX_FORMULA_LENGTH, end: 100_000, message: /formula is 100000 characters long; the maximum is 2000/ },
  { label: '101 nested parentheses', text: NESTED_101, start: 100, end: 101, message: /nests deeper than 100 levels at character 101/ },
  { label: '101 unary minus signs', text: '-'.repeat(101) + 'x', start: 100, end: 101, message: /nests deeper than 100 levels/ },
  { label: 'Cyrillic x', text: '\u0445^2', start: 0, end: 1, message: /invalid character 'х' \(U\+0445\) at character 1.*Cyrillic small letter ha; type 'x' instead/ },
  { label: 'Greek pi', text: '\u03c0*x', start: 0, end: 1, message: /U\+03C0.*Greek small letter pi; type 'pi' instead/ },
  { label: 'minus sign', text: 'x \u2212 y', start: 2, end: 3, message: /'−' \(U\+2212\) at character 3.*minus sign; type '-' instead/ },
  { label: 'multiplication sign', text: 'x \u00d7 y', start: 2, end: 3, message: /U\+00D7.*multiplication sign; type '\*' instead/ },
  { label: 'middle dot', text: 'x \u00b7 y', start: 2, end: 3, message: /U\+00B7.*middle dot; type '\*' instead/ },
  { label: 'full-width digit', text: '\uff12*x', start: 0, end: 1, message: /U\+FF12.*full-width form of '2'; type '2' instead/ },
  { label: 'superscript two', text: 'x\u00b2', start: 1, end: 2, message: /superscript two; type '\^2' instead/ },
  { label: 'emoji', text: 'x+\u{1f600}', start: 2, end: 4, message: /U\+1F600.*only printable ASCII/ },
  { label: 'NUL character', text: 'x\u0000', start: 1, end: 2, message: /invalid character \(U\+0000\) at character 2/ },
  { label: 'lone surrogate', text: '\ud800x', start: 0, end: 1, message: /^invalid character \(U\+D800\) at character 1: formulas accept only printable ASCII$/ },
  { label: 'right-to-left override', text: 'x\u202e+y', start: 1, end: 2, message: /^invalid character \(U\+202E\) at character 2/ },
  { label: 'combining mark', text: 'x\u0301', start: 1, end: 2, message: /^invalid character \(U\+0301\) at character 2/ },
  { label: 'zero-width space', text: 'x\u200b', start: 1, end: 2, message: /^invalid character \(U\+200B\) at character 2/ },
  { label: '100-digit number', text: LONG_NUMBER, start: 0, end: 100, message: /^number 1{37}\.\.\. is too large for float32/ },
  { label: '60-letter name', text: LONG_NAME, start: 2, end: 62, message: /^unknown name 'a{37}\.\.\.' at character 3;/ },
  { label: 'long constant sum', text: LONG_CONSTANT_SUM, start: 2, end: LONG_CONSTANT_SUM.length, message: /^exp\(1\+1[+1]*\.\.\. = 7\.31e43 overflows float32/ },
  { label: 'number too large', text: '1e39*x', start: 0, end: 4, message: /number 1e39 is too large for float32/ },
  { label: 'number that underflows to 0', text: 'x^2 + 1e-400*y', start: 6, end: 12, message: /^number 1e-400 is too small for float32 \(smallest 1\.18e-38\) and would become 0; write 0 if you mean zero$/ },
  { label: 'subnormal number', text: '1e-40*x', start: 0, end: 5, message: /^number 1e-40 is too small for float32 \(smallest 1\.18e-38\) and may become 0 on the GPU/ },
  { label: 'hexadecimal number', text: '0x10*x', start: 0, end: 4, message: /^hexadecimal numbers such as 0x10 are not accepted at character 1; write it in decimal: 16$/ },
  { label: 'binary number', text: 'y + 0b101*x', start: 4, end: 9, message: /^binary numbers such as 0b101 are not accepted at character 5; write it in decimal: 5$/ },
  { label: 'digit separators', text: '1_000*x', start: 0, end: 5, message: /^digit separators such as 1_000 are not accepted at character 1; write it without them: 1000$/ },
  { label: '** after **', text: 'x ** ** 2', start: 5, end: 7, message: /^expected a number, a variable, a function call or '\(' at character 6, found '\*\*'$/ },
  { label: 'formula ending in **', text: 'x**', start: 1, end: 3, message: /formula ends after '\*\*'; expected / },
  { label: 'power with a space inside **', text: 'x * * 2', start: 4, end: 5, message: /at character 5, found '\*'; write x\^2 or x\*\*2 \(no space inside \*\*\) for powers$/ },
  { label: 'exp overflow', text: 'exp(100)*x', start: 0, end: 8, message: /exp\(100\) = 2\.69e43 overflows float32 \(largest 3\.40e38\)/ },
  { label: 'log of a negative', text: 'x + log(-1)', start: 4, end: 11, message: /log\(-1\) is undefined \(NaN\): log needs an argument > 0/ },
  { label: 'log of zero', text: 'x + log(0)', start: 4, end: 10, message: /log\(0\) = -Infinity, which is not a finite float32 number: log needs an argument > 0/ },
  { label: 'sqrt of a negative', text: 'sqrt(-1)*y', start: 0, end: 8, message: /sqrt\(-1\) is undefined \(NaN\): sqrt needs an argument >= 0/ },
  { label: 'division by zero', text: '1/0 + x', start: 0, end: 3, message: /1\/0 = Infinity, which is not a finite float32 number: it divides by zero/ },
  { label: 'power written with ** quoted as written', text: '2**1000 + x', start: 0, end: 7, message: /^2\*\*1000 = 1\.07e301 overflows float32/ },
  { label: 'zero to a negative power', text: 'x^2 + 0**(-1)', start: 6, end: 12, message: /^0\*\*\(-1\) = Infinity, which is not a finite float32 number: 0 to a negative power divides by zero$/ },
  { label: 'a variable divided by zero', text: 'x^2 + y/(1-1)', start: 6, end: 12, message: /^y\/\(1-1\) divides by zero, so it is undefined everywhere$/ },
  { label: 'overflowing product', text: 'x*(1e30*1e30)', start: 3, end: 12, message: /1e30\*1e30 = 1\.00e60 overflows float32/ },
  { label: 'hypot constant squared', text: 'y + hypot(x, 2e19)', start: 4, end: 18, message: /hypot\(x, 2e19\) squares 2\.00e19 to 4\.00e38, which overflows float32/ },
  { label: 'derivative constant', text: '(3e38*x)^2', start: 0, end: 10, message: /the gradient of this formula needs the constant 1\.80e77/ },
  { label: 'power of 0 with a varying exponent', text: 'x^2 + 0^x', start: 6, end: 9, message: /^0\^x has no gradient: a power whose base is 0 changes with its exponent through log\(0\), which is not a finite number; write the exponent as a constant, or use a positive base$/ },
  { label: 'power of 0 alone', text: '0^x', start: 0, end: 3, message: /^0\^x has no gradient: a power whose base is 0 /u },
  { label: 'negative base', text: '(-2)^y + x^2', start: 1, end: 6, message: /^\(-2\)\^y has no gradient: a power whose base is -2 changes with its exponent through log\(-2\)/ },
  { label: 'pow of 0', text: 'y^2 + pow(0, x*y)', start: 6, end: 17, message: /^pow\(0, x\*y\) has no gradient: a power whose base is 0 / },
  { label: 'derivative constant of a term in parentheses', text: 'y + ((3e38*x)^2)', start: 6, end: 15, message: /^the gradient of \(3e38\*x\)\^2 needs the constant 1\.80e77/ },
  { label: 'no variable', text: '2 + 3', start: 0, end: 5, message: /formula uses neither x nor y/ },
  { label: 'constants only', text: 'pi*e', start: 0, end: 4, message: /formula uses neither x nor y/ },
];

describe('compileFormula rejection', () => {
  it.each(BAD_FORMULAS.map((bad) => [bad.label, bad]))('rejects %s', (_label, bad) => {
    const started = performance.now();
    let caught: unknown;
    try {
      compileFormula(bad.text);
    } catch (error) {
      caught = error;
    }
    const elapsed = performance.now() - started;

    expect(caught).toBeInstanceOf(FormulaError);
    const error = caught as FormulaError;
    expect(error.message).toMatch(bad.message);
    expect({ start: error.start, end: error.end }).toEqual({ start: bad.start, end: bad.end });
    // Parsing is linear and the length is checked first, so even the 100,000-character input stays far below this.
    expect(elapsed).toBeLessThan(100);
  });

  it('sets the error name', () => {
    expect(() => compileFormula('x +')).toThrow(expect.objectContaining({ name: 'FormulaError' }));
  });
});

describe('compileFormula limits', () => {
  it('accepts nesting of exactly 100 levels', () => {
    const text = '('.repeat(100) + 'x' + ')'.repeat(100);
    expect(compileFormula(text).value(3, 0, 'f64')).toBe(3);
  });

  it('accepts a hypot constant whose square fits float32', () => {
    // 1.8e19^2 = 3.24e38 is below the largest float32; 1.9e19^2 = 3.61e38 is not.
    expect(compileFormula('hypot(x, 1.8e19)').value(0, 0, 'f32')).toBe(Math.fround(1.8e19));
    expect(() => compileFormula('hypot(x, 1.9e19)')).toThrow(/squares 1\.90e19 to 3\.61e38/);
  });

  it('compiles the longest long formulas in bounded time', () => {
    // 999 factors and 100 nested calls: the derivatives share nodes, so the work grows linearly.
    // The 2 s bound only catches an exponential blow-up; a normal run takes a small fraction of it.
    for (const text of ['x' + '*x'.repeat(999), 'sin('.repeat(99) + 'x' + ')'.repeat(99), 'x' + '+x*y'.repeat(499)]) {
      expect(text.length).toBeLessThanOrEqual(MAX_FORMULA_LENGTH);
      const started = performance.now();
      const surface = compileFormula(text);
      expect(performance.now() - started).toBeLessThan(2000);
      expect(Number.isFinite(surface.value(0.5, 0.5, 'f64'))).toBe(true);
    }
  });
});

describe('compileFormula literals and powers', () => {
  it('counts characters from 1 in messages', () => {
    expect(() => compileFormula('*x')).toThrow(/at character 1, found '\*'/);
  });

  it('reads ** as ^', () => {
    expect(compileFormula('x**2 + y**3').value(3, 2, 'f64')).toBe(17);
  });

  it('accepts zero written with an exponent and the smallest normal float32', () => {
    expect(compileFormula('0e-400*x + y').value(5, 2, 'f64')).toBe(2);
    expect(compileFormula('1.1754943508222875e-38*x + y').value(1, 2, 'f64')).toBe(2 + 1.1754943508222875e-38);
  });
});
