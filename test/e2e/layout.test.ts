// The layout at window sizes from 800 to 1600 pixels wide: the side column,
// the panel, the colour bar and the notices do not overlap, stay inside the
// window, and leave the canvas a usable area between them.

import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { describe, expect, test } from 'vitest';

import { useAppSession } from '../helpers/appSession.ts';

interface Box {
  name: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Reads the boxes of the overlays that must not overlap, in CSS pixels. */
async function overlayBoxes(page: Page): Promise<{ boxes: Box[]; status: Box; side: Box }> {
  return page.evaluate(() => {
    const box = (name: string, element: Element): Box => {
      const rect = element.getBoundingClientRect();
      return { name, left: rect.left, top: rect.top, right: rect.right, bottom: rect.bottom };
    };
    const one = (selector: string): Element => {
      const element = document.querySelector(selector);
      if (!element) throw new Error(`${selector} not found`);
      return element;
    };
    const boxes = [box('side column', one('.side')), box('panel', one('.lil-gui.lil-root')), box('colour bar', one('.color-legend'))];
    document.querySelectorAll('.notice').forEach((notice, k) => boxes.push(box(`notice ${k + 1}`, notice)));
    return { boxes, status: box('status', one('#status')), side: boxes[0] };
  });
}

function overlaps(a: Box, b: Box): boolean {
  return a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
}

describe('layout', () => {
  const session = useAppSession();

  /** Opens the app in a window of `width` × `height` at `hash`, once its particles exist. */
  async function openApp(width: number, height: number, hash = ''): Promise<Page> {
    const page = await session.browser.newPage({ viewport: { width, height }, deviceScaleFactor: 1 });
    await page.goto(`${session.server.url}${hash}`);
    await page.waitForFunction(() => ((window as unknown as { downhill?: { particleCount: number } }).downhill?.particleCount ?? 0) > 0, null, {
      timeout: 60_000,
    });
    return page;
  }

  test.each([
    [1000, 700],
    [1100, 800],
    [1280, 800],
  ])('%i × %i: overlays do not overlap', async (width, height) => {
    const page = await openApp(width, height);
    try {
      // Two configurations with their basin legend, the plot, the inspector, a verify report and an error notice: the fullest side column.
      await page.evaluate(async () => {
        const downhill = (window as unknown as { downhill: any }).downhill;
        const base = downhill.settings.runs[0];
        const second = { ...base, optimizer: { ...base.optimizer, name: 'momentum', momentum: 0.9 } };
        downhill.change({ ...downhill.settings, surface: 'himmelblau', grid: 32, runs: [base, second], basinView: 'side-by-side' });
        await downhill.whenBuilt();
        await downhill.verify();
        downhill.change({ ...downhill.settings, grid: -1 });
      });
      await page.waitForFunction(() => document.querySelectorAll('.notice.error').length > 0 && document.querySelector('.verify-text') !== null);
      await page.waitForFunction(() => /verify: GPU and CPU float32 disagree/.test(document.querySelector('#basin-legend')!.textContent ?? ''), null, { timeout: 30_000 });

      // The report's figures and the basin legend with its verify entries are in sight together, inside the
      // side column above its sticky status line, and nothing in the report scrolls on its own.
      const report = await page.evaluate(() => {
        const rect = (selector: string) => {
          const box = document.querySelector(selector)!.getBoundingClientRect();
          return { top: box.top, bottom: box.bottom };
        };
        const nested = [...document.querySelectorAll<HTMLElement>('#verify, #verify *')]
          .filter((element) => element.scrollHeight > element.clientHeight + 1 && getComputedStyle(element).overflowY !== 'visible')
          .map((element) => element.className || element.tagName);
        return { side: rect('.side'), status: rect('#status'), legend: rect('#basin-legend'), text: rect('#verify .verify-text'), nested };
      });
      expect(report.nested, 'scroll boxes inside the report').toEqual([]);
      expect(report.legend.top, 'top of the basin legend').toBeGreaterThanOrEqual(report.side.top - 0.5);
      expect(report.text.top, 'top of the report').toBeGreaterThan(report.legend.bottom);
      expect(report.text.bottom, 'bottom of the report').toBeLessThanOrEqual(report.status.top + 0.5);

      const { boxes, status, side } = await overlayBoxes(page);
      // The basin map hides the colour bar, so the panel may run to the window's foot instead of stopping above the bar.
      // Its folders are longer than any of these windows, so it reaches the foot and scrolls.
      const panelRoom = await page.evaluate(() => {
        const panel = document.querySelector<HTMLElement>('.lil-gui.lil-root')!;
        const scrolls = [panel, ...panel.querySelectorAll<HTMLElement>('.lil-children')].some((element) => element.scrollHeight > element.clientHeight + 1);
        return { bar: document.querySelector<HTMLElement>('.color-legend')!.hidden, bottom: panel.getBoundingClientRect().bottom, scrolls };
      });
      expect(panelRoom.bar, 'colour bar hidden').toBe(true);
      expect(panelRoom.scrolls, 'panel scrolls').toBe(true);
      expect(panelRoom.bottom, 'bottom of the panel').toBeGreaterThanOrEqual(height - 12);
      for (const box of boxes) {
        expect(box.top, `top of the ${box.name}`).toBeGreaterThanOrEqual(0);
        expect(box.left, `left of the ${box.name}`).toBeGreaterThanOrEqual(0);
        expect(box.bottom, `bottom of the ${box.name}`).toBeLessThanOrEqual(height);
        expect(box.right, `right of the ${box.name}`).toBeLessThanOrEqual(width);
      }
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          expect(overlaps(boxes[i], boxes[j]), `${boxes[i].name} ${JSON.stringify(boxes[i])} against ${boxes[j].name} ${JSON.stringify(boxes[j])}`).toBe(false);
        }
      }
      // Side by side in the top-down view, both maps lie between the side column and the panel
      // where that leaves room (at least 0.4 of the height, as for a single map), so neither hides under them.
      const panelBox = boxes[1];
      if (panelBox.left - side.right >= 0.4 * height) {
        await page.evaluate(async () => {
          const downhill = (window as unknown as { downhill: any }).downhill;
          // Verifying showed the map of marks, so the side-by-side view is set again.
          downhill.change({ ...downhill.settings, view: '2d', grid: 32, basinView: 'side-by-side' });
          await downhill.whenBuilt();
        });
        // The basin maps arrive a few frames after the scene; until then the view is a single map.
        await page.waitForFunction(() => {
          const view = (window as unknown as { downhill: { view: { basinMap?: unknown; splitRuns: boolean } } }).downhill.view;
          return view.basinMap !== undefined && view.splitRuns;
        });
        const maps: { px: number; py: number }[][] = [];
        for (const half of [0, 1] as const) {
          const corners = await page.evaluate(
            (which) => {
              const downhill = (window as unknown as { downhill: { screenPositionOf(x: number, y: number, half: 0 | 1): { px: number; py: number } } }).downhill;
              return [downhill.screenPositionOf(-5, -5, which), downhill.screenPositionOf(5, 5, which)];
            },
            half,
          );
          for (const corner of corners) {
            expect(corner.px, `map ${half + 1}, x of a corner`).toBeGreaterThanOrEqual(side.right);
            expect(corner.px, `map ${half + 1}, x of a corner`).toBeLessThanOrEqual(panelBox.left);
          }
          expect(corners[1].px - corners[0].px, `map ${half + 1}, width`).toBeGreaterThan(150);
          maps.push(corners);
        }
        // The second map lies wholly right of the first or wholly below it (y grows downwards, so (5, 5) is the top right).
        const [first, second] = maps.map((corners) => ({ left: corners[0].px, right: corners[1].px, top: corners[1].py, bottom: corners[0].py }));
        expect(second.left >= first.right || second.top >= first.bottom, `maps ${JSON.stringify(first)} and ${JSON.stringify(second)} apart`).toBe(true);
        // The arrangement that draws the maps larger: one above the other here, at 1280 × 800 each about 350 px wide (side by side, 245 px).
        expect(second.top, 'map 2 below map 1').toBeGreaterThanOrEqual(first.bottom);
        if (width === 1280) {
          expect(first.right - first.left, 'width of map 1').toBeGreaterThan(300);
        }
      }

      // A single top-down map lies between the side column and the panel, hidden by neither.
      await page.evaluate(async () => {
        const downhill = (window as unknown as { downhill: any }).downhill;
        downhill.change({ ...downhill.settings, view: '2d', basinView: 'map' });
        await downhill.whenBuilt();
      });
      const single = await page.evaluate(() => {
        const downhill = (window as unknown as { downhill: { screenPositionOf(x: number, y: number): { px: number; py: number } } }).downhill;
        return [downhill.screenPositionOf(-5, -5), downhill.screenPositionOf(5, 5)];
      });
      for (const corner of single) {
        expect(corner.px, 'single map, x of a corner').toBeGreaterThanOrEqual(side.right);
        expect(corner.px, 'single map, x of a corner').toBeLessThanOrEqual(boxes[1].left);
      }

      // The status line stays in sight at the bottom of the side column, however tall the column.
      expect(status.top).toBeGreaterThanOrEqual(side.top);
      expect(status.bottom).toBeLessThanOrEqual(side.bottom + 0.5);
      // Between the side column and the panel at least 280 pixels of canvas stay free.
      const panel = boxes[1];
      expect(panel.left - side.right).toBeGreaterThanOrEqual(280);
    } finally {
      await page.close();
    }
  }, 300_000);

  test.each([
    [1280, 800],
    [1600, 900],
  ])('%i × %i: top-down map clear of the colour bar', async (width, height) => {
    const page = await openApp(width, height, '#v=1&view=2d');
    try {
      // The corners of the quadratic's domain [-2, 2]² on the canvas, and the colour bar.
      const read = () =>
        page.evaluate(() => {
          const downhill = (window as unknown as { downhill: { screenPositionOf(x: number, y: number): { px: number; py: number } } }).downhill;
          const low = downhill.screenPositionOf(-2, -2);
          const high = downhill.screenPositionOf(2, 2);
          const legend = document.querySelector('.color-legend') as HTMLElement;
          const rect = legend.getBoundingClientRect();
          return {
            map: { name: 'map', left: low.px, top: high.py, right: high.px, bottom: low.py },
            bar: { name: 'colour bar', left: rect.left, top: rect.top, right: rect.right, bottom: rect.bottom },
            hidden: legend.hidden,
          };
        });
      const beforeBasins = await read();
      expect(beforeBasins.hidden).toBe(false);
      expect(beforeBasins.map.right - beforeBasins.map.left, 'map width in pixels').toBeGreaterThan(300);
      expect(overlaps(beforeBasins.map, beforeBasins.bar), `map ${JSON.stringify(beforeBasins.map)} against colour bar ${JSON.stringify(beforeBasins.bar)}`).toBe(false);

      // A basin map colours the surface by basin, so the loss colour bar hides, and returns after.
      await page.evaluate(async () => {
        const downhill = (window as unknown as { downhill: any }).downhill;
        downhill.change({ ...downhill.settings, basinView: 'map' });
        await downhill.whenBuilt();
      });
      expect((await read()).hidden).toBe(true);
      await page.evaluate(async () => {
        const downhill = (window as unknown as { downhill: any }).downhill;
        downhill.change({ ...downhill.settings, basinView: 'off' });
        await downhill.whenBuilt();
      });
      expect((await read()).hidden).toBe(false);
    } finally {
      await page.close();
    }
  }, 300_000);
  test.each([
    [1000, 700],
    [1280, 800],
  ])('%i × %i: basin map edge without surface line', async (width, height) => {
    const page = await openApp(width, height, '#v=1&view=2d&surface=himmelblau&grid=64&basinView=map');
    try {
      // Particles hidden, so that the rows below show the map alone.
      await page.evaluate(async () => {
        const downhill = (window as unknown as { downhill: any }).downhill;
        downhill.change({ ...downhill.settings, runs: [{ ...downhill.settings.runs[0], visible: false }] });
        await downhill.whenBuilt();
      });
      await page.waitForFunction(() => (window as unknown as { downhill: { view: { basinMap?: unknown } } }).downhill.view.basinMap !== undefined);
      await page.waitForTimeout(500);
      const [low, high] = await page.evaluate(() => {
        const downhill = (window as unknown as { downhill: { screenPositionOf(x: number, y: number): { px: number; py: number } } }).downhill;
        return [downhill.screenPositionOf(-5, -5), downhill.screenPositionOf(5, 5)];
      });
      // The map's top row of cells is a 64th of its height, about 3.9 pixels at 1000 × 700. Its first pixel row
      // is the one whose centre the rasterizer keeps: the centre on the edge, or the next below.
      const left = Math.ceil(low.px) + 2;
      const right = Math.floor(high.px) - 2;
      const top = Math.round(high.py - 0.5);
      const image = PNG.sync.read(await page.screenshot({ clip: { x: left, y: top, width: right - left, height: 3 } }));
      const pixel = (x: number, y: number): number => image.data.readUInt32BE(4 * (y * image.width + x));
      // Where the map's own first row starts below the screenshot's first row, that row is background.
      const background = pixel(0, 0) === 0x101418ff;
      const first = background ? 1 : 0;
      let same = 0;
      for (let x = 0; x < image.width; x++) {
        if (pixel(x, first) === pixel(x, first + 1)) {
          same++;
        }
      }
      // Both rows lie in the top row of cells, so they match; the 5% allows for antialiasing on a GPU that has it.
      expect(same / image.width, `share of the top map row equal to the row below, rows from ${top + first}`).toBeGreaterThan(0.95);
    } finally {
      await page.close();
    }
  }, 120_000);

  test.each([
    [1000, 700],
    [1280, 800],
  ])('%i × %i: panel menus and title fit their text', async (width, height) => {
    const page = await openApp(width, height, '#v=1&grid=16&paused=1');
    try {
      // The widest menu entries: a momentum sweep's second axis and two configurations side by side.
      await page.evaluate(async () => {
        const downhill = (window as unknown as { downhill: any }).downhill;
        const base = downhill.settings.runs[0];
        const run = { ...base, optimizer: { ...base.optimizer, name: 'momentum', momentum: 0.9 } };
        downhill.change({ ...downhill.settings, surface: 'himmelblau', runs: [run, { ...run }], basinView: 'side-by-side' });
        await downhill.whenBuilt();
        downhill.change({ ...downhill.settings, sweep: { ...downhill.settings.sweep, enabled: true, second: 'momentum', lrCount: 4, secondCount: 4 } });
        await downhill.whenBuilt();
      });
      // Every folder open, so that the panel's folders scroll under its title.
      await page.evaluate(() => {
        for (const folder of document.querySelectorAll('.lil-gui.lil-closed')) {
          (folder.querySelector(':scope > .lil-title') as HTMLElement).click();
        }
      });
      await page.waitForTimeout(500);

      const menus = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('.lil-gui .lil-controller.lil-option')]
          .filter((controller) => controller.offsetParent !== null)
          .map((controller) => {
            const display = controller.querySelector<HTMLElement>('.lil-display')!;
            const text = document.createRange();
            text.selectNodeContents(display);
            return { name: controller.querySelector('.lil-name')!.textContent, text: display.textContent, lines: text.getClientRects().length, scrollWidth: display.scrollWidth, clientWidth: display.clientWidth };
          }),
      );
      expect(menus.map((menu) => menu.text)).toContain('momentum (phase map)');
      expect(menus.map((menu) => menu.text)).toContain('configurations 1 and 2 side by side');
      for (const menu of menus.filter((each) => each.text !== '')) {
        expect(menu.lines, `lines of the ${menu.name} menu's "${menu.text}"`).toBe(1);
        expect(menu.scrollWidth, `width of the ${menu.name} menu's "${menu.text}"`).toBeLessThanOrEqual(menu.clientWidth);
      }

      const title = await page.evaluate(() => {
        const root = document.querySelector('.lil-gui.lil-root')!;
        const children = root.querySelector<HTMLElement>(':scope > .lil-children')!;
        const element = root.querySelector<HTMLElement>(':scope > .lil-title')!;
        return { scrolls: children.scrollHeight > children.clientHeight, height: element.clientHeight, scrollHeight: element.scrollHeight };
      });
      expect(title.scrolls, 'panel folders scroll').toBe(true);
      expect(title.height, 'height of the panel title').toBeGreaterThanOrEqual(title.scrollHeight);
    } finally {
      await page.close();
    }
  }, 120_000);

  test.each([
    [800, 560],
    [860, 590],
  ])('%i × %i: colour bar fits beside the side column', async (width, height) => {
    const page = await openApp(width, height, '#v=1&view=2d');
    try {
      const { boxes } = await overlayBoxes(page);
      const [side, panel, bar] = boxes;
      expect(bar.right - bar.left, 'colour bar width').toBeGreaterThan(40);
      expect(bar.left, 'left of the colour bar').toBeGreaterThanOrEqual(side.right);
      expect(bar.right, 'right of the colour bar').toBeLessThanOrEqual(panel.left);
      expect(bar.bottom, 'bottom of the colour bar').toBeLessThanOrEqual(height);
      // The range breaks between its two values, not inside one.
      const lineCounts = await page.locator('.color-legend-range span').evaluateAll((spans) => spans.map((span) => span.getClientRects().length));
      expect(lineCounts).toEqual([1, 1]);
    } finally {
      await page.close();
    }
  }, 120_000);

  test('a window made narrow gets the H notice once', async () => {
    const page = await openApp(1280, 800, '#v=1&view=2d&grid=16');
    try {
      const advice = async () => (await page.locator('.notice').allTextContents()).filter((text) => /press H to hide them/.test(text)).length;
      expect(await advice()).toBe(0);
      await page.setViewportSize({ width: 800, height: 600 });
      await expect.poll(advice).toBe(1);
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.setViewportSize({ width: 820, height: 600 });
      await page.waitForTimeout(300);
      expect(await advice()).toBe(1);
    } finally {
      await page.close();
    }
  }, 120_000);

  test('H gives the map the whole window', async () => {
    const page = await openApp(800, 560, '#v=1&view=2d&surface=himmelblau&grid=32&basinView=map');
    try {
      await expect.poll(() => page.locator('.notice').allTextContents()).toContainEqual(expect.stringMatching(/press H to hide them/));
      const mapWidth = () =>
        page.evaluate(() => {
          const downhill = (window as unknown as { downhill: { screenPositionOf(x: number, y: number): { px: number; py: number } } }).downhill;
          const [low, high] = [downhill.screenPositionOf(-5, -5), downhill.screenPositionOf(5, 5)];
          return { left: low.px, right: high.px };
        });
      const side = page.locator('.side');
      const panel = page.locator('.lil-gui.lil-root');
      const show = page.getByRole('button', { name: 'show panels (H)' });
      expect(await side.isVisible()).toBe(true);
      expect(await show.isVisible()).toBe(false);

      await page.locator('#view').click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('h');
      await expect.poll(() => side.isVisible()).toBe(false);
      expect(await panel.isVisible()).toBe(false);
      expect(await show.isVisible()).toBe(true);
      // The square map fills the window's height less the margins: more than 400 of its 560 pixels, inside the window.
      await expect.poll(async () => (await mapWidth()).right - (await mapWidth()).left).toBeGreaterThan(400);
      const hidden = await mapWidth();
      expect(hidden.left).toBeGreaterThanOrEqual(0);
      expect(hidden.right).toBeLessThanOrEqual(800);

      await show.click();
      await expect.poll(() => side.isVisible()).toBe(true);
      expect(await panel.isVisible()).toBe(true);
      expect(await show.isVisible()).toBe(false);
      await page.getByRole('button', { name: 'hide panels (H)' }).click();
      await expect.poll(() => panel.isVisible()).toBe(false);
      expect(await side.isVisible()).toBe(false);
      // The focus leaves the hidden panel for the button that brings it back.
      expect(await show.evaluate((button) => button === document.activeElement)).toBe(true);
      // A held H (a second keydown repeats) toggles once.
      await page.keyboard.down('h');
      await page.keyboard.down('h');
      await page.keyboard.up('h');
      await expect.poll(() => panel.isVisible()).toBe(true);
      await page.keyboard.press('h');
      await expect.poll(() => panel.isVisible()).toBe(false);

      // At 1280 × 800 the map sits between the side column and the panel (1280 − 392 − 316 = 572 pixels)
      // and takes nearly the whole height once they hide.
      await page.setViewportSize({ width: 1280, height: 800 });
      await expect.poll(async () => (await mapWidth()).right - (await mapWidth()).left).toBeGreaterThan(650);
      await show.click();
      await expect.poll(async () => (await mapWidth()).right - (await mapWidth()).left).toBeLessThan(580);
      expect((await mapWidth()).left).toBeGreaterThanOrEqual((await side.boundingBox())!.x + (await side.boundingBox())!.width);
    } finally {
      await page.close();
    }
  }, 120_000);
});
