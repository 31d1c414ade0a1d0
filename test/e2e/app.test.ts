// The built app in headless Chromium with real WebGPU (SwiftShader): it
// loads, particles step, the canvas shows the scene, and the panel's
// learning rate takes effect. test/e2e/fallback.test.ts covers a page without WebGPU.

import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { appState, control, openAppPage, statusLossRange, waitForState } from '../helpers/appPage.ts';
import { launchBrowser, startApp, type RunningApp } from '../helpers/browser.ts';

describe('the app in headless Chromium', () => {
  let server: RunningApp;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startApp();
    browser = await launchBrowser();
    // A small viewport: SwiftShader draws every frame on the CPU.
    page = await openAppPage(browser, server.url, { width: 640, height: 400 }, pageErrors);
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
    // On x² + 2y², |∇f|² = 4x² + 16y² ≥ 4f, so a gradient norm of at most 1e-3 leaves a loss of at most 2.5e-7.
    const [lowest, highest] = await statusLossRange(page);
    expect(lowest).toBeGreaterThanOrEqual(0);
    expect(highest).toBeGreaterThan(lowest);
    expect(highest).toBeLessThanOrEqual(2.5e-7);
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

  test('SwiftShader: drawn without multisampling', async () => {
    // SwiftShader draws on the CPU, where four samples per pixel made frames of the default scene about 1.5 times as slow.
    const drawing = await page.evaluate(() => {
      const app = (window as unknown as { downhill: { adapterName: string; view: { renderer: { samples: number } } } }).downhill;
      return { adapter: app.adapterName, samples: app.view.renderer.samples };
    });
    expect(drawing.adapter).toMatch(/swiftshader/);
    expect(drawing.samples).toBe(0);
  });

  test('learning rate typed into the panel takes effect without a reload', async () => {
    // Paused, so that no particle converges at η = 0.1 before η changes, however slowly the
    // browser runs: three single steps at η = 0.1 leave every start but x = 0 far from it.
    await control(page, 'pause').locator('input').check();
    // lil-gui draws its own box over a transparent <select>.
    await control(page, 'surface').locator('select').selectOption({ label: 'parabola: x²' }, { force: true });
    await waitForState(page, (state) => state.surface === 'parabola' && state.particleCount === 33);
    const singleStep = page.locator('.lil-gui button', { hasText: 'single step' });
    for (let k = 0; k < 3; k++) {
      await singleStep.click();
    }
    await waitForState(page, (state) => state.stepsDone === 3);

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
    await expect.poll(() => page.locator('.notice.error').last().textContent()).toMatch(/invalid learning rate -3: expected a number from 1e-8 to 1000000/);
    const after = await appState(page);
    expect(after.lr).toBe(before.lr);
    await expect.poll(() => field.inputValue()).toBe(String(before.lr));
  });

  test('slow frames: advice to shrink the scene', { timeout: 120_000 }, async () => {
    const advice = page.locator('.notice', { hasText: 'Each frame takes about' });
    expect(await advice.count()).toBe(0);
    // Frames count as slow from 1 ms here, so that the notice shows on any machine, GPU or not.
    // Particles that keep moving (Rosenbrock at a small rate), 100 updates per frame.
    const previous = await page.evaluate(async () => {
      const downhill = (window as unknown as { downhill: any }).downhill;
      const settings = JSON.parse(JSON.stringify(downhill.settings));
      const run = { ...settings.runs[0], optimizer: { ...settings.runs[0].optimizer, lr: 1e-4 } };
      downhill.change({ ...settings, surface: 'rosenbrock', grid: 64, stepsPerFrame: 100, paused: false, runs: [run] });
      await downhill.whenBuilt();
      downhill.slowFrames.thresholdMs = 1;
      return settings;
    });
    await advice.first().waitFor({ timeout: 60_000 });
    const text = await advice.first().textContent();
    console.info(`slow-frame advice: ${text}`);
    expect(text).toMatch(/Each frame takes about \d+\.\d s on this adapter \(.+\) for 4,096 particles at 100 steps per frame\./);
    expect(text).toMatch(/lower the grid or the steps per frame in the Particles folder/);
    // Once per scene: no second notice while the frames stay slow.
    await page.waitForTimeout(2000);
    expect(await advice.count()).toBe(1);

    await page.evaluate(async (settings) => {
      const downhill = (window as unknown as { downhill: any }).downhill;
      downhill.slowFrames.thresholdMs = 2000;
      downhill.change(settings);
      await downhill.whenBuilt();
    }, previous);
  });

  test('rate above the stability limit: warning', { timeout: 120_000 }, async () => {
    const warning = page.locator('.notice', { hasText: 'of gd on himmelblau' });
    expect(await warning.count()).toBe(0);
    const previous = await page.evaluate(async () => {
      const downhill = (window as unknown as { downhill: any }).downhill;
      const settings = JSON.parse(JSON.stringify(downhill.settings));
      const run = { ...settings.runs[0], optimizer: { ...settings.runs[0].optimizer, name: 'gd', lr: 0.1 } };
      downhill.change({ ...settings, surface: 'himmelblau', runs: [run] });
      await downhill.whenBuilt();
      return settings;
    });
    // Himmelblau's sharpest minimum, (−3.78, −3.28), has the limit 2/133.7 ≈ 0.01496.
    await expect.poll(() => warning.first().textContent(), { timeout: 30_000 }).toMatch(/η = 0\.1 is above the stability limit η = 0\.0149\d of gd on himmelblau.*Try η = 0\.01,/);

    // On another surface the warning about Himmelblau is out of date and goes at once (it would stay 15 s).
    const chooseSurface = (name: string) =>
      page.evaluate(async (surface) => {
        const downhill = (window as unknown as { downhill: any }).downhill;
        downhill.change({ ...downhill.settings, surface });
        await downhill.whenBuilt();
      }, name);
    await chooseSurface('rosenbrock');
    await expect.poll(() => page.locator('.notice', { hasText: 'of gd on rosenbrock' }).count(), { timeout: 10_000 }).toBe(1);
    expect(await warning.count()).toBe(0);
    await chooseSurface('himmelblau');
    await expect.poll(() => warning.count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator('.notice', { hasText: 'of gd on rosenbrock' }).count()).toBe(0);
    // A rate further above the limit gets the warning with its own value.
    await page.evaluate(() => {
      const downhill = (window as unknown as { downhill: any }).downhill;
      const run = { ...downhill.settings.runs[0], optimizer: { ...downhill.settings.runs[0].optimizer, lr: 0.2 } };
      downhill.change({ ...downhill.settings, runs: [run] });
    });
    await expect.poll(() => warning.first().textContent(), { timeout: 10_000 }).toMatch(/^×?η = 0\.2 is above the stability limit/);
    expect(await warning.count()).toBe(1);

    // Every particle diverged; a smaller rate moves none of them until a reset, and a notice explains this.
    await waitForState(page, (state) => state.running?.name === 'himmelblau' && state.diverged === state.particleCount, 60_000);
    await page.evaluate(() => {
      const downhill = (window as unknown as { downhill: any }).downhill;
      const run = { ...downhill.settings.runs[0], optimizer: { ...downhill.settings.runs[0].optimizer, lr: 0.01 } };
      downhill.change({ ...downhill.settings, runs: [run] });
    });
    const stopped = page.locator('.notice', { hasText: 'the 100.0% that already converged or diverged stay where they stopped' });
    await expect.poll(() => stopped.count(), { timeout: 10_000 }).toBe(1);
    // At η = 0.01, below the limit, the warning about η = 0.1 is out of date and goes at once.
    expect(await warning.count()).toBe(0);
    // A reset starts every particle again, so the notice goes.
    await page.evaluate(() => (window as unknown as { downhill: { reset(): void } }).downhill.reset());
    await expect.poll(() => stopped.count(), { timeout: 10_000 }).toBe(0);
    await page.evaluate(async (settings) => {
      const downhill = (window as unknown as { downhill: any }).downhill;
      downhill.change(settings);
      await downhill.whenBuilt();
    }, previous);
  });

  test('a rate raised above the limit: warning', async () => {
    // x² + 2y² has curvature 4 along y, so plain descent is stable below η = 0.5.
    const warning = page.locator('.notice', { hasText: 'of gd on quadratic' });
    const setRate = (lr: number) =>
      page.evaluate(async (lr) => {
        const downhill = (window as unknown as { downhill: any }).downhill;
        const run = { ...downhill.settings.runs[0], optimizer: { ...downhill.settings.runs[0].optimizer, name: 'gd', lr } };
        downhill.change({ ...downhill.settings, surface: 'quadratic', runs: [run] });
        await downhill.whenBuilt();
      }, lr);
    await setRate(0.1);
    expect(await warning.count()).toBe(0);
    await setRate(0.6);
    await expect.poll(() => warning.first().textContent(), { timeout: 10_000 }).toMatch(/η = 0\.6 is above the stability limit η = 0\.5 of gd on quadratic/);
    await setRate(0.1);
    await expect.poll(() => warning.count(), { timeout: 10_000 }).toBe(0);
  });

  test('preset menu keeps its name while paused', async () => {
    const preset = control(page, 'preset');
    await preset.locator('select').selectOption({ label: '2D: x² + 2y²' }, { force: true });
    await page.evaluate(() => (window as unknown as { downhill: { whenBuilt(): Promise<void> } }).downhill.whenBuilt());
    await expect.poll(() => preset.locator('.lil-display').textContent()).toBe('2D: x² + 2y²');
    const explanation = page.locator('.notice', { hasText: 'Curvature 2 along x and 4 along y' });
    await expect.poll(() => explanation.count()).toBe(1);
    // Pausing and another view keep the preset's scene and its explanation; a new rate does not.
    await page.evaluate(() => {
      const downhill = (window as unknown as { downhill: any }).downhill;
      downhill.change({ ...downhill.settings, paused: true, view: '2d' });
    });
    expect(await preset.locator('.lil-display').textContent()).toBe('2D: x² + 2y²');
    expect(await explanation.count()).toBe(1);
    await page.evaluate(() => {
      const downhill = (window as unknown as { downhill: any }).downhill;
      const run = { ...downhill.settings.runs[0], optimizer: { ...downhill.settings.runs[0].optimizer, lr: 0.05 } };
      downhill.change({ ...downhill.settings, runs: [run], paused: false });
    });
    await expect.poll(() => preset.locator('.lil-display').textContent()).toBe('choose a preset…');
    expect(await explanation.count()).toBe(0);
  });

  test('no errors on the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
