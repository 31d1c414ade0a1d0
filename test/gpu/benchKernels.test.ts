// The benchmark's minimal kernel (bench/minimalKernel.wgsl) against the
// product's pipeline: the benchmark's ratios mean something only if both do
// the same updates. Both do plain descent four updates per loop iteration, so
// the step counts cover a remainder of 3 (47 = 4 × 11 + 3, and 3) and none
// (100, the benchmark's). 47 also gives the product's lean kernel two chunks
// of 20 and 7 tested updates.

import { describe, expect, it } from 'vitest';

import { STATUS } from '../../src/core/config.ts';
import { GpuTimer } from '../../bench/gpuTimer.ts';
import { createMinimalPath } from '../../bench/minimalPath.ts';
import { createProductPath } from '../../bench/productPath.ts';
import { describeWorkload, setupWorkload, WORKLOADS } from '../../bench/workloads.ts';
import { useTestGpuContext } from '../helpers/nodeGpu.ts';

/** 64 × 64 starts: the app's 256 trail particles are every fourth row and column, so most particles take the lean kernel. */
const PARTICLES = 4096;

const gpu = useTestGpuContext();

describe('the minimal kernel of the benchmark', () => {
  for (const workload of WORKLOADS) {
    for (const [steps, dispatches] of [
      [47, 2],
      [3, 1],
      [100, 1],
    ] as const) {
      it(`matches the product: ${describeWorkload(workload)}, ${dispatches} × ${steps}`, async () => {
        const setup = setupWorkload(workload, PARTICLES);
        const timer = new GpuTimer(gpu().device);
        const product = await createProductPath(gpu(), timer, setup, steps, dispatches);
        const minimal = await createMinimalPath(gpu(), timer, setup, steps, dispatches);
        try {
          await product.run();
          await minimal.run();
          const result = await product.readResult();
          const positions = await minimal.readPositions();
          let moving = 0;
          let mismatches = 0;
          for (let i = 0; i < PARTICLES; i++) {
            if (result.status[i] !== STATUS.moving) {
              continue;
            }
            moving++;
            if (result.positions[2 * i] !== positions[2 * i] || result.positions[2 * i + 1] !== positions[2 * i + 1]) {
              mismatches++;
            }
          }
          // The workloads' rates keep nearly every particle moving, so nearly all are compared.
          expect(moving).toBeGreaterThan(0.95 * PARTICLES);
          expect(mismatches).toBe(0);
          expect(product.dispatches().general).toBe(0);
        } finally {
          product.destroy();
          minimal.destroy();
          timer.destroy();
        }
      });
    }
  }
});
