// The status text's loss range: the particles that have not diverged, as the
// statistics pass reports them.

import { describe, expect, test } from 'vitest';

import type { StatsSnapshot } from '../../src/gpu/statsRing.ts';
import { formatLossRange, StatusBar } from '../../src/ui/statusBar.ts';

function snapshot(fields: Partial<StatsSnapshot>): StatsSnapshot {
  return {
    stepsDone: 10,
    generation: 0,
    capturedAt: 0,
    moving: 0,
    converged: 0,
    diverged: 0,
    lossMin: NaN,
    lossMax: NaN,
    history: [],
    pickedIndex: 0,
    pickedPoint: [0, 0, 0, 0],
    pickedState: new Float32Array(8),
    pickedStopStep: 0,
    ...fields,
  };
}

describe('loss range in the status', () => {
  test('range of two values', () => {
    expect(formatLossRange(snapshot({ moving: 4, lossMin: 1.5e-7, lossMax: 12.25 }), 4)).toBe('from 1.5e-7 to 12.25');
  });

  test('negative losses', () => {
    expect(formatLossRange(snapshot({ moving: 4, lossMin: -2.5, lossMax: -0.125 }), 4)).toBe('from -2.5 to -0.125');
  });

  test('ends that four digits write alike', () => {
    expect(formatLossRange(snapshot({ converged: 4, lossMin: 1, lossMax: Math.fround(1 + 2 ** -20) }), 4)).toBe('from 1 to 1.000001');
    expect(formatLossRange(snapshot({ converged: 4, lossMin: 2.4999e-7, lossMax: 2.5001e-7 }), 4)).toBe('from 2.4999e-7 to 2.5001e-7');
    expect(formatLossRange(snapshot({ converged: 4, lossMin: 1, lossMax: Math.fround(1 + 2 ** -23) }), 4)).toBe('from 1 to 1.0000001');
  });

  test('one value', () => {
    expect(formatLossRange(snapshot({ converged: 4, lossMin: 0, lossMax: 0 }), 4)).toBe('0');
  });

  test('every particle diverged', () => {
    expect(formatLossRange(snapshot({ diverged: 4 }), 4)).toBe('– (every particle diverged)');
  });

  test('losses undefined', () => {
    expect(formatLossRange(snapshot({ moving: 3, diverged: 1 }), 4)).toBe('undefined at every particle that has not diverged');
  });

  test('before the first snapshot', () => {
    expect(formatLossRange(undefined, 4)).toBe('–');
  });

  test('the status text ends with the range', () => {
    const element = { textContent: '', dataset: {} as Record<string, string> };
    const bar = new StatusBar(element as unknown as HTMLElement);
    bar.render(4, 10, snapshot({ moving: 3, diverged: 1, lossMin: 0.5, lossMax: 2 }), false);
    expect(element.textContent.split('\n')).toHaveLength(4);
    expect(element.textContent.split('\n')[3]).toBe('loss from 0.5 to 2');
  });
});
