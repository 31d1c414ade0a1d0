// Axes of the 2D and 1D views: the tick labels read round values and sit at
// the canvas pixels where the view draws those coordinates, before and after a
// zoom, and the 3D view has none.

import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';

import { waitForFrames } from '../helpers/appPage.ts';
import { useAppSession } from '../helpers/appSession.ts';

/**
 * Largest distance, in CSS pixels, between a label's centre and the pixel of
 * its coordinate: the labels are placed at fractional pixels, and text boxes
 * are rounded to whole ones.
 */
const TOLERANCE = 1.5;

interface Label {
  text: string;
  value: number;
  /** Centre of the label's box and the box's edges, in CSS pixels. */
  x: number;
  y: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

async function readLabels(page: Page, axis: 'x' | 'y'): Promise<Label[]> {
  return page.evaluate((which) => {
    return Array.from(document.querySelectorAll(`.axes .axis-label-${which}`)).map((element) => {
      const rect = element.getBoundingClientRect();
      return {
        text: element.textContent ?? '',
        value: Number((element as HTMLElement).dataset.value),
        x: (rect.left + rect.right) / 2,
        y: (rect.top + rect.bottom) / 2,
        left: rect.left,
        right: rect.right,
        top: rect.top,
        bottom: rect.bottom,
      };
    });
  }, axis);
}

/** Canvas pixel where the view draws the surface point (x, y) at `loss` (the 1D view draws the loss upwards). */
async function pixelOf(page: Page, x: number, y: number, loss = 0): Promise<{ px: number; py: number }> {
  return page.evaluate(
    ([px, py, value]) => (window as unknown as { downhill: { view: { screenPositionOf(x: number, y: number, loss: number): { px: number; py: number } } } }).downhill.view.screenPositionOf(px, py, value),
    [x, y, loss] as const,
  );
}

/** Steps between neighbouring values: all alike, and 1, 2 or 5 × 10^k. */
function expectNiceSteps(values: number[]): number {
  expect(values.length, `ticks ${values.join(', ')}`).toBeGreaterThanOrEqual(3);
  const step = values[1] - values[0];
  for (let k = 1; k < values.length; k++) {
    expect(values[k] - values[k - 1], `step between ${values[k - 1]} and ${values[k]}`).toBeCloseTo(step, 9);
  }
  const mantissa = step / 10 ** Math.floor(Math.log10(step));
  expect([1, 2, 5].some((nice) => Math.abs(mantissa - nice) < 1e-9), `step ${step}`).toBe(true);
  return step;
}

describe('axes', () => {
  const session = useAppSession();

  async function openApp(width: number, height: number, hash: string): Promise<Page> {
    const page = await session.browser.newPage({ viewport: { width, height }, deviceScaleFactor: 1 });
    await page.goto(`${session.server.url}${hash}`);
    await page.waitForFunction(() => ((window as unknown as { downhill?: { particleCount: number } }).downhill?.particleCount ?? 0) > 0, null, {
      timeout: 60_000,
    });
    await page.evaluate(() => (window as unknown as { downhill: { change(settings: object): void; settings: object } }).downhill.change({
      ...(window as unknown as { downhill: { settings: object } }).downhill.settings,
      paused: true,
    }));
    await waitForFrames(page, 3);
    return page;
  }

  /**
   * Checks that every label reads its value and sits at the pixel of that
   * coordinate, and with `edgesInSight`, outside the map; returns the labels.
   */
  async function checkLabels(page: Page, domain: { xMin: number; yMin: number }, edgesInSight: boolean): Promise<{ x: Label[]; y: Label[] }> {
    const x = await readLabels(page, 'x');
    const y = await readLabels(page, 'y');
    for (const label of x) {
      expect(label.text, 'x label').toBe(String(label.value));
      const target = await pixelOf(page, label.value, domain.yMin);
      expect(Math.abs(label.x - target.px), `x label ${label.text} at ${label.x}, coordinate at ${target.px}`).toBeLessThanOrEqual(TOLERANCE);
      if (edgesInSight) {
        // Below the domain's bottom edge, so no label lies over the map.
        expect(label.top, `x label ${label.text} below the map`).toBeGreaterThan(target.py);
      }
    }
    for (const label of y) {
      expect(label.text, 'y label').toBe(String(label.value));
      const target = await pixelOf(page, domain.xMin, label.value);
      expect(Math.abs(label.y - target.py), `y label ${label.text} at ${label.y}, coordinate at ${target.py}`).toBeLessThanOrEqual(TOLERANCE);
      if (edgesInSight) {
        expect(label.right, `y label ${label.text} left of the map`).toBeLessThan(target.px);
      }
    }
    return { x, y };
  }

  test('2D view of himmelblau, before and after a zoom', async () => {
    const page = await openApp(1280, 800, '#v=1&surface=himmelblau&view=2d');
    try {
      const before = await checkLabels(page, { xMin: -5, yMin: -5 }, true);
      // Domain [-5, 5]² at about 43 px per unit: every whole number fits.
      expect(before.x.map((label) => label.text)).toEqual(['-5', '-4', '-3', '-2', '-1', '0', '1', '2', '3', '4', '5']);
      expect(before.y.map((label) => label.value).sort((a, b) => a - b)).toEqual([-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5]);

      // Labels stay between the side column and the panel.
      const [sideRight, panelLeft] = await page.evaluate(() => [
        document.querySelector('.side')!.getBoundingClientRect().right,
        document.querySelector('.lil-gui.lil-root')!.getBoundingClientRect().left,
      ]);
      const expectInRoom = (labels: Label[]) => {
        for (const label of labels) {
          expect(label.left, `label ${label.text}`).toBeGreaterThanOrEqual(sideRight);
          expect(label.right, `label ${label.text}`).toBeLessThanOrEqual(panelLeft);
          expect(label.top, `label ${label.text}`).toBeGreaterThanOrEqual(0);
          expect(label.bottom, `label ${label.text}`).toBeLessThanOrEqual(800);
        }
      };
      expectInRoom([...before.x, ...before.y]);

      // Zoom in with the mouse wheel over the map's centre.
      const centre = await pixelOf(page, 0, 0);
      await page.mouse.move(centre.px, centre.py);
      for (let k = 0; k < 6; k++) {
        await page.mouse.wheel(0, -400);
        await waitForFrames(page, 1);
      }
      await page.waitForFunction(
        () => {
          const downhill = (window as unknown as { downhill: { view: { cameraState(): { zoom: number } } } }).downhill;
          const zoom = downhill.view.cameraState().zoom;
          const state = window as unknown as { lastZoom?: number };
          const settled = state.lastZoom === zoom;
          state.lastZoom = zoom;
          return settled;
        },
        null,
        { polling: 500, timeout: 30_000 },
      );
      await waitForFrames(page, 2);
      const zoom = await page.evaluate(() => (window as unknown as { downhill: { view: { cameraState(): { zoom: number } } } }).downhill.view.cameraState().zoom);
      expect(zoom, 'zoom after the wheel').toBeGreaterThan(1.5);
      // The wheel zooms about the cursor, as map and plot tools do: the point under it stays put (the map does not drift to one side).
      const centreAfter = await pixelOf(page, 0, 0);
      expect(Math.abs(centreAfter.px - centre.px), 'x pixel of (0, 0) after the zoom').toBeLessThanOrEqual(2);
      expect(Math.abs(centreAfter.py - centre.py), 'y pixel of (0, 0) after the zoom').toBeLessThanOrEqual(2);

      const after = await checkLabels(page, { xMin: -5, yMin: -5 }, false);
      expectInRoom([...after.x, ...after.y]);
      const xValues = after.x.map((label) => label.value);
      const xStep = expectNiceSteps(xValues);
      // Zoomed in, the domain's edges are out of sight: fewer units show, so the step is finer and the ends are inside the domain.
      expect(xStep, 'x step after the zoom').toBeLessThan(1);
      expect(Math.min(...xValues)).toBeGreaterThan(-5);
      expect(Math.max(...xValues)).toBeLessThan(5);
      expectNiceSteps(after.y.map((label) => label.value).sort((a, b) => a - b));

      // The 3D view and back: the top-down view keeps its zoom and the point under the cursor.
      for (const view of ['3d', '2d']) {
        await page.evaluate((next) => {
          const downhill = (window as unknown as { downhill: { change(settings: object): void; settings: object } }).downhill;
          downhill.change({ ...downhill.settings, view: next });
        }, view);
        await waitForFrames(page, 2);
      }
      const zoomBack = await page.evaluate(() => (window as unknown as { downhill: { view: { cameraState(): { zoom: number } } } }).downhill.view.cameraState().zoom);
      expect(zoomBack, 'zoom after the 3D view and back').toBeCloseTo(zoom, 6);
      const centreBack = await pixelOf(page, 0, 0);
      expect(Math.abs(centreBack.px - centre.px), 'x pixel of (0, 0) after the 3D view and back').toBeLessThanOrEqual(2);
    } finally {
      await page.close();
    }
  }, 180_000);

  test('thin domain: y range in the title', async () => {
    // x spans 200000 and y 0.001: at one scale on both axes the map is under a pixel tall, too short for a y tick.
    const page = await openApp(1280, 800, '#v=1&formula=x%5E2%2By%5E2&domain=-100000,100000,0,0.001&view=2d&grid=16');
    try {
      const texts = await page.evaluate(() => ({
        x: [...document.querySelectorAll('.axes .axis-label-x')].map((label) => label.textContent),
        y: [...document.querySelectorAll('.axes .axis-label-y')].map((label) => label.textContent),
        yTitle: document.querySelector('.axes .axis-title-y')?.textContent,
      }));
      expect(texts.y).toEqual([]);
      expect(texts.yTitle).toBe('y from 0 to 0.001');
      // The x ticks are written alike: "100000" beside "50000", not "1e5".
      expect(texts.x).toContain('100000');
      expect(texts.x).toContain('-50000');
    } finally {
      await page.close();
    }
  }, 120_000);

  test('side by side, stacked: labels apart and in view', async () => {
    // At 1280 × 800 the room between the panels is taller than wide, so the two maps are stacked.
    const page = await openApp(1280, 800, '#v=1&surface=himmelblau&view=2d&grid=16&basinView=side-by-side&run2.optimizer=adam&run2.lr=0.05');
    try {
      const boxes = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('.axes .axis-label, .axes .axis-title')].map((part) => {
          const box = part.getBoundingClientRect();
          return { text: part.textContent, left: box.left, top: box.top, right: box.right, bottom: box.bottom };
        }),
      );
      expect(boxes.filter((box) => box.text === 'y'), 'a y title per map').toHaveLength(2);
      for (const box of boxes) {
        expect(box.top, `top of "${box.text}"`).toBeGreaterThanOrEqual(0);
        expect(box.bottom, `bottom of "${box.text}"`).toBeLessThanOrEqual(800);
      }
      for (const [k, a] of boxes.entries()) {
        for (const b of boxes.slice(k + 1)) {
          const apart = a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
          expect(apart, `"${a.text}" at (${a.left}, ${a.top}) and "${b.text}" at (${b.left}, ${b.top})`).toBe(true);
        }
      }
    } finally {
      await page.close();
    }
  }, 120_000);

  test('3D view hides the axes', async () => {
    const page = await openApp(1280, 800, '#v=1&surface=himmelblau&view=2d');
    try {
      expect(await page.locator('.axes .axis-label').count(), 'labels in the 2D view').toBeGreaterThan(10);
      await page.evaluate(() => {
        const downhill = (window as unknown as { downhill: { change(settings: object): void; settings: object } }).downhill;
        downhill.change({ ...downhill.settings, view: '3d' });
      });
      await waitForFrames(page, 2);
      expect(await page.locator('.axes > *').count(), 'parts of the axes in the 3D view').toBe(0);
    } finally {
      await page.close();
    }
  }, 120_000);

  test('1D view labels x and the loss', async () => {
    const page = await openApp(1000, 700, '#v=1&surface=double-well');
    try {
      const x = await readLabels(page, 'x');
      expect(x.map((label) => label.text)).toEqual(['-2', '-1', '0', '1', '2']);
      for (const label of x) {
        const target = await pixelOf(page, label.value, 0, 0);
        expect(Math.abs(label.x - target.px), `x label ${label.text}`).toBeLessThanOrEqual(TOLERANCE);
      }
      const loss = await readLabels(page, 'y');
      expectNiceSteps(loss.map((label) => label.value).sort((a, b) => a - b));
      for (const label of loss) {
        expect(label.text, 'loss label').toBe(String(label.value));
        const target = await pixelOf(page, -2, 0, label.value);
        expect(Math.abs(label.y - target.py), `loss label ${label.text} at ${label.y}, loss at ${target.py}`).toBeLessThanOrEqual(TOLERANCE);
      }
      expect(await page.locator('.axes .axis-title-y').textContent()).toBe('loss');
    } finally {
      await page.close();
    }
  }, 120_000);
});
