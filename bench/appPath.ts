/**
 * The app itself in headless Chromium: the built app served on 127.0.0.1,
 * one grid at a time, and the frame time and particle-steps per second that
 * its frame loop reaches, measured in the page.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Page } from 'playwright-core';
import { build } from 'vite';

import { launchBrowser, startApp } from '../test/helpers/browser.ts';
import { median } from './measure.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface AppOptions {
  /** Grid sides to measure, such as 256 and 1024. */
  grids: number[];
  stepsPerFrame: number;
  /** Seconds of frames before the measurement, after the grid is built. */
  warmupSeconds: number;
  /** Seconds of frames measured per grid. */
  windowSeconds: number;
  viewport: { width: number; height: number };
}

export interface AppResult {
  grid: number;
  particles: number;
  /** Frames in the window that dispatched updates. */
  frames: number;
  /** Median time between two frames that dispatched updates. */
  frameMilliseconds: number;
  /** Updates submitted in the window × particles / window length. */
  particleStepsPerSecond: number;
  /** The app's own status line at the end of the window. */
  statusLine: string;
}

export interface AppReport {
  browser: string;
  adapter: string;
  results: AppResult[];
}

interface WindowSample {
  /** rAF timestamps of the frames whose update count changed, and the count then. */
  frames: { time: number; steps: number }[];
}

/** Builds the app with Vite (as `npm run build` does), serves it and measures each grid. */
export async function benchApp(options: AppOptions): Promise<AppReport> {
  await build({ root: repoRoot, logLevel: 'warn' });
  const server = await startApp();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: options.viewport, deviceScaleFactor: 1 });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(server.url);
    await page.waitForFunction(() => ((window as unknown as { downhill?: { particleCount: number } }).downhill?.particleCount ?? 0) > 0, null, {
      timeout: 60_000,
    });
    const adapter = await page.evaluate(() => (window as unknown as { downhill: { adapterName: string } }).downhill.adapterName);

    const results: AppResult[] = [];
    for (const grid of options.grids) {
      results.push(await measureGrid(page, grid, options));
    }
    if (errors.length > 0) {
      throw new Error(`the app reported errors during the benchmark: ${errors.join('; ')}`);
    }
    return { browser: `Chromium ${browser.version()}`, adapter, results };
  } finally {
    await browser.close();
    await server.close();
  }
}

async function measureGrid(page: Page, grid: number, options: AppOptions): Promise<AppResult> {
  const particles = grid * grid;
  await page.evaluate(
    ({ grid, stepsPerFrame }) => {
      const app = (window as unknown as { downhill: { settings: object; change(next: object): boolean } }).downhill;
      if (!app.change({ ...app.settings, grid, stepsPerFrame, paused: false })) {
        throw new Error(`the app rejected grid ${grid} with ${stepsPerFrame} steps per frame`);
      }
    },
    { grid, stepsPerFrame: options.stepsPerFrame },
  );
  await page.waitForFunction(
    (count) => {
      const app = (window as unknown as { downhill: { particleCount: number; stepsDone: number } }).downhill;
      return app.particleCount === count && app.stepsDone > 0;
    },
    particles,
    { timeout: 120_000 },
  );
  await page.waitForTimeout(options.warmupSeconds * 1000);

  const sample = await page.evaluate(async (windowMilliseconds): Promise<WindowSample> => {
    const app = (window as unknown as { downhill: { stepsDone: number } }).downhill;
    const frames: { time: number; steps: number }[] = [];
    let last = app.stepsDone;
    const start = performance.now();
    return new Promise((resolve) => {
      const tick = (time: number): void => {
        if (app.stepsDone !== last) {
          last = app.stepsDone;
          frames.push({ time, steps: last });
        }
        if (time - start < windowMilliseconds) {
          requestAnimationFrame(tick);
        } else {
          resolve({ frames });
        }
      };
      requestAnimationFrame(tick);
    });
  }, options.windowSeconds * 1000);
  const statusLine = ((await page.locator('#status').textContent()) ?? '').replace(/\s+/g, ' ').trim();

  const frames = sample.frames;
  if (frames.length < 3) {
    throw new Error(`only ${frames.length} frames with updates in ${options.windowSeconds} s at grid ${grid}; use a longer window`);
  }
  const intervals = frames.slice(1).map((frame, k) => frame.time - frames[k].time);
  const first = frames[0];
  const last = frames[frames.length - 1];
  return {
    grid,
    particles,
    frames: frames.length,
    frameMilliseconds: median(intervals),
    particleStepsPerSecond: ((last.steps - first.steps) * particles) / ((last.time - first.time) / 1000),
    statusLine,
  };
}
