// flushesSubnormals tests the adapter, and verify's float32 CPU run follows
// the result. With tolerances of 0 the update at which a particle stops
// depends on whether values below 2⁻¹²⁶ survive. So on any adapter, the
// reference that follows the test must stop every particle where the GPU does.

import { describe, expect, test } from 'vitest';

import { DEFAULT_CRITERIA, defaultOptimizer } from '../../src/core/config.ts';
import { compileFormula } from '../../src/core/expr/index.ts';
import { ReferenceRun } from '../../src/core/reference.ts';
import { verifyRun } from '../../src/core/verify.ts';
import { runDescent } from '../../src/gpu/runDescent.ts';
import { flushesSubnormals } from '../../src/gpu/subnormals.ts';
import { useTestGpuContext } from '../helpers/nodeGpu.ts';

const gpu = useTestGpuContext();

const STEPS = 400;
const setup = {
  surface: compileFormula('x^2 + 2*y^2'),
  optimizer: defaultOptimizer('gd', 0.1),
  criteria: { ...DEFAULT_CRITERIA, gradTol: 0, stepTol: 0 },
  starts: { kind: 'list' as const, points: Float64Array.of(1, 0, -0.75, 0.5, 2, -1.5, 0.3, 0.2, -2.5, 1) },
};

describe('subnormal numbers on the GPU', () => {
  test('the probe result is cached per device', async () => {
    const first = await flushesSubnormals(gpu().device);
    expect(typeof first).toBe('boolean');
    expect(await flushesSubnormals(gpu().device)).toBe(first);
    console.log(`${gpu().adapterName} ${first ? 'flushes' : 'keeps'} subnormal float32 results`);
  });

  test('the reference that follows the probe stops where the GPU does', async () => {
    const flush = await flushesSubnormals(gpu().device);
    const result = await runDescent(gpu(), setup, STEPS);
    const stops = (flushSubnormals: boolean) => {
      const run = new ReferenceRun({ ...setup, flushSubnormals }, 'f32');
      run.advance(STEPS);
      return Array.from(run.stopSteps);
    };
    const following = stops(flush);
    const other = stops(!flush);
    // Every particle converged, and the two references disagree on each, so the probe decides.
    expect(following.every((step) => step > 0)).toBe(true);
    expect(following.every((step, i) => step !== other[i])).toBe(true);
    expect(Array.from(result.stopSteps)).toEqual(following);

    const report = verifyRun({ ...setup, steps: STEPS, minima: [{ x: 0, y: 0, value: 0 }], radius: 0.04, flushSubnormals: flush }, result, gpu().adapterName);
    expect(report.flushSubnormals).toBe(flush);
    expect(report.gpuVsF32.stopStepAgreement).toBe(1);
    expect(report.gpuVsF32.statusAgreement).toBe(1);
  });
});
