// Learning-rate sweeps in headless Chromium: the panel turns a sweep on, the
// plots fill in from the GPU, a phase map draws, and the restart option.

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CONVERGED_COLOR, DIVERGED_COLOR } from '../../src/core/palette.ts';

import { launchBrowser, startApp, type RunningApp } from '../helpers/browser.ts';
import { control, waitForState } from '../helpers/appPage.ts';

/**
 * Counts the light pixels (every channel above 100, against the panel's dark
 * background) in the 8 leftmost columns and the 8 lowest rows of a plot's
 * canvas: the strips where uPlot draws the y and x axis titles, outside the
 * tick labels.
 */
function titleInk(image: { width: number; height: number; data: Uint8Array }): { leftTitle: number; bottomTitle: number } {
  const light = (x: number, y: number): boolean => {
    const k = 4 * (y * image.width + x);
    return image.data[k] > 100 && image.data[k + 1] > 100 && image.data[k + 2] > 100;
  };
  let leftTitle = 0;
  let bottomTitle = 0;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < 8; x++) {
      leftTitle += light(x, y) ? 1 : 0;
    }
  }
  for (let y = image.height - 8; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      bottomTitle += light(x, y) ? 1 : 0;
    }
  }
  return { leftTitle, bottomTitle };
}

/**
 * Returns the groups of neighbouring canvas rows in which at least half the
 * pixels are within 40 per channel of `color`: the horizontal lines of that
 * colour, whatever their antialiased width.
 */
function scheduleLineRows(image: { width: number; height: number; data: Uint8Array }, color: readonly number[]): number[][] {
  const groups: number[][] = [];
  for (let y = 0; y < image.height; y++) {
    let near = 0;
    for (let x = 0; x < image.width; x++) {
      const k = 4 * (y * image.width + x);
      near += color.every((channel, c) => Math.abs(image.data[k + c] - channel) <= 40) ? 1 : 0;
    }
    if (near < image.width / 2) {
      continue;
    }
    const last = groups.at(-1);
    if (last && last.at(-1) === y - 1) {
      last.push(y);
    } else {
      groups.push([y]);
    }
  }
  return groups;
}

describe('learning-rate sweeps', () => {
  let server: RunningApp;
  let browser: Browser;
  let page: Page;

  type Handle = { settings: any; change(next: unknown): boolean; stepsDone: number; particleCount: number; whenBuilt(): Promise<void> };

  beforeAll(async () => {
    server = await startApp();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1000, height: 800 }, deviceScaleFactor: 1 });
    await page.goto(server.url);
    await page.waitForFunction(() => ((window as unknown as { downhill?: { particleCount: number } }).downhill?.particleCount ?? 0) > 0, null, {
      timeout: 30_000,
    });
    await page.evaluate(() => {
      const downhill = (window as unknown as { downhill: Handle }).downhill;
      downhill.change({ ...downhill.settings, surface: 'parabola', grid: 16, stepsPerFrame: 40, trails: false });
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the slider retargets running particles; the restart option puts them back on their starts', async () => {
    const running = await waitForState(page, (state) => state.surface === 'parabola' && state.stepsDone > 40);
    const field = control(page, 'η').locator('input');
    await field.fill('0.2');
    await field.press('Enter');
    await waitForState(page, (state) => state.lr === 0.2 && state.stepsDone > running.stepsDone);

    await control(page, 'restart on every change').locator('input').check();
    const before = await waitForState(page, (state) => state.stepsDone > 80);
    await field.fill('0.3');
    await field.press('Enter');
    // After the restart the count starts again from 0, well below where it was.
    await waitForState(page, (state) => state.lr === 0.3 && state.stepsDone < before.stepsDone);
    // A stopping criterion is a setting of the run too: changing it restarts as well.
    const beforeCriteria = await waitForState(page, (state) => state.stepsDone > 80);
    await page.evaluate(() => {
      const downhill = (window as unknown as { downhill: Handle }).downhill;
      downhill.change({ ...downhill.settings, criteria: { ...downhill.settings.criteria, gradTol: 0.1 } });
    });
    await waitForState(page, (state) => state.stepsDone < beforeCriteria.stepsDone);
    await control(page, 'restart on every change').locator('input').uncheck();
  });

  test('a sweep from the panel: 64 rates, plots with the stability limit', async () => {
    await page.locator('.lil-title', { hasText: 'Learning-rate sweep' }).click();
    await control(page, 'lowest η').locator('input').fill('0.5');
    await control(page, 'lowest η').locator('input').press('Enter');
    await control(page, 'highest η').locator('input').fill('1.5');
    await control(page, 'highest η').locator('input').press('Enter');
    await control(page, 'sweep every configuration').locator('input').check();

    await expect.poll(() => page.evaluate(() => (window as unknown as { downhill: Handle }).downhill.particleCount)).toBe(16 * 64);
    await expect.poll(() => page.locator('#sweep .title').textContent()).toMatch(/Sweep of gd after \d+ updates \(every start per rate; dashed: stability limit at the minima, η = 1\)/);
    expect(await page.locator('#sweep canvas').count()).toBe(3);
    // The legend names the swept rates, not the base rate the sweep does not use.
    await expect.poll(() => page.locator('.legend-name').first().textContent()).toBe('1: gd η 0.5 to 1.5, 64 rates');
    // The inspector and the single-particle plot give way to the sweep plots.
    expect(await page.locator('#plot').isVisible()).toBe(false);

    // Each plot names its axes, for screen readers and on its canvas.
    expect(await page.locator('#sweep .uplot').evaluateAll((roots) => roots.map((root) => root.getAttribute('aria-label')))).toEqual([
      'final loss against learning rate η',
      'share of starts converged and diverged against learning rate η',
      'median updates to converge against learning rate η',
    ]);
    const { PNG } = await import('pngjs');
    for (let k = 0; k < 3; k++) {
      const image = PNG.sync.read(await page.locator('#sweep canvas').nth(k).screenshot());
      const { leftTitle, bottomTitle } = titleInk(image);
      // The 11 px titles cover a few dozen pixels each; without titles both strips are empty background.
      expect(leftTitle, `y axis title of plot ${k + 1}`).toBeGreaterThan(15);
      expect(bottomTitle, `x axis title of plot ${k + 1}`).toBeGreaterThan(15);
    }

    // The sweep sets η: the field is disabled with a note, and the schedule plot draws the lowest and highest rate.
    expect(await control(page, 'η').locator('input').isDisabled()).toBe(true);
    expect(await control(page, 'log₁₀ η').locator('input').isDisabled()).toBe(true);
    expect(await page.locator('.sweep-override').first().textContent()).toBe('The sweep sets η (0.5 to 1.5, 64 rates): the field applies when the sweep is off.');
    await page.locator('.lil-title', { hasText: /^Schedule$/ }).click();
    expect(await page.locator('.sweep-override').nth(1).textContent()).toMatch(/^The sweep sets η\. The curves show the schedule at its lowest rate, 0\.5, and at its highest, 1\.5/);
    // Constant schedule: one horizontal line per rate, at 0.5 and 1.5; the single run's 0.1 would be one line.
    // Polled, since the folder opens with a transition and uPlot draws once the plot has its size.
    const scheduleLines = async () => scheduleLineRows(PNG.sync.read(await page.locator('.schedule-plot canvas').screenshot()), [0xff, 0x8c, 0x1a]).length;
    await expect.poll(scheduleLines, { timeout: 10_000 }).toBe(2);
    await page.locator('.lil-title', { hasText: /^Schedule$/ }).click();
  });

  test('a phase map over learning rate × momentum', async () => {
    await page.evaluate(() => {
      const downhill = (window as unknown as { downhill: Handle }).downhill;
      const run = { ...downhill.settings.runs[0], optimizer: { ...downhill.settings.runs[0].optimizer, name: 'momentum', momentum: 0.9 } };
      downhill.change({
        ...downhill.settings,
        grid: 8,
        runs: [run],
        sweep: { ...downhill.settings.sweep, lrMin: 0.1, lrMax: 3, lrCount: 32, second: 'momentum', secondMin: 0, secondMax: 0.9, secondCount: 16 },
      });
    });
    await expect.poll(() => page.evaluate(() => (window as unknown as { downhill: Handle }).downhill.particleCount)).toBe(8 * 32 * 16);
    await expect.poll(() => page.locator('#sweep .phase-legend').textContent()).toMatch(/converged.*diverged.*neither/);
    // The phase map sets momentum as well as η: both fields are disabled, and the note names both.
    expect(await control(page, 'momentum').locator('input').isDisabled()).toBe(true);
    expect(await page.locator('.sweep-override').first().textContent()).toBe(
      'The phase map sets η (0.1 to 3, 32 rates) and momentum (0 to 0.9, 16 values): the fields apply when the sweep is off.',
    );
    // The legend names both axes.
    expect(await page.locator('.legend-name').first().textContent()).toBe('1: momentum η 0.1 to 3, 32 rates × momentum 0 to 0.9, 16 values');
    // The map's cells are filled: the plot area holds the outcome colours.
    await expect
      .poll(
        async () => {
          const png = await page.locator('#sweep canvas').first().screenshot();
          const { PNG } = await import('pngjs');
          const image = PNG.sync.read(png);
          // Within 20 of the palette's colour per channel: the plot canvas draws the cells unblended.
          const near = (k: number, color: readonly number[]): boolean => color.every((channel, c) => Math.abs(image.data[k + c] - channel) < 20);
          let converged = 0;
          let diverged = 0;
          for (let k = 0; k < image.data.length; k += 4) {
            if (near(k, CONVERGED_COLOR)) {
              converged++;
            }
            if (near(k, DIVERGED_COLOR)) {
              diverged++;
            }
          }
          return converged > 500 && diverged > 500;
        },
        { timeout: 60_000 },
      )
      .toBe(true);
    // The stability limit η = 1 + μ of heavy-ball momentum on x², as a dashed white curve across the map.
    await expect.poll(() => page.locator('#sweep .title').textContent()).toMatch(/dashed: stability limit at the minima\)$/);
    const png = await page.locator('#sweep canvas').first().screenshot({ path: process.env.DOWNHILL_SHOTS ? `${process.env.DOWNHILL_SHOTS}/phase-limit.png` : undefined });
    const { PNG } = await import('pngjs');
    const image = PNG.sync.read(png);
    let white = 0;
    for (let k = 0; k < image.data.length; k += 4) {
      white += image.data[k] > 235 && image.data[k + 1] > 235 && image.data[k + 2] > 235 ? 1 : 0;
    }
    expect(white).toBeGreaterThan(60);
  });
  test('sweep drops an unread phase-map axis', async () => {
    // The phase map over momentum of the test before, off; then the configuration becomes plain descent.
    await page.evaluate(async () => {
      const downhill = (window as unknown as { downhill: Handle }).downhill;
      downhill.change({ ...downhill.settings, sweep: { ...downhill.settings.sweep, enabled: false } });
      await downhill.whenBuilt();
      const run = { ...downhill.settings.runs[0], optimizer: { ...downhill.settings.runs[0].optimizer, name: 'gd' } };
      downhill.change({ ...downhill.settings, runs: [run] });
      await downhill.whenBuilt();
    });
    expect(await page.evaluate(() => (window as unknown as { downhill: Handle }).downhill.settings.sweep.second)).toBe('momentum');
    // While the sweep is off, the menu lists the axis the settings contain, though gd does not read it.
    expect(await control(page, 'second axis').locator('select option').allTextContents()).toEqual(['none (a sweep)', 'momentum (phase map)']);
    await control(page, 'sweep every configuration').locator('input').check();
    await expect.poll(() => page.evaluate(() => (window as unknown as { downhill: Handle }).downhill.settings.sweep)).toMatchObject({ enabled: true, second: 'none' });
    await expect.poll(() => page.locator('.notice').last().textContent()).toContain('The sweep runs without its phase map over momentum: gd has no momentum');
    await expect.poll(() => page.evaluate(() => (window as unknown as { downhill: Handle }).downhill.particleCount)).toBe(8 * 32);
  });

  test('second-axis menu lists only axes the optimizer reads', async () => {
    // The sweep of the test before runs on gd without a second axis.
    const listed = () => control(page, 'second axis').locator('select option').allTextContents();
    const optimizer = control(page, 'optimizer').locator('select');
    const secondAxis = control(page, 'second axis').locator('select');
    const sweep = () => page.evaluate(() => (window as unknown as { downhill: Handle }).downhill.settings.sweep);
    await expect.poll(listed).toEqual(['none (a sweep)']);

    await optimizer.selectOption({ label: 'momentum' }, { force: true });
    await expect.poll(listed).toEqual(['none (a sweep)', 'momentum (phase map)']);
    await secondAxis.selectOption({ label: 'momentum (phase map)' }, { force: true });
    await expect.poll(sweep).toMatchObject({ enabled: true, second: 'momentum' });
    await expect.poll(() => page.evaluate(() => (window as unknown as { downhill: Handle }).downhill.particleCount)).toBe(8 * 32 * 16);
    await secondAxis.selectOption({ label: 'none (a sweep)' }, { force: true });
    await expect.poll(sweep).toMatchObject({ enabled: true, second: 'none' });

    await optimizer.selectOption({ label: 'adam' }, { force: true });
    await expect.poll(listed).toEqual(['none (a sweep)', 'β₁ (phase map)']);
    await secondAxis.selectOption({ label: 'β₁ (phase map)' }, { force: true });
    await expect.poll(sweep).toMatchObject({ enabled: true, second: 'beta1' });
    await secondAxis.selectOption({ label: 'none (a sweep)' }, { force: true });

    await optimizer.selectOption({ label: 'gd' }, { force: true });
    await expect.poll(listed).toEqual(['none (a sweep)']);
    // The notice of the test before (the sweep dropped its axis) may still show, so only rejections count.
    expect(await page.locator('.notice', { hasText: 'invalid' }).allTextContents()).toEqual([]);
  });

  test('changing the optimizer ends a phase map it cannot run', async () => {
    const optimizer = control(page, 'optimizer').locator('select');
    const sweep = () => page.evaluate(() => (window as unknown as { downhill: Handle }).downhill.settings.sweep);
    await optimizer.selectOption({ label: 'momentum' }, { force: true });
    await control(page, 'second axis').locator('select').selectOption({ label: 'momentum (phase map)' }, { force: true });
    await expect.poll(sweep).toMatchObject({ enabled: true, second: 'momentum' });
    const dropped = page.locator('.notice', { hasText: 'The sweep runs without its phase map over momentum: adam has no momentum' });
    await optimizer.selectOption({ label: 'adam' }, { force: true });
    await expect.poll(sweep).toMatchObject({ enabled: true, second: 'none' });
    await expect.poll(() => dropped.count()).toBe(1);
    expect(await page.evaluate(() => (window as unknown as { downhill: Handle }).downhill.settings.runs[0].optimizer.name)).toBe('adam');
    expect(await page.locator('.notice', { hasText: 'invalid' }).allTextContents()).toEqual([]);
  });
});
