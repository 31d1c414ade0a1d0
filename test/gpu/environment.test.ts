// Proves that GPU tests run on a real adapter: a WGSL compute shader runs on
// Dawn in Node and its results are read back.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { createTestDevice, readBuffer, type TestDevice } from '../helpers/gpu.ts';

const DOUBLE_SHADER = /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> values: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u) {
  if (id.x < arrayLength(&values)) {
    values[id.x] = values[id.x] * 2.0;
  }
}
`;

const COUNT = 1_000;
const WORKGROUP_SIZE = 64;

describe('WebGPU in Node', () => {
  let testDevice: TestDevice;

  beforeAll(async () => {
    testDevice = await createTestDevice();
  });

  afterAll(() => {
    testDevice?.destroy();
  });

  test('adapter is a real driver', () => {
    const { vendor, architecture, device, description } = testDevice.adapterInfo;
    console.log(`adapter: vendor "${vendor}", architecture "${architecture}", device "${device}", "${description}"`);

    // Dawn's null backend reports device 'null-backend' and an empty vendor
    // and description. Architecture is not checked, because not every driver
    // reports one.
    expect(device).not.toBe('null-backend');
    expect(vendor).not.toBe('');
    expect(description).not.toBe('');
  });

  test('compute shader doubles 1,000 floats', async () => {
    const { device } = testDevice;

    // Values such as 0.1 are not exact in f32, but doubling only adds one to
    // the exponent, so every result is exact and compared with toEqual.
    const input = new Float32Array(COUNT);
    for (let i = 0; i < COUNT; i++) {
      input[i] = i * 0.1 - 37.5;
    }
    const expected = input.map((value) => value * 2);

    const values = device.createBuffer({
      label: 'environment.values',
      size: input.byteLength,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(values, 0, input);

    device.pushErrorScope('validation');
    const pipeline = device.createComputePipeline({
      label: 'environment.double',
      layout: 'auto',
      compute: { module: device.createShaderModule({ label: 'environment.double', code: DOUBLE_SHADER }) },
    });
    const bindGroup = device.createBindGroup({
      label: 'environment.double',
      layout: pipeline.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: { buffer: values } }],
    });

    const encoder = device.createCommandEncoder({ label: 'environment.double' });
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(Math.ceil(COUNT / WORKGROUP_SIZE));
    pass.end();
    device.queue.submit([encoder.finish()]);
    expect(await device.popErrorScope()).toBeNull();

    const output = new Float32Array(await readBuffer(device, values, input.byteLength));
    values.destroy();

    expect(output).toEqual(expected);
  });
});
