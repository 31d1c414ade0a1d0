// The notice for a learning rate above the surface's stability limit.

import { describe, expect, test } from 'vitest';

import { stabilityWarning } from '../../src/ui/sceneNotices.ts';

describe('stability warning', () => {
  test('rate above the limit', () => {
    const warning = stabilityWarning('himmelblau', 'gd', 0.1, 0.01496);
    expect(warning).toContain('η = 0.1 is above the stability limit η = 0.01496 of gd on himmelblau');
    expect(warning).toContain('Try η = 0.01,');
    expect(warning).toMatch(/The limit is that of the minima: starts far from them can diverge at smaller rates\.$/);
  });

  test('limit at a power of ten', () => {
    expect(stabilityWarning('quadratic', 'gd', 1, 0.1)).toContain('Try η = 0.01,');
  });

  test('rate at or below the limit, or no limit', () => {
    expect(stabilityWarning('quadratic', 'gd', 0.5, 0.5)).toBeUndefined();
    expect(stabilityWarning('quadratic', 'gd', 0.1, 0.5)).toBeUndefined();
    expect(stabilityWarning('rosenbrock', 'adam', 0.1, undefined)).toBeUndefined();
  });
});
