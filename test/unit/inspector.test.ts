// The picked particle's progress line in the inspector: a stopped particle
// gives the update at which it stopped, not the scene's count.

import { describe, expect, test } from 'vitest';

import { STATUS } from '../../src/core/config.ts';
import { describeProgress } from '../../src/ui/inspector.ts';

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
