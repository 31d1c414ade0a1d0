// Reading the app's state from a page, for the end-to-end tests: the handle
// that src/ui/main.ts puts on window.downhill, and the panel's controls.

import type { Browser, Page } from 'playwright-core';

export interface AppState {
  stepsDone: number;
  particleCount: number;
  lr: number;
  surface: string;
  diverged: number;
  converged: number;
  /** Name, formula and domain of the surface that runs (it changes once the new scene is built). */
  running: { name: string; formula: string; domain: { xMin: number; xMax: number; yMin: number; yMax: number } } | null;
}

export async function appState(page: Page): Promise<AppState> {
  return page.evaluate(() => {
    const app = (window as unknown as { downhill: any }).downhill;
    return {
      stepsDone: app.stepsDone,
      particleCount: app.particleCount,
      lr: app.settings.runs[app.settings.active].optimizer.lr,
      surface: app.settings.surface,
      diverged: app.lastStats?.diverged ?? 0,
      converged: app.lastStats?.converged ?? 0,
      running: app.runningSurface ? { name: app.runningSurface.name, formula: app.runningSurface.formula, domain: app.runningSurface.domain } : null,
    };
  });
}

/** Waits until the app reports `predicate` true, polling its state. */
export async function waitForState(page: Page, predicate: (state: AppState) => boolean, timeoutMs = 30_000): Promise<AppState> {
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
export function control(page: Page, label: string) {
  return page.locator('.lil-gui .lil-controller').filter({ has: page.locator('.lil-name', { hasText: new RegExp(`^${label}$`) }) });
}

/**
 * Opens the app at `url` in a new page of `browser`, collects uncaught page
 * errors and console errors into `errors`, and waits until the first scene
 * has particles.
 */
export async function openAppPage(browser: Browser, url: string, viewport: { width: number; height: number }, errors: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') {
      errors.push(message.text());
    }
  });
  await page.goto(url);
  await page.waitForFunction(() => ((window as unknown as { downhill?: { particleCount: number } }).downhill?.particleCount ?? 0) > 0, null, {
    timeout: 30_000,
  });
  return page;
}
