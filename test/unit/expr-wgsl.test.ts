import { describe, expect, it } from 'vitest';
import type { WgslReflect as WgslReflectClass } from 'wgsl_reflect';
// wgsl_reflect 1.6.0 points `main` at a CommonJS file inside a "type": "module" package, which
// Node cannot load, so the test imports the ES module build that its `module` field names.
// That file ships no declarations of its own; the package's types describe it.
// @ts-expect-error TS7016: no declaration file for the deep import.
import { WgslReflect as WgslReflectModule } from 'wgsl_reflect/wgsl_reflect.module.js';

const WgslReflect: typeof WgslReflectClass = WgslReflectModule;

import { compileFormula, FLOAT32_MAX } from '../../src/core/expr/index.ts';
import { formatF32Literal } from '../../src/core/expr/wgsl.ts';
import { SURFACES } from './exprHelpers.ts';

/** Identifiers the emitter may write: keywords, types, the WGSL builtins it calls, and its own names. */
const ALLOWED_IDENTIFIERS = new Set([
  'fn', 'let', 'return', 'select', 'f32', 'vec2f', 'vec3f', 'p', 'x', 'y',
  'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'atan2', 'sinh', 'cosh', 'tanh',
  'exp', 'log', 'sqrt', 'abs', 'sign', 'min', 'max', 'pow', 'round',
  'angle', 'turns', 'u', 'v',
]);

function stripComments(wgsl: string): string {
  return wgsl.replace(/\/\/[^\n]*/g, '');
}

/** Collects identifiers after removing comments and f32 literals (whose `e` and `f` are not names). */
function identifiers(wgsl: string): Set<string> {
  const code = stripComments(wgsl).replace(/\b\d+(\.\d*)?([eE][+-]?\d+)?f\b|\.\d+([eE][+-]?\d+)?f\b/g, ' ');
  return new Set(code.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []);
}

function isAllowed(name: string): boolean {
  return ALLOWED_IDENTIFIERS.has(name) || /^t\d+$/.test(name) || /^surface_[a-z0-9_]+$/.test(name);
}

function functionBody(wgsl: string, name: string): string {
  const start = wgsl.indexOf(`fn ${name}(`);
  return wgsl.slice(start, wgsl.indexOf('\n}', start));
}

describe('emitted WGSL', () => {
  it.each(SURFACES.map((surface) => [surface.name, surface.formula]))('uses only allowed identifiers for %s', (_name, formula) => {
    const unexpected = [...identifiers(compileFormula(formula).wgsl)].filter((name) => !isAllowed(name));
    expect(unexpected).toEqual([]);
  });

  it.each(SURFACES.map((surface) => [surface.name, surface.formula]))('declares only surface_ functions for %s', (_name, formula) => {
    const topLevel = stripComments(compileFormula(formula).wgsl)
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith(' '));
    for (const line of topLevel) expect(line).toMatch(/^(fn surface_[a-z0-9_]+\(.*\) -> (f32|vec2f|vec3f) \{|\})$/);
  });

  it.each(SURFACES.map((surface) => [surface.name, surface.formula]))('parses with wgsl_reflect for %s', (_name, formula) => {
    const reflect = new WgslReflect(compileFormula(formula).wgsl);
    const signatures = reflect.functions.map((fn) => `${fn.name}(${fn.arguments.map((arg) => `${arg.name}: ${arg.type.name}`).join(', ')}) -> ${fn.returnType?.name}`);
    expect(signatures).toContain('surface_value(p: vec2f) -> f32');
    expect(signatures).toContain('surface_gradient(p: vec2f) -> vec2f');
    expect(signatures).toContain('surface_value_checked(p: vec2f) -> vec2f');
    expect(signatures).toContain('surface_gradient_checked(p: vec2f) -> vec3f');
    expect(reflect.structs).toEqual([]);
    expect(reflect.overrides).toEqual([]);
    expect(reflect.uniforms).toEqual([]);
    expect(reflect.storage).toEqual([]);
  });

  it('returns a zero y component for a 1D surface', () => {
    expect(functionBody(compileFormula('x^2').wgsl, 'surface_gradient')).toContain('return vec2f(t0, 0.0f);');
  });

  it('writes user numbers in its own format', () => {
    const wgsl = compileFormula('0000012.50000e0*x + 1e-3*y').wgsl;
    expect(wgsl).toContain('12.5f');
    expect(wgsl).toContain('0.001f');
    expect(wgsl).not.toContain('0000012');
  });

  it('keeps names from formulas out of the emitter', () => {
    // Names outside the whitelist are rejected by the parser, so no text of theirs can reach the WGSL.
    for (const text of ['x + constructor', 'x + alert(1)', 'x + p', 'x + t0', 'x + surface_value(x)', 'x; fn f() {}']) {
      expect(() => compileFormula(text)).toThrow(/unknown name|unexpected character/);
    }
  });
});

describe('integer powers', () => {
  it('emits x^3 without pow', () => {
    const wgsl = compileFormula('x^3').wgsl;
    expect(wgsl).not.toContain('pow(');
    expect(functionBody(wgsl, 'surface_value')).toContain('p.x * p.x');
  });

  it('emits x^-2 as a division', () => {
    const value = functionBody(compileFormula('x^-2').wgsl, 'surface_value');
    expect(value).not.toContain('pow(');
    expect(value).toContain('1.0f / t0');
  });

  it('emits x^0.5 as sqrt', () => {
    const wgsl = compileFormula('x^0.5').wgsl;
    expect(wgsl).not.toContain('pow(');
    expect(wgsl).toContain('sqrt(p.x)');
  });

  it('emits pow(x, 4) without pow', () => {
    expect(compileFormula('pow(x, 4)').wgsl).not.toContain('pow(');
  });

  it('emits x^64 with six squarings', () => {
    const value = functionBody(compileFormula('x^64').wgsl, 'surface_value');
    expect(value).not.toContain('pow(');
    expect(value.split('\n').filter((line) => line.includes(' * '))).toHaveLength(6);
  });

  it.each(['x^65', 'x^1.5', 'x^y', 'pow(2, x)'])('emits pow for %s', (formula) => {
    expect(functionBody(compileFormula(formula).wgsl, 'surface_value')).toContain('pow(');
  });
});

describe('common subexpressions', () => {
  it('computes a repeated subtree once', () => {
    const value = functionBody(compileFormula('sin(x)^2 + sin(x) + exp(x + y) + exp(y + x)').wgsl, 'surface_value');
    expect(value.match(/sin\(/g)).toHaveLength(1);
    expect(value.match(/exp\(/g)).toHaveLength(1);
  });

  it('shares the angle reduction of sin and cos', () => {
    const gradient = functionBody(compileFormula('sin(x)*cos(x)').wgsl, 'surface_gradient');
    expect(gradient.match(/surface_reduce_angle\(/g)).toHaveLength(1);
  });

  it('leaves f out of a gradient that does not need it', () => {
    const gradient = functionBody(compileFormula('sin(x) + y^3').wgsl, 'surface_gradient');
    expect(gradient).not.toContain('sin(');
    expect(gradient).toContain('cos(');
  });
});

describe('formatF32Literal', () => {
  it.each([
    [0, '0.0f'],
    [-0, '0.0f'],
    [1, '1.0f'],
    [100, '100.0f'],
    [0.5, '0.5f'],
    [-2.5, '(-2.5f)'],
    [0.1, '0.1f'],
    [1e-7, '1e-7f'],
    [1.5e30, '1.5e+30f'],
    [2 * Math.PI, '6.2831855f'],
    [3.4028234663852886e38, '3.4028234e+38f'],
    [-3.4028234663852886e38, '(-3.4028234e+38f)'],
  ])('writes %d as %s', (value, literal) => {
    expect(formatF32Literal(value)).toBe(literal);
  });

  it('writes the largest float32 within range', () => {
    // Tint rejects 3.4028235e+38f, the shortest round-trip text, because its decimal value exceeds FLOAT32_MAX.
    const literal = formatF32Literal(FLOAT32_MAX);
    expect(Number(literal.replace(/f$/, ''))).toBeLessThanOrEqual(FLOAT32_MAX);
    expect(Math.fround(Number(literal.replace(/f$/, '')))).toBe(FLOAT32_MAX);
    expect(compileFormula('min(x, 3.4028234e38)').wgsl).toContain('min(p.x, 3.4028234e+38f)');
  });

  it('round-trips float32 values exactly', () => {
    for (let bits = 0x00800000; bits < 0x7f800000; bits += 0x00fedcba) {
      const value = new Float32Array(new Uint32Array([bits]).buffer)[0];
      const literal = formatF32Literal(value);
      expect(Math.fround(Number(literal.replace(/f$/, ''))), literal).toBe(value);
      expect(Number(literal.replace(/f$/, '')), literal).toBeLessThanOrEqual(FLOAT32_MAX);
    }
  });
});
