// The CPU fallback in headless Chromium with WebGPU disabled: without
// navigator.gpu, with no adapter, and with a failing requestDevice, the app
// runs the CPU reference in a Web Worker at its grid cap, shows why in a
// banner, and keeps the panel, status line, plot and link working.

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { STATUS } from '../../src/core/config.ts';
import { ReferenceRun } from '../../src/core/reference.ts';
import { resolveSurface } from '../../src/core/surfaceChoice.ts';
import { FALLBACK_GRID_2D } from '../../src/ui/fallbackSettings.ts';
import { cloneSettings, DEFAULT_SETTINGS } from '../../src/ui/settings.ts';
import { encodeLink } from '../../src/ui/urlState.ts';
import { appState, control, statusLossRange, waitForState } from '../helpers/appPage.ts';
import { launchBrowser, startApp, type RunningApp } from '../helpers/browser.ts';

/** Init scripts that take WebGPU away, each as a string so that no transform adds helpers the page lacks. */
const WITHOUT_NAVIGATOR_GPU = "Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined });";
const WITHOUT_ADAPTER = 'GPU.prototype.requestAdapter = async () => null;';
const DEVICE_REJECTED = "GPUAdapter.prototype.requestDevice = async () => { throw new DOMException('test: no device for you', 'OperationError'); };";

const VIEWPORT = { width: 1100, height: 700 };

type Handle = {
  backend?: string;
  settings: any;
  change(next: unknown): boolean;
  whenBuilt(): Promise<void>;
  stepsDone: number;
  particleCount: number;
  workerRate: number;
  link: string;
  points(run?: number): Float32Array | undefined;
  verify(): unknown;
};

/** Opens the app without WebGPU as `initScript` takes it away, at `hash`, and waits for the fallback's first particles. */
async function openFallback(browser: Browser, url: string, initScript: string, errors: string[], hash = ''): Promise<Page> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') {
      errors.push(message.text());
    }
  });
  await page.addInitScript(initScript);
  await page.goto(`${url}${hash}`);
  await page.waitForFunction(() => {
    const app = (window as unknown as { downhill?: Handle }).downhill;
    return app?.backend === 'cpu' && app.particleCount > 0;
  }, null, { timeout: 60_000 });
  return page;
}

describe('the CPU fallback with WebGPU disabled', () => {
  let server: RunningApp;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    server = await startApp();
    browser = await launchBrowser();
    page = await openFallback(browser, server.url, WITHOUT_NAVIGATOR_GPU, errors);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('banner names navigator.gpu and what to do', async () => {
    const banner = page.locator('.fallback-banner');
    await expect.poll(() => banner.textContent()).toMatch(/Running on the CPU, without WebGPU/);
    const text = (await banner.textContent()) ?? '';
    expect(text).toMatch(/navigator\.gpu is missing/);
    expect(text).toMatch(/--enable-unsafe-webgpu/);
    expect(text).toMatch(/Firefox 141 or later on Windows/);
    expect(text).toMatch(/at most 64 × 64 starts/);
    expect(await page.locator('.blocker').count()).toBe(0);
  });

  test('particles step on the default scene', async () => {
    const state = await appState(page);
    expect(state.surface).toBe('quadratic');
    expect(state.particleCount).toBe(FALLBACK_GRID_2D * FALLBACK_GRID_2D);
    const after = await waitForState(page, (current) => current.stepsDone >= state.stepsDone + 5);
    expect(after.stepsDone).toBeGreaterThanOrEqual(state.stepsDone + 5);
    await expect.poll(() => page.locator('#status').getAttribute('data-steps')).not.toBe('0');
  });

  test('axes labels at their coordinates', async () => {
    // The default scene: x² + 2y² on [-2, 2]², whose ticks are -2 to 2 in steps of 1 (or 0.5) on both axes.
    await expect.poll(() => page.locator('.axes .axis-label-x').count()).toBeGreaterThanOrEqual(3);
    const labels = await page.evaluate(() => {
      const view = (window as unknown as { downhill: any }).downhill.view;
      const canvas = document.querySelector('canvas')!.getBoundingClientRect();
      const read = (selector: string) =>
        [...document.querySelectorAll<HTMLElement>(selector)].map((label) => {
          const box = label.getBoundingClientRect();
          return { value: Number(label.dataset.value), text: label.textContent, x: box.left + box.width / 2 - canvas.left, y: box.top + box.height / 2 - canvas.top };
        });
      const x = read('.axes .axis-label-x').map((label) => ({ ...label, expected: view.screenPositionOf(label.value, 0, 0).px, at: label.x }));
      const y = read('.axes .axis-label-y').map((label) => ({ ...label, expected: view.screenPositionOf(0, label.value, 0).py, at: label.y }));
      return [...x, ...y];
    });
    expect(labels.map((label) => label.text)).toEqual(expect.arrayContaining(['-2', '0', '2']));
    for (const label of labels) {
      // 1.5 px: the label's box is centred on the tick, rounded to whole pixels by layout.
      expect(Math.abs(label.at - label.expected), `label ${label.text}`).toBeLessThanOrEqual(1.5);
    }
  });

  test('panel speed runs every particle to convergence', async () => {
    const speed = control(page, 'steps per frame').locator('input');
    await speed.fill('8');
    await speed.press('Enter');
    const state = await waitForState(page, (current) => current.converged === 64 * 64, 60_000);
    expect(state.diverged).toBe(0);
    await expect.poll(() => page.locator('#status').textContent()).toMatch(/converged 100\.0%\s+diverged 0\.0%/);
    // On x² + 2y², |∇f|² = 4x² + 16y² ≥ 4f, so a gradient norm of at most 1e-3 leaves a loss of at most 2.5e-7.
    const [lowest, highest] = await statusLossRange(page);
    expect(lowest).toBeGreaterThanOrEqual(0);
    expect(highest).toBeGreaterThan(lowest);
    expect(highest).toBeLessThanOrEqual(2.5e-7);
  });

  test('history plot and inspector follow the picked particle', async () => {
    await expect.poll(() => page.locator('#plot .u-over').count()).toBe(1);
    await expect.poll(() => page.locator('#inspector').textContent()).toMatch(/^particle \d+ · (moving · \d+ updates|converged after \d+ updates?)/);
  });

  test('a pick while paused shows at once', async () => {
    const setPaused = (paused: boolean) =>
      page.evaluate((value) => {
        const downhill = (window as unknown as { downhill: Handle }).downhill;
        downhill.change({ ...downhill.settings, paused: value });
      }, paused);
    await setPaused(true);
    try {
      // A step already in the worker may still arrive.
      await page.waitForTimeout(500);
      const stepsDone = await page.evaluate(() => (window as unknown as { downhill: Handle }).downhill.stepsDone);
      await page.evaluate(() => (window as unknown as { downhill: Handle & { pick(index: number): void } }).downhill.pick(100));
      await expect.poll(() => page.locator('#inspector').textContent(), { timeout: 10_000 }).toMatch(/^particle 100 · /);
      // uPlot's columns: update step, x, y, the picked particle's loss, then the population's band. The next frame redraws it.
      const plotted = () =>
        page.evaluate(() => {
          const columns: ArrayLike<number | null>[] = (window as unknown as { downhill: any }).downhill.plot.plot.data;
          return Array.from(columns[0]).filter((_, k) => columns[3][k] !== null);
        });
      await expect.poll(() => plotted().then((steps) => steps.length), { timeout: 10_000 }).toBe(1);
      expect((await plotted())[0], 'its step: its stop step or the update count').toBeLessThanOrEqual(stepsDone);
      expect(await page.evaluate(() => (window as unknown as { downhill: Handle }).downhill.stepsDone)).toBe(stepsDone);
    } finally {
      await setPaused(false);
    }
  });

  test('typed formula compiles and runs', async () => {
    const field = page.locator('#formula-input');
    await field.fill('(x - 1)^2 + 3*(y + 0.5)^2');
    await field.press('Enter');
    const state = await waitForState(page, (current) => current.running?.formula === '(x - 1)^2 + 3*(y + 0.5)^2' && current.stepsDone > 0);
    expect(state.surface).toBe('custom');
    expect(state.particleCount).toBe(64 * 64);
  });

  test('invalid formula is marked and the scene stays', async () => {
    const field = page.locator('#formula-input');
    await field.fill('x + y*');
    await field.press('Enter');
    await expect.poll(() => page.locator('#formula-error').textContent()).toMatch(/formula ends after '\*'/);
    expect((await appState(page)).running?.formula).toBe('(x - 1)^2 + 3*(y + 0.5)^2');
  });

  test('GPU-only folders are disabled with a note', async () => {
    for (const note of [/Sweeps need WebGPU/, /basin map needs WebGPU/, /Verify compares the GPU with the CPU reference/]) {
      await expect(page.locator('.fallback-note', { hasText: note }).count()).resolves.toBe(1);
    }
    const verifyButton = page.locator('.lil-controller', { hasText: 'verify against the CPU' });
    expect(await verifyButton.evaluate((element) => element.classList.contains('lil-disabled'))).toBe(true);
    expect(await verifyButton.locator('button').isDisabled()).toBe(true);
    await page.evaluate(() => (window as unknown as { downhill: Handle }).downhill.verify());
    await expect.poll(() => page.locator('.notice').last().textContent()).toMatch(/nothing to compare/);
  });

  test('a larger grid is clamped with a notice', async () => {
    await page.evaluate(() => {
      const app = (window as unknown as { downhill: Handle }).downhill;
      app.change({ ...app.settings, surface: 'quadratic', grid: 256, sweep: { ...app.settings.sweep, enabled: true } });
    });
    await expect.poll(() => page.locator('.notice').allTextContents()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/at most 64 × 64, so a 256 × 256 grid was reduced to 64 × 64/),
        expect.stringMatching(/sweeps need WebGPU, so the sweep is off/),
      ]),
    );
    const settings = await page.evaluate(() => (window as unknown as { downhill: Handle }).downhill.settings);
    expect(settings.grid).toBe(64);
    expect(settings.sweep.enabled).toBe(false);
  });

  test('worker throughput at the grid cap', async () => {
    // Adam on Rosenbrock at 64 × 64, as many updates per frame as the worker manages.
    await page.evaluate(() => {
      const app = (window as unknown as { downhill: Handle }).downhill;
      const run = { ...app.settings.runs[0], optimizer: { ...app.settings.runs[0].optimizer, name: 'adam', lr: 0.001 } };
      app.change({ ...app.settings, surface: 'rosenbrock', grid: 64, stepsPerFrame: 2000, runs: [run] });
    });
    const start = await waitForState(page, (current) => current.running?.name === 'rosenbrock' && current.stepsDone > 0);
    const state = await waitForState(page, (current) => current.stepsDone >= start.stepsDone + 200);
    const rate = await page.evaluate(() => (window as unknown as { downhill: Handle }).downhill.workerRate);
    console.info(`CPU fallback: ${rate.toExponential(2)} particle-steps/s for Adam on Rosenbrock at 64 × 64 (worker compute time only)`);
    expect(state.particleCount).toBe(4096);
    expect(rate).toBeGreaterThan(0);
  });

  test('hidden panels: map clears colour bar', async () => {
    await page.setViewportSize({ width: 700, height: 900 });
    try {
      await page.evaluate(() => {
        const downhill = (window as unknown as { downhill: Handle }).downhill;
        downhill.change({ ...downhill.settings, surface: 'quadratic', view: '2d', basinView: 'off' });
      });
      await page.locator('#view').click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('h');
      await expect.poll(() => page.locator('.side').isVisible()).toBe(false);
      const read = () =>
        page.evaluate(() => {
          const downhill = (window as unknown as { downhill: { screenPositionOf(x: number, y: number): { px: number; py: number } } }).downhill;
          const [low, high] = [downhill.screenPositionOf(-2, -2), downhill.screenPositionOf(2, 2)];
          const bar = document.querySelector('.color-legend')!.getBoundingClientRect();
          return { mapRight: high.px, mapBottom: low.py, barLeft: bar.left, barTop: bar.top };
        });
      // The colour bar sits at the bottom right: the map ends left of it or above it.
      await expect.poll(async () => {
        const { mapRight, mapBottom, barLeft, barTop } = await read();
        return mapRight <= barLeft || mapBottom <= barTop;
      }).toBe(true);
    } finally {
      await page.keyboard.press('h');
      await page.setViewportSize(VIEWPORT);
    }
  });

  test('no errors on the page', () => {
    expect(errors).toEqual([]);
  });
});

describe('the CPU fallback against the CPU reference', () => {
  let server: RunningApp;
  let browser: Browser;

  beforeAll(async () => {
    server = await startApp();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('paused link runs to its step, matching the reference bit for bit', async () => {
    const settings = cloneSettings(DEFAULT_SETTINGS);
    settings.surface = 'himmelblau';
    settings.grid = 24;
    settings.paused = true;
    settings.runs[0].optimizer = { ...settings.runs[0].optimizer, name: 'adam', lr: 0.05 };
    const steps = 40;
    const errors: string[] = [];
    const page = await openFallback(browser, server.url, WITHOUT_NAVIGATOR_GPU, errors, `#${encodeLink({ settings, step: steps })}`);
    await page.waitForFunction((target) => (window as unknown as { downhill: Handle }).downhill.stepsDone === target, steps, { timeout: 60_000 });
    const points = await page.evaluate(() => Array.from((window as unknown as { downhill: Handle }).downhill.points() ?? []));

    const { definition, compiled } = resolveSurface(settings);
    const reference = new ReferenceRun(
      {
        surface: compiled,
        optimizer: settings.runs[0].optimizer,
        schedule: settings.runs[0].schedule,
        noise: settings.noise,
        criteria: settings.criteria,
        starts: { kind: 'grid', nx: 24, ny: 24, domain: definition.domain },
      },
      'f32',
    );
    reference.advance(steps);
    expect(points.length).toBe(3 * 24 * 24);
    let compared = 0;
    for (let k = 0; k < 24 * 24; k++) {
      if (reference.status[k] === STATUS.diverged) {
        continue;
      }
      // Both sides run the same float32 arithmetic (src/core/reference.ts), so positions agree exactly.
      expect(points[3 * k]).toBe(Math.fround(reference.positions[2 * k]));
      expect(points[3 * k + 1]).toBe(Math.fround(reference.positions[2 * k + 1]));
      compared++;
    }
    expect(compared).toBe(24 * 24);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('no adapter: banner says so and particles step', async () => {
    const errors: string[] = [];
    const page = await openFallback(browser, server.url, WITHOUT_ADAPTER, errors);
    await expect.poll(() => page.locator('.fallback-banner').textContent()).toMatch(/WebGPU offered no adapter/);
    expect(await page.locator('.fallback-banner').textContent()).toMatch(/chrome:\/\/gpu/);
    const state = await waitForState(page, (current) => current.stepsDone >= 3);
    expect(state.particleCount).toBe(64 * 64);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('requestDevice failed: banner repeats the message', async () => {
    const errors: string[] = [];
    const page = await openFallback(browser, server.url, DEVICE_REJECTED, errors);
    const banner = page.locator('.fallback-banner');
    await expect.poll(() => banner.textContent()).toMatch(/requestDevice failed/);
    expect(await banner.textContent()).toMatch(/test: no device for you/);
    const state = await waitForState(page, (current) => current.stepsDone >= 3);
    expect(state.particleCount).toBe(64 * 64);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('link asking for more is clamped to the cap', async () => {
    const settings = cloneSettings(DEFAULT_SETTINGS);
    settings.grid = 512;
    settings.basinView = 'map';
    const errors: string[] = [];
    const page = await openFallback(browser, server.url, WITHOUT_NAVIGATOR_GPU, errors, `#${encodeLink({ settings })}`);
    await expect.poll(() => page.locator('.notice').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/a 512 × 512 grid was reduced to 64 × 64/), expect.stringMatching(/basin map needs WebGPU, so the basin view is off/)]),
    );
    const state = await appState(page);
    expect(state.particleCount).toBe(64 * 64);
    // The link follows what runs.
    await expect.poll(() => page.evaluate(() => location.hash)).not.toMatch(/grid=512/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
