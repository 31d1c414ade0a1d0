// The WGSL of every fuzz formula that compiles, on a real adapter (SwiftShader
// here, a GPU elsewhere). Every formula's WGSL must pass validation. A sample
// of them is built into compute pipelines, whose value and gradient must match
// the float32 CPU evaluator within the WGSL error bound.
//
// One shader module per formula would take minutes on SwiftShader, so the
// formulas go in batches: each formula's functions are renamed from
// `surface_*` to `f<index>_*`, and one entry point per batch evaluates all of
// them. A compilation message names a line, which names the formula.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { differentiate } from '../../src/core/expr/differentiate.ts';
import { compileFormula, FormulaError, type CompiledSurface, type Expr } from '../../src/core/expr/index.ts';
import type { GpuContext } from '../../src/gpu/device.ts';
import { readBuffer } from '../../src/gpu/readback.ts';
import { fuzzInputs } from '../helpers/formulaFuzz.ts';
import { boundError, type Bounded } from '../helpers/wgslErrorBound.ts';
import { createTestGpuContext } from '../helpers/nodeGpu.ts';

/** Same seed and count as the unit fuzz test, so both see the same formulas. */
const SEED = 20_240_917;
const INPUT_COUNT = 10_000;

/** Formulas per module when only validating: validation of all 3,500 or so takes a few seconds on SwiftShader. */
const VALIDATION_BATCH = 250;

/**
 * Formulas per module when building a pipeline and evaluating. SwiftShader
 * compiles a pipeline of 40 formulas in about 1.3 s (2 cores), so only every
 * SAMPLE_STRIDE-th formula is evaluated.
 */
const EVALUATION_BATCH = 30;
const SAMPLE_STRIDE = 20;

/** Points at which every formula is evaluated; x and y avoid 0 and ±1, where many functions have edges. */
const POINTS: readonly (readonly [number, number])[] = [
  [0.375, -0.625],
  [1.75, 0.3125],
  [-2.5, 1.125],
];

interface Compiled {
  readonly text: string;
  readonly surface: CompiledSurface;
}

let gpu: GpuContext;
let compiled: Compiled[];

beforeAll(async () => {
  gpu = await createTestGpuContext();

  compiled = [];
  for (const input of fuzzInputs(SEED, INPUT_COUNT)) {
    try {
      compiled.push({ text: input.text, surface: compileFormula(input.text) });
    } catch (error) {
      if (!(error instanceof FormulaError)) throw error;
    }
  }
});

afterAll(() => {
  gpu?.device.destroy();
});

/** Renames the `surface_` functions of one formula's WGSL so that many fit in one module. */
function renamed(wgsl: string, index: number): string {
  return wgsl.replace(/\bsurface_([a-z0-9_]+)/g, `f${index}_$1`);
}

/**
 * Builds a module with the batch's functions and an entry point that writes
 * value and gradient per formula and point, and names the formula (or the
 * entry point) that each line comes from.
 */
function batchModule(batch: readonly Compiled[], first: number): { code: string; sourceOfLine: string[] } {
  const lines: string[] = [];
  const sourceOfLine: string[] = [];
  const append = (text: string, source: string): void => {
    for (const line of text.split('\n')) {
      lines.push(line);
      sourceOfLine.push(source);
    }
  };

  batch.forEach((entry, k) => append(renamed(entry.surface.wgsl, first + k), JSON.stringify(entry.text)));

  const calls = batch.map((_entry, k) => {
    const name = `f${first + k}`;
    return `  results[${k}u * ${POINTS.length}u + id.x] = vec4f(${name}_value(p), ${name}_gradient(p), 0.0f);`;
  });
  append(
    [
      '@group(0) @binding(0) var<storage, read> points: array<vec2f>;',
      '@group(0) @binding(1) var<storage, read_write> results: array<vec4f>;',
      '',
      '@compute @workgroup_size(1)',
      'fn evaluate(@builtin(global_invocation_id) id: vec3u) {',
      '  let p = points[id.x];',
      ...calls,
      '}',
    ].join('\n'),
    'the entry point',
  );
  return { code: lines.join('\n'), sourceOfLine };
}

/** Formats the compilation errors of a module, each with the formula text its line belongs to. */
function compilationErrors(info: GPUCompilationInfo, sourceOfLine: readonly string[]): string[] {
  const errors: string[] = [];
  for (const message of info.messages) {
    if (message.type !== 'error') continue;
    const source = sourceOfLine[message.lineNum - 1] ?? 'no line';
    errors.push(`${source}: line ${message.lineNum}: ${message.message}`);
  }
  return errors;
}

/** Creates the module of formulas `first` onward and returns its compilation and validation errors. */
async function validateBatch(batch: readonly Compiled[], first: number): Promise<string[]> {
  const device = gpu.device;
  const { code, sourceOfLine } = batchModule(batch, first);

  device.pushErrorScope('validation');
  const module = device.createShaderModule({ label: `expr-fuzz.validate${first}`, code });
  const errors = compilationErrors(await module.getCompilationInfo(), sourceOfLine);
  const scopeError = await device.popErrorScope();
  if (scopeError !== null && errors.length === 0) errors.push(`module from formula ${first}: ${scopeError.message}`);
  return errors;
}

/**
 * Builds a pipeline for the batch and runs it at POINTS. Returns value, df/dx,
 * df/dy and padding per formula and point, formula-major.
 */
async function evaluateBatch(batch: readonly Compiled[], first: number): Promise<Float32Array> {
  const device = gpu.device;
  const { code } = batchModule(batch, first);
  const pointData = new Float32Array(POINTS.flat());

  device.pushErrorScope('validation');
  const module = device.createShaderModule({ label: `expr-fuzz.evaluate${first}`, code });
  const pipeline = await device.createComputePipelineAsync({ label: `expr-fuzz.evaluate${first}`, layout: 'auto', compute: { module, entryPoint: 'evaluate' } });
  const inputs = device.createBuffer({ label: 'expr-fuzz.points', size: pointData.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  const outputs = device.createBuffer({
    label: 'expr-fuzz.results',
    size: batch.length * POINTS.length * 16,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
  });

  try {
    device.queue.writeBuffer(inputs, 0, pointData);
    const bindGroup = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: inputs } },
        { binding: 1, resource: { buffer: outputs } },
      ],
    });
    const encoder = device.createCommandEncoder({ label: `expr-fuzz.evaluate${first}` });
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(POINTS.length);
    pass.end();
    device.queue.submit([encoder.finish()]);

    const error = await device.popErrorScope();
    expect(error?.message, `pipeline of formulas from ${first}`).toBeUndefined();
    return new Float32Array(await readBuffer(device, outputs));
  } finally {
    inputs.destroy();
    outputs.destroy();
  }
}

/**
 * Slack for flushed subnormals: WGSL lets an implementation flush subnormal
 * inputs and results to zero (SwiftShader does), which the error bound helper
 * does not model, so a result may also be off by the smallest normal float32.
 */
const FLUSHED_SUBNORMAL = 2 ** -126;

/** Returns the WGSL error bound of a tree at a point, or undefined where the helper has none (pow, some functions). */
function boundOrUndefined(tree: Expr, x: number, y: number): Bounded | undefined {
  try {
    return boundError(tree, x, y);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('no error bound')) return undefined;
    throw error;
  }
}

/** Compares one formula's GPU results with the float32 CPU evaluator where the WGSL error bound is finite. */
function compareFormula(entry: Compiled, results: Float32Array, offset: number): { compared: number; failures: string[] } {
  const { surface } = entry;
  const trees = [surface.expression, differentiate(surface.expression, 'x'), differentiate(surface.expression, 'y')];
  const evaluator = surface.evaluator('f32');
  const gradient = new Float64Array(2);
  const failures: string[] = [];
  let compared = 0;

  POINTS.forEach(([x, y], k) => {
    const cpu = [evaluator.valueAndGradient(x, y, gradient), gradient[0], gradient[1]];
    for (let c = 0; c < 3; c++) {
      const bound = boundOrUndefined(trees[c], x, y);
      if (bound === undefined || !Number.isFinite(bound.value) || !Number.isFinite(bound.error) || !Number.isFinite(cpu[c])) continue;

      compared++;
      const value = results[offset + 4 * k + c];
      const difference = Math.abs(value - cpu[c]);
      const allowed = 2 * bound.error + FLUSHED_SUBNORMAL;
      if (!(difference <= allowed)) {
        failures.push(`${JSON.stringify(entry.text)} component ${c} at (${x}, ${y}): GPU ${value}, CPU ${cpu[c]}, allowed ${allowed}`);
      }
    }
  });
  return { compared, failures };
}

describe('fuzz formulas on the adapter', () => {
  test('every compiled formula passes WGSL validation', async () => {
    const started = performance.now();
    const errors: string[] = [];
    for (let first = 0; first < compiled.length; first += VALIDATION_BATCH) {
      errors.push(...(await validateBatch(compiled.slice(first, first + VALIDATION_BATCH), first)));
    }

    const seconds = (performance.now() - started) / 1000;
    console.log(`expr-fuzz GPU: validated ${compiled.length} formulas in ${Math.ceil(compiled.length / VALIDATION_BATCH)} modules, ${seconds.toFixed(1)} s`);
    // Roughly a third of the 10,000 inputs compile; the rest are rejected with a message.
    expect(compiled.length).toBeGreaterThan(INPUT_COUNT / 4);
    expect(errors.slice(0, 10)).toEqual([]);
  });

  test('sampled formulas match the float32 CPU', async () => {
    const started = performance.now();
    const sample = compiled.filter((_entry, index) => index % SAMPLE_STRIDE === 0);
    const failures: string[] = [];
    let compared = 0;

    for (let first = 0; first < sample.length; first += EVALUATION_BATCH) {
      const batch = sample.slice(first, first + EVALUATION_BATCH);
      const results = await evaluateBatch(batch, first);
      batch.forEach((entry, k) => {
        const comparison = compareFormula(entry, results, k * POINTS.length * 4);
        compared += comparison.compared;
        failures.push(...comparison.failures);
      });
    }

    const seconds = (performance.now() - started) / 1000;
    console.log(`expr-fuzz GPU: evaluated ${sample.length} formulas at ${POINTS.length} points, ${compared} values compared, ${seconds.toFixed(1)} s`);
    expect(failures.slice(0, 10)).toEqual([]);
    // Most formulas are finite at the sample points and have an error bound; a collapse of this
    // count would mean the comparison skipped nearly everything.
    expect(compared).toBeGreaterThan(sample.length);
  });
});
