// The WGSL that the compiler emits for each surface against the float32 CPU
// evaluator of the same formula: value and gradient on a grid of points, on
// a real adapter (SwiftShader here, a GPU elsewhere).
//
// Tolerance: both sides are held to the accuracy WGSL guarantees per
// operation, and test/helpers/wgslErrorBound.ts adds those guarantees up
// along the formula's tree at every point. Polynomial surfaces use only +, −,
// × and ÷, which WGSL rounds correctly (÷ within 2.5 ulp), so their bound is a
// few ulp of the terms, and a fused multiply-add only rounds less. sin and cos are
// bounded absolutely by 2^-11 on [−π, π], which dominates Rastrigin (a bound
// near 0.01 on its value) and Ackley; exp within 3 + 2|x| ulp. Two
// implementations within the bound differ by at most twice the bound.

import { describe, expect, test } from 'vitest';

import { differentiate } from '../../src/core/expr/differentiate.ts';
import { compileFormula, type CompiledSurface } from '../../src/core/expr/index.ts';
import { SURFACES, type Domain } from '../../src/core/surfaces.ts';
import { readBuffer } from '../../src/gpu/readback.ts';
import { boundError } from '../helpers/wgslErrorBound.ts';
import { useTestGpuContext } from '../helpers/nodeGpu.ts';

/** A compute shader that writes value and gradient of the prepended surface module per point. */
const EVALUATE_WGSL = `
@group(0) @binding(0) var<storage, read> inputs: array<vec2f>;
@group(0) @binding(1) var<storage, read_write> outputs: array<vec4f>;

@compute @workgroup_size(64)
fn evaluate(@builtin(global_invocation_id) id: vec3u) {
  if (id.x >= arrayLength(&inputs)) {
    return;
  }
  let p = inputs[id.x];
  outputs[id.x] = vec4f(surface_value(p), surface_gradient(p), 0.0);
}
`;

/** Points per side of the grid, edges included. */
const GRID = 33;

const gpu = useTestGpuContext();

/** Float32 points: a GRID × GRID grid over the domain (GRID points on x in 1D), plus extra points. */
function gridPoints(domain: Domain, dims: 1 | 2, extra: readonly [number, number][]): Float32Array<ArrayBuffer> {
  const points: number[] = [];
  const rows = dims === 1 ? 1 : GRID;
  for (let j = 0; j < rows; j++) {
    for (let i = 0; i < GRID; i++) {
      const x = domain.xMin + ((domain.xMax - domain.xMin) * i) / (GRID - 1);
      const y = dims === 1 ? 0 : domain.yMin + ((domain.yMax - domain.yMin) * j) / (GRID - 1);
      points.push(x, y);
    }
  }
  for (const [x, y] of extra) {
    points.push(x, y);
  }
  return new Float32Array(points);
}

/** Runs the surface's WGSL over `points` and returns value, df/dx, df/dy and padding per point. */
async function evaluateOnGpu(surface: CompiledSurface, points: Float32Array<ArrayBuffer>): Promise<Float32Array> {
  const device = gpu().device;
  const count = points.length / 2;
  device.pushErrorScope('validation');

  const module = device.createShaderModule({ label: 'surfaces.test.evaluate', code: `${surface.wgsl}\n${EVALUATE_WGSL}` });
  const pipeline = await device.createComputePipelineAsync({
    label: 'surfaces.test.evaluate',
    layout: 'auto',
    compute: { module, entryPoint: 'evaluate' },
  });
  const inputs = device.createBuffer({ label: 'surfaces.test.inputs', size: points.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  const outputs = device.createBuffer({ label: 'surfaces.test.outputs', size: count * 16, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });

  try {
    device.queue.writeBuffer(inputs, 0, points);
    const bindGroup = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: inputs } },
        { binding: 1, resource: { buffer: outputs } },
      ],
    });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(Math.ceil(count / 64));
    pass.end();
    device.queue.submit([encoder.finish()]);

    const error = await device.popErrorScope();
    expect(error?.message).toBeUndefined();
    return new Float32Array(await readBuffer(device, outputs));
  } finally {
    inputs.destroy();
    outputs.destroy();
  }
}

interface Comparison {
  /** Points compared, and points left out because the float64 value or its bound is not finite. */
  compared: number;
  skipped: number;
  failures: string[];
}

/** Compares GPU and CPU float32 results at every point against twice the WGSL error bound. */
function compare(surface: CompiledSurface, points: Float32Array, gpuResults: Float32Array): Comparison {
  const trees = [surface.expression, differentiate(surface.expression, 'x'), differentiate(surface.expression, 'y')];
  const labels = ['f', 'df/dx', 'df/dy'];
  const cpuGradient = new Float64Array(2);
  const evaluator = surface.evaluator('f32');
  const result: Comparison = { compared: 0, skipped: 0, failures: [] };

  for (let k = 0; k < points.length / 2; k++) {
    const [x, y] = [points[2 * k], points[2 * k + 1]];
    const cpuValue = evaluator.valueAndGradient(x, y, cpuGradient);
    const cpu = [cpuValue, cpuGradient[0], cpuGradient[1]];
    const bounds = trees.map((tree) => boundError(tree, x, y));
    if (bounds.some((bound) => !Number.isFinite(bound.value) || !Number.isFinite(bound.error)) || cpu.some((v) => !Number.isFinite(v))) {
      result.skipped++;
      continue;
    }

    result.compared++;
    for (let c = 0; c < 3; c++) {
      const difference = Math.abs(gpuResults[4 * k + c] - cpu[c]);
      const allowed = 2 * bounds[c].error;
      if (!(difference <= allowed)) {
        result.failures.push(`${labels[c]} at (${x}, ${y}): GPU ${gpuResults[4 * k + c]}, CPU ${cpu[c]}, allowed ${allowed}`);
      }
    }
  }
  return result;
}

const TYPED_FORMULAS: readonly [string, Domain][] = [
  ['sin(x)*cos(y)', { xMin: -4, xMax: 4, yMin: -4, yMax: 4 }],
  ['tan(x/2) + y^2', { xMin: -2, xMax: 2, yMin: -2, yMax: 2 }],
  ['atan(x*y) + x^2', { xMin: -3, xMax: 3, yMin: -3, yMax: 3 }],
  ['log(1 + x^2 + y^2) + exp(-x^2)', { xMin: -3, xMax: 3, yMin: -3, yMax: 3 }],
  ['sqrt(1 + x^2 + y^2) + sqrt(x^2 + y^2)', { xMin: -3, xMax: 3, yMin: -3, yMax: 3 }],
  ['abs(x) + abs(y - 1)*x', { xMin: -3, xMax: 3, yMin: -3, yMax: 3 }],
  ['min(x^2, y^2 + 1) + max(x, y, 0.5)', { xMin: -3, xMax: 3, yMin: -3, yMax: 3 }],
  ['hypot(x, y + 0.5) + hypot(2*x, 1)', { xMin: -3, xMax: 3, yMin: -3, yMax: 3 }],
  ['x/(1 + y^2) - y/(2 + x^2)', { xMin: -3, xMax: 3, yMin: -3, yMax: 3 }],
  ['1/(1 + x^2) + (2 + y)^-3 + x^-2', { xMin: 0.5, xMax: 3, yMin: -1, yMax: 1 }],
  ['sin(3*pi*x)^2 + (x-1)^2*(1 + sin(3*pi*y)^2) + (y-1)^2*(1 + sin(2*pi*y)^2)', { xMin: -10, xMax: 10, yMin: -10, yMax: 10 }],
  ['x^4 - 3*x^2 + x', { xMin: -2, xMax: 2, yMin: 0, yMax: 0 }],
  ['sin(3*x) + 0.1*x^2', { xMin: -5, xMax: 5, yMin: 0, yMax: 0 }],
  ['y^2 + cos(y)', { xMin: -3, xMax: 3, yMin: -3, yMax: 3 }],
];

describe('WGSL against the float32 CPU evaluator', () => {
  test.each(SURFACES.map((surface) => [surface.name, surface]))('built-in %s', async (_name, definition) => {
    const surface = compileFormula(definition.formula);
    const extra = definition.minima.map((minimum): [number, number] => [minimum.x, minimum.y]);
    const points = gridPoints(definition.domain, definition.dims, extra);
    const result = compare(surface, points, await evaluateOnGpu(surface, points));

    expect(result.failures.slice(0, 5)).toEqual([]);
    expect(result.skipped).toBe(0);
    expect(result.compared).toBe(points.length / 2);
  });

  test.each(TYPED_FORMULAS)('typed %s', async (formula, domain) => {
    const surface = compileFormula(formula);
    const points = gridPoints(domain, surface.dims, []);
    const result = compare(surface, points, await evaluateOnGpu(surface, points));

    expect(result.failures.slice(0, 5)).toEqual([]);
    expect(result.skipped).toBe(0);
    expect(result.compared).toBe(points.length / 2);
  });
});

describe('tanh and sinh near 0', () => {
  // WGSL derives both from exp, with an absolute error bound near 0, where
  // SwiftShader's tanh(-2.235e-8) came out as -5.96e-8. Below 2^-12 in
  // magnitude, both equal their argument in float32, which the helpers return.
  const SMALL = [-2.235e-8, 2.235e-8, 1e-5, -3e-7, 2 ** -13, -(2 ** -13), 1e-20, 1e-30, 0];

  test.each(['tanh(x) + y^2', 'sinh(x) + y^2'])('%s equals x in float32, as on the CPU', async (formula) => {
    const surface = compileFormula(formula);
    const points = new Float32Array(SMALL.flatMap((x) => [x, 0]));
    const results = await evaluateOnGpu(surface, points);
    const evaluator = surface.evaluator('f32');
    const gradient = new Float64Array(2);
    SMALL.forEach((x, k) => {
      const value = evaluator.valueAndGradient(points[2 * k], 0, gradient);
      expect(value, `CPU at ${x}`).toBe(points[2 * k]);
      expect(results[4 * k], `GPU value at ${x}`).toBe(value);
      // 1 − tanh² and cosh near 0: 1, cosh within its WGSL bound (SwiftShader gives 1 − 2^-24 near 0).
      expect(Math.abs(results[4 * k + 1] - gradient[0]), `GPU df/dx at ${x}`).toBeLessThanOrEqual(2 ** -23);
    });
  });
});

