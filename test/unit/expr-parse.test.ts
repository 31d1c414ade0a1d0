import { describe, expect, it } from 'vitest';

import { FORMULA_FUNCTIONS, formatExpression, parseFormula } from '../../src/core/expr/index.ts';
import { SURFACES, toSExpression } from './exprHelpers.ts';

describe('parseFormula', () => {
  it.each([
    ['-x^2', '(neg (^ x 2))'],
    ['2^3^2*x', '(* (^ 2 (^ 3 2)) x)'],
    ['x-y-1', '(- (- x y) 1)'],
    ['x/y/2', '(/ (/ x y) 2)'],
    ['2*-x', '(* 2 (neg x))'],
    ['-2^2*x', '(* (neg (^ 2 2)) x)'],
    ['x^-2', '(^ x (neg 2))'],
    ['x**2', '(^ x 2)'],
    ['x**y**2', '(^ x (^ y 2))'],
    ['+x', 'x'],
    ['--x', '(neg (neg x))'],
    ['x+y*2', '(+ x (* y 2))'],
    ['(x+y)*2', '(* (+ x y) 2)'],
    ['x*y/2*3', '(* (/ (* x y) 2) 3)'],
    ['-x*y', '(* (neg x) y)'],
    ['x - -y', '(- x (neg y))'],
    ['(-x)^2', '(^ (neg x) 2)'],
    ['2^-x^2', '(^ 2 (neg (^ x 2)))'],
    ['sin(x)^2', '(^ (sin x) 2)'],
    ['atan2(y, x)', '(atan2 y x)'],
    ['min(x, y, 1)', '(min x y 1)'],
    [' x\t+\ny ', '(+ x y)'],
  ])('reads %s as %s', (text, shape) => {
    expect(toSExpression(parseFormula(text))).toBe(shape);
  });

  it.each([
    ['12*x', 12],
    ['1.5*x', 1.5],
    ['.5*x', 0.5],
    ['1.*x', 1],
    ['1e-3*x', 1e-3],
    ['2.5E+4*x', 2.5e4],
    ['3e2*x', 300],
    ['0.000125*x', 0.000125],
  ])('reads the number in %s', (text, value) => {
    const tree = parseFormula(text);
    if (tree.kind !== 'binary') throw new Error(`expected a product, got ${tree.kind}`);
    expect(tree.left).toMatchObject({ kind: 'number', value });
  });

  it('reads e after a number as the constant when no exponent digits follow', () => {
    // `2e+x` is 2, then the name e: implicit multiplication, which is rejected.
    expect(() => parseFormula('2e+x')).toThrow(/missing operator between 2 and e/);
    expect(toSExpression(parseFormula('2*e^x'))).toBe('(* 2 (^ e x))');
  });

  it('reads the constants pi and e', () => {
    expect(toSExpression(parseFormula('pi*x + e'))).toBe('(+ (* pi x) e)');
  });

  it.each([...FORMULA_FUNCTIONS.keys()])('accepts the function %s', (name) => {
    const arity = FORMULA_FUNCTIONS.get(name)!;
    const args = arity.min === 1 ? 'x' : 'x, y';
    expect(toSExpression(parseFormula(`${name}(${args})`))).toBe(`(${name} ${args.replace(', ', ' ')})`);
  });

  it('records the span of each node', () => {
    const tree = parseFormula('(1 - x)^2 + sin(y)');
    expect(tree.span).toEqual({ start: 1, end: 18 });
    if (tree.kind !== 'binary') throw new Error('expected a sum');
    expect(tree.left.span).toEqual({ start: 1, end: 9 });
    expect(tree.right.span).toEqual({ start: 12, end: 18 });
  });
});

describe('formatExpression', () => {
  it.each([
    ['-x^2', '-x^2'],
    ['(-x)^2', '(-x)^2'],
    ['x^3^2', 'x^3^2'],
    ['(x^3)^2', '(x^3)^2'],
    ['x-(y-1)', 'x - (y - 1)'],
    ['x/(y*2)', 'x/(y*2)'],
    ['x^-2', 'x^-2'],
    ['-(-x)', '-(-x)'],
    ['atan2(y,x)+min(x,y,1)', 'atan2(y, x) + min(x, y, 1)'],
  ])('writes %s as %s', (text, formatted) => {
    expect(formatExpression(parseFormula(text))).toBe(formatted);
  });

  it.each(SURFACES.map((surface) => [surface.name, surface.formula]))('round-trips %s through the parser', (_name, formula) => {
    const tree = parseFormula(formula);
    expect(toSExpression(parseFormula(formatExpression(tree)))).toBe(toSExpression(tree));
  });
});
