// Diverged particles in the 1D view, in headless Chromium. Past the drawn box
// they are clamped to its edge. Each edge they left by gets a bar of the
// diverged colour over the box's height, not a single dot at its corner.

import { PNG } from 'pngjs';
import { describe, expect, test } from 'vitest';

import { DIVERGED_COLOR } from '../../src/core/palette.ts';
import { openAppPage, waitForFrames, waitForState } from '../helpers/appPage.ts';
import { useAppSession } from '../helpers/appSession.ts';

/** Width, in CSS pixels, of the strip inside each vertical edge of the box in which the diverged colour is counted. */
const STRIP = 10;

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
    const left = countInStrip(box.left, box.left + STRIP);
    const right = countInStrip(box.right - STRIP, box.right);
    const height = box.bottom - box.top;
    // A bar at least 2 px wide down at least 80% of the box's height. Without the bars the left strip had none (1,287 with them).
    expect(left, `diverged pixels inside the left edge, box ${JSON.stringify(box)}`).toBeGreaterThan(2 * 0.8 * height);
    expect(right, `diverged pixels inside the right edge, box ${JSON.stringify(box)}`).toBeGreaterThan(2 * 0.8 * height);
    expect(errors).toEqual([]);
    await page.close();
  });
});
