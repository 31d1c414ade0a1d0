// The TypeScript descriptions of the descent buffers against the structs and
// bindings that shaders/descent.wgsl declares.

import { readFileSync } from 'node:fs';

import type { WgslReflect as WgslReflectClass } from 'wgsl_reflect';
// The package's Node entry has no named export; its ES module build has.
// @ts-expect-error: the module build ships without its own type declarations.
import { WgslReflect as WgslReflectModule } from 'wgsl_reflect/wgsl_reflect.module.js';
import { describe, expect, test } from 'vitest';

import { STATUS } from '../../src/core/config.ts';
import {
  BINDING,
  DESCENT_PARAMS,
  HISTORY_ENTRY_STRIDE,
  POINT_STRIDE,
  TABLE_ENTRY_STRIDE,
  START_STRIDE,
  STAT_CONVERGED,
  STAT_DIVERGED,
  STAT_LOSS_MAX,
  STAT_LOSS_MIN,
  STAT_MOVING,
  STATE_ENTRY_STRIDE,
  STOP_STEP_STRIDE,
  TRAIL_POINT_STRIDE,
} from '../../src/gpu/layout.ts';

const WgslReflect: typeof WgslReflectClass = WgslReflectModule;
const code = readFileSync(new URL('../../shaders/descent.wgsl', import.meta.url), 'utf8');
const reflection = new WgslReflect(code);

/** Bytes of one element of the storage array bound as `name`. */
function elementSize(name: string): number {
  const variable = reflection.storage.find((candidate) => candidate.name === name);
  expect(variable, `storage binding ${name}`).toBeDefined();
  const format = (variable!.type as unknown as { format: { size: number } }).format;
  return format.size;
}

describe('descent buffer layouts', () => {
  test('Params struct offsets and size', () => {
    const struct = reflection.structs.find((candidate) => candidate.name === DESCENT_PARAMS.name);
    expect(struct).toBeDefined();
    const members = struct!.members.map((member) => ({ name: member.name, offset: member.offset, size: member.size }));
    const described = DESCENT_PARAMS.order.map((name) => ({
      name,
      offset: DESCENT_PARAMS.fields[name].offset,
      size: { f32: 4, u32: 4, i32: 4, vec2f: 8, vec2u: 8, vec4f: 16, vec4u: 16 }[DESCENT_PARAMS.fields[name].type],
    }));
    expect(members).toEqual(described);
    expect(struct!.size).toBe(DESCENT_PARAMS.size);
  });

  test('binding numbers and address spaces', () => {
    const uniform = reflection.uniforms.find((candidate) => candidate.name === 'params');
    expect(uniform?.group).toBe(0);
    expect(uniform?.binding).toBe(BINDING.params);

    const storage = Object.fromEntries(reflection.storage.map((variable) => [variable.name, variable.binding]));
    expect(storage).toEqual({
      points: BINDING.points,
      opt_state: BINDING.optState,
      stop_steps: BINDING.stopSteps,
      trails: BINDING.trails,
      history: BINDING.history,
      stats: BINDING.stats,
      starts: BINDING.starts,
      tables: BINDING.tables,
    });
  });

  test('element strides of the storage arrays', () => {
    expect(elementSize('points')).toBe(POINT_STRIDE);
    expect(elementSize('opt_state')).toBe(STATE_ENTRY_STRIDE);
    expect(elementSize('stop_steps')).toBe(STOP_STEP_STRIDE);
    expect(elementSize('trails')).toBe(TRAIL_POINT_STRIDE);
    expect(elementSize('history')).toBe(HISTORY_ENTRY_STRIDE);
    expect(elementSize('starts')).toBe(START_STRIDE);
    expect(elementSize('tables')).toBe(TABLE_ENTRY_STRIDE);
  });

  test('status and statistics constants match the WGSL', () => {
    const constant = (name: string): number => {
      const match = new RegExp(`const ${name}: u32 = (\\d+)u;`).exec(code);
      expect(match, `const ${name} in descent.wgsl`).not.toBeNull();
      return Number(match![1]);
    };
    expect(constant('STATUS_MOVING')).toBe(STATUS.moving);
    expect(constant('STATUS_CONVERGED')).toBe(STATUS.converged);
    expect(constant('STATUS_DIVERGED')).toBe(STATUS.diverged);
    expect(constant('STAT_MOVING')).toBe(STAT_MOVING);
    expect(constant('STAT_CONVERGED')).toBe(STAT_CONVERGED);
    expect(constant('STAT_DIVERGED')).toBe(STAT_DIVERGED);
    expect(constant('STAT_LOSS_MIN')).toBe(STAT_LOSS_MIN);
    expect(constant('STAT_LOSS_MAX')).toBe(STAT_LOSS_MAX);
  });
});
