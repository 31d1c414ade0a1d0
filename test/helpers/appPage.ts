// Reading the app's state from a page, for the end-to-end tests: the handle
// that src/ui/main.ts puts on window.downhill, and the panel's controls.

import type { Browser, BrowserContext, Page } from 'playwright-core';

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

/** Waits until the app has drawn `frames` more frames, so that a change shows in the view whatever the frame time. */
export async function waitForFrames(page: Page, frames: number, timeoutMs = 60_000): Promise<void> {
  const drawn = () => page.evaluate(() => (window as unknown as { downhill: { framesDrawn: number } }).downhill.framesDrawn);
  const target = (await drawn()) + frames;
  await page.waitForFunction((count) => (window as unknown as { downhill: { framesDrawn: number } }).downhill.framesDrawn >= count, target, { timeout: timeoutMs });
}

/** Finds the lil-gui control whose label is exactly `label`. */
/** Reads the status line's loss range ("loss from A to B") as two numbers, and throws when the line has none. */
export async function statusLossRange(page: Page): Promise<[number, number]> {
  const text = (await page.locator('#status').textContent()) ?? '';
  const range = /loss from (\S+) to (\S+)$/.exec(text);
  if (!range) {
    throw new Error(`missing loss range in the status line: ${JSON.stringify(text)}`);
  }
  return [Number(range[1]), Number(range[2])];
}

export function control(page: Page, label: string) {
  const literal = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return page.locator('.lil-gui .lil-controller').filter({ has: page.locator('.lil-name', { hasText: new RegExp(`^${literal}$`) }) });
}

/**
 * Opens the app at `url` in a new page of `target`, collects uncaught page
 * errors and console errors into `errors`, and waits until the first scene
 * has particles.
 */
export async function openAppPage(target: Browser | BrowserContext, url: string, viewport: { width: number; height: number }, errors: string[]): Promise<Page> {
  // A context brings its own viewport (and init scripts); a browser gets a page of `viewport`.
  const page = 'newContext' in target ? await target.newPage({ viewport, deviceScaleFactor: 1 }) : await target.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') {
      errors.push(message.text());
    }
  });
  await page.goto(url);
  await page.waitForFunction(() => ((window as unknown as { downhill?: { particleCount: number } }).downhill?.particleCount ?? 0) > 0, null, {
    timeout: 60_000,
  });
  return page;
}

/**
 * Runs Adam at η = `lr` on a surface with `settings` on top, until `steps`
 * updates are done, then pauses: the common start of the tests that need a
 * settled scene.
 */
export async function runAdamAndPause(page: Page, settings: Record<string, unknown>, lr: number, steps: number): Promise<void> {
  await page.evaluate(
    async ([patch, rate]) => {
      const downhill = (window as unknown as { downhill: any }).downhill;
      const run = { ...downhill.settings.runs[0], optimizer: { ...downhill.settings.runs[0].optimizer, name: 'adam', lr: rate } };
      downhill.change({ ...downhill.settings, ...patch, runs: [run] });
      await downhill.whenBuilt();
    },
    [settings, lr] as const,
  );
  await pauseAtSteps(page, steps);
}

/**
 * Pauses the scene in the first animation frame that has done at least `steps`
 * updates, and returns the count it stopped at. The check and the pause run in
 * one callback in the page, because on a fast machine many frames run during a
 * round trip from the test.
 */
export async function pauseAtSteps(page: Page, steps: number, timeoutMs = 60_000): Promise<number> {
  return page.evaluate(
    ([target, timeout]) =>
      new Promise<number>((resolve, reject) => {
        const downhill = (window as unknown as { downhill: any }).downhill;
        const deadline = performance.now() + timeout;
        const check = () => {
          if (downhill.stepsDone >= target) {
            downhill.change({ ...downhill.settings, paused: true });
            resolve(downhill.stepsDone);
          } else if (performance.now() > deadline) {
            reject(new Error(`timed out after ${timeout} ms at ${downhill.stepsDone} of ${target} updates`));
          } else {
            requestAnimationFrame(check);
          }
        };
        check();
      }),
    [steps, timeoutMs] as const,
  );
}
