// The built app in headless Chromium with real WebGPU (SwiftShader): it
// loads, particles step, the canvas shows the scene, the panel's learning
// rate takes effect, and a page without WebGPU explains what is missing.

import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { launchBrowser, startApp, type RunningApp } from '../helpers/browser.ts';

interface AppState {
  stepsDone: number;
  particleCount: number;
  lr: number;
  surface: string;
  diverged: number;
  converged: number;
}

async function appState(page: Page): Promise<AppState> {
  return page.evaluate(() => {
    const app = (window as unknown as { downhill: any }).downhill;
    return {
      stepsDone: app.stepsDone,
      particleCount: app.particleCount,
      lr: app.settings.runs[app.settings.active].optimizer.lr,
      surface: app.settings.surface,
      diverged: app.lastStats?.diverged ?? 0,
      converged: app.lastStats?.converged ?? 0,
    };
  });
}

/** Waits until the app reports `predicate` true, polling its state. */
async function waitForState(page: Page, predicate: (state: AppState) => boolean, timeoutMs = 30_000): Promise<AppState> {
  const deadline = Date.now() + timeoutMs;
  let state = await appState(page);
  while (!predicate(state)) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for the app; last state ${JSON.stringify(state)}`);
    }
    await page.waitForTimeout(200);
    state = await appState(page);
  }
  return state;
}

/** Finds the lil-gui control whose label is exactly `label`. */
function control(page: Page, label: string) {
  return page.locator('.lil-gui .lil-controller').filter({ has: page.locator('.lil-name', { hasText: new RegExp(`^${label}$`) }) });
}

describe('the app in headless Chromium', () => {
  let server: RunningApp;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startApp();
    browser = await launchBrowser();
    // A small viewport: SwiftShader draws every frame on the CPU.
    page = await browser.newPage({ viewport: { width: 640, height: 400 }, deviceScaleFactor: 1 });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') {
        pageErrors.push(message.text());
      }
    });
    await page.goto(server.url);
    await page.waitForFunction(() => ((window as unknown as { downhill?: { particleCount: number } }).downhill?.particleCount ?? 0) > 0, null, {
      timeout: 30_000,
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('opens on x² + 2y² with a 64×64 grid at η = 0.1', async () => {
    const state = await appState(page);
    expect(state.surface).toBe('quadratic');
    expect(state.particleCount).toBe(64 * 64);
    expect(state.lr).toBe(0.1);
  });

  test('step count rises', async () => {
    const before = (await appState(page)).stepsDone;
    const after = await waitForState(page, (state) => state.stepsDone >= before + 3);
    expect(after.stepsDone).toBeGreaterThanOrEqual(before + 3);
    await expect.poll(() => page.locator('#status').getAttribute('data-steps')).not.toBe('0');
  });

  test('particles converge to (0, 0) and the status line says so', async () => {
    // Eight updates per frame through the panel, so that convergence takes
    // seconds on SwiftShader; 46 updates bring every start within tolerance.
    const speed = control(page, 'steps per frame').locator('input');
    await speed.fill('8');
    await speed.press('Enter');
    const state = await waitForState(page, (current) => current.converged === 64 * 64, 60_000);
    expect(state.diverged).toBe(0);
    await expect.poll(() => page.locator('#status').textContent()).toMatch(/converged 100\.0%\s+diverged 0\.0%/);
  });

  test('canvas is not blank', async () => {
    const png = PNG.sync.read(await page.locator('#view').screenshot());
    const background = [0x10, 0x14, 0x18];
    let differing = 0;
    const colours = new Set<number>();
    for (let k = 0; k < png.data.length; k += 4) {
      const [r, g, b] = [png.data[k], png.data[k + 1], png.data[k + 2]];
      if (Math.abs(r - background[0]) + Math.abs(g - background[1]) + Math.abs(b - background[2]) > 24) {
        differing++;
      }
      colours.add((r << 16) | (g << 8) | b);
    }
    // The surface covers about a third of the default view; a blank or
    // uniformly filled canvas has one or two colours.
    expect(differing / (png.width * png.height)).toBeGreaterThan(0.15);
    expect(colours.size).toBeGreaterThan(500);
  });

  test('learning rate typed into the panel takes effect without a reload', async () => {
    // Paused, so that no particle converges at the old rate before the new one
    // is typed; one single step shows that the particles are not reset later.
    await control(page, 'pause').locator('input').check();
    // lil-gui draws its own box over a transparent <select>.
    await control(page, 'surface').locator('select').selectOption({ label: 'parabola: x²' }, { force: true });
    await waitForState(page, (state) => state.surface === 'parabola' && state.particleCount === 33);
    await page.getByRole('button', { name: 'single step' }).click();
    await waitForState(page, (state) => state.stepsDone === 1);

    const field = control(page, 'η').locator('input');
    await field.fill('1.5');
    await field.press('Enter');
    await control(page, 'pause').locator('input').uncheck();

    // At η = 1.5 every update multiplies x by −2: every start passes the
    // divergence bound 1e6 within 25 updates, except the middle one of the 33,
    // which starts exactly at the minimum x = 0 and converged on update 1.
    const state = await waitForState(page, (current) => current.diverged === 32, 60_000);
    expect(state.converged).toBe(1);
    expect(state.lr).toBe(1.5);
    expect(state.stepsDone).toBeGreaterThan(20);
  });

  test('invalid learning rate is rejected with a notice and the scene keeps running', async () => {
    const before = await appState(page);
    const field = control(page, 'η').locator('input');
    await field.fill('-3');
    await field.press('Enter');
    await expect.poll(() => page.locator('.notice.error').last().textContent()).toMatch(/invalid learning rate -3: expected a positive finite number from 1e-8 to 1e6/);
    const after = await appState(page);
    expect(after.lr).toBe(before.lr);
    await expect.poll(() => field.inputValue()).toBe(String(before.lr));
  });

  test('no errors on the page', () => {
    expect(pageErrors).toEqual([]);
  });
});

describe('without WebGPU', () => {
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

  test('no navigator.gpu: the page says what is missing and how to get it', async () => {
    const page = await browser.newPage();
    await page.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined });
    });
    await page.goto(server.url);
    const blocker = page.locator('.blocker');
    await expect.poll(() => blocker.textContent()).toMatch(/downhill needs WebGPU/);
    expect(await blocker.textContent()).toMatch(/navigator\.gpu is missing/);
    expect(await blocker.textContent()).toMatch(/--enable-unsafe-webgpu/);
    await page.close();
  });

  test('no adapter: the page says so', async () => {
    const page = await browser.newPage();
    await page.addInitScript(() => {
      GPU.prototype.requestAdapter = async () => null;
    });
    await page.goto(server.url);
    await expect.poll(() => page.locator('.blocker').textContent()).toMatch(/WebGPU offered no adapter/);
    await page.close();
  });
});

describe('optimizers in the panel', () => {
  let server: RunningApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startApp();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 900, height: 700 }, deviceScaleFactor: 1 });
    await page.goto(server.url);
    await page.waitForFunction(() => ((window as unknown as { downhill?: { particleCount: number } }).downhill?.particleCount ?? 0) > 0, null, {
      timeout: 30_000,
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const settings = () => page.evaluate(() => JSON.parse(JSON.stringify((window as unknown as { downhill: { settings: unknown } }).downhill.settings)));

  test('choosing adam shows its hyperparameters and hides the others', async () => {
    await control(page, 'optimizer').locator('select').selectOption({ label: 'adam' }, { force: true });
    await expect.poll(async () => (await settings()).runs[0].optimizer.name).toBe('adam');
    expect(await control(page, 'beta1').isVisible()).toBe(true);
    expect(await control(page, 'AMSGrad').isVisible()).toBe(true);
    expect(await control(page, 'momentum').isVisible()).toBe(false);
    expect(await control(page, 'dampening').isVisible()).toBe(false);

    const beta1 = control(page, 'beta1').locator('input');
    await beta1.fill('0.5');
    await beta1.press('Enter');
    await expect.poll(async () => (await settings()).runs[0].optimizer.beta1).toBe(0.5);
  });

  test('a second configuration runs beside the first, and can be hidden', async () => {
    await page.getByRole('button', { name: 'add configuration to compare' }).click();
    await expect.poll(async () => (await settings()).runs.length).toBe(2);
    await expect.poll(() => page.locator('.legend-row').count()).toBe(2);
    const steps = () => page.evaluate(() => (window as unknown as { downhill: { stepsDone: number } }).downhill.stepsDone);
    const before = await steps();
    await expect.poll(steps, { timeout: 20_000 }).toBeGreaterThan(before);

    await page.locator('.legend-row').nth(1).locator('input').uncheck();
    await expect.poll(async () => (await settings()).runs[1].visible).toBe(false);
  });

  test('the schedule folder plots the rate against update step', async () => {
    const folder = page.locator('.lil-title', { hasText: 'Schedule' });
    if ((await folder.getAttribute('aria-expanded')) !== 'true') {
      await folder.click();
    }
    await expect.poll(() => folder.getAttribute('aria-expanded')).toBe('true');
    await control(page, 'schedule').locator('select').selectOption({ label: 'cosine' }, { force: true });
    await expect.poll(async () => (await settings()).runs[(await settings()).active].schedule.name).toBe('cosine');
    expect(await page.locator('.schedule-plot canvas').count()).toBe(1);
    await expect.poll(() => control(page, 'T max').isVisible()).toBe(true);
    expect(await control(page, 'gamma').isVisible()).toBe(false);
  });

  test('clicking a particle picks it and the inspector shows it', async () => {
    await page.evaluate(() => {
      const app = (window as unknown as { downhill: any }).downhill;
      app.change({ ...app.settings, view: '2d', paused: true, runs: [app.settings.runs[0]], active: 0 });
    });
    await page.waitForTimeout(1500);
    await page.evaluate(() => (window as unknown as { downhill: { reset(): void } }).downhill.reset());
    await page.waitForTimeout(500);

    // In the top-down view the domain [−2, 2]² is centred in the canvas; the
    // starts nearest its centre are the four around (0, 0).
    const box = (await page.locator('#view').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const centre = [31 * 64 + 31, 31 * 64 + 32, 32 * 64 + 31, 32 * 64 + 32];
    await expect.poll(() => page.evaluate(() => (window as unknown as { downhill: { picked: number } }).downhill.picked)).toSatisfy((index: number) => centre.includes(index));

    await page.evaluate(() => (window as unknown as { downhill: { singleStep(): void } }).downhill.singleStep());
    await expect.poll(() => page.locator('#inspector').textContent(), { timeout: 20_000 }).toMatch(/particle (2015|2016|2079|2080) /);
    const text = await page.locator('#inspector').textContent();
    expect(text).toMatch(/first moment m/);
    expect(text).toMatch(/∇f/);
  });
});
