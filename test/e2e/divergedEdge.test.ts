// Diverged particles in the 1D view, in headless Chromium, on WebGPU and in
// the CPU fallback. Past the drawn box they are clamped to its edge. Each edge
// they left by gets a bar of the diverged colour over the box's height, not a
// single dot at its corner (WebGPU) or nothing at all (the fallback).

import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { describe, expect, test } from 'vitest';

import { DIVERGED_COLOR } from '../../src/core/palette.ts';
import { openAppPage, waitForFrames, waitForState } from '../helpers/appPage.ts';
import { useAppSession } from '../helpers/appSession.ts';

/** Width, in CSS pixels, of the strip inside each vertical edge of the box in which the diverged colour is counted. */
const STRIP = 10;

/** Counts the pixels of the diverged colour in the strips inside the box's left and right edges, from a screenshot of the page. */
async function edgeStrips(page: Page): Promise<{ left: number; right: number; height: number; box: Record<string, number> }> {
  // The box: its left edge and its top and bottom from the vertical axis line, its right edge from the end of the horizontal one.
  const lines = await page.locator('.axes .axis-line').evaluateAll((elements) =>
    elements.map((element) => {
      const box = element.getBoundingClientRect();
      return { left: box.left, top: box.top, width: box.width, height: box.height };
    }),
  );
  const vertical = lines.find((line) => line.width <= 1 && line.height > 100)!;
  const horizontal = lines.find((line) => line.height <= 1 && line.width > 100)!;
  const box = { left: Math.round(vertical.left), right: Math.round(horizontal.left + horizontal.width), top: Math.round(vertical.top), bottom: Math.round(vertical.top + vertical.height) };

  const image = PNG.sync.read(await page.screenshot());
  // Within 30 per channel of the palette's colour: the bars are drawn unlit and opaque.
  const diverged = (x: number, y: number): boolean => {
    const k = 4 * (y * image.width + x);
    return DIVERGED_COLOR.every((channel, c) => Math.abs(image.data[k + c] - channel) <= 30);
  };
  const countInStrip = (from: number, to: number): number => {
    let count = 0;
    for (let y = box.top; y < box.bottom; y++) {
      for (let x = from; x < to; x++) {
        count += diverged(x, y) ? 1 : 0;
      }
    }
    return count;
  };
  const height = box.bottom - box.top;
  return { left: countInStrip(box.left, box.left + STRIP), right: countInStrip(box.right - STRIP, box.right), height, box };
}

/** Requires a bar at least 2 px wide down at least 80% of the box's height inside each vertical edge. */
function expectEdgeBars(strips: Awaited<ReturnType<typeof edgeStrips>>): void {
  const { left, right, height, box } = strips;
  expect(left, `diverged pixels inside the left edge, box ${JSON.stringify(box)}`).toBeGreaterThan(2 * 0.8 * height);
  expect(right, `diverged pixels inside the right edge, box ${JSON.stringify(box)}`).toBeGreaterThan(2 * 0.8 * height);
}

describe('diverged particles in 1D', () => {
  const session = useAppSession();

  test('edge bars mark the diverged', async () => {
    const errors: string[] = [];
    const page = await openAppPage(session.browser, session.server.url, { width: 1280, height: 800 }, errors);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.evaluate(async () => {
      const downhill = (window as unknown as { downhill: any }).downhill;
      downhill.applyPreset('Learning rate too large');
      await downhill.whenBuilt();
      // Ten updates a frame and no trails: 97% diverge within about 160 updates, and only particles lie near the edges.
      downhill.change({ ...downhill.settings, stepsPerFrame: 10, trails: false });
      await downhill.whenBuilt();
    });
    // 32 of the 33 starts diverge; the one at x = 0 stays.
    await waitForState(page, (state) => state.diverged === 32, 60_000);
    await waitForFrames(page, 3);

    // Without the bars the left strip had none (1,287 with them).
    expectEdgeBars(await edgeStrips(page));
    expect(errors).toEqual([]);
    await page.close();
  });

  test('CPU fallback: edge bars too', async () => {
    const errors: string[] = [];
    const page = await session.browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (error) => errors.push(error.message));
    // Without navigator.gpu the app runs the CPU reference in a Worker and draws on a 2D canvas.
    await page.addInitScript("Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined });");
    await page.goto(`${session.server.url}#v=1&surface=parabola&grid=33&run1.lr=1.05&stepsPerFrame=10&trails=false`);
    await waitForState(page, (state) => state.diverged === 32, 60_000);
    await page.waitForTimeout(500);
    // Without the bars both strips had no diverged pixel: the particles lay far off the canvas.
    expectEdgeBars(await edgeStrips(page));
    expect(errors).toEqual([]);
    await page.close();
  });
});
