/**
 * Lets three.js draw straight from a GPUBuffer that the compute pipeline
 * owns, with no copy through the CPU.
 *
 * three.js (r187) has no public API for this. Its WebGPU backend keeps each
 * attribute's GPUBuffer in `backend.get(attribute).buffer` and creates one
 * only when that slot is empty (WebGPUAttributeUtils.createAttribute), so
 * filling the slot before the first render makes three.js bind our buffer.
 * The attribute's own array is a 4-element placeholder and `count` is set by
 * hand, so no CPU copy of the particle state is ever allocated.
 */
import { StorageInstancedBufferAttribute, type WebGPURenderer } from 'three/webgpu';

interface BackendWithData {
  get(object: object): { buffer?: GPUBuffer };
}

/** Wraps `buffer` (count items of itemSize floats) as a storage attribute three.js will bind as is. */
export function externalStorageAttribute(
  renderer: WebGPURenderer,
  buffer: GPUBuffer,
  count: number,
  itemSize: number,
): StorageInstancedBufferAttribute {
  const attribute = new StorageInstancedBufferAttribute(new Float32Array(itemSize), itemSize);
  // `count` is typed read-only, but three.js reads it as a plain field for the draw and binding sizes.
  (attribute as { count: number }).count = count;
  const backend = renderer.backend as unknown as BackendWithData;
  backend.get(attribute).buffer = buffer;
  return attribute;
}
