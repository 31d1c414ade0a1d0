// The picked particle's progress line in the inspector: a stopped particle
// gives the update at which it stopped, not the scene's count. The loss line
// separates a loss too large for the kernels from one that is undefined.

import { describe, expect, test } from 'vitest';

import { STATUS } from '../../src/core/config.ts';
import { formatValue } from '../../src/ui/format.ts';
import { describeLoss, describeProgress } from '../../src/ui/inspector.ts';

describe('inspector progress line', () => {
  test.each([
    [STATUS.moving, 1620, 0, 'moving · 1620 updates'],
    [STATUS.moving, 1, 0, 'moving · 1 update'],
    [STATUS.converged, 1620, 32, 'converged after 32 updates'],
    [STATUS.converged, 900, 1, 'converged after 1 update'],
    [STATUS.diverged, 2060, 3, 'diverged at update 3'],
  ])('status %i after %i scene updates, stop step %i', (status, stepsDone, stopStep, expected) => {
    expect(describeProgress(status, stepsDone, stopStep)).toBe(expected);
  });
});

describe('inspector loss line', () => {
  test('a stored loss', () => {
    expect(describeLoss(0.25, 0.25)).toBe('0.25');
  });

  test('a loss too large for the kernels', () => {
    // exp(exp(exp(1.781))) + 1.594² in float64 is about 3.6e164, beyond float32.
    const exact = Math.exp(Math.exp(Math.exp(1.781))) + 1.594 ** 2;
    expect(describeLoss(NaN, exact)).toBe(`${formatValue(exact)} in float64, none in float32`);
  });

  test('a formula undefined there', () => {
    expect(describeLoss(NaN, NaN)).toBe('undefined');
    expect(describeLoss(NaN, Infinity)).toBe('undefined');
  });
});
