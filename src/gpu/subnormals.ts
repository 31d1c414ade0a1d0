/**
 * Whether a device flushes float32 results below 2⁻¹²⁶ (subnormal numbers)
 * to 0, as WGSL allows and SwiftShader does. Verify makes its float32 CPU run
 * do the same on such a device, so that GPU and CPU do the same arithmetic.
 */
import { compileOnce, createComputePipelines } from './pipeline.ts';
import { readBuffer } from './readback.ts';
import { shaderSource } from './shaderSource.ts';

/** Returns true when `device` flushes subnormal float32 results to 0; runs shaders/subnormals.wgsl once per device. */
export function flushesSubnormals(device: GPUDevice): Promise<boolean> {
  return compileOnce(device, 'subnormals', () => probe(device));
}

async function probe(device: GPUDevice): Promise<boolean> {
  const bindGroupLayout = device.createBindGroupLayout({
    label: 'subnormals.bindGroupLayout',
    entries: [{ binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } }],
  });
  const layout = device.createPipelineLayout({ label: 'subnormals.layout', bindGroupLayouts: [bindGroupLayout] });
  const { main } = await createComputePipelines(device, 'subnormals', shaderSource('subnormals'), layout, ['main'] as const);
  const values = device.createBuffer({ label: 'subnormals.values', size: 16, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
  try {
    device.queue.writeBuffer(values, 0, Float32Array.of(2 ** -126, 0.5, 1, 1));
    const encoder = device.createCommandEncoder({ label: 'subnormals' });
    const pass = encoder.beginComputePass();
    pass.setPipeline(main);
    pass.setBindGroup(0, device.createBindGroup({ layout: bindGroupLayout, entries: [{ binding: 0, resource: { buffer: values } }] }));
    pass.dispatchWorkgroups(1);
    pass.end();
    device.queue.submit([encoder.finish()]);
    const [, , product, quotient] = new Float32Array(await readBuffer(device, values));
    return product === 0 || quotient === 0;
  } finally {
    values.destroy();
  }
}
