// The basin legend in headless Chromium: two configurations side by side,
// found minima on a lattice of local minima, and basins under gradient noise.

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { openAppPage } from '../helpers/appPage.ts';
import { launchBrowser, startApp, type RunningApp } from '../helpers/browser.ts';

describe('basin legend', () => {
  let server: RunningApp;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  /** Applies `patch` to the settings with the given optimizers, and waits for the new scene. */
  const configure = (patch: Record<string, unknown>, optimizers: Record<string, unknown>[]) =>
    page.evaluate(
      async ([settingsPatch, optimizerPatches]) => {
        const downhill = (window as unknown as { downhill: any }).downhill;
        const base = downhill.settings.runs[0];
        const runs = optimizerPatches.map((optimizer) => ({ ...base, optimizer: { ...base.optimizer, ...optimizer } }));
        downhill.change({ ...downhill.settings, ...settingsPatch, runs, active: 0 });
        await downhill.whenBuilt();
      },
      [patch, optimizers] as const,
    );

  /** Reads the shares (in %) of the legend row labelled `label`, one per column. */
  const shares = async (label: string): Promise<number[]> => {
    const row = page.locator('.basin-row', { has: page.locator('.basin-label', { hasText: label }) }).first();
    const texts = await row.locator('.legend-share').allTextContents();
    return texts.map((text) => Number.parseFloat(text));
  };

  beforeAll(async () => {
    server = await startApp();
    browser = await launchBrowser();
    page = await openAppPage(browser, server.url, { width: 1400, height: 900 }, pageErrors);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('side by side shows both configurations and the differing share', async () => {
    await configure({ surface: 'himmelblau', grid: 32, view: '2d', stepsPerFrame: 100, trails: false, basinView: 'side-by-side' }, [
      { name: 'gd', lr: 0.005 },
      { name: 'momentum', lr: 0.005, momentum: 0.9 },
    ]);
    // At 1400 × 900 the room between the side column and the panel is taller than wide, so the maps lie one above the other.
    await expect.poll(() => page.locator('#basin-legend .basin-column').allTextContents(), { timeout: 60_000 }).toEqual(['1: gd (top)', '2: momentum (bottom)']);
    // Every row gives one share per configuration.
    const rows = page.locator('#basin-legend .basin-row:not(.difference)');
    await expect.poll(() => rows.count()).toBe(7);
    for (let k = 0; k < 7; k++) {
      expect(await rows.nth(k).locator('.legend-share').count(), `shares in row ${k}`).toBe(2);
    }
    // Both columns settle: each sums to 100% within rounding of 0.05% per row.
    await expect.poll(async () => (await shares('not yet converged')).join(' '), { timeout: 120_000 }).toBe('0 0');
    for (const column of [0, 1]) {
      let sum = 0;
      for (let k = 0; k < 7; k++) {
        sum += Number.parseFloat((await rows.nth(k).locator('.legend-share').allTextContents())[column]);
      }
      expect(Math.abs(sum - 100), `sum of column ${column + 1}`).toBeLessThanOrEqual(0.35);
    }
    await expect.poll(() => page.locator('.basin-row.difference').textContent(), { timeout: 60_000 }).toMatch(/basin differs between 1 and 2: \d+\.\d%/);
  }, 300_000);

  test('rastrigin: found local minima get basins of their own', async () => {
    await configure({ surface: 'rastrigin', grid: 24, view: '2d', stepsPerFrame: 200, trails: false, basinView: 'map', noise: { sigma: 0, seed: 1 } }, [
      { name: 'gd', lr: 0.002 },
    ]);
    // Small steps stop at the local minimum next to each start; clustering lists them as found.
    await expect.poll(() => page.locator('#basin-legend .basin-label', { hasText: /found$/ }).count(), { timeout: 120_000 }).toBeGreaterThan(3);
    await expect.poll(async () => (await shares('not yet converged'))[0], { timeout: 120_000 }).toBeLessThan(5);
    await expect.poll(async () => (await shares('converged elsewhere'))[0], { timeout: 60_000 }).toBeLessThan(5);
    const legend = await page.locator('#basin-legend').textContent();
    expect(legend).toMatch(/\(0, 0\)\s+f = 0\s+known/);
    // Only eight found minima get rows; the others are summed.
    expect(legend).toMatch(/\d+ more found minima/);
    // Its swatch shows stripes in the colours of four of the summed minima, none of them a listed row's colour.
    // The legend is drawn again as clustering finds minima, so the swatches are read in one pass of the page.
    const readSwatches = () =>
      page.evaluate(() => {
        const rows = [...document.querySelectorAll<HTMLElement>('#basin-legend .basin-row')];
        const summed = rows.find((row) => row.textContent?.includes('more found minima'))?.querySelector('.swatch');
        return {
          stripes: summed ? (getComputedStyle(summed).backgroundImage.match(/rgb\([^)]*\)/g) ?? []) : [],
          listed: rows.map((row) => row.querySelector('.swatch')).filter((swatch) => swatch !== null).map((swatch) => getComputedStyle(swatch).backgroundColor),
        };
      });
    await expect.poll(async () => new Set((await readSwatches()).stripes).size, { timeout: 30_000 }).toBe(4);
    const swatches = await readSwatches();
    const stripes = new Set(swatches.stripes);
    expect(stripes.size).toBe(4);
    expect(swatches.listed.filter((color) => stripes.has(color))).toEqual([]);
    expect(legend).toContain('found: clustered from the end points of converged particles');
  }, 300_000);

  test('gradient noise: particles settled near a minimum count in its basin', async () => {
    await configure({ surface: 'himmelblau', grid: 24, view: '2d', stepsPerFrame: 100, trails: false, basinView: 'map', noise: { sigma: 0.5, seed: 3 } }, [
      { name: 'gd', lr: 0.005 },
    ]);
    // The noisy gradient norm stays near σ√2 ≈ 0.7, far above the tolerance 1e-3, so almost nothing converges ...
    await page.waitForFunction(() => (window as unknown as { downhill: { stepsDone: number } }).downhill.stepsDone >= 3000, null, { timeout: 180_000 });
    expect(Number(await page.locator('#status').getAttribute('data-converged'))).toBeLessThan(0.02 * 24 * 24);
    // ... yet the four minima drain nearly every start (jitter η·σ = 0.0025 against a radius of 0.1).
    await expect.poll(async () => (await shares('not yet converged'))[0], { timeout: 60_000 }).toBeLessThan(5);
    const legend = await page.locator('#basin-legend').textContent();
    expect(legend).toContain('a moving particle within 0.1 of a minimum counts in its basin');
  }, 300_000);

  test('no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
