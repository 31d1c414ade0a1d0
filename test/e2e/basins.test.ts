// The basin map in headless Chromium: legend, colours, hover, zoom and the
// difference of two configurations.

import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { launchBrowser, startApp, type RunningApp } from '../helpers/browser.ts';
import { control } from '../helpers/appPage.ts';

describe('basin map', () => {
  let server: RunningApp;
  let browser: Browser;
  let page: Page;

  type Handle = {
    settings: any;
    change(next: unknown): boolean;
    screenPositionOf(x: number, y: number): { px: number; py: number };
    particleCount: number;
  };
  const app = () => page.evaluateHandle(() => (window as unknown as { downhill: Handle }).downhill);

  beforeAll(async () => {
    server = await startApp();
    browser = await launchBrowser();
    // Wide enough that the map sits between the side column and the panel, not under them.
    page = await browser.newPage({ viewport: { width: 1400, height: 800 }, deviceScaleFactor: 1 });
    await page.goto(server.url);
    await page.waitForFunction(() => ((window as unknown as { downhill?: { particleCount: number } }).downhill?.particleCount ?? 0) > 0, null, {
      timeout: 30_000,
    });
    await page.evaluate(() => {
      const downhill = (window as unknown as { downhill: Handle }).downhill;
      const run = { ...downhill.settings.runs[0], optimizer: { ...downhill.settings.runs[0].optimizer, lr: 0.01 } };
      downhill.change({ ...downhill.settings, surface: 'himmelblau', grid: 32, view: '2d', stepsPerFrame: 100, runs: [run], trails: false });
    });
    await page.waitForFunction(() => (window as unknown as { downhill: Handle }).downhill.settings.surface === 'himmelblau');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the panel turns the map on; the legend lists the four minima and their shares', async () => {
    await control(page, 'basin map').locator('select').selectOption({ label: 'map of the active configuration' }, { force: true });
    await expect.poll(() => page.locator('.basin-row').count()).toBe(7);
    await expect.poll(() => page.locator('#basin-legend').textContent(), { timeout: 60_000 }).toMatch(/not yet converged\s*0\.0%/);
    const text = await page.locator('#basin-legend').textContent();
    expect(text).toMatch(/\(3, 2\)\s*f = 0/);
    expect(text).toMatch(/\(-2\.805, 3\.131\)/);
    expect(text).toMatch(/diverged\s*0\.0%/);
    const shares = [...text!.matchAll(/(\d+\.\d)%/g)].map((match) => Number(match[1]));
    // Four basins, elsewhere, diverged, not converged: the shares add up to 100% within rounding of 0.05% each.
    expect(Math.abs(shares.reduce((a, b) => a + b, 0) - 100)).toBeLessThanOrEqual(0.35);
  });

  test('the view shows the four basin colours', async () => {
    const png = PNG.sync.read(await page.locator('#view').screenshot());
    const expected = [
      [230, 159, 0],
      [86, 180, 233],
      [0, 158, 115],
      [204, 121, 167],
    ];
    for (const [r, g, b] of expected) {
      let near = 0;
      for (let k = 0; k < png.data.length; k += 4) {
        // The brightness factor (0.35 to 1) and the lighting scale the legend
        // colour and add a little white, so compare directions in RGB space:
        // a lit orange (176, 120, 24) is at cosine 0.988 from (230, 159, 0).
        const [pr, pg, pb] = [png.data[k], png.data[k + 1], png.data[k + 2]];
        const cosine = (pr * r + pg * g + pb * b) / (Math.hypot(pr, pg, pb) * Math.hypot(r, g, b) + 1e-9);
        if (cosine > 0.975 && pr + pg + pb > 60) {
          near++;
        }
      }
      // Each basin covers about a quarter of a map of at least 250 × 250 pixels.
      expect(near, `pixels of colour ${r},${g},${b}`).toBeGreaterThan(1500);
    }
  });

  test('hovering a start tells where it went', async () => {
    // The centre of the cell in column 28 and row 26 of 32 over [−5, 5]². A cell
    // is about 18 pixels wide here, so the pointer's path from 5 pixels up and left
    // stays in this cell, and a tooltip from any point on it names the same start.
    const target = await (await app()).evaluate((downhill) => downhill.screenPositionOf(3.906, 3.281));
    const box = (await page.locator('#view').boundingBox())!;
    await page.mouse.move(box.x + target.px - 5, box.y + target.py - 5);
    await page.mouse.move(box.x + target.px, box.y + target.py, { steps: 3 });
    await expect.poll(() => page.locator('.map-tooltip').textContent()).toMatch(/start 860: \(3\.906, 3\.281\)/);
    expect(await page.locator('.map-tooltip').textContent()).toMatch(/basin of \(3, 2\) after \d+ updates/);
  });

  test('shift-drag re-grids a region, and the panel zooms back out', async () => {
    const box = (await page.locator('#view').boundingBox())!;
    const handle = await app();
    const from = await handle.evaluate((downhill) => downhill.screenPositionOf(-1, -1));
    const to = await handle.evaluate((downhill) => downhill.screenPositionOf(1, 1));
    await page.keyboard.down('Shift');
    await page.mouse.move(box.x + from.px, box.y + from.py);
    await page.mouse.down();
    await page.mouse.move(box.x + to.px, box.y + to.py, { steps: 5 });
    await page.mouse.up();
    await page.keyboard.up('Shift');

    await expect.poll(() => handle.evaluate((downhill) => downhill.settings.domain ?? null)).not.toBeNull();
    const region = await handle.evaluate((downhill) => downhill.settings.domain);
    // The rectangle's corners land within a pixel or two of (±1, ±1).
    expect(region.xMin).toBeCloseTo(-1, 1);
    expect(region.xMax).toBeCloseTo(1, 1);
    expect(region.yMin).toBeCloseTo(-1, 1);
    expect(region.yMax).toBeCloseTo(1, 1);
    expect(await handle.evaluate((downhill) => downhill.particleCount)).toBe(32 * 32);

    await page.getByRole('button', { name: 'zoom out to the previous region' }).click();
    await expect.poll(() => handle.evaluate((downhill) => downhill.settings.domain ?? null)).toBeNull();
  });

  test('two configurations: difference view counts the starts whose basin differs', async () => {
    await page.evaluate(() => {
      const downhill = (window as unknown as { downhill: Handle }).downhill;
      const momentum = {
        ...downhill.settings.runs[0],
        optimizer: { ...downhill.settings.runs[0].optimizer, name: 'momentum', lr: 0.01, momentum: 0.9 },
      };
      downhill.change({ ...downhill.settings, runs: [downhill.settings.runs[0], momentum], basinView: 'difference' });
    });
    await expect.poll(() => page.locator('.basin-row.difference').textContent(), { timeout: 60_000 }).toMatch(/basin differs between 1 and 2: [1-9]\d*\.\d%/);

    // The difference map shows both configurations, so hovering a start describes both, by number.
    // The same cell centre as in the hover test above.
    const target = await (await app()).evaluate((downhill) => downhill.screenPositionOf(3.906, 3.281));
    const box = (await page.locator('#view').boundingBox())!;
    await page.mouse.move(box.x + target.px - 5, box.y + target.py - 5);
    await page.mouse.move(box.x + target.px, box.y + target.py, { steps: 3 });
    await expect.poll(() => page.locator('.map-tooltip').textContent()).toMatch(/start 860: \(3\.906, 3\.281\)[^]*2: end/);
    const tooltip = (await page.locator('.map-tooltip').textContent()) ?? '';
    expect(tooltip).toMatch(/1: end \(.+\), loss .+1: (basin of|diverged|converged elsewhere|not converged)/s);
    expect(tooltip).toMatch(/2: end \(.+\), loss .+2: (basin of|diverged|converged elsewhere|not converged)/s);
  });

  test('side by side: picked path in its own half', async () => {
    await page.evaluate(() => {
      const downhill = (window as unknown as { downhill: Handle & { pick(index: number): void } }).downhill;
      // At the default 100 updates per frame, start 860 converges within a few frames: a slower scene, from its starts, records its path.
      downhill.change({ ...downhill.settings, basinView: 'side-by-side', active: 1, stepsPerFrame: 5 });
      (downhill as unknown as { reset(): void }).reset();
      downhill.pick(860);
    });
    await page.waitForFunction(() => (window as unknown as { downhill: { view: { splitRuns: boolean; basinMap?: unknown } } }).downhill.view.splitRuns);
    // The path is drawn once the pick has a few points; then the scene pauses so that the frames stay the same.
    await page.waitForTimeout(3000);
    await page.evaluate(() => {
      const downhill = (window as unknown as { downhill: Handle }).downhill;
      downhill.change({ ...downhill.settings, paused: true });
    });
    await page.waitForTimeout(1500);
    const halves = await page.evaluate(() => {
      const downhill = (window as unknown as { downhill: { screenPositionOf(x: number, y: number, half: 0 | 1): { px: number; py: number } } }).downhill;
      return ([0, 1] as const).map((half) => [downhill.screenPositionOf(-5, -5, half), downhill.screenPositionOf(5, 5, half)]);
    });
    /** Pixels that differ between two screenshots inside half `half`'s map. */
    const changed = (a: PNG, b: PNG, half: 0 | 1): number => {
      const [low, high] = halves[half];
      let count = 0;
      for (let y = Math.ceil(Math.min(low.py, high.py)); y < Math.floor(Math.max(low.py, high.py)); y++) {
        for (let x = Math.ceil(low.px); x < Math.floor(high.px); x++) {
          const k = 4 * (y * a.width + x);
          count += Number(Math.abs(a.data[k] - b.data[k]) + Math.abs(a.data[k + 1] - b.data[k + 1]) + Math.abs(a.data[k + 2] - b.data[k + 2]) > 24);
        }
      }
      return count;
    };
    const withPath = PNG.sync.read(await page.locator('#view').screenshot());
    await page.evaluate(() => {
      (window as unknown as { downhill: { view: { setPickedPath(points: unknown[], run: number): void } } }).downhill.view.setPickedPath([], 1);
    });
    await page.waitForTimeout(1000);
    const withoutPath = PNG.sync.read(await page.locator('#view').screenshot());
    // Momentum's path from (3.906, 3.281) runs for many updates: taking it away changes dozens of pixels in its half.
    expect(changed(withPath, withoutPath, 1), 'pixels of the path in the half of 2').toBeGreaterThan(30);
    expect(changed(withPath, withoutPath, 0), 'pixels of the path in the half of 1').toBe(0);
  });
});
