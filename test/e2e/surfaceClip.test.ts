// Losses above the drawn range in headless Chromium. The 3D mesh is cut at
// the top of the range with a light rim, where it used to end in a flat slab.
// The top-down view shows every colour uncut.

import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { openAppPage, waitForFrames } from '../helpers/appPage.ts';
import { launchBrowser, startApp, type RunningApp } from '../helpers/browser.ts';

/** Counts the pixels that `match` between the side column and the panel, above the colour bar. */
async function countPixels(page: Page, match: (r: number, g: number, b: number) => boolean): Promise<number> {
  const png = PNG.sync.read(await page.screenshot());
  let count = 0;
  for (let y = 60; y < 520; y++) {
    for (let x = 400; x < 960; x++) {
      const k = 4 * (y * png.width + x);
      if (match(png.data[k], png.data[k + 1], png.data[k + 2])) {
        count++;
      }
    }
  }
  return count;
}

/** Light grey: the rim's colour, lit. The picked particle's white arrows match too. */
const lightGrey = (r: number, g: number, b: number): boolean => Math.min(r, g, b) > 170 && Math.max(r, g, b) - Math.min(r, g, b) < 30;

/** The top colour of the colour map (viridis yellow), which the clipped losses take in the top-down view. */
const topYellow = (r: number, g: number, b: number): boolean => r > 200 && g > 200 && b < 100;

describe('clipped surface tops', () => {
  let server: RunningApp;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startApp();
    browser = await launchBrowser();
    page = await openAppPage(browser, server.url, { width: 1280, height: 800 }, pageErrors);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('goldstein-price in linear z: the cut shows a rim', async () => {
    // Paused, without trails and particles far below the top, so that only the mesh can be light grey.
    await page.evaluate(async () => {
      const downhill = (window as unknown as { downhill: any }).downhill;
      downhill.change({ ...downhill.settings, surface: 'goldstein-price', zScale: 'linear', view: '3d', trails: false, paused: true });
      await downhill.whenBuilt();
    });
    await waitForFrames(page, 3);
    const cut = await countPixels(page, lightGrey);

    // The same frame without the cut: the picked particle's arrows stay, the rim goes.
    await page.evaluate(() => {
      (window as unknown as { downhill: any }).downhill.view.surface.cutTop.value = 0;
    });
    await waitForFrames(page, 3);
    const uncut = await countPixels(page, lightGrey);
    // From the default camera the cut along the top of the wall at x = 2 shows edge-on as dozens of rim pixels.
    expect(cut - uncut).toBeGreaterThan(20);
  }, 180_000);

  test('the top-down view is not cut', async () => {
    await page.evaluate(() => {
      const downhill = (window as unknown as { downhill: any }).downhill;
      downhill.change({ ...downhill.settings, view: '2d' });
    });
    await waitForFrames(page, 3);
    // The clipped corner at (−2, 2) shows in the top colour between the particles rather than as a hole: 768 pixels in one run.
    expect(await countPixels(page, topYellow)).toBeGreaterThan(300);
  }, 180_000);

  test('no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
