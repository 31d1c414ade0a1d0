// isCpuAdapter decides whether the app draws lightly (no multisampling, a
// coarser surface mesh). Adapter infos as browsers and Dawn report them.

import { describe, expect, test } from 'vitest';

import { describeAdapter, isCpuAdapter } from '../../src/gpu/device.ts';

function info(fields: Partial<GPUAdapterInfo>): GPUAdapterInfo {
  return { vendor: '', architecture: '', device: '', description: '', isFallbackAdapter: false, ...fields } as GPUAdapterInfo;
}

describe('isCpuAdapter', () => {
  test.each([
    ['SwiftShader in Chromium', info({ vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true })],
    ['SwiftShader through Dawn', info({ vendor: 'google', architecture: 'swiftshader', device: 'swiftshader-device-subzero-', description: 'SwiftShader driver 5.0.0', isFallbackAdapter: true })],
    ['SwiftShader not marked as a fallback', info({ vendor: 'google', architecture: 'swiftshader' })],
    ["Mesa's llvmpipe", info({ vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.7, 256 bits)' })],
    ["Mesa's lavapipe", info({ vendor: 'mesa', device: 'lavapipe' })],
    ["Microsoft's WARP", info({ vendor: 'microsoft', description: 'Microsoft Basic Render Driver' })],
    ['any fallback adapter', info({ vendor: 'apple', isFallbackAdapter: true })],
  ])('%s runs on the CPU', (_name, adapter) => {
    expect(isCpuAdapter(adapter)).toBe(true);
  });

  test.each([
    ['an NVIDIA GPU', info({ vendor: 'nvidia', architecture: 'ada', description: 'NVIDIA GeForce RTX 4090' })],
    ['an Intel GPU', info({ vendor: 'intel', architecture: 'gen-12lp' })],
    ['an Apple GPU', info({ vendor: 'apple', architecture: 'metal-3' })],
    ['an adapter that reports nothing', info({})],
  ])('%s does not', (_name, adapter) => {
    expect(isCpuAdapter(adapter)).toBe(false);
  });

  test('no adapter info: not a CPU adapter', () => {
    expect(isCpuAdapter(undefined)).toBe(false);
  });

  test('description joins the reported fields', () => {
    expect(describeAdapter(info({ vendor: 'google', architecture: 'swiftshader' }))).toBe('google swiftshader');
    // Without the trailing hyphen of Dawn's device name.
    expect(describeAdapter(info({ vendor: 'google', architecture: 'swiftshader', device: 'swiftshader-device-subzero-', description: 'SwiftShader driver 5.0.0' }))).toBe(
      'google swiftshader swiftshader-device-subzero SwiftShader driver 5.0.0',
    );
  });
});
