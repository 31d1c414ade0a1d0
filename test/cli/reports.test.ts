// What the downhill commands report beyond the basic fields: stability
// limits per row of a phase map, text tables, colour legends, written files
// and the updates actually run. Small grids and few steps on the CPU
// reference, unless a case needs the GPU.

import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PNG } from 'pngjs';
import { describe, expect, test } from 'vitest';
import { cssHex } from '../../src/core/colorScience.ts';
import { DIVERGED_COLOR, MINIMUM_COLORS, MOVING_COLOR, OTHER_COLOR } from '../../src/core/palette.ts';

import { downhill } from '../helpers/downhillProcess.ts';

describe('sweep stability limit', () => {
  test('phase map over momentum: one limit per row', () => {
    const csv = join(mkdtempSync(join(tmpdir(), 'downhill-limits-')), 'sweep.csv');
    const outcome = downhill([
      'sweep', '--surface', 'parabola', '--optimizer', 'momentum', '--dampening', '0.5', '--lr-min', '0.2', '--lr-max', '3', '--lrs', '4',
      '--sweep-y', 'momentum', '--y-min', '0', '--y-max', '0.9', '--ys', '3', '--grid', '4', '--steps', '200', '--backend', 'cpu', '--csv', csv, '--json',
    ]);
    expect(outcome.stderr).toBe('');
    expect(outcome.status).toBe(0);
    const report = JSON.parse(outcome.stdout);

    // x² has curvature L = 2, so with dampening τ = 0.5 the limit is 2(1 + μ) / ((1 − τ) L) = 2(1 + μ).
    // At μ = 0 there is no buffer and τ has no effect, as in torch.optim.SGD: the limit is 2/L = 1.
    const expected = [0, 0.45, 0.9].map((momentum) => (momentum === 0 ? 1 : 2 * (1 + momentum)));
    expect(report.sweepY.values).toEqual([0, 0.45, 0.9]);
    report.sweepY.stabilityLimit.forEach((limit: number, k: number) => {
      expect(limit).toBeCloseTo(expected[k], 12);
    });
    expect(report.stabilityLimit).toBeCloseTo(expected[0], 12);
    report.rows.forEach((row: { y: number; stabilityLimit: number }, k: number) => {
      expect(row.stabilityLimit, `row ${k}`).toBeCloseTo(expected[Math.floor(k / 4)], 12);
    });

    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('lr,momentum,converged,diverged,medianLoss,p10Loss,p90Loss,medianStepsToConverge,outcome,stabilityLimit');
    expect(lines).toHaveLength(13);
    lines.slice(1).forEach((line, k) => {
      expect(Number(line.split(',').at(-1)), line).toBeCloseTo(expected[Math.floor(k / 4)], 12);
    });
  });

  test('phase map over β₁: no known limit', () => {
    const outcome = downhill(['sweep', '--optimizer', 'adam', '--lrs', '2', '--sweep-y', 'beta1', '--ys', '2', '--grid', '2', '--steps', '5', '--backend', 'cpu', '--json']);
    expect(outcome.status).toBe(0);
    const report = JSON.parse(outcome.stdout);
    expect(report.sweepY.stabilityLimit).toEqual([null, null]);
    expect(report.stabilityLimit).toBeNull();
  });
});

describe('unwritable output files', () => {
  // Each of these runs would take hours (262,144 particles × 10⁶ updates on
  // the CPU), so an exit status within the launcher's one-minute timeout shows
  // that the check came before the run.
  const longRun = ['--grid', '512', '--steps', '1000000', '--backend', 'cpu'];
  const folder = mkdtempSync(join(tmpdir(), 'downhill-outputs-'));
  writeFileSync(join(folder, 'plain-file'), '');
  mkdirSync(join(folder, 'sub'));

  test.each([
    ['missing folder', ['basins', '--png', join(folder, 'missing', 'map.png')], `the folder ${JSON.stringify(join(folder, 'missing'))} does not exist`],
    ['file as folder', ['sweep', '--lrs', '2', '--csv', join(folder, 'plain-file', 'sweep.csv')], 'a part of the path before the file name is not a folder'],
    ['a dash for standard output', ['basins', '--png', '-'], '"-" is not read as standard output here, expected a file name'],
    ['path ending in a separator', ['basins', '--png', `${join(folder, 'missing')}/`], 'it ends with "/", expected a file name'],
    ['folder as file', ['sweep', '--lrs', '2', '--sweep-y', 'momentum', '--optimizer', 'momentum', '--ys', '2', '--png', join(folder, 'sub')], 'it is a folder, expected a file name'],
  ])('%s: exit status 2 before the run', (_name, args, reason) => {
    const path = args[args.length - 1];
    const option = args[args.length - 2];
    const outcome = downhill([...args, ...longRun]);
    expect(outcome.status).toBe(2);
    expect(outcome.stdout).toBe('');
    expect(outcome.stderr).toBe(`downhill: cannot write ${option} ${JSON.stringify(path)}: ${reason}\n`);
  });

  test('read-only file: exit status 2 before the run', () => {
    // A read-only file stops only a user other than root, so as root the command runs as user nobody (uid 65534).
    const shared = mkdtempSync(join(tmpdir(), 'downhill-read-only-'));
    chmodSync(shared, 0o755);
    const path = join(shared, 'sweep.csv');
    writeFileSync(path, 'kept\n');
    chmodSync(path, 0o444);
    const user = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

    const outcome = downhill(['sweep', '--lrs', '2', '--csv', path, ...longRun], { HOME: tmpdir() }, user);
    expect(outcome.status).toBe(2);
    expect(outcome.stderr).toBe(`downhill: cannot write --csv ${JSON.stringify(path)}: the file is not writable (permission denied)\n`);
    expect(readFileSync(path, 'utf8')).toBe('kept\n');
  });
});

describe('sweep text report', () => {
  test('weight decay named in the limit marker', () => {
    // Coupled weight decay 0.5 adds to the curvature 2 of x²: the limit is 2 / (2 + 0.5) = 0.8.
    const outcome = downhill(['sweep', '--surface', 'parabola', '--lr-min', '0.5', '--lr-max', '1.5', '--lrs', '3', '--grid', '4', '--steps', '50', '--weight-decay', '0.5', '--backend', 'cpu']);
    expect(outcome.stderr).toBe('');
    expect(outcome.status).toBe(0);
    expect(outcome.stdout).toContain('-- stability limit η = 0.8000 (from the Hessian at the listed minima plus weight decay 0.5) --');
  });

  test('x²: aligned table with the limit marked', () => {
    const outcome = downhill(['sweep', '--surface', 'parabola', '--lr-min', '0.5', '--lr-max', '1.5', '--lrs', '7', '--grid', '4', '--steps', '200', '--backend', 'cpu']);
    expect(outcome.stderr).toBe('');
    expect(outcome.status).toBe(0);
    const lines = outcome.stdout.trim().split('\n');
    expect(lines[0]).toBe('parabola: gd, 7 learning rates from 0.5 to 1.5, 4 starts each, 200 steps');
    expect(lines[1].trim().split(/\s{2,}/)).toEqual(['rate', 'diverged', 'median loss', 'p10 loss', 'p90 loss', 'median steps']);

    // Rates 0.5, 0.6005, 0.7211, 0.8660 lie below the limit η = 1 of x², then the marker, then 1.040, 1.249, 1.5.
    expect(lines[6]).toBe('-- stability limit η = 1.000 (from the Hessian at the listed minima) --');
    const rows = [...lines.slice(2, 6), ...lines.slice(7, 10)].map((line) => line.trim().split(/\s+/));
    expect(rows.map((row) => Number(row[0]))).toEqual([0.5, 0.6005, 0.7211, 0.866, 1.04, 1.249, 1.5]);
    // Every row as wide as the header: the columns are right-aligned.
    for (const line of [...lines.slice(2, 6), ...lines.slice(7, 10)]) {
      expect(line.length).toBe(lines[1].length);
    }
    // η = 0.5 reaches 0 in one update; from 1.249 on |1 − 2η| ≥ 1.5 passes the divergence bound within 200 updates.
    expect(rows[0].slice(1)).toEqual(['0.0%', '0.000e+0', '0.000e+0', '0.000e+0', '2']);
    expect(rows[5].slice(1)).toEqual(['100.0%', 'inf', 'inf', 'inf', '-']);
    expect(rows[6].slice(1)).toEqual(['100.0%', 'inf', 'inf', 'inf', '-']);
  });

  test('phase map: one line per momentum value', () => {
    const outcome = downhill([
      'sweep', '--surface', 'parabola', '--optimizer', 'momentum', '--lr-min', '0.2', '--lr-max', '3', '--lrs', '8',
      '--sweep-y', 'momentum', '--y-min', '0', '--y-max', '0.9', '--ys', '3', '--grid', '4', '--steps', '200', '--backend', 'cpu',
    ]);
    expect(outcome.status).toBe(0);
    const lines = outcome.stdout.trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe('parabola: momentum, 8 learning rates from 0.2 to 3 × 3 values of momentum from 0 to 0.9, 4 starts each, 200 steps');
    expect(lines[1].trim().split(/\s{2,}/)).toEqual(['momentum', 'stability limit', 'first rate with divergence', 'first rate with most diverged']);
    // Limits 1 + μ of x² for μ = 0, 0.45, 0.9.
    expect(lines.slice(2).map((line) => line.trim().split(/\s+/).slice(0, 2))).toEqual([
      ['0', '1.000'],
      ['0.4500', '1.450'],
      ['0.9000', '1.900'],
    ]);
  });
});

describe('basins on a 1D surface', () => {
  const png = join(mkdtempSync(join(tmpdir(), 'downhill-basins-1d-')), 'map.png');
  // The tilted double well (x² − 1)² + 0.3x on [−2, 2] has 16 starts at −1.875,
  // −1.625, …, 1.875. Its barrier lies at x ≈ 0.075, so the left eight reach the left minimum.
  const args = ['basins', '--surface', 'double-well', '--grid', '16', '--steps', '500', '--lr', '0.05', '--backend', 'cpu', '--png', png];

  test('text: starts along x and the colour legend', () => {
    const outcome = downhill(args);
    expect(outcome.stderr).toBe('');
    expect(outcome.status).toBe(0);
    const lines = outcome.stdout.trim().split('\n');
    expect(lines[0]).toBe('double-well: gd, lr 0.05, 500 steps, 16 starts on [-2, 2]');
    expect(lines).toContain('starts along x, by where they ended:');
    expect(lines).toContain('  x = -1.875 to -0.125 (8 starts): minimum x = -1.03558');
    expect(lines).toContain('  x = 0.125 to 1.875 (8 starts): minimum x = 0.96015');
    expect(lines).toContain(`map written to ${png} (16 × 1 pixels, x to the right)`);
    const legend = lines.slice(lines.indexOf('colours of the map:') + 1);
    const hex = MINIMUM_COLORS.slice(0, 2).map(cssHex);
    expect(hex).toEqual(['#e69f00', '#56b4e9']);
    expect(legend).toEqual([
      `  ${hex[0]}  minimum x = -1.03558`,
      `  ${hex[1]}  minimum x = 0.96015`,
      `  ${cssHex(OTHER_COLOR)}  elsewhere`,
      `  ${cssHex(DIVERGED_COLOR)}  diverged`,
      `  ${cssHex(MOVING_COLOR)}  not converged`,
    ]);
  });

  test('2D text: six significant digits, trailing zeros dropped', () => {
    const outcome = downhill(['basins', '--surface', 'himmelblau', '--grid', '8', '--steps', '500', '--lr', '0.01', '--backend', 'cpu']);
    expect(outcome.status).toBe(0);
    const lines = outcome.stdout.trim().split('\n');
    expect(lines[1]).toMatch(/^ {2}minimum \(3, 2\), f = 0: \d+\.\d%$/);
    expect(lines[2]).toMatch(/^ {2}minimum \(-2\.80512, 3\.13131\), f = 0: \d+\.\d%$/);
  });

  test('JSON: intervals and legend match the PNG', () => {
    const outcome = downhill([...args, '--json']);
    expect(outcome.status).toBe(0);
    const report = JSON.parse(outcome.stdout);
    expect(report.intervals).toEqual([
      { from: -1.875, to: -0.125, starts: 8, basin: 0 },
      { from: 0.125, to: 1.875, starts: 8, basin: 1 },
    ]);
    expect(report.legend.map((entry: { basin: unknown }) => entry.basin)).toEqual([0, 1, 'elsewhere', 'diverged', 'not converged']);

    const image = PNG.sync.read(readFileSync(png));
    expect([image.width, image.height]).toEqual([16, 1]);
    const hex = (k: number) => `#${[0, 1, 2].map((c) => image.data[4 * k + c].toString(16).padStart(2, '0')).join('')}`;
    for (let k = 0; k < 16; k++) {
      expect(hex(k), `pixel ${k}`).toBe(report.legend[k < 8 ? 0 : 1].color);
    }
  });
});

describe('run in float64 on the CPU', () => {
  test('starts rounded to float32, and the summary says so', () => {
    const args = ['run', '--backend', 'cpu', '--precision', 'f64', '--start', '0.1,0.3', '--steps', '1', '--lr', '1e-8'];
    const report = JSON.parse(downhill([...args, '--json']).stdout);
    // One float64 update of x² + 2y² from the float32 start: x ← x − η·2x, y ← y − η·4y. The float32
    // rounding of 0.1 moves the start by 1.5e-9, far more than the relative 1e-15 allowed here.
    const [x0, y0] = [Math.fround(0.1), Math.fround(0.3)];
    const [x, y] = report.final[0];
    expect(Math.abs(x - (x0 - 1e-8 * 2 * x0))).toBeLessThan(1e-15 * x0);
    expect(Math.abs(y - (y0 - 1e-8 * 4 * y0))).toBeLessThan(1e-15 * y0);

    const text = downhill(args).stdout;
    expect(text).toContain('note: the starts were rounded to float32 first, as the GPU takes them, and the updates ran in float64\n');
    expect(downhill(['run', '--backend', 'cpu', '--start', '0.1,0.3', '--steps', '1']).stdout).not.toContain('note:');
  });
});
