/**
 * Whether a device flushes float32 results below 2⁻¹²⁶ (subnormal numbers)
 * to 0, as WGSL allows and SwiftShader does. Verify makes its float32 CPU run
 * do the same on such a device, so that GPU and CPU do the same arithmetic.
 */
import { shaderSource } from './shaderSource.ts';

const answers = new WeakMap<GPUDevice, Promise<boolean>>();

/** Returns true when `device` flushes subnormal float32 results to 0; runs shaders/subnormals.wgsl once per device. */
export function flushesSubnormals(device: GPUDevice): Promise<boolean> {
  let answer = answers.get(device);
  if (!answer) {
    answer = probe(device);
    answers.set(device, answer);
  }
  return answer;
}

async function probe(device: GPUDevice): Promise<boolean> {
  const module = device.createShaderModule({ label: 'subnormals', code: shaderSource('subnormals') });
  const pipeline = await device.createComputePipelineAsync({ label: 'subnormals', layout: 'auto', compute: { module, entryPoint: 'main' } });
  const size = 16;
  const values = device.createBuffer({ label: 'subnormals.values', size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
  const staging = device.createBuffer({ label: 'subnormals.staging', size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  try {
    device.queue.writeBuffer(values, 0, Float32Array.of(2 ** -126, 0.5, 1, 1));
    const encoder = device.createCommandEncoder({ label: 'subnormals' });
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: values } }] }));
    pass.dispatchWorkgroups(1);
    pass.end();
    encoder.copyBufferToBuffer(values, 0, staging, 0, size);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const [, , product, quotient] = new Float32Array(staging.getMappedRange().slice(0));
    staging.unmap();
    return product === 0 || quotient === 0;
  } finally {
    values.destroy();
    staging.destroy();
  }
}
