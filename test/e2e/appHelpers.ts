// Helpers shared by the end-to-end tests of the app: its state as
// window.downhill reports it, and the lil-gui controls by label.

import type { Page } from 'playwright-core';

export interface AppState {
  stepsDone: number;
  particleCount: number;
  lr: number;
  surface: string;
  diverged: number;
  converged: number;
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

