// The page before the app runs. index.html's own "Starting WebGPU…" line sits
// in the middle of the window while the script loads and goes once the first
// scene is drawn. When neither WebGPU nor the CPU fallback starts, a page
// explains why.

import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';

import { useAppSession } from '../helpers/appSession.ts';

const VIEWPORT = { width: 1000, height: 700 };

/** Takes WebGPU away and makes every Worker constructor throw, so that the CPU fallback cannot start either. */
const WITHOUT_GPU_AND_WORKERS =
  "Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined }); window.Worker = function () { throw new Error('test: no Worker'); };";

describe('loading', () => {
  const session = useAppSession();

  async function newPage(): Promise<Page> {
    return session.browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  }

  test('line shows before the script runs', async () => {
    const page = await newPage();
    try {
      // The app's script is held back until the line has been measured.
      let release = (): void => undefined;
      const scriptHeld = new Promise<void>((resolve) => {
        release = resolve;
      });
      await page.route(/\/assets\/index-[^/]*\.js$/, async (route) => {
        await scriptHeld;
        await route.continue();
      });
      // A module script delays DOMContentLoaded, so the test waits for the page's stylesheet instead.
      await page.goto(session.server.url, { waitUntil: 'commit' });
      await page.waitForFunction(() => {
        const loading = document.getElementById('loading');
        return loading !== null && getComputedStyle(loading).position === 'absolute';
      });

      const line = page.locator('#loading .loading-step');
      expect(await line.textContent()).toBe('Starting WebGPU…');
      const box = (await line.boundingBox())!;
      // Centred in the window, within 2 pixels, with a size that text has.
      expect(Math.abs(box.x + box.width / 2 - VIEWPORT.width / 2), 'horizontal centre').toBeLessThanOrEqual(2);
      expect(Math.abs(box.y + box.height / 2 - VIEWPORT.height / 2), 'vertical centre').toBeLessThanOrEqual(2);
      expect(box.width, 'width of the line').toBeGreaterThan(60);
      expect(box.height, 'height of the line').toBeGreaterThan(10);
      // The note for a slow start waits its 20 s.
      expect(await page.locator('#loading .loading-slow').isVisible()).toBe(false);

      release();
      await page.waitForFunction(() => ((window as unknown as { downhill?: { particleCount: number } }).downhill?.particleCount ?? 0) > 0, null, { timeout: 60_000 });
      await expect.poll(() => page.locator('#loading').count()).toBe(0);
    } finally {
      await page.close();
    }
  }, 120_000);

  test('failed start explains itself', async () => {
    const page = await newPage();
    try {
      await page.addInitScript(WITHOUT_GPU_AND_WORKERS);
      await page.goto(session.server.url);
      const blocker = page.locator('.blocker');
      await expect.poll(() => blocker.textContent(), { timeout: 60_000 }).toMatch(/downhill could not start/);
      expect(await blocker.textContent()).toMatch(/WebGPU did not start, and the CPU fallback failed: test: no Worker/);
      expect(await page.locator('#loading').count()).toBe(0);
      const box = (await blocker.locator('article').boundingBox())!;
      expect(box.width, 'width of the message').toBeGreaterThan(200);
      expect(box.y, 'top of the message').toBeGreaterThanOrEqual(0);
      expect(box.y + box.height, 'bottom of the message').toBeLessThanOrEqual(VIEWPORT.height);
    } finally {
      await page.close();
    }
  }, 120_000);
});
