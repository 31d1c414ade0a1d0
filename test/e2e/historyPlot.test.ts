// The picked-particle plot in the built app in headless Chromium: its loss
// axis keeps labelled ticks at losses near float32's largest, and both
// vertical axes are wide enough for their tick labels, so the axis titles do
// not overlap them. A particle picked while paused gets its point at once.

import type { Browser, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';

import { openAppPage } from '../helpers/appPage.ts';
import { useAppSession } from '../helpers/appSession.ts';

/** What uPlot drew on one vertical axis of the history plot. */
interface AxisReadout {
  /** Tick labels, '' for a tick without one. */
  labels: string[];
  /** Width of the axis in CSS pixels, without its title. */
  size: number;
  /** Width the tick marks, the gap and the widest label need, in CSS pixels. */
  needed: number;
}

/**
 * Opens the app at `hash`, waits until the history plot's axis `axisIndex` has
 * a tick label that matches `label`, and reads the position axis and the loss axis.
 */
async function readAxes(browser: Browser, url: string, hash: string, axisIndex: number, label: RegExp, errors: string[]): Promise<{ position: AxisReadout; loss: AxisReadout; lossMax: number }> {
  const page: Page = await openAppPage(browser, url + hash, { width: 1280, height: 800 }, errors);
  await page.waitForFunction(
    ([index, source]) => {
      const labels: string[] = (window as unknown as { downhill: any }).downhill.plot?.plot.axes[index]._values ?? [];
      return labels.some((text) => new RegExp(source).test(text));
    },
    [axisIndex, label.source] as const,
    { timeout: 90_000, polling: 'raf' },
  );
  const readout = await page.evaluate(() => {
    const plot = (window as unknown as { downhill: any }).downhill.plot.plot;
    const readAxis = (index: number) => {
      const axis = plot.axes[index];
      const labels: string[] = axis._values ?? [];
      plot.ctx.font = axis.font[0];
      const widest = Math.max(0, ...labels.map((text) => plot.ctx.measureText(text).width)) / devicePixelRatio;
      return { labels, size: axis._size, needed: axis.ticks.size + axis.gap + widest };
    };
    return { position: readAxis(1), loss: readAxis(2), lossMax: plot.scales.loss.max as number };
  });
  await page.close();
  return readout;
}

describe('history plot', () => {
  const session = useAppSession();
  const pageErrors: string[] = [];

  test('loss axis labelled near 1e33', { timeout: 120_000 }, async () => {
    // Goldstein–Price at the default η diverges to losses of about 7e32, past uPlot's default tick increments.
    const { loss, lossMax } = await readAxes(session.browser, session.server.url, '#v=1&surface=goldstein-price&grid=24', 2, /^1e32$/, pageErrors);

    expect(lossMax).toBeGreaterThanOrEqual(1e32);
    expect(loss.labels.filter((label) => label !== '').length).toBeGreaterThanOrEqual(2);
    expect(pageErrors).toEqual([]);
  });

  test('axes fit 5-digit tick labels', { timeout: 120_000 }, async () => {
    // At κ = 10⁴ and η = 0.00025 the distance across the valley grows 1.5-fold per update: x and y pass 10000 after about 20 updates.
    const hash = '#v=1&surface=ill-conditioned&condition=10000&grid=24&run1.lr=0.00025';
    const { position, loss } = await readAxes(session.browser, session.server.url, hash, 1, /^-?\d{5}$/, pageErrors);

    expect(position.size).toBeGreaterThanOrEqual(position.needed);
    expect(loss.size).toBeGreaterThanOrEqual(loss.needed);
    expect(pageErrors).toEqual([]);
  });

  test('pick while paused plots the particle', { timeout: 120_000 }, async () => {
    const page = await openAppPage(session.browser, session.server.url + '#v=1&surface=quadratic&grid=24', { width: 1280, height: 800 }, pageErrors);
    type Downhill = { settings: object; stepsDone: number; change(next: object): boolean; pick(index: number): void };
    await page.waitForFunction(() => (window as unknown as { downhill: Downhill }).downhill.stepsDone >= 5, null, { timeout: 90_000 });
    await page.evaluate(() => {
      const downhill = (window as unknown as { downhill: Downhill }).downhill;
      downhill.change({ ...downhill.settings, paused: true });
    });
    // A frame already in flight may still add its updates.
    const stepsDone = await page.evaluate(() => new Promise<number>((resolve) => setTimeout(() => resolve((window as unknown as { downhill: Downhill }).downhill.stepsDone), 1000)));

    // Particle 300 of 576 starts near the middle of the grid, and the GPU has written no history for it.
    await page.evaluate(() => (window as unknown as { downhill: Downhill }).downhill.pick(300));
    // uPlot's columns: update step, x, y, the picked particle's loss, then the population's band.
    const handle = await page.waitForFunction(
      (step) => {
        const columns: ArrayLike<number | null>[] = (window as unknown as { downhill: any }).downhill.plot?.plot.data ?? [];
        const steps = Array.from(columns[0] ?? []);
        const loss = Array.from(columns[3] ?? []);
        const plotted = steps.filter((_, k) => loss[k] !== null && loss[k] !== undefined);
        // Until the next frame redraws it, the plot still shows the last pick's curve.
        return plotted.length > 0 && plotted[0] === step ? { plotted, losses: loss.filter((value) => value !== null) } : false;
      },
      stepsDone,
      { timeout: 60_000, polling: 200 },
    );
    const { plotted, losses } = (await handle.jsonValue()) as { plotted: number[]; losses: number[] };
    expect(plotted).toEqual([stepsDone]);
    expect(losses[0]).toBeGreaterThan(0);
    expect(await page.evaluate(() => (window as unknown as { downhill: Downhill }).downhill.stepsDone)).toBe(stepsDone);
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});
