// Locations of minima as the basin legend and the minima notice write them:
// float noise next to the domain's span as 0, and 1D points with one coordinate.

import { describe, expect, test } from 'vitest';

import { formatPoint, NEGLIGIBLE_COORDINATE } from '../../src/ui/format.ts';

const SQUARE = { xMin: -5, xMax: 5, yMin: -5, yMax: 5 };

describe('formatPoint', () => {
  test('2D point with float noise in y', () => {
    expect(formatPoint({ x: -0.5122, y: -4.702e-38 }, 2, SQUARE)).toBe('(-0.5122, 0)');
  });

  test('2D point with float noise in x', () => {
    expect(formatPoint({ x: 3e-17, y: 1.25 }, 2, SQUARE)).toBe('(0, 1.25)');
  });

  test('negative zero as 0', () => {
    expect(formatPoint({ x: -0, y: -0 }, 2, SQUARE)).toBe('(0, 0)');
  });

  test('1D point without y', () => {
    const line = { xMin: -2, xMax: 2, yMin: 0, yMax: 0 };
    expect(formatPoint({ x: 0.7071, y: 0 }, 1, line)).toBe('(0.7071)');
    expect(formatPoint({ x: -1e-30, y: 0 }, 1, line)).toBe('(0)');
  });

  test('threshold relative to each axis span', () => {
    // Span 10 on x: the threshold is 1e-8. Span 2e-3 on y: the threshold is 2e-12.
    const domain = { xMin: -5, xMax: 5, yMin: -1e-3, yMax: 1e-3 };
    expect(NEGLIGIBLE_COORDINATE).toBe(1e-9);
    expect(formatPoint({ x: 9e-9, y: 9e-9 }, 2, domain)).toBe('(0, 9e-9)');
    expect(formatPoint({ x: 1.1e-8, y: 1e-12 }, 2, domain)).toBe('(1.1e-8, 0)');
  });

  test('coordinate at threshold kept', () => {
    // The domain [0, 1] × [0, 1] has span 1, so 1e-9 itself is not below the threshold.
    const unit = { xMin: 0, xMax: 1, yMin: 0, yMax: 1 };
    expect(formatPoint({ x: 1e-9, y: 0.5 }, 2, unit)).toBe('(1e-9, 0.5)');
  });

  test('large domain keeps values under 1 that matter', () => {
    const wide = { xMin: -1000, xMax: 1000, yMin: -1000, yMax: 1000 };
    expect(formatPoint({ x: 0.001, y: 1e-7 }, 2, wide)).toBe('(0.001, 0)');
  });

  test('ordinary coordinates with formatValue precision', () => {
    expect(formatPoint({ x: 3.14159265, y: -2.805118 }, 2, SQUARE)).toBe('(3.142, -2.805)');
  });
});
