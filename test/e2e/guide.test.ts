// The screenshots of the user guide (docs/guide.md), made from the built app
// in headless Chromium and from the command line. With DOWNHILL_GUIDE=1 they
// are written to docs/guide/, where the guide links them; otherwise to a
// temporary folder, so that a test run leaves the checkout as it was. Each
// image is checked for its size and for content, and each scene for the
// numbers the guide states about it.

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { appState, control, openAppPage, pauseAtSteps, waitForState } from '../helpers/appPage.ts';
import { launchBrowser, startApp, type RunningApp } from '../helpers/browser.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const VIEWPORT = { width: 1280, height: 800 };
const outDir = process.env.DOWNHILL_GUIDE === '1' ? join(repoRoot, 'docs/guide') : mkdtempSync(join(tmpdir(), 'downhill-guide-'));

type Handle = { settings: any; change(next: unknown): boolean; whenBuilt(): Promise<void>; stepsDone: number; verify(): Promise<unknown> };

/** Counts the distinct colours of a PNG on a grid of every fourth pixel. A blank image has a handful. */
function distinctColours(file: string): { width: number; height: number; colours: number } {
  const png = PNG.sync.read(readFileSync(file));
  const seen = new Set<number>();
  for (let y = 0; y < png.height; y += 4) {
    for (let x = 0; x < png.width; x += 4) {
      const k = 4 * (y * png.width + x);
      seen.add((png.data[k]! << 16) | (png.data[k + 1]! << 8) | png.data[k + 2]!);
    }
  }
  return { width: png.width, height: png.height, colours: seen.size };
}

async function shoot(page: Page, name: string): Promise<string> {
  const file = join(outDir, `${name}.png`);
  await page.screenshot({ path: file });
  const image = distinctColours(file);
  expect(image.width).toBe(VIEWPORT.width);
  expect(image.height).toBe(VIEWPORT.height);
  // The surface's colour map, particles and panel give hundreds of colours.
  expect(image.colours).toBeGreaterThan(200);
  return file;
}

/** Runs the command line in the output folder, so that the paths it prints are relative ones. */
function downhill(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(repoRoot, 'bin/downhill.mjs'), ...args], { cwd: outDir, encoding: 'utf8', timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`downhill ${args.join(' ')} failed: ${stderr || error.message}`));
      } else {
        resolve(stdout);
      }
    });
  });
}

describe('user guide screenshots', { timeout: 300_000 }, () => {
  let server: RunningApp;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  const change = (patch: Record<string, unknown>, run?: Record<string, unknown>) =>
    page.evaluate(
      async ([settingsPatch, optimizerPatch]) => {
        const app = (window as unknown as { downhill: Handle }).downhill;
        const runs = optimizerPatch ? [{ ...app.settings.runs[0], optimizer: { ...app.settings.runs[0].optimizer, ...optimizerPatch } }] : app.settings.runs;
        app.change({ ...app.settings, ...settingsPatch, runs });
        await app.whenBuilt();
      },
      [patch, run] as const,
    );

  const stepsAtLeast = (steps: number) =>
    page.waitForFunction((target) => (window as unknown as { downhill: Handle }).downhill.stepsDone >= target, steps, { timeout: 90_000 });

  beforeAll(async () => {
    mkdirSync(outDir, { recursive: true });
    server = await startApp();
    browser = await launchBrowser();
    page = await openAppPage(browser, server.url, VIEWPORT, errors);
    await page.setViewportSize(VIEWPORT);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('three presets of the first lesson', async () => {
    // The presets run a quarter to one update per frame so that a class can
    // follow them. The test speeds them up to reach the same scenes sooner.
    const preset = async (name: string, stepsPerFrame: number, steps: number) => {
      await control(page, 'preset').locator('select').selectOption({ label: name }, { force: true });
      await expect.poll(() => appState(page).then((state) => state.running?.name), { timeout: 60_000 }).toBe(name.startsWith('2D') ? 'quadratic' : 'parabola');
      await change({ stepsPerFrame });
      await waitForState(page, (state) => state.stepsDone >= steps, 120_000);
    };

    await preset('1D: x²', 5, 30);
    await shoot(page, 'preset-1d');
    expect((await appState(page)).surface).toBe('parabola');

    await preset('2D: x² + 2y²', 5, 30);
    await shoot(page, 'preset-2d');
    expect((await appState(page)).surface).toBe('quadratic');
    // The second preset's explanation replaces the first one's.
    const notices = await page.locator('#notices .notice').allTextContents();
    expect(notices.filter((text) => /Curvature 2 along x and 4 along y/.test(text))).toHaveLength(1);
    expect(notices.filter((text) => /f\(x\) = x², gradient 2x/.test(text))).toHaveLength(0);

    await preset('Learning rate too large', 20, 60);
    const diverging = await waitForState(page, (state) => state.diverged > 0, 120_000);
    await shoot(page, 'preset-too-large');
    // η above 1 on x²: |1 − 2η| > 1, so every particle off the minimum grows.
    expect(diverging.lr).toBeGreaterThan(1);
    expect(diverging.diverged).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });

  test('basin map of Himmelblau under Adam', async () => {
    await change({ surface: 'himmelblau', grid: 128, view: '2d', basinView: 'map', stepsPerFrame: 50, trails: false, paused: false }, { name: 'adam', lr: 0.05 });
    await stepsAtLeast(600);
    const legend = page.locator('#basin-legend, .basin-legend').first();
    await expect.poll(() => legend.textContent(), { timeout: 30_000 }).toMatch(/%/);
    await shoot(page, 'basins');
    // Himmelblau has four minima of value 0; the legend lists each with its share.
    expect((await legend.textContent())!.match(/%/g)!.length).toBeGreaterThanOrEqual(4);
    expect(errors).toEqual([]);
  });

  test('learning-rate sweep on x²', async () => {
    await change(
      { surface: 'parabola', grid: 16, basinView: 'off', view: '3d', stepsPerFrame: 20, sweep: { enabled: true, lrMin: 0.05, lrMax: 1.5, lrCount: 64, second: 'none', secondMin: 0, secondMax: 0.99, secondCount: 32 } },
      { name: 'gd', lr: 0.1 },
    );
    await stepsAtLeast(200);
    await expect.poll(() => page.locator('#sweep').isVisible(), { timeout: 30_000 }).toBe(true);
    await shoot(page, 'sweep');
    expect(await page.locator('#sweep').textContent()).toMatch(/Sweep of gd/);
    expect(errors).toEqual([]);
  });

  test('verification report', async () => {
    await change({ surface: 'himmelblau', grid: 64, view: '2d', basinView: 'map', stepsPerFrame: 50, sweep: { enabled: false, lrMin: 0.01, lrMax: 1, lrCount: 64, second: 'none', secondMin: 0, secondMax: 0.99, secondCount: 32 } }, { name: 'adam', lr: 0.05 });
    // Paused in the page at the first frame past 300 updates: all 4,096 starts are checked up to 610
    // updates (FULL_CHECK_BUDGET), and a fast machine runs many frames during a round trip to the test.
    await pauseAtSteps(page, 300, 90_000);
    await control(page, 'verify against the CPU').locator('button').click({ force: true });
    await expect.poll(() => page.locator('#verify').textContent(), { timeout: 120_000 }).toMatch(/GPU vs CPU float32: max \|Δ\|/);
    await shoot(page, 'verify');
    const report = await page.locator('#verify').textContent();
    expect(report).toMatch(/checked 4,096 of 4,096 particles/);
    expect(report).toMatch(/CPU float32 vs float64/);
    expect(errors).toEqual([]);
  });

  test('command line', async () => {
    const commands = [
      ['run', '--surface', 'parabola', '--lr', '0.1', '--steps', '20', '--grid', '8'],
      ['basins', '--surface', 'himmelblau', '--optimizer', 'gd', '--lr', '0.01', '--steps', '2000', '--grid', '128', '--png', 'cli-basins.png'],
      ['sweep', '--surface', 'parabola', '--optimizer', 'gd', '--lr-min', '0.5', '--lr-max', '1.5', '--lrs', '5', '--grid', '16', '--steps', '200'],
      ['verify', '--surface', 'quadratic', '--lr', '0.1', '--steps', '100', '--grid', '32'],
    ];
    const transcript: string[] = [];
    for (const args of commands) {
      transcript.push(`$ npm run --silent downhill -- ${args.join(' ')}`, (await downhill(args)).trimEnd(), '');
    }
    const text = transcript.join('\n');
    expect(text).toMatch(/minimum|basin/i);
    writeFileSync(join(outDir, 'cli.txt'), `${text}\n`);
    const cliPage = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 });
    const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    await cliPage.setContent(
      `<body style="margin:0;background:#15171c"><pre style="margin:0;padding:16px;color:#d8dee9;font:13px/1.35 monospace;white-space:pre-wrap">${escaped}</pre></body>`,
    );
    const file = join(outDir, 'cli.png');
    // The whole transcript, however tall: the verify report's explanation runs past one window.
    await cliPage.screenshot({ path: file, fullPage: true });
    const image = distinctColours(file);
    expect(image.width).toBe(VIEWPORT.width);
    const textHeight = await cliPage.locator('pre').evaluate((pre) => Math.floor(pre.getBoundingClientRect().bottom));
    expect(textHeight).toBeGreaterThan(VIEWPORT.height);
    expect(image.height).toBeGreaterThanOrEqual(textHeight);
    expect(image.colours).toBeGreaterThan(2);
    const basins = PNG.sync.read(readFileSync(join(outDir, 'cli-basins.png')));
    expect([basins.width, basins.height]).toEqual([128, 128]);
    await cliPage.close();
  });
});
