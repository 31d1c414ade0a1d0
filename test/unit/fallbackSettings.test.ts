// The CPU fallback's limits: settings past them are clamped with a sentence
// each, and the banner names why WebGPU did not start.

import { describe, expect, test } from 'vitest';

import { DeviceRequestError, NoAdapterError, WebGpuUnavailableError } from '../../src/gpu/errors.ts';
import { describeStartFailure } from '../../src/ui/fallbackBanner.ts';
import { clampForFallback, FALLBACK_GRID_2D, FALLBACK_STARTS_1D } from '../../src/ui/fallbackSettings.ts';
import { cloneSettings, DEFAULT_SETTINGS } from '../../src/ui/settings.ts';

describe('clampForFallback', () => {
  test('settings within the limits pass unchanged', () => {
    const settings = cloneSettings(DEFAULT_SETTINGS);
    const clamped = clampForFallback(settings);
    expect(clamped.changes).toEqual([]);
    expect(clamped.settings).toEqual(settings);
  });

  test('2D grid clamped to the cap', () => {
    const settings = { ...cloneSettings(DEFAULT_SETTINGS), grid: 1024 };
    const clamped = clampForFallback(settings);
    expect(clamped.settings.grid).toBe(FALLBACK_GRID_2D);
    expect(clamped.changes).toEqual(['The CPU fallback runs at most 64 × 64, so a 1024 × 1024 grid was reduced to 64 × 64.']);
    expect(settings.grid).toBe(1024);
  });

  test('1D starts clamped to the cap', () => {
    const settings = { ...cloneSettings(DEFAULT_SETTINGS), surface: 'parabola', grid: 65536 };
    const clamped = clampForFallback(settings);
    expect(clamped.settings.grid).toBe(FALLBACK_STARTS_1D);
    expect(clamped.changes).toEqual(['The CPU fallback runs at most 4096 starts, so 65536 starts were reduced to 4096.']);
  });

  test('sweep and basin view turned off', () => {
    const settings = cloneSettings(DEFAULT_SETTINGS);
    settings.sweep.enabled = true;
    settings.basinView = 'difference';
    const clamped = clampForFallback(settings);
    expect(clamped.settings.sweep.enabled).toBe(false);
    expect(clamped.settings.basinView).toBe('off');
    expect(clamped.changes).toHaveLength(2);
    expect(settings.sweep.enabled).toBe(true);
  });
});

describe('describeStartFailure', () => {
  test('missing navigator.gpu', () => {
    const failure = describeStartFailure(new WebGpuUnavailableError('no navigator.gpu'));
    expect(failure.reason).toMatch(/navigator\.gpu is missing/);
    expect(failure.advice).toMatch(/Firefox 141 or later on Windows/);
    expect(failure.advice).toMatch(/--enable-unsafe-webgpu/);
  });

  test('no adapter', () => {
    expect(describeStartFailure(new NoAdapterError('none')).reason).toMatch(/no adapter/);
  });

  test('failed requestDevice repeats its message', () => {
    const failure = describeStartFailure(new DeviceRequestError('limit maxBufferSize too high'));
    expect(failure.reason).toBe('requestDevice failed: limit maxBufferSize too high');
  });

  test('any other error names the view', () => {
    expect(describeStartFailure(new Error('context lost')).reason).toBe('The WebGPU view could not start: context lost');
  });
});
