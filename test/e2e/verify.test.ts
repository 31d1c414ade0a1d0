// Verify in the app: the panel button runs the CPU reference in a Web Worker,
// the report appears with a download link, and it matches what
// `downhill verify` prints for the same configuration.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import type { VerifyReport } from '../../src/core/verify.ts';
import { control, openAppPage, runAdamAndPause } from '../helpers/appPage.ts';
import { launchBrowser, startApp, type RunningApp } from '../helpers/browser.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

type Handle = {
  settings: any;
  change(next: unknown): boolean;
  whenBuilt(): Promise<void>;
  stepsDone: number;
  lastVerifyReport: VerifyReport | undefined;
};

describe('Verify in the app', () => {
  let server: RunningApp;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    server = await startApp();
    browser = await launchBrowser();
    page = await openAppPage(browser, server.url, { width: 1400, height: 900 }, errors);
    // Himmelblau with Adam at η 0.05 on a 24 × 24 grid, paused once it has run a while.
    await runAdamAndPause(page, { surface: 'himmelblau', grid: 24, view: '2d', stepsPerFrame: 50, trails: false }, 0.05, 200);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the panel button shows the report, a download link and the marks on the map', async () => {
    await control(page, 'verify against the CPU').locator('button').click({ force: true });
    await expect.poll(() => page.locator('#verify').textContent(), { timeout: 60_000 }).toMatch(/GPU vs CPU float32: max \|Δ\|/);
    const text = (await page.locator('#verify').textContent())!;
    expect(text).toMatch(/checked 576 of 576 particles/);
    expect(text).toMatch(/CPU float32 vs float64/);
    expect(text).toMatch(/implementation/);
    expect(text).toMatch(/On the map: \d+ starts? where GPU and CPU float32 disagree/);

    // The download link carries the whole report as JSON.
    const href = await page.locator('#verify a').getAttribute('href');
    expect(href).toMatch(/^blob:/);
    // Saved as a user saves it: the build's Content-Security-Policy (connect-src 'self') rejects a fetch of the blob: URL.
    const [saved] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.locator('#verify a').click({ force: true })]);
    // Named after the scene, and carrying it: what was checked, and a link that opens it again.
    expect(saved.suggestedFilename()).toMatch(/^downhill-verify-himmelblau-adam-\d+\.json$/);
    const downloaded = JSON.parse(readFileSync(await saved.path(), 'utf8')) as VerifyReport & { scene: Record<string, any> };
    expect(downloaded.scene).toMatchObject({ surface: 'himmelblau', grid: 24, optimizer: { name: 'adam' }, sweep: null });
    expect(downloaded.scene.formula).toBe('(x^2 + y - 11)^2 + (x + y^2 - 7)^2');
    expect(downloaded.scene.link).toMatch(/#v=1&.*surface=himmelblau/);
    expect(downloaded.particles).toBe(576);
    expect(downloaded.checked).toBe(576);
    expect(downloaded.adapter).toMatch(/\S/);
    expect(downloaded.gpuVsF32.compared).toBe(576);
    expect(downloaded.gpuVsF32.ulp?.max).toBeLessThan(64);

    // The map of the verified configuration is on, and its legend names the marks with their counts.
    expect(await page.evaluate(() => (window as unknown as { downhill: Handle }).downhill.settings.basinView)).toBe('map');
    const marked = /On the map: (\d+) starts? where GPU and CPU float32 disagree (?:is|are) marked magenta; (\d+) starts?/.exec(text)!;
    const legend = page.locator('#basin-legend');
    await expect.poll(() => legend.textContent(), { timeout: 30_000 }).toMatch(/verify: GPU and CPU float32 disagree/);
    const rows = await legend.locator('.basin-row').allTextContents();
    const share = (count: number) => `${((100 * count) / 576).toFixed(1)}%`;
    expect(rows.find((row) => row.startsWith('verify: GPU and CPU float32 disagree'))).toContain(share(Number(marked[1])));
    expect(rows.find((row) => row.startsWith('verify: unresolved (float32 and float64 disagree)'))).toContain(share(Number(marked[2])));
    expect(errors).toEqual([]);
  });

  test('the Worker report equals the command line report for the same configuration', async () => {
    const app = await page.evaluate(() => (window as unknown as { downhill: Handle }).downhill.lastVerifyReport!);
    expect(app).toBeDefined();
    const outcome = spawnSync(
      process.execPath,
      ['bin/downhill.mjs', 'verify', '--surface', 'himmelblau', '--optimizer', 'adam', '--lr', '0.05', '--steps', String(app.steps), '--grid', '24', '--json'],
      { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 },
    );
    expect(outcome.stderr).toBe('');
    expect(outcome.status).toBe(0);
    const cli = JSON.parse(outcome.stdout) as VerifyReport;

    expect(cli.particles).toBe(app.particles);
    expect(cli.checked).toBe(app.checked);
    expect(cli.steps).toBe(app.steps);
    // The CPU half is deterministic JavaScript: float32 against float64 is the same to the bit.
    expect(cli.f32VsF64).toEqual(app.f32VsF64);
    // The GPU half ran on two WebGPU implementations (Chromium's and Node's Dawn):
    // the outcomes agree exactly and the coordinates to within the few ulp that
    // fused multiply-adds may move them.
    expect(cli.gpuVsF32.statusAgreement).toBe(app.gpuVsF32.statusAgreement);
    expect(cli.gpuVsF32.basinAgreement).toBe(app.gpuVsF32.basinAgreement);
    expect(cli.gpuVsF32.disagreeing).toEqual(app.gpuVsF32.disagreeing);
    expect(cli.gpuVsF32.compared).toBe(app.gpuVsF32.compared);
    expect(Math.abs(cli.gpuVsF32.ulp!.max - app.gpuVsF32.ulp!.max)).toBeLessThanOrEqual(8);
    expect(cli.explanation).toEqual(app.explanation);
  });

  test('cancel stops the CPU rerun and hides the panel', async () => {
    const before = await page.evaluate(() => (window as unknown as { downhill: Handle }).downhill.lastVerifyReport?.particles);
    // The rerun is capped at a few million updates, which a fast machine finishes before a poll could
    // see it. A mutation observer clicks cancel instead: it runs before the worker's message, a task of its own.
    const phases = await page.evaluate(
      () =>
        new Promise<string[]>((resolve) => {
          const seen: string[] = [];
          const panel = document.querySelector('#verify')!;
          const observer = new MutationObserver(() => {
            const text = panel.querySelector('.verify-text')?.textContent ?? '';
            if (seen.at(-1) !== text) {
              seen.push(text);
            }
            if (/^The CPU reruns [1-9]/.test(text)) {
              observer.disconnect();
              [...panel.querySelectorAll<HTMLButtonElement>('button')].find((button) => button.textContent === 'cancel')!.click();
              resolve(seen);
            }
          });
          observer.observe(panel, { subtree: true, childList: true, characterData: true });
          [...document.querySelectorAll<HTMLButtonElement>('.lil-gui button')].find((button) => button.textContent === 'verify against the CPU')!.click();
        }),
    );
    expect(phases[0]).toMatch(/^A fresh GPU run of \d+ updates/);
    expect(phases.at(-1)).toMatch(/^The CPU reruns [\d,]+ particles in float32 and float64/);
    await expect.poll(() => page.locator('#verify').isHidden()).toBe(true);
    // The earlier report stays the last one; the cancelled rerun left nothing.
    await page.waitForTimeout(500);
    expect(await page.locator('#verify').isHidden()).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { downhill: Handle }).downhill.lastVerifyReport?.particles)).toBe(before);
    expect(errors).toEqual([]);
  });

  test('a new scene keeps the last report, marked as earlier', async () => {
    await control(page, 'verify against the CPU').locator('button').click({ force: true });
    await expect.poll(() => page.locator('#verify .verify-text').textContent(), { timeout: 60_000 }).toMatch(/^checked/);
    await page.evaluate(async () => {
      const downhill = (window as unknown as { downhill: Handle }).downhill;
      downhill.change({ ...downhill.settings, grid: 32 });
      await downhill.whenBuilt();
    });
    const text = await page.locator('#verify .verify-text').textContent();
    expect(text).toMatch(/^This report is for an earlier scene/);
    expect(text).toMatch(/checked \d/);
    expect(errors).toEqual([]);
  });

  test('closing the report restores the basin view', async () => {
    const basinView = () => page.evaluate(() => (window as unknown as { downhill: Handle }).downhill.settings.basinView);
    await page.evaluate(async () => {
      const downhill = (window as unknown as { downhill: Handle }).downhill;
      downhill.change({ ...downhill.settings, basinView: 'off' });
      await downhill.whenBuilt();
    });
    await control(page, 'verify against the CPU').locator('button').click({ force: true });
    await expect.poll(() => page.locator('#verify .verify-text').textContent(), { timeout: 60_000 }).toMatch(/Closing the report removes the marks\./);
    expect(await basinView()).toBe('map');
    await expect.poll(() => page.locator('#basin-legend').textContent(), { timeout: 30_000 }).toMatch(/verify: GPU and CPU float32 disagree/);
    await page.locator('#verify .verify-close').click();
    expect(await page.locator('#verify').isHidden()).toBe(true);
    await expect.poll(basinView).toBe('off');
    expect(await page.locator('#basin-legend').textContent()).not.toMatch(/verify:/);
    expect(errors).toEqual([]);
  });

  test('a sweep report marks nothing', async () => {
    const basinView = () => page.evaluate(() => (window as unknown as { downhill: Handle }).downhill.settings.basinView);
    // A report without a sweep turns the map on; the sweep's scene then replaces it before it is closed.
    await control(page, 'verify against the CPU').locator('button').click({ force: true });
    await expect.poll(() => page.locator('#verify .verify-text').textContent(), { timeout: 60_000 }).toMatch(/Closing the report removes the marks\./);
    expect(await basinView()).toBe('map');
    await page.evaluate(async () => {
      const downhill = (window as unknown as { downhill: Handle }).downhill;
      downhill.change({ ...downhill.settings, grid: 8, sweep: { ...downhill.settings.sweep, enabled: true, lrMin: 0.01, lrMax: 0.1, lrCount: 4 } });
      await downhill.whenBuilt();
    });
    await control(page, 'verify against the CPU').locator('button').click({ force: true });
    await expect.poll(() => page.locator('#verify .verify-text').textContent(), { timeout: 60_000 }).toMatch(/^checked/);
    const text = await page.locator('#verify .verify-text').textContent();
    expect(text).toMatch(/The basin map does not show a sweep, so they are not marked; the downloaded report lists their particle indices\./);
    expect(text).not.toMatch(/On the map/);
    // Closing the sweep's report leaves the basin view as the earlier report left it.
    await page.locator('#verify .verify-close').click();
    await page.waitForTimeout(300);
    expect(await basinView()).toBe('map');
    expect(errors).toEqual([]);
  });

  test('largest difference: a button picks it', { timeout: 120_000 }, async () => {
    // Adam on Ackley: a start in a 2-cycle around the cone's tip carries every difference of exp and cos forward.
    await page.evaluate(async () => {
      const downhill = (window as unknown as { downhill: Handle }).downhill;
      downhill.change({ ...downhill.settings, sweep: { ...downhill.settings.sweep, enabled: false } });
      await downhill.whenBuilt();
    });
    await runAdamAndPause(page, { surface: 'ackley', grid: 16, view: '2d', stepsPerFrame: 50, trails: false, paused: false }, 0.05, 500);
    await control(page, 'verify against the CPU').locator('button').click({ force: true });
    await expect.poll(() => page.locator('#verify .verify-text').textContent(), { timeout: 60_000 }).toMatch(/Closing the report removes the marks\./);
    const report = await page.evaluate(() => (window as unknown as { downhill: Handle }).downhill.lastVerifyReport!);
    const largest = report.gpuVsF32.largest!;
    expect(largest.relativeError).toBeGreaterThan(report.f32VsF64.maxRelError!);
    const text = (await page.locator('#verify .verify-text').textContent())!;
    expect(text).toContain(`The largest difference is at particle ${largest.index}: GPU `);
    expect(text).toMatch(/The formula uses cos and exp, which WGSL computes to looser bounds than the CPU/);
    const button = page.locator('#verify .verify-pick');
    expect(await button.textContent()).toBe(`pick particle ${largest.index}, the largest difference`);
    expect(await button.getAttribute('title')).toBe(`The report gives its end point after ${report.steps} updates; in a scene left running it has moved on since.`);
    await button.click();
    await expect.poll(() => page.locator('#inspector').textContent()).toMatch(new RegExp(`^particle ${largest.index} · `));
    // A new scene makes the index stale, so the button goes.
    await page.evaluate(async () => {
      const downhill = (window as unknown as { downhill: Handle }).downhill;
      downhill.change({ ...downhill.settings, grid: 8 });
      await downhill.whenBuilt();
    });
    await expect.poll(() => button.isVisible()).toBe(false);
    expect(errors).toEqual([]);
  });
});
