// The float32 CPU reference can flush results below 2⁻¹²⁶ to 0, as a GPU
// that flushes subnormal numbers does. Verify turns that on for such a GPU.

import { describe, expect, test } from 'vitest';

import { DEFAULT_CRITERIA, STATUS, defaultOptimizer } from '../../src/core/config.ts';
import { compileFormula, froundFlushing } from '../../src/core/expr/index.ts';
import { ReferenceRun } from '../../src/core/reference.ts';

describe('froundFlushing', () => {
  test('subnormal results become a zero of their sign', () => {
    expect(froundFlushing(2 ** -127)).toBe(0);
    expect(Object.is(froundFlushing(-(2 ** -127)), -0)).toBe(true);
    expect(froundFlushing(2 ** -149)).toBe(0);
    // Below half the smallest subnormal, float32 itself rounds to 0.
    expect(froundFlushing(1e-50)).toBe(0);
  });

  test('normal numbers, zeros, infinities and NaN stay', () => {
    expect(froundFlushing(2 ** -126)).toBe(2 ** -126);
    expect(froundFlushing(-(2 ** -126))).toBe(-(2 ** -126));
    expect(froundFlushing(0.1)).toBe(Math.fround(0.1));
    expect(Object.is(froundFlushing(-0), -0)).toBe(true);
    expect(froundFlushing(Infinity)).toBe(Infinity);
    expect(froundFlushing(Number.NaN)).toBeNaN();
  });
});

describe('a reference run that flushes subnormals', () => {
  // With tolerances of 0, x² under plain descent at η = 0.1 converges when the
  // gradient and the step are 0 in float32. x shrinks by 0.8 an update; 2x·2x
  // leaves the normal range (about 1e-19 for x) long before x itself does.
  function converge(flushSubnormals: boolean): ReferenceRun {
    const run = new ReferenceRun(
      {
        surface: compileFormula('x^2'),
        optimizer: defaultOptimizer('gd', 0.1),
        criteria: { ...DEFAULT_CRITERIA, gradTol: 0, stepTol: 0 },
        starts: { kind: 'list', points: Float64Array.of(1, 0) },
        flushSubnormals,
      },
      'f32',
    );
    run.advance(400);
    return run;
  }

  test('x² with tolerances of 0 converges 38 updates earlier', () => {
    const preserved = converge(false);
    const flushed = converge(true);
    expect(preserved.status[0]).toBe(STATUS.converged);
    expect(flushed.status[0]).toBe(STATUS.converged);
    expect(preserved.stopSteps[0]).toBe(238);
    expect(flushed.stopSteps[0]).toBe(200);
    // 0.8^200 ≈ 4.1e-20: the square of its gradient is below 2⁻¹²⁶.
    expect(flushed.positions[0]).toBeCloseTo(4.15e-20, 22);
  });

  test('float64 ignores the option', () => {
    const setup = {
      surface: compileFormula('x^2'),
      optimizer: defaultOptimizer('gd', 0.1),
      criteria: { ...DEFAULT_CRITERIA, gradTol: 0, stepTol: 0 },
      starts: { kind: 'list' as const, points: Float64Array.of(1, 0) },
    };
    const plain = new ReferenceRun(setup, 'f64');
    const flagged = new ReferenceRun({ ...setup, flushSubnormals: true }, 'f64');
    plain.advance(100);
    flagged.advance(100);
    expect(flagged.positions[0]).toBe(plain.positions[0]);
  });
});
