/**
 * Descriptions of the machine, Node and the WebGPU adapter that the benchmark ran on.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

import type { GpuContext } from '../src/gpu/device.ts';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  system: string;
  node: string;
  /** One-minute load average at the start: other processes share the CPU that SwiftShader runs on. */
  loadAverage: number;
}

export interface AdapterInfo {
  /** Vendor, architecture, device and description, as GPUAdapterInfo reports them. */
  name: string;
  /** The `webgpu` package (Dawn) that runs WebGPU in Node. */
  dawn: string;
  /** The Vulkan driver and loader that bench/launch.mjs chose. */
  vulkan: string;
  timestampQuery: boolean;
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  maxComputeWorkgroupsPerDimension: number;
}

export function describeMachine(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: os.availableParallelism(),
    memoryGiB: os.totalmem() / 2 ** 30,
    system: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAverage: os.loadavg()[0],
  };
}

export function describeGpu(gpu: GpuContext): AdapterInfo {
  const limits = gpu.device.limits;
  const dawnPackage = JSON.parse(readFileSync(new URL('../node_modules/webgpu/package.json', import.meta.url), 'utf8')) as { version: string };
  return {
    name: gpu.adapterName,
    dawn: `webgpu ${dawnPackage.version} (Dawn)`,
    vulkan: process.env.DOWNHILL_VULKAN ?? 'not recorded (start the benchmark with npm run bench)',
    timestampQuery: gpu.device.features.has('timestamp-query'),
    maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
    maxBufferSize: limits.maxBufferSize,
    maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
  };
}
