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

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface AppOptions {
  /** Grid sides to measure, such as 256 and 1024. */
  grids: number[];
  /** Surface and plain-descent learning rate, chosen so that the particles keep moving during the measurement. */
  surface: string;
  lr: number;
  stepsPerFrame: number;
  /** Seconds of frames before the measurement, after the grid is built. */
  warmupSeconds: number;
  /** Seconds of frames measured per grid, at the least. */
  windowSeconds: number;
  /** Frames with updates measured per grid, at the least; the window grows until there are this many. */
  minFrames: number;
  viewport: { width: number; height: number };
}

export interface AppResult {
  grid: number;
  particles: number;
  /** Frames in the window that dispatched updates. */
  frames: number;
  /**
   * Mean time between two frames that dispatched updates. The app lets two
   * frames be in flight, so slow frames come in pairs and a median would
   * pick one interval of a pair.
   */
  frameMilliseconds: number;
  /** Updates submitted in the window × particles / window length. */
  particleStepsPerSecond: number;
  /** The app's own status line at the end of the window. */
  statusLine: string;
  /** Share of particles still moving at the end, from the app's last statistics. */
  movingShare: number;
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

/** Longest window per grid, for frames so slow that minFrames would take longer. */
const MAX_WINDOW_SECONDS = 180;

/**
 * Runs in the page: collects a WindowSample over at least windowMilliseconds
 * and minFrames frames with updates, and at most maxMilliseconds. It is a
 * string because tsx compiles functions with a __name helper that the page
 * does not have.
 */
const SAMPLE_FRAMES = `async (windowMilliseconds, minFrames, maxMilliseconds) => {
  const app = window.downhill;
  const frames = [];
  let last = app.stepsDone;
  const start = performance.now();
  return new Promise((resolve) => {
    const tick = (time) => {
      if (app.stepsDone !== last) {
        last = app.stepsDone;
        frames.push({ time, steps: last });
      }
      const elapsed = time - start;
      if ((elapsed < windowMilliseconds || frames.length < minFrames) && elapsed < maxMilliseconds) {
        requestAnimationFrame(tick);
      } else {
        resolve({ frames });
      }
    };
    requestAnimationFrame(tick);
  });
}`;

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
    ({ grid, stepsPerFrame, surface, lr }) => {
      type Run = { optimizer: { name: string; lr: number } };
      const app = (window as unknown as { downhill: { settings: { runs: Run[] }; change(next: object): boolean } }).downhill;
      const run = app.settings.runs[0];
      const runs = [{ ...run, optimizer: { ...run.optimizer, name: 'gd', lr } }];
      if (!app.change({ ...app.settings, surface, grid, stepsPerFrame, runs, active: 0, paused: false })) {
        throw new Error(`the app rejected ${surface} at grid ${grid} with ${stepsPerFrame} steps per frame and η = ${lr}`);
      }
    },
    { grid, stepsPerFrame: options.stepsPerFrame, surface: options.surface, lr: options.lr },
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

  const call = `(${SAMPLE_FRAMES})(${options.windowSeconds * 1000}, ${options.minFrames}, ${MAX_WINDOW_SECONDS * 1000})`;
  const sample = (await page.evaluate(call)) as WindowSample;
  const statusLine = ((await page.locator('#status').textContent()) ?? '').replace(/\s+/g, ' ').trim();
  const moving = await page.evaluate(() => (window as unknown as { downhill: { lastStats?: { moving: number } } }).downhill.lastStats?.moving ?? 0);

  const frames = sample.frames;
  if (frames.length < 3) {
    throw new Error(`only ${frames.length} frames with updates in ${MAX_WINDOW_SECONDS} s at grid ${grid}`);
  }
  const first = frames[0];
  const last = frames[frames.length - 1];
  return {
    grid,
    particles,
    frames: frames.length,
    frameMilliseconds: (last.time - first.time) / (frames.length - 1),
    particleStepsPerSecond: ((last.steps - first.steps) * particles) / ((last.time - first.time) / 1000),
    statusLine,
    movingShare: moving / particles,
  };
}
