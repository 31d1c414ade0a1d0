// Diverging particles in the built app in headless Chromium: surfaces whose
// loss and gradient overflow float32 within a few updates, and a formula that
// leaves its domain, leave no NaN or infinity in the particle and trail
// buffers, the picked particle's path, the plots, the statistics or the
// exports, and the app keeps stepping without page errors.

import { readFileSync } from 'node:fs';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { appState, openAppPage, waitForState } from '../helpers/appPage.ts';
import { launchBrowser, startApp, type RunningApp } from '../helpers/browser.ts';

/** What the page reports about every place a loss or position can reach. */
interface Readout {
  points: number[];
  trails: number[];
  pickedPath: number[];
  /** uPlot's data of the history plot, column by column. */
  plotColumns: (number | null)[][];
  /** Index of the first loss column in plotColumns. */
  firstLossColumn: number;
  /** Kind of the history plot's loss axis: 'log', or 'asinh' once a loss was negative. */
  lossAxis: string;
  /** Distribution of the history plot's loss scale in uPlot: 3 for log, 4 for asinh. */
  lossDistribution: number;
  sweepColumns: (number | null)[][];
  stats: { moving: number; converged: number; diverged: number; lossMin: number; lossMax: number } | null;
  particleCount: number;
  statusText: string;
  inspectorText: string;
}

/** Copies the active run's GPU buffers and the plots' data out of the page. */
async function readOut(page: Page): Promise<Readout> {
  return page.evaluate(async () => {
    const app = (window as unknown as { downhill: any }).downhill;
    const device: GPUDevice = app.gpuDevice;
    const read = async (buffer: GPUBuffer): Promise<number[]> => {
      const staging = device.createBuffer({ size: buffer.size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      const encoder = device.createCommandEncoder();
      encoder.copyBufferToBuffer(buffer, 0, staging, 0, buffer.size);
      device.queue.submit([encoder.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      const values = Array.from(new Float32Array(staging.getMappedRange().slice(0)));
      staging.destroy();
      return values;
    };
    const descent = app.runs[app.settings.active].descent;
    const pathGeometry = app.view.pickedPath.geometry;
    const drawn = pathGeometry.drawRange.count === Infinity ? 0 : 3 * pathGeometry.drawRange.count;
    const plot = app.plot;
    const stats = app.lastStats;
    return {
      points: await read(descent.points),
      trails: await read(descent.trails),
      pickedPath: app.view.pickedPath.visible ? Array.from(pathGeometry.getAttribute('position').array as Float32Array).slice(0, drawn) : [],
      plotColumns: plot ? plot.plot.data.map((column: ArrayLike<number | null>) => Array.from(column)) : [],
      firstLossColumn: plot ? (plot.dims === 2 ? 3 : 2) : 0,
      lossAxis: plot ? plot.lossAxisKind : '',
      lossDistribution: plot ? plot.plot.scales.loss.distr : 0,
      sweepColumns: app.sweepPlots.plots.flatMap((chart: { data: ArrayLike<number | null>[] }) => chart.data.map((column) => Array.from(column))),
      stats: stats ? { moving: stats.moving, converged: stats.converged, diverged: stats.diverged, lossMin: stats.lossMin, lossMax: stats.lossMax } : null,
      particleCount: app.particleCount,
      statusText: document.getElementById('status')?.textContent ?? '',
      inspectorText: document.getElementById('inspector')?.textContent ?? '',
    };
  });
}

/** Index of the first entry of `values` that is not finite, or -1. */
function firstNonFinite(values: readonly (number | null)[]): number {
  return values.findIndex((value) => value !== null && !Number.isFinite(value));
}

/** Asserts that nothing the page draws or shows holds NaN or infinity, and that the statistics add up. */
function expectClean(readout: Readout): void {
  expect(readout.points.length).toBe(4 * readout.particleCount);
  expect(firstNonFinite(readout.points), 'points buffer').toBe(-1);
  expect(firstNonFinite(readout.trails), 'trail buffer').toBe(-1);
  expect(firstNonFinite(readout.pickedPath), 'picked path vertices').toBe(-1);

  for (const [c, column] of readout.plotColumns.entries()) {
    expect(firstNonFinite(column), `history plot column ${c}`).toBe(-1);
    if (c >= readout.firstLossColumn && readout.lossAxis === 'log') {
      // On a logarithmic loss axis uPlot cannot place a value <= 0.
      expect(column.every((value) => value === null || value > 0), `history plot loss column ${c} above 0`).toBe(true);
    }
  }
  for (const [c, column] of readout.sweepColumns.entries()) {
    expect(firstNonFinite(column), `sweep plot column ${c}`).toBe(-1);
  }

  const stats = readout.stats!;
  expect(stats.moving + stats.converged + stats.diverged).toBe(readout.particleCount);
  if (stats.moving + stats.converged > 0 && Number.isFinite(stats.lossMin)) {
    // The loss range covers real losses only, never the kernel's stand-in for a missing one (3e38).
    expect(stats.lossMin).toBeLessThanOrEqual(stats.lossMax);
    expect(stats.lossMax).toBeLessThan(1e38);
  }

  for (const text of [readout.statusText, readout.inspectorText]) {
    expect(text).not.toMatch(/NaN|Infinity|e\+?38/);
  }
}

describe('diverging particles in the app', () => {
  let server: RunningApp;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  /** Runs the file export `kind` and returns the saved file's text. */
  async function exportText(kind: string): Promise<string> {
    const [saved] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      page.evaluate((k) => (window as unknown as { downhill: { exportFile(kind: string): Promise<unknown> } }).downhill.exportFile(k), kind),
    ]);
    return readFileSync(await saved.path()).toString();
  }

  /** Switches to `formula` over `domain` at learning rate `lr`, and waits for `steps` updates. */
  async function runFormula(formula: string, domain: object, lr: number, steps: number): Promise<void> {
    await page.evaluate(
      async ([text, box, rate]) => {
        const downhill = (window as unknown as { downhill: any }).downhill;
        const run = { ...downhill.settings.runs[0], optimizer: { ...downhill.settings.runs[0].optimizer, lr: rate } };
        downhill.change({ ...downhill.settings, surface: 'custom', formula: text, domain: box, runs: [run], paused: false });
        await downhill.whenBuilt();
      },
      [formula, domain, lr] as const,
    );
    await waitForState(page, (state) => state.running?.formula === formula && state.stepsDone >= steps, 90_000);
  }

  beforeAll(async () => {
    server = await startApp();
    browser = await launchBrowser();
    // A small viewport and grid: SwiftShader draws every frame on the CPU.
    page = await openAppPage(browser, server.url, { width: 800, height: 500 }, pageErrors);
    page.on('pageerror', (error) => pageErrors.push(error.stack ?? ''));
    await page.evaluate(() => {
      const downhill = (window as unknown as { downhill: { settings: object; change(next: object): boolean } }).downhill;
      downhill.change({ ...downhill.settings, grid: 24, stepsPerFrame: 4 });
    });
    await waitForState(page, (state) => state.particleCount === 24 * 24);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('learning rate too large at η = 1000', { timeout: 120_000 }, async () => {
    await page.evaluate(async () => {
      const downhill = (window as unknown as { downhill: any }).downhill;
      downhill.applyPreset('Learning rate too large');
      await downhill.whenBuilt();
      const run = { ...downhill.settings.runs[0], optimizer: { ...downhill.settings.runs[0].optimizer, lr: 1000 } };
      downhill.change({ ...downhill.settings, runs: [run] });
      await downhill.whenBuilt();
    });
    // x grows by a factor 1999 per update: every particle passes the bound within 3 updates.
    // The start at x = 0 sits on the minimum and converges at once.
    const state = await waitForState(page, (current) => current.lr === 1000 && current.diverged + current.converged === current.particleCount && current.stepsDone >= 20, 90_000);
    expect(state.diverged).toBeGreaterThanOrEqual(state.particleCount - 1);
    expectClean(await readOut(page));
    expect(pageErrors).toEqual([]);
  });

  test('exp(x² + y²) overflows float32', { timeout: 180_000 }, async () => {
    // exp overflows float32 for x² + y² > 88.7: starts in the corners of [-8, 8]² have no loss from
    // the start, and the rest jump there after one large update, except near the minimum at (0, 0).
    await runFormula('exp(x^2 + y^2)', { xMin: -8, xMax: 8, yMin: -8, yMax: 8 }, 0.05, 40);
    // Start 0, in the corner at (-7.67, -7.67), has no finite loss anywhere on its path.
    const picked = await page.evaluate(() => {
      const downhill = (window as unknown as { downhill: { pick(index: number): void; stepsDone: number } }).downhill;
      downhill.pick(0);
      return downhill.stepsDone;
    });
    // The particles that land near the minimum shrink by about 0.9 an update
    // and meet both convergence tests after about 80 to 100 updates.
    await waitForState(page, (state) => state.stepsDone >= picked + 20 && state.converged > 0, 90_000);
    const readout = await readOut(page);
    expectClean(readout);
    expect(readout.stats!.diverged).toBeGreaterThan(readout.particleCount / 2);
    expect(readout.stats!.converged).toBeGreaterThan(0);

    // The picked particle (a corner start) has no finite loss: the plot keeps its step with a gap.
    expect(readout.plotColumns[0].length).toBeGreaterThan(0);
    expect(readout.plotColumns[readout.firstLossColumn].some((value) => value === null)).toBe(true);

    const json = JSON.parse(await exportText('final-json'));
    const losses: (number | null)[] = json.particles.map((particle: { loss: number | null }) => particle.loss);
    expect(losses).toHaveLength(readout.particleCount);
    expect(losses.some((loss) => loss === null)).toBe(true);
    expect(losses.every((loss) => loss === null || (Number.isFinite(loss) && loss < 1e38))).toBe(true);

    const csv = await exportText('final-csv');
    expect(csv).not.toMatch(/NaN|inf|e\+38/i);
    // The picked corner particle's loss column is empty; the population's band, kept across the pick, is not.
    const [header, ...rows] = (await exportText('loss-csv')).trim().split('\n').map((line) => line.split(','));
    const pickedLoss = header.indexOf('loss');
    const median = header.indexOf('populationLossMedian');
    expect(pickedLoss).toBeGreaterThan(0);
    expect(median).toBeGreaterThan(0);
    expect(rows.every((row) => row[pickedLoss] === '')).toBe(true);
    expect(rows.some((row) => Number.isFinite(Number.parseFloat(row[median])))).toBe(true);

    // Right after a reset, before any update or sample, the plot has nothing to write, and a notice explains this.
    const lossCsv = await page.evaluate(() => {
      const downhill = (window as unknown as { downhill: { settings: object; change(next: object): boolean; reset(): void; exportFile(kind: string): Promise<string | undefined> } }).downhill;
      downhill.change({ ...downhill.settings, paused: true });
      downhill.reset();
      return downhill.exportFile('loss-csv');
    });
    expect(lossCsv).toBeUndefined();
    expect(await page.locator('#notices').textContent()).toMatch(/The loss plot has no values to export/);
    expect(pageErrors).toEqual([]);
  });

  test('log(x) leaves its domain', { timeout: 180_000 }, async () => {
    // x ← x − η/x drives every start below 0, where log is undefined.
    await runFormula('log(x) + y^2', { xMin: -2, xMax: 2, yMin: -2, yMax: 2 }, 0.5, 60);
    const readout = await readOut(page);
    expectClean(readout);
    expect(readout.stats!.diverged).toBe(readout.particleCount);
    const json = JSON.parse(await exportText('final-json'));
    expect(json.particles.every((particle: { loss: number | null; status: string }) => particle.loss === null && particle.status === 'diverged')).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  test('negative losses switch the loss plot to an asinh axis', { timeout: 180_000 }, async () => {
    // x² + y² − 1 is negative near its minimum, which a log axis cannot show:
    // the plot turns to uPlot's asinh scale and draws the losses as they are.
    await runFormula('x^2 + y^2 - 1', { xMin: -2, xMax: 2, yMin: -2, yMax: 2 }, 0.1, 30);
    await page.waitForFunction(() => (window as unknown as { downhill: any }).downhill.plot?.lossAxisKind === 'asinh', null, { timeout: 60_000 });
    const readout = await readOut(page);
    expectClean(readout);
    expect(readout.lossDistribution).toBe(4);
    const losses = readout.plotColumns[readout.firstLossColumn]!.filter((value): value is number => value !== null);
    expect(losses.length).toBeGreaterThan(10);
    // Descent shrinks x and y by 0.8 per update towards the minimum at the origin, where the loss is −1.
    expect(Math.min(...losses)).toBeLessThan(-0.99);
    expect(Math.min(...losses)).toBeGreaterThanOrEqual(-1);
    expect(pageErrors).toEqual([]);
  });

  test('a sweep into divergence keeps its plots finite', { timeout: 180_000 }, async () => {
    await page.evaluate(async () => {
      const downhill = (window as unknown as { downhill: any }).downhill;
      downhill.change({ ...downhill.settings, surface: 'custom', formula: 'x^4 + y^2', domain: { xMin: -3, xMax: 3, yMin: -3, yMax: 3 }, sweep: { ...downhill.settings.sweep, enabled: true, lrMin: 1e-3, lrMax: 10, lrCount: 8 } });
      await downhill.whenBuilt();
    });
    await page.waitForFunction(() => (window as unknown as { downhill: any }).downhill.sweepPlots.plots.length > 0, null, { timeout: 120_000 });
    const readout = await readOut(page);
    expect(readout.sweepColumns.length).toBeGreaterThan(0);
    expectClean(readout);
  });

  test('reset after divergence leaves no stale path', { timeout: 180_000 }, async () => {
    // Himmelblau at η = 0.1 throws every particle far out within a few updates.
    await page.evaluate(async () => {
      const downhill = (window as unknown as { downhill: any }).downhill;
      const run = { ...downhill.settings.runs[0], optimizer: { ...downhill.settings.runs[0].optimizer, name: 'gd', lr: 0.1 } };
      downhill.change({
        ...downhill.settings,
        surface: 'himmelblau',
        domain: { xMin: -5, xMax: 5, yMin: -5, yMax: 5 },
        runs: [run],
        sweep: { ...downhill.settings.sweep, enabled: false },
        // 20 updates a frame: SwiftShader draws a frame in about a second here.
        stepsPerFrame: 20,
        paused: false,
      });
      await downhill.whenBuilt();
    });
    await waitForState(page, (state) => state.running?.name === 'himmelblau' && state.stepsDone >= 30, 90_000);
    // A stable rate, then reset: the copies of the diverged run still in flight must not come back.
    await page.evaluate(() => {
      const downhill = (window as unknown as { downhill: any }).downhill;
      const run = { ...downhill.settings.runs[0], optimizer: { ...downhill.settings.runs[0].optimizer, lr: 0.01 } };
      downhill.change({ ...downhill.settings, runs: [run] });
      downhill.reset();
    });
    await waitForState(page, (state) => state.stepsDone >= 120 && state.stepsDone < 100_000, 90_000);

    const readout = await readOut(page);
    expectClean(readout);
    // Himmelblau's domain is [-5, 5]², and the path and the plotted coordinates stay near it.
    const coordinates = readout.pickedPath.filter((_, k) => k % 3 !== 2);
    expect(coordinates.length).toBeGreaterThan(10);
    expect(Math.max(...coordinates.map(Math.abs))).toBeLessThan(6);
    for (const c of [1, 2]) {
      const column = readout.plotColumns[c]!.filter((value): value is number => value !== null);
      expect(Math.max(...column.map(Math.abs)), `plot column ${c}`).toBeLessThan(6);
    }
    expect(readout.inspectorText).toMatch(/converged after \d+ updates|moving · \d+ updates/);
    expect(pageErrors).toEqual([]);
  });

  test('reset while paused shows the starts at once', { timeout: 120_000 }, async () => {
    await page.evaluate(() => {
      const downhill = (window as unknown as { downhill: any }).downhill;
      downhill.change({ ...downhill.settings, paused: true });
      downhill.reset();
    });
    // No update runs while paused: the inspector and the population band come from the reset's own statistics.
    await expect.poll(() => page.locator('#inspector').textContent(), { timeout: 30_000 }).toMatch(/^particle \d+ · moving · 0 updates/);
    const columns = await page.evaluate(() => (window as unknown as { downhill: any }).downhill.plot.plot.data.map((column: ArrayLike<number | null>) => Array.from(column)));
    const steps = (columns[0] as number[]).filter((_, k) => columns.slice(1).some((column: (number | null)[]) => column[k] !== null));
    expect(steps.every((step) => step === 0), `plotted steps ${steps.join(' ')}`).toBe(true);
  });

  test('the app keeps stepping without page errors', async () => {
    await page.evaluate(() => {
      const downhill = (window as unknown as { downhill: any }).downhill;
      downhill.change({ ...downhill.settings, paused: false });
    });
    const before = (await appState(page)).stepsDone;
    const after = await waitForState(page, (state) => state.stepsDone >= before + 5, 60_000);
    expect(after.stepsDone).toBeGreaterThanOrEqual(before + 5);
    expect(pageErrors).toEqual([]);
  });
});
