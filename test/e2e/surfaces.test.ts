// Surfaces in the built app, driven through the panel in headless Chromium.
// Bad typed formulas are rejected next to the field while the scene keeps
// stepping, and good ones run. The surface list, the domain, the z scale, the
// condition number and the minima found from converged particles work too.

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { findSurface } from '../../src/core/surfaces.ts';
import { appState, control, openAppPage, waitForState } from '../helpers/appPage.ts';
import { launchBrowser, startApp, type RunningApp } from '../helpers/browser.ts';

interface BadFormula {
  label: string;
  text: string;
  /** Start of the span that FormulaError marks. */
  start: number;
  message: RegExp;
}

const BAD_FORMULAS: BadFormula[] = [
  { label: 'empty', text: '', start: 0, message: /formula is empty/ },
  { label: 'missing operand', text: 'x + y*', start: 5, message: /formula ends after '\*'/ },
  { label: 'unbalanced', text: '(x + y', start: 0, message: /unmatched '\(' at character 1/ },
  { label: 'unknown name', text: 'x + foo', start: 4, message: /unknown name 'foo' at character 5/ },
  { label: 'number that underflows', text: 'x^2 + 1e-400*y', start: 6, message: /number 1e-400 is too small for float32 .* would become 0/ },
  { label: 'constructor', text: 'constructor', start: 0, message: /unknown name 'constructor'/ },
  { label: '__proto__', text: '__proto__ * x', start: 0, message: /unknown name '__proto__'/ },
  { label: 'code fragment', text: 'alert(1)', start: 0, message: /unknown name 'alert'/ },
  { label: 'Unicode look-alike', text: '\u0445^2 + y^2', start: 0, message: /Cyrillic small letter ha; type 'x' instead/ },
  { label: '10,000 nested parentheses', text: '('.repeat(10_000) + 'x' + ')'.repeat(10_000), start: 2000, message: /formula is 20001 characters long; the maximum is 2000/ },
  { label: '100,000 characters', text: 'x+'.repeat(50_000), start: 2000, message: /formula is 100000 characters long; the maximum is 2000/ },
  { label: 'constant overflow', text: 'exp(100)*x', start: 0, message: /exp\(100\) = 2\.69e43 overflows float32/ },
];

describe('surfaces in the app', () => {
  let server: RunningApp;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  const formulaField = () => page.locator('#formula-input');
  const formulaError = () => page.locator('#formula-error');

  /** Types `text` into the formula field and presses Enter, which runs it. */
  async function typeFormula(text: string): Promise<void> {
    await formulaField().fill(text);
    await formulaField().press('Enter');
  }

  beforeAll(async () => {
    server = await startApp();
    browser = await launchBrowser();
    // A small viewport, as SwiftShader draws every frame on the CPU; the panel scrolls.
    page = await openAppPage(browser, server.url, { width: 640, height: 400 }, pageErrors);
    // A smaller grid and more updates per frame, so that SwiftShader shows progress within seconds.
    await page.evaluate(() => {
      const downhill = (window as unknown as { downhill: { settings: object; change(next: object): boolean } }).downhill;
      downhill.change({ ...downhill.settings, grid: 16, stepsPerFrame: 4 });
    });
    await waitForState(page, (state) => state.particleCount === 256);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('surface list shows lesson and formula', async () => {
    const himmelblau = findSurface('himmelblau')!;
    // lil-gui draws its own box over a transparent <select>.
    await control(page, 'surface').locator('select').selectOption({ label: 'himmelblau' }, { force: true });
    const state = await waitForState(page, (current) => current.running?.name === 'himmelblau');
    expect(state.running?.formula).toBe(himmelblau.formula);
    expect(state.running?.domain).toEqual(himmelblau.domain);
    await expect.poll(() => page.locator('.surface-description').textContent()).toBe(himmelblau.description);
    expect(await formulaField().inputValue()).toBe(himmelblau.formula);
  });

  test.each(BAD_FORMULAS.map((bad) => [bad.label, bad]))('bad formula, %s: message, position, scene keeps stepping', async (_label, bad) => {
    const before = await appState(page);
    await typeFormula(bad.text);

    await expect.poll(() => formulaError().isVisible()).toBe(true);
    expect(await formulaError().locator('.formula-message').textContent()).toMatch(bad.message);
    expect(await formulaError().getAttribute('data-start')).toBe(String(bad.start));
    expect(await formulaField().getAttribute('aria-invalid')).toBe('true');
    // The field keeps the rejected text, so that it can be corrected.
    expect((await formulaField().inputValue()).length).toBe(bad.text.length);

    // The last valid surface keeps running: same settings, same surface, more steps.
    const after = await waitForState(page, (state) => state.stepsDone >= before.stepsDone + 4);
    expect(after.surface).toBe(before.surface);
    expect(after.running).toEqual(before.running);
  });

  test('caret marks the faulty span', async () => {
    await typeFormula('x + foo');
    await expect.poll(() => formulaError().locator('.formula-excerpt').textContent()).toBe('x + foo\n    ^^^');
  });

  test('valid formula replaces the scene and runs', async () => {
    const typed = '(x - 1)^2 + (y + 0.5)^2';
    const before = await appState(page);
    await typeFormula(typed);

    // The app reports the new surface once it is built, and its step counter, reset by the rebuild, rises again.
    const built = await waitForState(page, (state) => state.running?.formula === typed);
    expect(built.surface).toBe('custom');
    expect(built.running?.name).toBe('custom');
    // Editing a formula keeps the domain of the surface before it.
    expect(built.running?.domain).toEqual(before.running?.domain);
    const running = await waitForState(page, (state) => state.running?.formula === typed && state.stepsDone >= built.stepsDone + 4);
    expect(running.stepsDone).toBeGreaterThan(built.stepsDone);

    expect(await formulaError().isVisible()).toBe(false);
    expect(await formulaField().getAttribute('aria-invalid')).toBeNull();
    expect(await formulaField().inputValue()).toBe(typed);
  });

  test('formula undefined at every start: warning until replaced', async () => {
    const warning = () => page.locator('.notice.error', { hasText: 'undefined at all 256 starts' });
    const before = (await appState(page)).running!.formula;
    await typeFormula('x/(y - y)');
    await waitForState(page, (state) => state.running?.formula === 'x/(y - y)');
    await expect.poll(() => warning().count()).toBe(1);
    expect(await warning().textContent()).toMatch(/The surface or its gradient is undefined at all 256 starts, so every particle diverges at its first update\. A formula such as x\/\(y - y\)/);
    expect(await formulaError().isVisible()).toBe(false);

    // The formula before, which the tests after this one run on.
    await typeFormula(before);
    await waitForState(page, (state) => state.running?.formula === before);
    await expect.poll(() => warning().count()).toBe(0);
  });

  test('a 1D formula and back keeps the 2D grid', async () => {
    const grid = () => page.evaluate(() => (window as unknown as { downhill: { settings: { grid: number } } }).downhill.settings.grid);
    const setGrid = (size: number) =>
      page.evaluate(async (size) => {
        const downhill = (window as unknown as { downhill: { settings: object; change(next: object): boolean; whenBuilt(): Promise<void> } }).downhill;
        downhill.change({ ...downhill.settings, grid: size });
        await downhill.whenBuilt();
      }, size);
    const before = await grid();
    const formula = await formulaField().inputValue();
    await setGrid(32);
    await typeFormula('x^2');
    await waitForState(page, (state) => state.running?.formula === 'x^2');
    expect(await grid()).toBe(33);
    await typeFormula('x^2 + y^2');
    await waitForState(page, (state) => state.running?.formula === 'x^2 + y^2');
    expect(await grid()).toBe(32);
    // The next tests run on the scene from before.
    await typeFormula(formula);
    await waitForState(page, (state) => state.running?.formula === formula);
    await setGrid(before);
  });

  test('listed minima of a typed formula', async () => {
    await page.evaluate(() => {
      const downhill = (window as unknown as { downhill: { settings: object; change(next: object): boolean } }).downhill;
      downhill.change({ ...downhill.settings, stepsPerFrame: 40 });
    });
    const converged = await waitForState(page, (state) => state.converged === state.particleCount, 40_000);
    expect(converged.particleCount).toBe(256);

    await page.locator('.lil-gui button', { hasText: 'list minima found' }).click();
    const found = await page.waitForFunction(() => {
      const minima = (window as unknown as { downhill: { foundMinima: { x: number; y: number; count: number; refined: boolean }[] } }).downhill.foundMinima;
      return minima.length > 0 ? minima : null;
    });
    const minima = (await found.jsonValue()) as { x: number; y: number; count: number; refined: boolean }[];
    expect(minima).toHaveLength(1);
    expect(minima[0].x).toBeCloseTo(1, 12);
    expect(minima[0].y).toBeCloseTo(-0.5, 12);
    expect(minima[0].count).toBe(256);
    expect(minima[0].refined).toBe(true);
    await expect.poll(() => page.locator('.notice').last().textContent()).toMatch(/1 minimum from 256 converged particles: \(1, -0\.5\): f = 0, 256 particles/);
  });

  test('domain fields move the starts, reset restores', async () => {
    const field = control(page, 'x min').locator('input');
    const before = (await appState(page)).running!.domain;
    await field.fill('0');
    await field.press('Enter');
    const moved = await waitForState(page, (state) => state.running?.domain.xMin === 0);
    expect(moved.running?.domain).toEqual({ ...before, xMin: 0 });

    await page.locator('.lil-gui button', { hasText: 'reset domain' }).click();
    // A typed formula's standard domain is [-3, 3]².
    const reset = await waitForState(page, (state) => state.running?.domain.xMin === -3);
    expect(reset.running?.domain).toEqual({ xMin: -3, xMax: 3, yMin: -3, yMax: 3 });
  });

  test('invalid domain gets a notice, scene stays', async () => {
    const before = await appState(page);
    const field = control(page, 'x max').locator('input');
    await field.fill('-5');
    await field.press('Enter');
    await expect.poll(() => page.locator('.notice.error').last().textContent()).toMatch(/invalid domain "\[-3, -5\] × \[-3, 3\]": expected xmin < xmax and ymin < ymax/);
    expect((await appState(page)).running).toEqual(before.running);
  });

  test('z scale choice switches the legend', async () => {
    const scale = control(page, 'z scale').locator('select');
    await scale.selectOption('log', { force: true });
    await expect.poll(() => page.locator('.color-legend').getAttribute('data-scale')).toBe('log');
    await expect.poll(() => page.locator('.color-legend-title').textContent()).toMatch(/log scale/);
    await scale.selectOption('linear', { force: true });
    await expect.poll(() => page.locator('.color-legend').getAttribute('data-scale')).toBe('linear');
    expect(await page.locator('.color-legend-tick').count()).toBeGreaterThanOrEqual(5);
  });

  test('condition number rebuilds the ill-conditioned quadratic', async () => {
    await control(page, 'surface').locator('select').selectOption({ label: 'ill-conditioned' }, { force: true });
    await waitForState(page, (state) => state.running?.name === 'ill-conditioned');
    const field = control(page, 'κ').locator('input');
    await field.fill('100');
    await field.press('Enter');
    const state = await waitForState(page, (current) => current.running?.formula.startsWith('0.5*(100*') === true);
    expect(state.running?.formula).toBe(findSurface('ill-conditioned', 100)!.formula);
    await expect.poll(() => page.locator('.surface-description').textContent()).toMatch(/κ = 100/);
  });

  test('no errors on the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
