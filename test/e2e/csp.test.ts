// The production build's Content-Security-Policy. The built page carries it,
// and it blocks an inline script and eval. The app runs under it without one
// violation or console error: particles, a typed formula, a sweep, verify with
// its Web Worker, an export, and the CPU fallback's worker. The preview server
// sends the policy as a header as well, which is what reaches the workers.

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { appState, control, openAppPage, waitForState } from '../helpers/appPage.ts';
import { launchBrowser, startApp, type RunningApp } from '../helpers/browser.ts';

interface Violation {
  directive: string;
  blocked: string;
  sample: string;
}

type Handle = {
  settings: any;
  change(next: unknown): boolean;
  whenBuilt(): Promise<void>;
  particleCount: number;
  verify(): Promise<{ gpuVsF32: { statusAgreement: number } } | undefined>;
  exportFile(kind: string, scale?: number): Promise<string | undefined>;
};

/** Records every securitypolicyviolation of the page in window.cspViolations; a string, so no transform adds helpers the page lacks. */
const RECORD_VIOLATIONS = `
  window.cspViolations = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    window.cspViolations.push({ directive: event.violatedDirective, blocked: event.blockedURI, sample: event.sample });
  });
`;

/** Runs eval in a timer and returns its result, or the name of the error it threw ("EvalError" where the policy blocks it). */
function evalInTimer(): Promise<string> {
  return new Promise<string>((resolve) =>
    setTimeout(() => {
      try {
        resolve(String(eval('1 + 1')));
      } catch (error) {
        resolve((error as Error).name);
      }
    }, 0),
  );
}

function violations(page: Page): Promise<Violation[]> {
  return page.evaluate(() => (window as unknown as { cspViolations: Violation[] }).cspViolations);
}

describe('Content-Security-Policy of the build', () => {
  let server: RunningApp;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    server = await startApp();
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 }, deviceScaleFactor: 1 });
    await context.addInitScript(RECORD_VIOLATIONS);
    page = await openAppPage(context, server.url, { width: 1000, height: 700 }, errors);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('built page carries the policy', async () => {
    const policy = await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '');
    const scriptSource = policy.split(';').map((directive) => directive.trim()).find((directive) => directive.startsWith('script-src '));
    expect(scriptSource).toBe("script-src 'self'");
    expect(policy).toMatch(/worker-src 'self'/);
    expect(policy).not.toMatch(/unsafe-eval/);
    expect(policy).not.toMatch(/unsafe-inline/);
  });

  test('particles step under the policy', async () => {
    const before = await appState(page);
    const after = await waitForState(page, (state) => state.stepsDone >= before.stepsDone + 3);
    expect(after.particleCount).toBe(64 * 64);
  });

  test('typed formula compiles and runs', async () => {
    const field = page.locator('#formula-input');
    await field.fill('(x - 1)^2 + 2*(y + 0.5)^2');
    await field.press('Enter');
    const state = await waitForState(page, (current) => current.running?.formula === '(x - 1)^2 + 2*(y + 0.5)^2' && current.stepsDone > 0);
    expect(state.surface).toBe('custom');
  });

  test('sweep runs and plots', async () => {
    await page.evaluate(() => {
      const app = (window as unknown as { downhill: Handle }).downhill;
      app.change({ ...app.settings, surface: 'parabola', domain: undefined, grid: 16, stepsPerFrame: 20, sweep: { ...app.settings.sweep, enabled: true, lrCount: 32, lrMin: 0.1, lrMax: 1.5 } });
    });
    await expect.poll(() => page.evaluate(() => (window as unknown as { downhill: Handle }).downhill.particleCount)).toBe(16 * 32);
    await expect.poll(() => page.locator('#sweep .u-over').count()).toBeGreaterThan(0);
  });

  test('verify runs its worker to a report', async () => {
    const accepted = await page.evaluate(async () => {
      const app = (window as unknown as { downhill: Handle }).downhill;
      const changed = app.change({ ...app.settings, surface: 'himmelblau', domain: undefined, grid: 16, stepsPerFrame: 20, sweep: { ...app.settings.sweep, enabled: false } });
      await app.whenBuilt();
      return changed;
    });
    expect(accepted, (await page.locator('#notices').textContent()) ?? '').toBe(true);
    await waitForState(page, (state) => state.running?.name === 'himmelblau' && state.stepsDone >= 20);
    const agreement = await page.evaluate(async () => (await (window as unknown as { downhill: Handle }).downhill.verify())?.gpuVsF32.statusAgreement);
    expect(agreement).toBeGreaterThan(0.9);
    await expect.poll(() => page.locator('#verify').textContent()).toMatch(/GPU vs CPU float32/);
  });

  test('view exports as PNG', async () => {
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.evaluate(() => (window as unknown as { downhill: Handle }).downhill.exportFile('view', 1))]);
    expect(download.suggestedFilename()).toMatch(/\.png$/);
  });

  test('panel folders open and close', async () => {
    // lil-gui's stylesheet comes from a file: a folder's title toggles it as with the injected one.
    const title = page.locator('.lil-title', { hasText: 'Share and export' });
    await title.click();
    await expect.poll(() => control(page, 'image size').isVisible()).toBe(true);
  });

  test('no violations and no console errors', async () => {
    expect(await violations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  test('inline script and eval are blocked', async () => {
    const ran = await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.inlineScriptRan = true;';
      document.head.append(script);
      return (window as unknown as { inlineScriptRan?: boolean }).inlineScriptRan ?? false;
    });
    expect(ran).toBe(false);
    // eval in a timer: code that Playwright evaluates directly is exempt from the page's eval rule.
    const evalError = await page.evaluate(evalInTimer);
    expect(evalError).toBe('EvalError');
    await expect.poll(async () => (await violations(page)).map((violation) => violation.directive)).toEqual(expect.arrayContaining(['script-src-elem', 'script-src']));
  });
});

describe('Content-Security-Policy with the CPU fallback', () => {
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

  test('fallback worker runs without violations', async () => {
    const errors: string[] = [];
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 }, deviceScaleFactor: 1 });
    await context.addInitScript(RECORD_VIOLATIONS);
    await context.addInitScript("Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined });");
    const page = await openAppPage(context, server.url, { width: 1000, height: 700 }, errors);
    const state = await waitForState(page, (current) => current.stepsDone >= 5);
    expect(state.particleCount).toBe(64 * 64);
    expect(await page.locator('.fallback-banner').count()).toBe(1);
    expect(await violations(page)).toEqual([]);
    expect(errors).toEqual([]);

    // A <meta> policy does not reach workers: the server's header does. eval in the
    // worker's timer is blocked, as in the page (Playwright's own evaluation is exempt).
    const workers = page.workers();
    expect(workers).toHaveLength(1);
    const evalError = await workers[0]!.evaluate(evalInTimer);
    expect(evalError).toBe('EvalError');
    await context.close();
  });
});
