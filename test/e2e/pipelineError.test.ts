// A shader that fails to compile, in headless Chromium. An init script
// corrupts the WGSL of the next descent module on request, as a driver bug or
// a broken build would. The notice names the failing module with the
// compiler's message, and the previous scene and its settings keep running.

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { openAppPage } from '../helpers/appPage.ts';
import { launchBrowser, startApp, type RunningApp } from '../helpers/browser.ts';

type Handle = { settings: any; change(next: unknown): boolean; whenBuilt(): Promise<void>; stepsDone: number; particleCount: number };

/** Appends a syntax error to the next descent shader module while window.breakNextDescent is set. */
function corruptNextDescentModule(): void {
  const createShaderModule = GPUDevice.prototype.createShaderModule;
  GPUDevice.prototype.createShaderModule = function (descriptor) {
    const target = window as unknown as { breakNextDescent?: boolean };
    if (target.breakNextDescent && descriptor.label === 'Descent.module') {
      target.breakNextDescent = false;
      return createShaderModule.call(this, { ...descriptor, code: `${descriptor.code}\nfn broken( {\n` });
    }
    return createShaderModule.call(this, descriptor);
  };
}

describe('a failed pipeline', () => {
  let server: RunningApp;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    server = await startApp();
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    await context.addInitScript(corruptNextDescentModule);
    page = await openAppPage(context, `${server.url}#v=1&surface=himmelblau&grid=16&stepsPerFrame=5`, { width: 1280, height: 800 }, errors);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('notice names the module', { timeout: 120_000 }, async () => {
    // Adam needs a descent pipeline that the scene has not compiled yet.
    await page.evaluate(async () => {
      (window as unknown as { breakNextDescent: boolean }).breakNextDescent = true;
      const app = (window as unknown as { downhill: Handle }).downhill;
      const adam = { ...app.settings.runs[0], optimizer: { ...app.settings.runs[0].optimizer, name: 'adam', lr: 0.05 } };
      app.change({ ...app.settings, runs: [adam] });
      await app.whenBuilt();
    });

    const notice = await page.locator('#notices').textContent();
    expect(notice).toMatch(/Could not build the scene: Descent\.module: line \d+:\d+: /);
    expect(notice).toMatch(/The running scene and its settings are kept/);
    // The console has the same message, once.
    expect(errors.filter((line) => line.includes('Descent.module'))).toHaveLength(1);

    // Plain descent on Himmelblau keeps running, and the panel shows it again.
    const state = await page.evaluate(() => {
      const app = (window as unknown as { downhill: Handle }).downhill;
      return { optimizer: app.settings.runs[0].optimizer.name, surface: app.settings.surface, particles: app.particleCount, steps: app.stepsDone };
    });
    expect(state.optimizer).toBe('gd');
    expect(state.surface).toBe('himmelblau');
    expect(state.particles).toBe(256);
    await page.waitForFunction((from) => (window as unknown as { downhill: Handle }).downhill.stepsDone > from, state.steps, { timeout: 30_000 });

    // The next attempt compiles the module unchanged and builds.
    await page.evaluate(async () => {
      const app = (window as unknown as { downhill: Handle }).downhill;
      const adam = { ...app.settings.runs[0], optimizer: { ...app.settings.runs[0].optimizer, name: 'adam', lr: 0.05 } };
      app.change({ ...app.settings, runs: [adam] });
      await app.whenBuilt();
    });
    expect(await page.evaluate(() => (window as unknown as { downhill: Handle }).downhill.settings.runs[0].optimizer.name)).toBe('adam');
    expect(errors.filter((line) => !line.includes('Descent.module'))).toEqual([]);
  });
});
