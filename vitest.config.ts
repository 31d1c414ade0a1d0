import type { Reporter, TestModule } from 'vitest/node';
import { defineConfig } from 'vitest/config';

import { findVulkanEnv } from './scripts/webgpu-env.mjs';

/**
 * Prints `vitest: N passed, N failed, N skipped` as the last line of a run, so
 * that a log shows at once whether any test ran. A test file that fails before
 * its tests run, and an unhandled error, each count as one failure.
 */
class SummaryLineReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;

    for (const testModule of testModules) {
      let moduleFailures = 0;
      for (const test of testModule.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        if (state === 'failed') moduleFailures += 1;
        if (state === 'skipped') skipped += 1;
      }

      if (moduleFailures === 0 && testModule.state() === 'failed') {
        moduleFailures = 1;
      }
      failed += moduleFailures;
    }

    console.log(`vitest: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  }
}

export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts'],

    // Dawn's Node addon is not safe to load in worker threads, so each test
    // file runs in a child process. Those processes start with the Vulkan
    // variables below, which is the only way they take effect: the dynamic
    // loader reads LD_LIBRARY_PATH at process start. So a plain `vitest run`
    // reaches SwiftShader too, not only `npm test`. A fork that Dawn keeps
    // alive cannot stall the run: Vitest 4 ends each fork with SIGTERM when
    // its files are done, then SIGKILL after 500 ms.
    pool: 'forks',
    env: findVulkanEnv().env,

    // Two test files at a time. SwiftShader and Chromium each spread their
    // work over all cores, so more files in parallel only slow each other
    // down on a 2-core machine.
    maxWorkers: 2,

    // WGSL compilation, dispatches and page loads run on the CPU through
    // SwiftShader, far slower than on a GPU. A browser start in beforeAll
    // takes one to a few seconds.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // expect.poll waits up to this long: a page on SwiftShader draws a frame
    // in a few hundred milliseconds and compiles a pipeline in a second or two.
    expect: { poll: { timeout: 20_000 } },

    reporters: ['default', new SummaryLineReporter()],
  },
});
