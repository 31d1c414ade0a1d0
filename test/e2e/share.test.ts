// Links and exports in headless Chromium: a link reproduces the scene and its
// numbers, Back and Forward move between scenes, every export is saved and
// parsed back, and the keyboard shortcuts work.

import { readFileSync } from 'node:fs';

import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { control, openAppPage, pauseAtSteps, runAdamAndPause } from '../helpers/appPage.ts';
import { launchBrowser, startApp, type RunningApp } from '../helpers/browser.ts';
import { linearToSrgb, srgbToLinear } from '../../src/core/colorScience.ts';
import { DIFFERENCE_COLOR } from '../../src/core/palette.ts';
import { AXIS_MARGIN } from '../../src/render/viewGeometry.ts';

type Handle = {
  settings: any;
  change(next: unknown): boolean;
  whenBuilt(): Promise<void>;
  stepsDone: number;
  particleCount: number;
  link: string;
  exportFile(kind: string, scale?: number): Promise<string | undefined>;
};

/** Small enough to draw quickly on SwiftShader, large enough for the panel and both columns. */
const VIEWPORT = { width: 1000, height: 700 };

/** Runs `action` in the page and returns the name and bytes of the file it saves. */
async function download(page: Page, action: () => Promise<unknown>): Promise<{ name: string; data: Buffer }> {
  const [saved] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), action()]);
  const path = await saved.path();
  return { name: saved.suggestedFilename(), data: readFileSync(path) };
}

function exportIn(page: Page, kind: string, scale = 1) {
  return download(page, () => page.evaluate(([k, s]) => (window as unknown as { downhill: Handle }).downhill.exportFile(k as string, s as number), [kind, scale] as const));
}

/** Parses CSV as RFC 4180 writes it: fields with commas or quotes are quoted, quotes doubled. */
function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.trimEnd().split('\n')) {
    const fields: string[] = [];
    const pattern = /("(?:[^"]|"")*"|[^,]*)(,|$)/g;
    let match: RegExpExecArray | null;
    while ((match = pattern.exec(line)) !== null) {
      const field = match[1];
      fields.push(field.startsWith('"') ? field.slice(1, -1).replaceAll('""', '"') : field);
      if (match[2] === '') {
        break;
      }
    }
    rows.push(fields);
  }
  return rows;
}

describe('share and export', () => {
  let server: RunningApp;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    server = await startApp();
    browser = await launchBrowser();
    page = await openAppPage(browser, server.url, VIEWPORT, errors);
    // A seeded, noisy Adam run on Himmelblau, paused after 120 updates.
    await runAdamAndPause(page, { surface: 'himmelblau', grid: 24, view: '2d', stepsPerFrame: 20, noise: { sigma: 0.5, seed: 11 } }, 0.05, 120);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('a link reproduces the scene, and with the same seed the same final positions', { timeout: 150_000 }, async () => {
    const link = await page.evaluate(() => (window as unknown as { downhill: Handle }).downhill.link);
    expect(link).toMatch(/#v=1&/);
    expect(link).toMatch(/surface=himmelblau/);
    expect(link).toMatch(/run1\.optimizer=adam/);
    expect(link).toMatch(/noise\.seed=11/);
    expect(link).toMatch(/paused=true/);
    const step = Number(/[#&]step=(\d+)/.exec(link)![1]);
    expect(step).toBeGreaterThanOrEqual(120);
    const original = await exportIn(page, 'final-csv');

    const copyErrors: string[] = [];
    const copy = await openAppPage(browser, link, VIEWPORT, copyErrors);
    try {
      await copy.waitForFunction((target) => (window as unknown as { downhill: Handle }).downhill.stepsDone === target, step, { timeout: 60_000 });
      // Serialised again: the same link.
      expect(await copy.evaluate(() => (window as unknown as { downhill: Handle }).downhill.link)).toBe(link);
      // It stays paused at that update.
      await copy.waitForTimeout(500);
      expect(await copy.evaluate(() => (window as unknown as { downhill: Handle }).downhill.stepsDone)).toBe(step);
      const reproduced = await exportIn(copy, 'final-csv');
      expect(reproduced.name).toBe(original.name);
      // Same device, same seed, same starts: every final position equal to the bit.
      expect(reproduced.data.toString()).toBe(original.data.toString());
      expect(copyErrors).toEqual([]);
    } finally {
      await copy.close();
    }
  });

  test('final states as CSV and JSON: one record per particle', { timeout: 120_000 }, async () => {
    // Without noise the particles converge, so they have basins.
    await page.evaluate(() => {
      const downhill = (window as unknown as { downhill: Handle }).downhill;
      downhill.change({ ...downhill.settings, noise: { sigma: 0, seed: 11 }, paused: false, stepsPerFrame: 100, restartOnChange: true });
    });
    await page.waitForFunction(() => ((window as unknown as { downhill: { lastStats?: { converged: number } } }).downhill.lastStats?.converged ?? 0) >= 0.9 * 576, null, {
      timeout: 60_000,
    });
    const csv = await exportIn(page, 'final-csv');
    expect(csv.name).toMatch(/^downhill-himmelblau-final-adam-step\d+\.csv$/);
    const rows = csvRows(csv.data.toString());
    expect(rows[0]).toEqual(['configuration', 'optimizer', 'lr', 'momentum', 'beta1', 'particle', 'startX', 'startY', 'endX', 'endY', 'loss', 'status', 'basin', 'steps']);
    expect(rows.length - 1).toBe(24 * 24);
    // Adam reads β₁ and not momentum.
    expect(rows[1].slice(2, 5)).toEqual(['0.05', '', '0.9']);
    // Start 0 is the centre of the lowest-left cell of [-5, 5]²: (-5 + 10/48, the same).
    expect(Number(rows[1][6])).toBeCloseTo(-5 + 10 / 48, 5);
    expect(rows.slice(1).every((row) => ['moving', 'converged', 'diverged'].includes(row[11]))).toBe(true);
    expect(rows.slice(1).some((row) => row[12] === '(3, 2)')).toBe(true);

    const json = await exportIn(page, 'final-json');
    const parsed = JSON.parse(json.data.toString());
    expect(parsed.surface).toBe('himmelblau');
    expect(parsed.particles).toHaveLength(24 * 24);
    expect(parsed.particles[0]).toMatchObject({ configuration: 1, optimizer: 'adam', particle: 0 });
    expect(parsed.link).toMatch(/surface=himmelblau/);
  });

  test('the view as PNG at the canvas resolution and at twice it', async () => {
    const canvas = await page.evaluate(() => {
      const element = document.getElementById('view') as HTMLCanvasElement;
      return { width: element.width, height: element.height };
    });
    const single = PNG.sync.read((await exportIn(page, 'view', 1)).data);
    // The 2D view is framed between the side column (380 pixels wide) and the panel, and so is the PNG. It is only
    // as wide as that room (at least 280 pixels, see layout.test.ts), and only as tall as the map and its axes.
    expect(single.width).toBeGreaterThanOrEqual(280);
    expect(single.width).toBeLessThanOrEqual(canvas.width - 380);
    // The square fills the room's width less the y labels' margin, and the axes add under 80 pixels of height.
    expect(single.height, 'height of the PNG').toBeGreaterThanOrEqual(single.width - AXIS_MARGIN.left);
    expect(single.height, 'height of the PNG').toBeLessThanOrEqual(single.width - AXIS_MARGIN.left + 80);
    const double = PNG.sync.read((await exportIn(page, 'view', 2)).data);
    expect(Math.abs(double.height - 2 * single.height), 'height at twice the resolution, within rounding').toBeLessThanOrEqual(1);
    expect(Math.abs(double.width - 2 * single.width), 'width at twice the resolution, within rounding').toBeLessThanOrEqual(1);

    // The square [-1.15, 1.15]² fills the room's width right of the y axis's margin, with the domain [-1, 1]²
    // inside it. So the row through the middle has the surface within 10% of the square's edges (6.5% expected),
    // not an empty band where a panel sits.
    const row = Math.floor(single.height / 2);
    const background = single.data.readUInt32BE(0);
    const isDrawn = (x: number, y: number): boolean => single.data.readUInt32BE(4 * (y * single.width + x)) !== background;
    const drawn: number[] = [];
    for (let x = AXIS_MARGIN.left; x < single.width; x++) {
      if (isDrawn(x, row)) {
        drawn.push(x);
      }
    }
    const square = single.width - AXIS_MARGIN.left;
    expect(drawn[0], 'first drawn column of the middle row').toBeLessThan(AXIS_MARGIN.left + 0.1 * square);
    expect(drawn[drawn.length - 1], 'last drawn column of the middle row').toBeGreaterThan(AXIS_MARGIN.left + 0.9 * square);
    // The axes are in the picture as on screen: the y labels in the margin left of the square, the x labels below it.
    let marginPixels = 0;
    for (let y = 0; y < single.height; y++) {
      for (let x = 0; x < AXIS_MARGIN.left - 8; x++) {
        marginPixels += isDrawn(x, y) ? 1 : 0;
      }
    }
    expect(marginPixels, 'drawn pixels of the y labels').toBeGreaterThan(100);
    // The picture has the surface in it, not a blank canvas: many distinct colours.
    const colours = new Set<number>();
    for (let i = 0; i < double.data.length; i += 4 * 97) {
      colours.add(double.data.readUInt32BE(i));
    }
    expect(colours.size).toBeGreaterThan(50);
    // The canvas went back to its own size.
    expect(await page.evaluate(() => (document.getElementById('view') as HTMLCanvasElement).width)).toBe(canvas.width);
  });

  test('the basin map as PNG at grid resolution', async () => {
    const map = PNG.sync.read((await exportIn(page, 'basin-map')).data);
    expect([map.width, map.height]).toEqual([24, 24]);
    // Himmelblau's four basins: at least four distinct colours.
    const colours = new Set<number>();
    for (let i = 0; i < map.data.length; i += 4) {
      colours.add(map.data.readUInt32BE(i));
    }
    expect(colours.size).toBeGreaterThanOrEqual(4);
  });

  describe('basin map exports follow the basin view', () => {
    /** Starts per side, few enough for SwiftShader. 1/32 of it rounds to a side-by-side gap of 1 pixel. */
    const GRID = 24;
    let basinPage: Page;
    let stepsDone: number;
    /** Final state of each start, by configuration (1 or 2) and particle index. */
    let finals: Map<number, { basin: string; status: string; steps: number }[]>;

    /** Shows the basin view `basinView` with `active` as the active configuration, and saves the basin map as PNG. */
    async function exportBasins(basinView: string, active: number) {
      await basinPage.evaluate(
        ([view, index]) => {
          const downhill = (window as unknown as { downhill: Handle }).downhill;
          downhill.change({ ...downhill.settings, basinView: view, active: index });
        },
        [basinView, active] as const,
      );
      const file = await exportIn(basinPage, 'basin-map');
      return { name: file.name, png: PNG.sync.read(file.data) };
    }

    /** Returns the RGBA of start `index` in an image of the grid (row 0 is the top, the largest y), offset by `left` columns and `top` rows. */
    function pixelOf(png: PNG, index: number, left = 0, top = 0): number[] {
      const column = index % GRID;
      const row = GRID - 1 - Math.floor(index / GRID);
      const k = 4 * ((top + row) * png.width + left + column);
      return Array.from(png.data.subarray(k, k + 4));
    }

    beforeAll(async () => {
      basinPage = await openAppPage(browser, server.url, VIEWPORT, errors);
      // Gradient descent and momentum from the same starts on Himmelblau: momentum sends some starts to another minimum.
      await basinPage.evaluate(async (grid) => {
        const downhill = (window as unknown as { downhill: Handle }).downhill;
        const gd = { ...downhill.settings.runs[0], optimizer: { ...downhill.settings.runs[0].optimizer, name: 'gd', lr: 0.01 } };
        const momentum = { ...gd, optimizer: { ...gd.optimizer, name: 'momentum', momentum: 0.9 } };
        downhill.change({ ...downhill.settings, surface: 'himmelblau', grid, view: '2d', stepsPerFrame: 50, trails: false, runs: [gd, momentum], active: 0, basinView: 'map' });
        await downhill.whenBuilt();
      }, GRID);
      stepsDone = await pauseAtSteps(basinPage, 1000);
      const final = JSON.parse((await exportIn(basinPage, 'final-json')).data.toString());
      finals = new Map([1, 2].map((configuration) => [configuration, final.particles.filter((particle: { configuration: number }) => particle.configuration === configuration)]));
    }, 120_000);

    afterAll(async () => {
      await basinPage?.close();
    });

    test('the map is shaded by updates to converge', async () => {
      const { name, png } = await exportBasins('map', 0);
      expect(name).toMatch(/-basins-gd-24x24-step\d+\.png$/);
      expect([png.width, png.height]).toEqual([GRID, GRID]);
      const colours = new Set<number>();
      for (let i = 0; i < png.data.length; i += 4) {
        colours.add(png.data.readUInt32BE(i));
      }
      // Four basins in flat colours would be four or five colours; shading gives each update count its own.
      expect(colours.size, 'distinct colours').toBeGreaterThan(20);

      // Brighter means fewer updates: linear light times 1 − 0.65 · log(steps + 1) / log(updates done + 1).
      const brightness = (steps: number): number => 1 - 0.65 * Math.min(1, Math.log(steps + 1) / Math.log(Math.max(stepsDone, 2) + 1));
      const linear = (pixel: number[]): number[] => pixel.slice(0, 3).map(srgbToLinear);
      const luminance = (pixel: number[]): number => {
        const [r, g, b] = linear(pixel);
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const states = finals.get(1)!;
      const basins = new Set(states.filter((state) => state.status === 'converged' && state.basin.startsWith('(')).map((state) => state.basin));
      expect(basins.size, 'basins of converged starts').toBe(4);
      let compared = 0;
      for (const basin of basins) {
        const members = states
          .map((state, index) => ({ ...state, index }))
          .filter((state) => state.basin === basin && state.status === 'converged')
          .sort((a, b) => a.steps - b.steps);
        const fastest = members[0];
        const slowest = members[members.length - 1];
        expect(slowest.steps, `updates of the slowest start of ${basin}`).toBeGreaterThan(fastest.steps);
        expect(luminance(pixelOf(png, fastest.index)), `start ${fastest.index} (${fastest.steps} updates) brighter than start ${slowest.index} (${slowest.steps})`).toBeGreaterThan(
          luminance(pixelOf(png, slowest.index)),
        );
        // Against the fastest start of the basin, each start's largest channel scales by the ratio of the brightnesses.
        // 8-bit sRGB rounding moves a channel of at least 90 by under 1.4% in linear light, so a ratio by under 3%.
        const reference = linear(pixelOf(png, fastest.index));
        const channel = reference.indexOf(Math.max(...reference));
        for (const member of members) {
          const ratio = linear(pixelOf(png, member.index))[channel] / reference[channel];
          expect(Math.abs(ratio - brightness(member.steps) / brightness(fastest.steps)), `start ${member.index}: ${member.steps} updates`).toBeLessThan(0.03);
          compared++;
        }
      }
      expect(compared, 'converged starts compared').toBeGreaterThan(GRID * GRID * 0.9);
    });

    test('the difference view exports the difference map', async () => {
      const first = (await exportBasins('map', 0)).png;
      const { name, png } = await exportBasins('difference', 0);
      expect(name).toMatch(/-basins-difference-gd-vs-momentum-24x24-step\d+\.png$/);
      expect([png.width, png.height]).toEqual([GRID, GRID]);
      const [one, two] = [finals.get(1)!, finals.get(2)!];
      let differing = 0;
      for (let index = 0; index < GRID * GRID; index++) {
        const settled = one[index].basin !== 'not converged' && two[index].basin !== 'not converged';
        const pixel = pixelOf(png, index);
        if (settled && one[index].basin !== two[index].basin) {
          differing++;
          expect(pixel, `start ${index}: ${one[index].basin} and ${two[index].basin}`).toEqual([...DIFFERENCE_COLOR, 255]);
          continue;
        }
        // Where the basins agree: configuration 1's shaded colour at 0.3 of its linear light, within one 8-bit level
        // for rounding that colour twice.
        const expected = pixelOf(first, index)
          .slice(0, 3)
          .map((channel) => linearToSrgb(0.3 * srgbToLinear(channel)));
        pixel.slice(0, 3).forEach((channel, k) => {
          expect(Math.abs(channel - expected[k]), `start ${index} channel ${k}: ${channel}, expected ${expected[k]}`).toBeLessThanOrEqual(1);
        });
      }
      expect(differing, 'starts whose basin differs').toBeGreaterThan(5);
      expect(differing, 'starts whose basin differs').toBeLessThan(GRID * GRID / 2);
    });

    test('the side-by-side view exports both maps with a gap', async () => {
      const first = (await exportBasins('map', 0)).png;
      const second = (await exportBasins('map', 1)).png;
      const { name, png } = await exportBasins('side-by-side', 0);
      expect(name).toMatch(/-basins-side-by-side-gd-and-momentum-24x24-step\d+\.png$/);
      const arrangement = await basinPage.evaluate(() => (window as unknown as { downhill: { view: { splitArrangement(): string } } }).downhill.view.splitArrangement());
      const gap = 1;
      const [left, top] = arrangement === 'columns' ? [GRID + gap, 0] : [0, GRID + gap];
      expect([png.width, png.height]).toEqual(arrangement === 'columns' ? [2 * GRID + gap, GRID] : [GRID, 2 * GRID + gap]);
      let halvesDiffer = 0;
      for (let index = 0; index < GRID * GRID; index++) {
        expect(pixelOf(png, index), `start ${index} in the map of 1`).toEqual(pixelOf(first, index));
        expect(pixelOf(png, index, left, top), `start ${index} in the map of 2`).toEqual(pixelOf(second, index));
        halvesDiffer += Number(pixelOf(first, index).join() !== pixelOf(second, index).join());
      }
      expect(halvesDiffer, 'starts drawn differently in the two maps').toBeGreaterThan(GRID * GRID / 4);
      // The gap is transparent.
      for (let k = 0; k < GRID; k++) {
        const [x, y] = arrangement === 'columns' ? [GRID, k] : [k, GRID];
        expect(png.data[4 * (y * png.width + x) + 3], `alpha of the gap at ${x}, ${y}`).toBe(0);
      }
    });
  });

  test('loss curves as CSV', async () => {
    const loss = await exportIn(page, 'loss-csv');
    const rows = csvRows(loss.data.toString());
    expect(rows[0]).toEqual(['step', 'x', 'y', 'loss', 'populationLossP10', 'populationLossMedian', 'populationLossP90']);
    expect(rows.length).toBeGreaterThan(10);
    const steps = rows.slice(1).map((row) => Number(row[0]));
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(rows.slice(1).every((row) => row.every((field) => field !== 'NaN'))).toBe(true);
    // The population band begins at the starts, sampled before the first update.
    const withPopulation = rows.slice(1).filter((row) => row[5] !== '');
    expect(withPopulation.length).toBeGreaterThan(1);
    expect(withPopulation[0][0]).toBe('0');
  });

  test('a sweep: its table as CSV and its phase map as PNG at cell resolution', { timeout: 120_000 }, async () => {
    await page.evaluate(async () => {
      const downhill = (window as unknown as { downhill: Handle }).downhill;
      downhill.change({
        ...downhill.settings,
        paused: false,
        grid: 8,
        sweep: { ...downhill.settings.sweep, enabled: true, lrMin: 0.001, lrMax: 1, lrCount: 12, second: 'beta1', secondMin: 0, secondMax: 0.99, secondCount: 5 },
      });
      await downhill.whenBuilt();
    });
    await page.waitForFunction(() => (window as unknown as { downhill: Handle }).downhill.stepsDone >= 50, null, { timeout: 60_000 });
    const table = csvRows((await exportIn(page, 'sweep-csv')).data.toString());
    expect(table[0]).toEqual(['lr', 'beta1', 'converged', 'diverged', 'medianLoss', 'p10Loss', 'p90Loss', 'medianStepsToConverge', 'outcome']);
    expect(table.length - 1).toBe(12 * 5);
    expect(Number(table[1][0])).toBe(0.001);
    expect(Number(table[12][0])).toBe(1);
    expect(Number(table[60][1])).toBe(0.99);
    const phase = PNG.sync.read((await exportIn(page, 'phase-map')).data);
    expect([phase.width, phase.height]).toEqual([12, 5]);
    // Final states: each particle with the rate and β₁ of its cell, and a start of the 8 × 8 grid.
    const final = JSON.parse((await exportIn(page, 'final-json')).data.toString());
    expect(final.particles).toHaveLength(12 * 5 * 64);
    expect(new Set(final.particles.map((particle: { lr: number }) => particle.lr)).size).toBe(12);
    expect(new Set(final.particles.map((particle: { beta1: number }) => particle.beta1)).size).toBe(5);
    expect(final.particles[64]).toMatchObject({ particle: 64, startX: final.particles[0].startX, startY: final.particles[0].startY });
    expect(final.particles[64].lr).toBeGreaterThan(final.particles[0].lr);
    expect(final.particles[12 * 5 * 64 - 1]).toMatchObject({ lr: 1, beta1: 0.99 });
    await page.evaluate(async () => {
      const downhill = (window as unknown as { downhill: Handle }).downhill;
      downhill.change({ ...downhill.settings, sweep: { ...downhill.settings.sweep, enabled: false }, grid: 24 });
      await downhill.whenBuilt();
    });
  });

  test('Back and Forward move between scenes', async () => {
    const grid = () => page.evaluate(() => (window as unknown as { downhill: Handle }).downhill.settings.grid);
    await page.evaluate(() => {
      const downhill = (window as unknown as { downhill: Handle }).downhill;
      downhill.change({ ...downhill.settings, grid: 16 });
    });
    // Entries closer than a second merge, counted from when each is written: after its build and
    // 150 ms more. So wait for the grid-16 entry itself, then past the second, then change again.
    await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/grid=16/);
    await page.waitForTimeout(1300);
    await page.evaluate(() => {
      const downhill = (window as unknown as { downhill: Handle }).downhill;
      downhill.change({ ...downhill.settings, grid: 40 });
    });
    await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/grid=40/);
    await page.goBack();
    await expect.poll(grid).toBe(16);
    expect(await page.evaluate(() => location.hash)).toMatch(/grid=16/);
    await page.goForward();
    await expect.poll(grid).toBe(40);
  });

  test('after a preset the address bar has the new pick and camera', async () => {
    await page.evaluate(async () => {
      const downhill = (window as unknown as { downhill: Handle & { applyPreset(name: string): void } }).downhill;
      downhill.applyPreset('1D: x²');
      await downhill.whenBuilt();
    });
    // The address is written 150 ms after a change; reading downhill.link would write it at once.
    await page.waitForTimeout(1000);
    const hash = await page.evaluate(() => location.hash);
    const picked = await page.evaluate(() => (window as unknown as { downhill: { pickedIndex: number } }).downhill.pickedIndex);
    // The preset's 33 starts: the pick is one of them, and the address names it.
    expect(picked).toBeLessThan(33);
    expect(hash).toMatch(new RegExp(`[#&]pick=${picked}(&|$)`));
    expect(`#${(await page.evaluate(() => (window as unknown as { downhill: Handle }).downhill.link)).split('#')[1]}`).toBe(hash);
  });

  test('address during a build: old or new scene', async () => {
    const before = await page.evaluate(() => location.hash);
    const seen = await page.evaluate(async () => {
      const downhill = (window as unknown as { downhill: Handle }).downhill;
      const hashes: string[] = [];
      const timer = setInterval(() => hashes.push(location.hash), 20);
      downhill.change({ ...downhill.settings, surface: 'rosenbrock', grid: 48 });
      await downhill.whenBuilt();
      await new Promise((resolve) => setTimeout(resolve, 600));
      clearInterval(timer);
      hashes.push(location.hash);
      return hashes;
    });
    const after = seen[seen.length - 1]!;
    expect(after).toMatch(/surface=rosenbrock/);
    // Never the new surface with the old scene's pick or camera.
    for (const hash of new Set(seen)) {
      expect([before, after]).toContain(hash);
    }
  });

  test('copy link puts the link on the clipboard', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(server.url).origin });
    await page.locator('.lil-gui .lil-title', { hasText: 'Share and export' }).click();
    // Back and Forward before this test restore the pick once the scene is
    // built; wait for that, so that the link does not change under the click.
    await page.evaluate(() => (window as unknown as { downhill: Handle }).downhill.whenBuilt());
    const link = () => page.evaluate(() => (window as unknown as { downhill: Handle }).downhill.link);
    let before = await link();
    await expect.poll(async () => before === (before = await link()), { interval: 500 }).toBe(true);
    await control(page, 'copy link to this scene').locator('button').click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(before);
    await expect.poll(() => page.locator('#notices').textContent()).toMatch(/Link to this scene copied/);
  });

  test('keyboard shortcuts, and the help that lists them', async () => {
    const settings = () => page.evaluate(() => (window as unknown as { downhill: Handle }).downhill.settings);
    await page.locator('#view').click({ position: { x: 5, y: 5 } });
    const paused = (await settings()).paused;
    await page.keyboard.press(' ');
    expect((await settings()).paused).toBe(!paused);
    await page.keyboard.press('3');
    expect((await settings()).view).toBe('3d');
    await page.keyboard.press('2');
    expect((await settings()).view).toBe('2d');

    await page.keyboard.press('?');
    const help = page.locator('dialog.help');
    await expect.poll(() => help.isVisible()).toBe(true);
    expect(await help.textContent()).toMatch(/Space\s*run or pause/);
    // While the help is open, keys do not reach the scene.
    await page.keyboard.press('3');
    expect((await settings()).view).toBe('2d');
    await page.keyboard.press('Escape');
    await expect.poll(() => help.isVisible()).toBe(false);

    // After a click on a panel button the shortcuts still work, and Space does not press the button again.
    await page.evaluate(() => {
      const downhill = (window as unknown as { downhill: Handle }).downhill;
      downhill.change({ ...downhill.settings, paused: true });
    });
    await page.getByRole('button', { name: 'reset', exact: true }).click();
    await expect.poll(() => page.evaluate(() => (window as unknown as { downhill: { stepsDone: number } }).downhill.stepsDone)).toBe(0);
    await page.keyboard.press('s');
    await page.keyboard.press('s');
    await expect.poll(() => page.evaluate(() => (window as unknown as { downhill: { stepsDone: number } }).downhill.stepsDone)).toBe(2);
    await page.keyboard.press(' ');
    expect((await settings()).paused).toBe(false);
    await page.keyboard.press(' ');
    expect((await settings()).paused).toBe(true);
    // A focused checkbox does not take the view keys either.
    await page.locator('.lil-gui input[type="checkbox"]').first().focus();
    await page.keyboard.press('3');
    expect((await settings()).view).toBe('3d');
    await page.keyboard.press('2');
    expect((await settings()).view).toBe('2d');

    // Keys typed into the formula field stay there.
    const before = await settings();
    await page.locator('.surface-formula textarea').focus();
    await page.keyboard.type('3 2');
    expect((await settings()).view).toBe(before.view);
    expect((await settings()).paused).toBe(before.paused);
    expect(errors).toEqual([]);
  });

  test('a link with bad values names them, applies the rest and keeps running', { timeout: 120_000 }, async () => {
    // One scene at a time on a software GPU.
    await page.evaluate(() => {
      const downhill = (window as unknown as { downhill: Handle }).downhill;
      downhill.change({ ...downhill.settings, paused: true });
    });
    const badErrors: string[] = [];
    const bad = await openAppPage(browser, `${server.url}#v=1&grid=1000000000&trails=false&run1.lr=1e300&view=2d`, VIEWPORT, badErrors);
    try {
      const text = await bad.locator('#notices').textContent();
      expect(text).toContain("The link's grid=1000000000 was not applied: invalid grid size 1000000000: expected an integer from 1 to 2048.");
      expect(text).toContain("The link's run1.lr=1e300 was not applied");
      const state = await bad.evaluate(() => {
        const downhill = (window as unknown as { downhill: Handle }).downhill;
        return { trails: downhill.settings.trails, view: downhill.settings.view, grid: downhill.settings.grid };
      });
      expect(state).toEqual({ trails: false, view: '2d', grid: 64 });
      await bad.waitForFunction(() => (window as unknown as { downhill: Handle }).downhill.stepsDone > 2, null, { timeout: 60_000 });
      // The problems were reported as warnings, not errors.
      expect(badErrors).toEqual([]);

      // Six more bad links: each notice replaces the one about the link before.
      const grids = [3000, 3001, 3002, 3003, 3004, 3005];
      for (const grid of grids) {
        await bad.evaluate((hash) => {
          location.hash = hash;
        }, `#v=1&grid=${grid}&view=2d`);
        await expect.poll(() => bad.locator('#notices').textContent()).toContain(`grid=${grid} was not applied`);
      }
      const notices = await bad.locator('#notices .notice').allTextContents();
      expect(notices.filter((text) => text.includes('was not applied'))).toHaveLength(1);
      expect(notices.at(-1)).toContain('grid=3005 was not applied');
      expect(notices.join('\n')).not.toContain('grid=3000 ');
      expect(notices.join('\n')).not.toContain('grid=1000000000');

      // A bad value typed into the running scene's address keeps that setting's value in the scene.
      await bad.evaluate(() => {
        location.hash = '#v=1&grid=16&view=2d&run1.lr=0.01';
      });
      await expect.poll(() => bad.evaluate(() => (window as unknown as { downhill: Handle }).downhill.settings.runs[0].optimizer.lr)).toBe(0.01);
      await bad.evaluate(() => {
        location.hash = '#v=1&grid=16&view=2d&run1.lr=abc';
      });
      await expect.poll(() => bad.locator('#notices').textContent()).toContain("The link's run1.lr=abc was not applied: expected a decimal number. It keeps its current value, 0.01.");
      expect(await bad.evaluate(() => (window as unknown as { downhill: Handle }).downhill.settings.runs[0].optimizer.lr)).toBe(0.01);

      // Seven rejected changes, seven notices: at most the five newest stay, so they cannot cover the view.
      for (let k = 1; k <= 7; k++) {
        await bad.evaluate((grid) => {
          const downhill = (window as unknown as { downhill: Handle }).downhill;
          downhill.change({ ...downhill.settings, grid });
        }, -k);
      }
      const rejected = await bad.locator('#notices .notice').allTextContents();
      expect(rejected.length).toBeLessThanOrEqual(5);
      expect(rejected.at(-1)).toContain('grid size -7');
      expect(rejected.join('\n')).not.toContain('grid size -1');

      // A typed link: '+' is a plus sign, and a formula alone selects the custom surface.
      await bad.evaluate(() => {
        location.hash = '#formula=x^2+y^2/4&grid=16';
      });
      await expect.poll(() => bad.evaluate(() => (window as unknown as { downhill: Handle }).downhill.settings.formula ?? null)).toBe('x^2+y^2/4');
      // A good link takes off the notice about the link before it.
      await expect.poll(() => bad.locator('#notices').textContent()).not.toContain('was not applied');
      expect(await bad.evaluate(() => (window as unknown as { downhill: Handle }).downhill.settings.surface)).toBe('custom');

      // A formula that does not compile: named in a notice, and kept in its field with the fault marked.
      await bad.evaluate(() => {
        location.hash = '#formula=x^2+*y&grid=16';
      });
      await expect.poll(() => bad.locator('#notices').textContent()).toContain("The link's formula=x^2+*y was not applied");
      const field = bad.locator('.surface-formula textarea');
      await expect.poll(() => field.inputValue()).toBe('x^2+*y');
      expect(await field.getAttribute('aria-invalid')).toBe('true');
      expect(await bad.locator('.formula-excerpt').textContent()).toContain('^');
      // The rest of the link applies, and the running formula stays, as it does for a fault typed into the field.
      expect(await bad.locator('#notices').textContent()).toContain('The running surface, the formula x^2+y^2/4, stays.');
      const rest = await bad.evaluate(() => {
        const downhill = (window as unknown as { downhill: Handle }).downhill;
        return { surface: downhill.settings.surface, formula: downhill.settings.formula, grid: downhill.settings.grid };
      });
      expect(rest).toEqual({ surface: 'custom', formula: 'x^2+y^2/4', grid: 16 });
      // Another setting changes: the rejected text stays, marked, to be corrected.
      await bad.evaluate(() => {
        const downhill = (window as unknown as { downhill: Handle }).downhill;
        downhill.change({ ...downhill.settings, trails: true });
      });
      await expect.poll(() => bad.evaluate(() => (window as unknown as { downhill: Handle }).downhill.settings.trails)).toBe(true);
      expect(await field.inputValue()).toBe('x^2+*y');
      expect(await field.getAttribute('aria-invalid')).toBe('true');
      // A link without a fault, as Back brings, puts the running formula back in the field.
      await bad.evaluate(() => {
        location.hash = '#formula=x^2+y^2/4&grid=16';
      });
      await expect.poll(() => field.inputValue()).toBe('x^2+y^2/4');
      expect(await field.getAttribute('aria-invalid')).toBeNull();

      // A pick past the last particle joins the link's notice, and the next link takes it off.
      await bad.evaluate(() => {
        location.hash = '#v=1&grid=16&pick=5000';
      });
      await expect.poll(() => bad.locator('#notices').textContent()).toContain("The link's pick=5000 was not applied: this scene has 256 particles (0 to 255).");
      await bad.evaluate(() => {
        location.hash = '#v=1&grid=16&pick=3';
      });
      await expect.poll(() => bad.locator('#notices').textContent()).not.toContain('pick=5000');
      expect(badErrors).toEqual([]);
    } finally {
      await bad.close();
    }
  });
});
