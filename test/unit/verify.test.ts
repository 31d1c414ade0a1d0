// The verify report's building blocks on the CPU: ulp distances, the sample
// of particles, and a report of a run against itself.

import { describe, expect, test } from 'vitest';

import { compileFormula, looselyBoundedFunctions } from '../../src/core/expr/index.ts';
import { DEFAULT_CRITERIA, STATUS, defaultOptimizer } from '../../src/core/config.ts';
import { ReferenceRun } from '../../src/core/reference.ts';
import { chooseParticles, formatVerifyReport, meetsAgreement, nearZeroFloor, scaledUlpDistance, ulpDistance, verifyRun } from '../../src/core/verify.ts';

describe('ulp distance', () => {
  test('neighbouring float32 values are 1 apart, across zero too', () => {
    const one = Math.fround(1);
    const next = new Float32Array(new Uint32Array([0x3f800001]).buffer)[0];
    expect(ulpDistance(one, next)).toBe(1);
    expect(ulpDistance(0, -0)).toBe(0);
    const tiny = new Float32Array(new Uint32Array([1]).buffer)[0];
    expect(ulpDistance(tiny, -tiny)).toBe(2);
    expect(ulpDistance(1, Number.NaN)).toBe(Infinity);
  });
});

describe('errors near 0', () => {
  test('the floor is 2^-12 of the starts\' scale, at least 1', () => {
    expect(nearZeroFloor({ kind: 'grid', nx: 4, ny: 4, domain: { xMin: -5.12, xMax: 5.12, yMin: -2, yMax: 2 } })).toBe(5.12 / 4096);
    expect(nearZeroFloor({ kind: 'list', points: Float64Array.from([0.1, -0.2]) })).toBe(1 / 4096);
  });

  test('above the floor, bit distance; below it, in ulp of the floor', () => {
    expect(scaledUlpDistance(1, Math.fround(1 + 2 ** -23), 2 ** -12)).toBe(1);
    // 1e-30 and -1e-30 lie more than 400 million float32 steps apart, and 2e-30 apart: nothing at the floor's scale.
    expect(ulpDistance(Math.fround(1e-30), Math.fround(-1e-30))).toBeGreaterThan(4e8);
    expect(scaledUlpDistance(Math.fround(1e-30), Math.fround(-1e-30), 2 ** -12)).toBe(0);
    // 2^-30 apart below a floor of 2^-12, whose ulp is 2^-35: 32 ulp.
    expect(scaledUlpDistance(2 ** -20, 2 ** -20 + 2 ** -30, 2 ** -12)).toBe(32);
  });

  test('across 0, the way below the floor counts in ulp of the floor', () => {
    // From -2^-12 to 2^-12 is 2^-11, or 2^24 ulp of 2^-35; one float32 step further on either side adds 1.
    expect(scaledUlpDistance(2 ** -12, -(2 ** -12), 2 ** -12)).toBe(2 ** 24);
    expect(scaledUlpDistance(Math.fround(2 ** -12 * (1 + 2 ** -23)), -(2 ** -12), 2 ** -12)).toBe(2 ** 24 + 1);
    expect(scaledUlpDistance(2 ** -13, -(2 ** -12), 2 ** -12)).toBe(2 ** 23 + 2 ** 22);
    // A GPU and a CPU end of Ackley on either side of 0, 0.0058 apart above a floor of 5 · 2^-12:
    // about 2.5e7 ulp, where counting every float32 between them gives about 2e9.
    const [gpu, cpu, floor] = [Math.fround(0.0029048), Math.fround(-0.0029192), 5 * 2 ** -12];
    expect(ulpDistance(gpu, cpu)).toBeGreaterThan(1.9e9);
    expect(scaledUlpDistance(gpu, cpu, floor)).toBeGreaterThan(1e7);
    expect(scaledUlpDistance(gpu, cpu, floor)).toBeLessThan(5e7);
  });
});

describe('particles to check', () => {
  test('all of them within the budget', () => {
    expect(Array.from(chooseParticles(100, 10, 1, 10_000))).toEqual(Array.from({ length: 100 }, (_, k) => k));
    // A 64 × 64 grid after 500 updates is 2.048 million particle-updates, just over the budget: every particle, not 4,000 of 4,096.
    expect(chooseParticles(4096, 500, 1).length).toBe(4096);
    // Past a fifth left out, a sample: 2,000 of 4,096 after 1,000 updates.
    expect(chooseParticles(4096, 1000, 1).length).toBe(2000);
  });

  test('a uniform sample without repeats above it, the same for the same seed', () => {
    const sample = chooseParticles(1_000_000, 100, 7, 1_000_000);
    expect(sample.length).toBe(10_000);
    expect(new Set(sample).size).toBe(10_000);
    expect(sample[sample.length - 1]).toBeLessThan(1_000_000);
    expect(Array.from(chooseParticles(1_000_000, 100, 7, 1_000_000))).toEqual(Array.from(sample));
    // Uniform: about a tenth of the sample in each tenth of the range (binomial, n = 10,000, p = 0.1, sd 30).
    for (let decile = 0; decile < 10; decile++) {
      const inside = sample.filter((index) => Math.floor(index / 100_000) === decile).length;
      expect(Math.abs(inside - 1000)).toBeLessThan(150);
    }
  });
});

/** Runs plain descent at rate 0.1 on `formula` from 4 × 4 starts over [-extent, extent]² on the CPU in float32. */
function bowlRun(formula: string, extent: number, steps: number) {
  const starts = { kind: 'grid' as const, nx: 4, ny: 4, domain: { xMin: -extent, xMax: extent, yMin: -extent, yMax: extent } };
  const setup = { surface: compileFormula(formula), optimizer: defaultOptimizer('gd', 0.1), criteria: DEFAULT_CRITERIA, starts };
  const run = new ReferenceRun(setup, 'f32');
  run.advance(steps);
  return { setup, run };
}

/** Returns the outcome of `run` as a GPU that had not stopped particle `index` and left its x 1e-3 further on. */
function unstopped(run: ReferenceRun, index: number) {
  const positions = Float64Array.from(run.positions);
  positions[2 * index] = Math.fround(positions[2 * index] + 1e-3);
  const status = Uint8Array.from(run.status);
  status[index] = STATUS.moving;
  const stopSteps = Uint32Array.from(run.stopSteps);
  stopSteps[index] = 0;
  return { positions, status, stopSteps };
}

describe('verify report', () => {
  test('the CPU float32 run against itself is faithful; float64 differs by rounding only', () => {
    const surface = compileFormula('(x^2 + y - 11)^2 + (x + y^2 - 7)^2');
    const starts = { kind: 'grid' as const, nx: 8, ny: 8, domain: { xMin: -5, xMax: 5, yMin: -5, yMax: 5 } };
    const setup = { surface, optimizer: defaultOptimizer('gd', 0.01), criteria: DEFAULT_CRITERIA, starts };
    const run = new ReferenceRun(setup, 'f32');
    run.advance(300);
    const minima = [
      { x: 3, y: 2, value: 0 },
      { x: -2.805118086952745, y: 3.131312518250573, value: 0 },
      { x: -3.779310253377747, y: -3.28318599128617, value: 0 },
      { x: 3.584428340330492, y: -1.848126526964404, value: 0 },
    ];
    const progress: number[] = [];
    const report = verifyRun({ ...setup, steps: 300, minima, radius: 0.1 }, run, null, undefined, (share) => progress.push(share));
    expect(report.checked).toBe(64);
    expect(report.gpuVsF32.maxAbsError).toBe(0);
    expect(report.gpuVsF32.ulp).toEqual({ median: 0, p99: 0, max: 0 });
    expect(report.gpuVsF32.disagreeing).toEqual([]);
    expect(report.gpuVsF32.stopStepAgreement).toBe(1);
    expect(report.gpuVsF32.maxStopStepDifference).toBe(0);
    expect(meetsAgreement(report, 1)).toBe(true);
    // float32 against float64 after 300 updates: relative differences of a few 1e-7 per update add up, but stay far below 1e-3.
    expect(report.f32VsF64.maxRelError).toBeGreaterThan(0);
    expect(report.f32VsF64.maxRelError).toBeLessThan(1e-3);
    expect(progress[progress.length - 1]).toBe(1);

    // The text: an exact 0 as 0, a small difference with an exponent.
    const text = formatVerifyReport({ ...report, f32VsF64: { ...report.f32VsF64, maxAbsError: 5.07e-6 } });
    expect(text).toContain('GPU vs CPU float32: max |Δ| 0, ');
    expect(text).toContain('CPU float32 vs float64: max |Δ| 5.07e-6, ');
    expect(text).toMatch(/basin 100\.00% agree; stop step 100\.00% agree\n/);
    expect(text.split('\n').at(-1)).toMatch(/^The GPU differs from CPU float32 no more than float32 differs from float64 \(max relative 0 against [\d.e-]+\): within what single precision costs anyway\.$/);
    const worse = formatVerifyReport({ ...report, gpuVsF32: { ...report.gpuVsF32, maxRelError: 0.5 } });
    expect(worse).toMatch(/\nThe GPU differs from CPU float32 more than float32 differs from float64 \(max relative 0\.5 against [\d.e-]+\)\.\n/);
  });

  test('a diverged particle counts in the status, not in the errors', () => {
    const { setup, run } = bowlRun('x^2 + 2*y^2', 2, 100);
    // A GPU that diverged particle 7 far away.
    const positions = Float64Array.from(run.positions);
    const status = Uint8Array.from(run.status);
    positions[14] = 3.2e4;
    status[7] = STATUS.diverged;
    const report = verifyRun({ ...setup, steps: 100, minima: [{ x: 0, y: 0, value: 0 }], radius: 0.04 }, { positions, status, stopSteps: run.stopSteps }, null);
    expect(report.gpuVsF32.statusAgreement).toBe(15 / 16);
    expect(report.gpuVsF32.disagreeing).toEqual([7]);
    expect(report.gpuVsF32.compared).toBe(15);
    expect(report.gpuVsF32.maxAbsError).toBe(0);
    expect(report.gpuVsF32.ulp?.max).toBe(0);
    expect(formatVerifyReport(report)).toContain('GPU vs CPU float32: max |Δ| 0, max relative 0, ulp median 0 / 99% 0 / max 0 (15 not diverged); ');
  });

  test('no error figures when every particle diverged', () => {
    const surface = compileFormula('x^2 + 2*y^2');
    const starts = { kind: 'grid' as const, nx: 2, ny: 2, domain: { xMin: -2, xMax: 2, yMin: -2, yMax: 2 } };
    // η = 0.6 is past 2/L = 0.5 on the y axis, so every start with y ≠ 0 diverges; this grid has none on the axis.
    const setup = { surface, optimizer: defaultOptimizer('gd', 0.6), criteria: DEFAULT_CRITERIA, starts };
    const run = new ReferenceRun(setup, 'f32');
    run.advance(100);
    expect(Array.from(run.status)).toEqual([STATUS.diverged, STATUS.diverged, STATUS.diverged, STATUS.diverged]);
    const report = verifyRun({ ...setup, steps: 100, minima: [{ x: 0, y: 0, value: 0 }], radius: 0.04 }, run, null);
    expect(report.gpuVsF32.compared).toBe(0);
    expect(report.gpuVsF32.maxAbsError).toBeNull();
    expect(report.gpuVsF32.maxRelError).toBeNull();
    expect(report.gpuVsF32.ulp).toBeNull();
    expect(report.f32VsF64.compared).toBe(0);
    expect(report.f32VsF64.maxAbsError).toBeNull();
    expect(report.gpuVsF32.statusAgreement).toBe(1);
    const text = formatVerifyReport(report);
    expect(text).toContain('GPU vs CPU float32: no positions compared (every checked particle diverged in one run or both); status 100.00%');
    expect(text).toContain('CPU float32 vs float64: no positions compared (every checked particle diverged in one run or both); status 100.00%');
    expect(text).not.toMatch(/differs from float64/);
  });

  test('stop steps that differ are counted, and do not fail the agreement', () => {
    const { setup, run } = bowlRun('x^2 + 2*y^2', 2, 100);
    expect(Array.from(run.stopSteps).every((step) => step > 0)).toBe(true);
    // A GPU that stopped particle 5 two updates later and particle 9 one earlier, particle 5 a little further on.
    const stopSteps = Uint32Array.from(run.stopSteps);
    stopSteps[5] += 2;
    stopSteps[9] -= 1;
    const positions = Float64Array.from(run.positions);
    positions[10] = Math.fround(positions[10] * (1 - 2 ** -10));
    const report = verifyRun({ ...setup, steps: 100, minima: [{ x: 0, y: 0, value: 0 }], radius: 0.04 }, { ...run, positions, stopSteps }, null);
    expect(report.gpuVsF32.ulp?.max).toBeGreaterThan(100);
    expect(report.gpuVsF32.ulpSameStopStep).toEqual({ median: 0, p99: 0, max: 0 });
    expect(formatVerifyReport(report)).toMatch(/ \/ max \d+ \(same stop step, moving in both included: 99% 0 \/ max 0\); /);
    expect(report.gpuVsF32.stopStepAgreement).toBe(14 / 16);
    expect(report.gpuVsF32.maxStopStepDifference).toBe(2);
    expect(report.gpuVsF32.statusAgreement).toBe(1);
    expect(report.gpuVsF32.disagreeing).toEqual([]);
    expect(meetsAgreement(report, 1)).toBe(true);
    expect(formatVerifyReport(report)).toContain('basin 100.00% agree; stop step 87.50% agree (at most 2 apart where both stopped)');
    // Particle 5 is behind the largest difference, and the conclusion gives how far apart its stops are.
    expect(report.gpuVsF32.largest?.index).toBe(5);
    expect(formatVerifyReport(report)).toMatch(/The largest difference is at particle 5: .* The two runs stopped it 2 updates apart, so one end point is that far further along its path\./);
    expect(formatVerifyReport({ ...report, steps: 1 })).toMatch(/^checked 16 of 16 particles after 1 update on no GPU\n/);
    // Particles that stopped in one run only: no difference of stop steps to give.
    const oneSided = { ...report, gpuVsF32: { ...report.gpuVsF32, maxStopStepDifference: 0 } };
    expect(formatVerifyReport(oneSided)).toContain('stop step 87.50% agree (the others stopped in one run only)');
  });

  test('the conclusion names the particle behind the largest difference', () => {
    const { setup, run } = bowlRun('x^2 + 2*y^2', 2, 100);
    // Particle 6 as a GPU that had not stopped it and left it 1e-3 from the CPU's end point; the others exactly as the CPU.
    const { positions } = unstopped(run, 6);
    const report = verifyRun({ ...setup, steps: 100, minima: [{ x: 0, y: 0, value: 0 }], radius: 0.04 }, unstopped(run, 6), null);
    const largest = report.gpuVsF32.largest!;
    expect(largest.index).toBe(6);
    expect(largest.relativeError).toBe(report.gpuVsF32.maxRelError);
    expect(largest.gpu).toMatchObject({ status: 'moving', stopStep: 0, x: positions[12] });
    expect(largest.f32).toMatchObject({ status: 'converged', stopStep: run.stopSteps[6], x: run.positions[12] });
    expect(largest.f64.status).toBe('converged');
    expect(report.gpuVsF32.convergedTogether).toEqual({ compared: 15, maxRelError: 0, ulp: { median: 0, p99: 0, max: 0 } });
    expect(report.looselyBounded).toEqual([]);
    const lines = formatVerifyReport(report).split('\n');
    expect(lines.at(-4)).toMatch(/^The GPU differs from CPU float32 more than float32 differs from float64 /);
    // Moving on the GPU and converged on the CPU, where float32 and float64 agree: an outcome that rounding does not explain.
    expect(report.gpuVsF32.disagreeing).toEqual([6]);
    expect(lines.at(-3)).toBe(
      '1 start ends with another status or basin on the GPU than on the CPU in float32, where float32 and float64 agree (particle 6). ' +
        'The formula uses only operations that WGSL bounds to a few ulp, so unless these starts lie on a boundary between basins, this points to a fault.',
    );
    expect(lines.at(-2)).toMatch(new RegExp(`^The largest difference is at particle 6: GPU \\([-\\d.e]+, [-\\d.e]+\\), still moving; CPU float32 \\([-\\d.e]+, [-\\d.e]+\\), converged at update ${run.stopSteps[6]}; float64 .*A particle that has not settled`));
    const baseline = report.f32VsF64.convergedTogether;
    expect(baseline.compared).toBe(16);
    expect(baseline.maxRelError).toBeGreaterThan(0);
    expect(lines.at(-1)).toMatch(
      /^Over the 15 particles that converged at the same update in both runs: max relative 0, ulp median 0 \/ 99% 0 \/ max 0, within what float32 costs against float64 at such end points \(max relative [\d.e-]+\)\.$/,
    );
  });

  test('a few ulp where both runs converged: what WGSL allows', () => {
    const { setup, run } = bowlRun('x^2 + 2*y^2', 2, 100);
    // Particle 5's y, 3 ulp of the near-zero floor (2^-34 each at this scale) away: more than float32 costs here, and still a few ulp.
    const positions = Float64Array.from(run.positions);
    positions[11] = Math.fround(positions[11] + 3 * 2 ** -34);
    const report = verifyRun({ ...setup, steps: 100, minima: [{ x: 0, y: 0, value: 0 }], radius: 0.04 }, { ...run, positions }, null);
    expect(report.gpuVsF32.convergedTogether.ulp?.max).toBe(3);
    expect(report.gpuVsF32.convergedTogether.maxRelError).toBeGreaterThan(report.f32VsF64.convergedTogether.maxRelError!);
    expect(formatVerifyReport(report).split('\n').at(-1)).toMatch(/: a few ulp, as WGSL's fused multiply-adds and division within 2\.5 ulp allow\.$/);
  });

  test('cycling particles do not raise the baseline', () => {
    // float32 against float64 over every particle includes those that never settle; the baseline takes converged ones only.
    const { setup, run } = bowlRun('x^2 + 2*y^2', 2, 100);
    const positions = Float64Array.from(run.positions);
    positions[7] = Math.fround(positions[7] + 1e-3);
    const report = verifyRun({ ...setup, steps: 100, minima: [{ x: 0, y: 0, value: 0 }], radius: 0.04 }, { ...run, positions }, null);
    const inflated = { ...report, f32VsF64: { ...report.f32VsF64, maxRelError: 10 } };
    // Judged against an overall 10 the 1e-3 passes; against the converged particles' baseline it is a fault, named below the first line.
    const lines = formatVerifyReport(inflated).split('\n');
    expect(lines.at(-2)).toMatch(/^The GPU differs from CPU float32 no more than float32 differs from float64 \(max relative [\d.e-]+ against 10\)/);
    expect(lines.at(-1)).toMatch(/^Over the 16 particles that converged at the same update in both runs: .* points to a fault/);
  });

  test('all diverged: nothing to conclude', () => {
    const { setup, run } = bowlRun('x^2 + 2*y^2', 2, 100);
    const status = Uint8Array.from(run.status).fill(STATUS.diverged);
    const report = verifyRun({ ...setup, steps: 100, minima: [], radius: 0.04 }, { ...run, status }, null);
    expect(formatVerifyReport(report).split('\n').at(-1)).toMatch(/^No positions were compared, so there is nothing to conclude about the arithmetic/);
  });

  test('a large difference where both runs converged: WGSL\'s bounds or a fault', () => {
    const verdict = (formula: string): string => {
      const { setup, run } = bowlRun(formula, 1, 200);
      expect(Array.from(run.status).every((code) => code === STATUS.converged)).toBe(true);
      // Particle 3's y, 1e-3 away on the GPU, at the same stop step: far more than float32 costs against float64.
      const positions = Float64Array.from(run.positions);
      positions[7] = Math.fround(positions[7] + 1e-3);
      const report = verifyRun({ ...setup, steps: 200, minima: [], radius: 0.04 }, { ...run, positions }, null);
      expect(report.gpuVsF32.largest?.index).toBe(3);
      expect(report.gpuVsF32.convergedTogether.compared).toBe(16);
      expect(report.gpuVsF32.convergedTogether.maxRelError).toBe(report.gpuVsF32.maxRelError);
      return formatVerifyReport(report).split('\n').at(-1)!;
    };
    const bounded = verdict('x^2 + 2*y^2');
    expect(bounded).toMatch(/^Over the 16 particles that converged at the same update in both runs: max relative [\d.e-]+, ulp median 0 \/ 99% \d+ \/ max \d+\. /);
    expect(bounded).toContain('The formula uses only operations that WGSL bounds to a few ulp, so a difference this large where both runs stopped at the same update points to a fault');
    const loose = verdict('x^2 + 2*y^2 + 0.1*cos(x) + 0.1*exp(y)');
    expect(loose).toContain(
      'The formula uses cos and exp, which WGSL computes to looser bounds than the CPU (cos: 2^-11 absolute on [-π, π]; exp: 3 + 2|x| ulp), so a faithful GPU can differ by this much; the outcomes, which agree, are the check that matters here.',
    );
  });

  test('outcomes that rounding does not explain, with loosely bounded operations', () => {
    const { setup, run } = bowlRun('x^2 + 2*y^2 + 0.1*cos(x)', 1, 200);
    // Particle 2 still moving on the GPU, 1e-3 from where the CPU stopped it.
    const report = verifyRun({ ...setup, steps: 200, minima: [], radius: 0.04 }, unstopped(run, 2), null);
    const text = formatVerifyReport(report);
    expect(text).toContain(
      '1 start ends with another status or basin on the GPU than on the CPU in float32, where float32 and float64 agree (particle 2). ' +
        'The formula uses cos, whose looser WGSL bounds let a faithful GPU take other steps;',
    );
    expect(text).not.toContain('the outcomes, which agree');
  });

  test('loosely bounded operations of a formula', () => {
    const of = (formula: string) => looselyBoundedFunctions(compileFormula(formula).expression);
    expect(of('x^2 + y^3 - 4*x*y')).toEqual([]);
    expect(of('x^0.5 + y^-2 + pow(x, 3) + sqrt(y) + hypot(x, y) + abs(x)')).toEqual([]);
    expect(of('x^1.5')).toEqual(['pow']);
    expect(of('x^y')).toEqual(['pow']);
    expect(of('x^65')).toEqual(['pow']);
    expect(of('exp(x) + cos(y)')).toEqual(['cos', 'exp']);
    expect(of('tanh(x) + log1p(y^2) + atan2(y, x)')).toEqual(['atan2', 'log1p', 'tanh']);
  });

  test('a sample checks the same particles as the full run would', () => {
    const surface = compileFormula('x^2 + 2*y^2');
    const starts = { kind: 'grid' as const, nx: 16, ny: 16, domain: { xMin: -2, xMax: 2, yMin: -2, yMax: 2 } };
    const setup = { surface, optimizer: defaultOptimizer('adam', 0.05), noise: { sigma: 0.3, seed: 5 }, criteria: DEFAULT_CRITERIA, starts };
    const full = new ReferenceRun(setup, 'f32');
    full.advance(50);
    const sample = Uint32Array.of(3, 77, 200, 255);
    const part = new ReferenceRun({ ...setup, particles: sample }, 'f32');
    part.advance(50);
    sample.forEach((index, k) => {
      expect(part.positions[2 * k]).toBe(full.positions[2 * index]);
      expect(part.positions[2 * k + 1]).toBe(full.positions[2 * index + 1]);
    });
  });
});
