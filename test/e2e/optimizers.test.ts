// The optimizer folder of the panel in headless Chromium: choosing an
// optimizer, comparing two configurations, schedules, and picking a particle.

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { launchBrowser, startApp, type RunningApp } from '../helpers/browser.ts';
import { control, waitForFrames } from '../helpers/appPage.ts';

describe('optimizers in the panel', () => {
  let server: RunningApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startApp();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 900, height: 700 }, deviceScaleFactor: 1 });
    await page.goto(server.url);
    await page.waitForFunction(() => ((window as unknown as { downhill?: { particleCount: number } }).downhill?.particleCount ?? 0) > 0, null, {
      timeout: 30_000,
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const settings = () => page.evaluate(() => JSON.parse(JSON.stringify((window as unknown as { downhill: { settings: unknown } }).downhill.settings)));

  test('choosing adam shows its hyperparameters and hides the others', async () => {
    // Nesterov momentum reads no dampening (torch.optim.SGD requires 0), so the panel offers none.
    await control(page, 'optimizer').locator('select').selectOption({ label: 'nesterov' }, { force: true });
    await expect.poll(async () => (await settings()).runs[0].optimizer.name).toBe('nesterov');
    expect(await control(page, 'momentum').isVisible()).toBe(true);
    expect(await control(page, 'dampening').isVisible()).toBe(false);

    await control(page, 'optimizer').locator('select').selectOption({ label: 'adam' }, { force: true });
    await expect.poll(async () => (await settings()).runs[0].optimizer.name).toBe('adam');
    expect(await control(page, 'beta1').isVisible()).toBe(true);
    expect(await control(page, 'AMSGrad').isVisible()).toBe(true);
    expect(await control(page, 'momentum').isVisible()).toBe(false);
    expect(await control(page, 'dampening').isVisible()).toBe(false);

    const beta1 = control(page, 'beta1').locator('input');
    await beta1.fill('0.5');
    await beta1.press('Enter');
    await expect.poll(async () => (await settings()).runs[0].optimizer.beta1).toBe(0.5);
  });

  // [field label, folder it is in, the notice's start, the setting it edits]. The optimizer is adam here.
  const NUMBER_FIELDS: [string, string, string, (settings: any) => unknown][] = [
    ['η', 'Optimizer', 'invalid learning rate "1e400": expected a number from 1e-8 to 1000000', (s) => s.runs[0].optimizer.lr],
    ['beta2', 'Optimizer', 'invalid beta2 "1e400": expected a number at least 0 and below 1', (s) => s.runs[0].optimizer.beta2],
    ['warm-up', 'Schedule', 'invalid warm-up "1e400": expected an integer from 0 to 100,000,000', (s) => s.runs[0].schedule.warmup],
    ['σ per component', 'Gradient noise', 'invalid noise σ "1e400": expected a number from 0 to 1000000', (s) => s.noise.sigma],
    ['seed', 'Gradient noise', 'invalid seed "1e400": expected an integer from 0 to 4,294,967,295', (s) => s.noise.seed],
    ['steps per frame', 'Particles', 'invalid steps per frame "1e400": expected a number from 0.01 to 2000', (s) => s.stepsPerFrame],
    ['x min', 'Surface', 'invalid domain "[1e400, 2] × [-2, 2]": expected xmin < xmax', (s) => s.domain],
    ['y max', 'Surface', 'invalid domain "[-2, 2] × [-2, 1e400]": expected xmin < xmax', (s) => s.domain],
    ['gradient norm ≤', 'Convergence and divergence', 'invalid gradient tolerance "1e400": expected a number from 0 to 1000000', (s) => s.criteria.gradTol],
    ['diverged beyond |x|, |y| >', 'Convergence and divergence', 'invalid divergence bound "1e400": expected a number from 1e-6 to 1e30', (s) => s.criteria.divergeBound],
    ['lowest η', 'Learning-rate sweep', 'invalid lowest swept learning rate "1e400": expected a number from 1e-8 to 1000000', (s) => s.sweep.lrMin],
    ['rates (log-spaced)', 'Learning-rate sweep', 'invalid number of swept learning rates "1e400": expected an integer from 1 to 16,384', (s) => s.sweep.lrCount],
  ];

  test('number fields quote a typed overflow', async () => {
    // Folders opened here are closed again, so that the panel covers no more of the view than before.
    const opened = new Set<string>();
    const folderTitle = (name: string) => page.locator('.lil-title', { hasText: new RegExp(`^${name}$`) });
    for (const [label, folderName, notice, read] of NUMBER_FIELDS) {
      if ((await folderTitle(folderName).getAttribute('aria-expanded')) !== 'true') {
        await folderTitle(folderName).click();
        opened.add(folderName);
      }
      const before = read(await settings());
      const field = control(page, label).locator('input');
      await field.fill('1e400');
      await field.press('Enter');
      await expect.poll(() => page.locator('.notice.error').last().textContent(), { message: label }).toContain(notice);
      expect(await page.locator('.notice.error').last().textContent(), label).not.toContain('Infinity');
      expect(read(await settings()), label).toEqual(before);
    }
    // κ shows for the ill-conditioned surface only, so the test switches to it and back.
    const surface = control(page, 'surface').locator('select');
    const previousSurface = (await settings()).surface;
    const previousOption = await surface.inputValue();
    await surface.selectOption({ label: 'ill-conditioned' }, { force: true });
    await expect.poll(async () => (await settings()).surface).toBe('ill-conditioned');
    const condition = control(page, 'κ').locator('input');
    const before = (await settings()).condition;
    await condition.fill('1e400');
    await condition.press('Enter');
    await expect.poll(() => page.locator('.notice.error').last().textContent()).toContain('invalid condition number κ "1e400": expected a number from 1 to 10000');
    expect((await settings()).condition).toBe(before);
    await surface.selectOption({ value: previousOption }, { force: true });
    await expect.poll(async () => (await settings()).surface).toBe(previousSurface);

    for (const folderName of [...opened].reverse()) {
      await folderTitle(folderName).click();
    }
  });

  test('number fields name non-numeric text', async () => {
    const before = (await settings()).runs[0].optimizer.lr;
    const lr = control(page, 'η').locator('input');
    await lr.fill('abc');
    await lr.press('Enter');
    await expect.poll(() => page.locator('.notice.error').last().textContent()).toMatch(/invalid η: "abc" is not a number; the field keeps [0-9.e+-]+\./);
    await lr.fill('');
    await lr.press('Enter');
    await expect.poll(() => page.locator('.notice.error').last().textContent()).toMatch(/invalid η: an empty field is not a number/);
    expect((await settings()).runs[0].optimizer.lr).toBe(before);
    // A number followed by more text is not a number either (parseFloat reads "1,5" as 1).
    for (const text of ['1,5', '2x', '0.1.2']) {
      await lr.fill(text);
      await lr.press('Enter');
      await expect.poll(() => page.locator('.notice.error').last().textContent()).toContain(`invalid η: "${text}" is not a number; the field keeps`);
      expect((await settings()).runs[0].optimizer.lr).toBe(before);
      await expect.poll(() => lr.inputValue()).toBe(String(before));
    }
    // A number outside a slider's range is named, not clamped: the log₁₀ η slider spans -5 to 1.
    const logLr = control(page, 'log₁₀ η').locator('input').last();
    await logLr.fill('5');
    await logLr.press('Enter');
    await expect.poll(() => page.locator('.notice.error').last().textContent()).toContain("invalid log₁₀ η: 5 is outside the slider's range from -5 to 1; the field keeps -1.00. The field below it takes the value itself.");
    expect((await settings()).runs[0].optimizer.lr).toBe(before);
    // Typed key by key, a valid number takes effect once, on Enter.
    await lr.fill('');
    await lr.pressSequentially('0.0625');
    await lr.press('Enter');
    await expect.poll(async () => (await settings()).runs[0].optimizer.lr).toBe(0.0625);
    const decay = control(page, 'weight decay').locator('input');
    await decay.fill('0.5 %');
    await decay.press('Enter');
    await expect.poll(() => page.locator('.notice.error').last().textContent()).toContain('invalid weight decay: "0.5 %" is not a number');
    expect((await settings()).runs[0].optimizer.weightDecay).toBe(0);
    // Too small for a double is not 0: rejected, quoting the text, in the optimizer's fields and the others.
    for (const [name, read] of [
      ['η', async () => (await settings()).runs[0].optimizer.lr],
      ['weight decay', async () => (await settings()).runs[0].optimizer.weightDecay],
      ['gradient norm ≤', async () => (await settings()).criteria.gradTol],
    ] as const) {
      const field = control(page, name).locator('input');
      if (!(await field.isVisible())) {
        await page.locator('.lil-title', { hasText: 'Convergence and divergence' }).click();
      }
      const previous = await read();
      await field.fill('1e-400');
      await field.press('Enter');
      await expect.poll(() => page.locator('.notice.error').last().textContent()).toContain(`invalid ${name}: "1e-400" is too small for a number and was not read as 0`);
      expect(await read()).toBe(previous);
      // One notice, not a second one from the settings check.
      expect(await page.locator('.notice.error', { hasText: `invalid ${name} "1e-400"` }).count()).toBe(0);
    }
    // Small values show with an exponent (lil-gui alone writes 0.00001).
    expect(await control(page, 'step length ≤').locator('input').inputValue()).toBe('1e-5');
    // Dismissed, as a user would, so that the stacked notices cover no particle that a later test clicks.
    // A notice that times out meanwhile moves the others up, so a click may miss and is tried again.
    await expect
      .poll(
        async () => {
          const dismiss = page.getByRole('button', { name: 'Dismiss' });
          if ((await dismiss.count()) > 0) {
            await dismiss
              .first()
              .click({ force: true, timeout: 2000 })
              .catch(() => undefined);
          }
          return page.locator('.notice').count();
        },
        { timeout: 30_000 },
      )
      .toBe(0);
    const xMin = control(page, 'x min').locator('input');
    await xMin.fill('NaN');
    await xMin.press('Enter');
    await expect.poll(() => page.locator('.notice.error').last().textContent()).toMatch(/invalid x min: "NaN" is not a number/);
  });

  test('a second configuration runs beside the first, and can be hidden', async () => {
    await page.getByRole('button', { name: 'add configuration to compare' }).click();
    await expect.poll(async () => (await settings()).runs.length).toBe(2);
    await expect.poll(() => page.locator('.legend-row').count()).toBe(2);
    const steps = () => page.evaluate(() => (window as unknown as { downhill: { stepsDone: number } }).downhill.stepsDone);
    const before = await steps();
    await expect.poll(steps, { timeout: 20_000 }).toBeGreaterThan(before);

    await page.locator('.legend-row').nth(1).locator('input').uncheck();
    await expect.poll(async () => (await settings()).runs[1].visible).toBe(false);
  });

  test('the schedule folder plots the rate against update step', async () => {
    const folder = page.locator('.lil-title', { hasText: 'Schedule' });
    if ((await folder.getAttribute('aria-expanded')) !== 'true') {
      await folder.click();
    }
    await expect.poll(() => folder.getAttribute('aria-expanded')).toBe('true');
    await control(page, 'schedule').locator('select').selectOption({ label: 'cosine' }, { force: true });
    await expect.poll(async () => (await settings()).runs[(await settings()).active].schedule.name).toBe('cosine');
    expect(await page.locator('.schedule-plot canvas').count()).toBe(1);
    await expect.poll(() => control(page, 'T max').isVisible()).toBe(true);
    expect(await control(page, 'gamma').isVisible()).toBe(false);

    // The legend gives the rate of the next update as the schedule has it: the cosine rate at the scene's update count.
    const active = page.locator('.legend-row.active');
    await expect.poll(() => active.locator('.legend-now').textContent(), { timeout: 20_000 }).toMatch(/^now \d/);
    const { shown, expected } = await page.evaluate(() => {
      const downhill = (window as unknown as { downhill: any }).downhill;
      const run = downhill.settings.runs[downhill.settings.active];
      const t = downhill.lastStats.stepsDone;
      const { lr } = run.optimizer;
      const { tMax, lrMin } = run.schedule;
      const rate = t >= tMax ? lrMin : lrMin + ((lr - lrMin) * (1 + Math.cos((Math.PI * t) / tMax))) / 2;
      return { shown: document.querySelector('.legend-row.active .legend-now')!.textContent, expected: rate };
    });
    expect(Number(shown!.replace('now ', ''))).toBeCloseTo(expected, 3);
  });

  test('clicking a particle picks it and the inspector shows it, paused', async () => {
    await page.evaluate(() => {
      const app = (window as unknown as { downhill: any }).downhill;
      const adam = { ...app.settings.runs[0], optimizer: { ...app.settings.runs[0].optimizer, name: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-8 } };
      app.change({ ...app.settings, view: '2d', paused: true, runs: [adam], active: 0 });
    });
    await page.evaluate(() => (window as unknown as { downhill: { whenBuilt(): Promise<void> } }).downhill.whenBuilt());
    await page.evaluate(() => (window as unknown as { downhill: { reset(): void } }).downhill.reset());
    await waitForFrames(page, 3);

    // The starts nearest the centre of [−2, 2]² are the four around (0, 0).
    const box = (await page.locator('#view').boundingBox())!;
    const centre2d = await page.evaluate(() => (window as unknown as { downhill: { screenPositionOf(x: number, y: number): { px: number; py: number } } }).downhill.screenPositionOf(0, 0));
    await page.mouse.click(box.x + centre2d.px, box.y + centre2d.py);
    const centre = [31 * 64 + 31, 31 * 64 + 32, 32 * 64 + 31, 32 * 64 + 32];
    await expect.poll(() => page.evaluate(() => (window as unknown as { downhill: { picked: number } }).downhill.picked)).toSatisfy((index: number) => centre.includes(index));

    // Paused, the inspector turns to the new pick without an update.
    await expect.poll(() => page.locator('#inspector').textContent(), { timeout: 20_000 }).toMatch(/particle (2015|2016|2079|2080) /);
    expect(await page.evaluate(() => (window as unknown as { downhill: { stepsDone: number } }).downhill.stepsDone)).toBe(0);

    await page.evaluate(() => (window as unknown as { downhill: { singleStep(): void } }).downhill.singleStep());
    await expect.poll(() => page.locator('#inspector').textContent(), { timeout: 20_000 }).toMatch(/particle (2015|2016|2079|2080) .*1 update/);
    const text = await page.locator('#inspector').textContent();
    expect(text).toMatch(/first moment m/);
    expect(text).toMatch(/∇f/);
    // The next update, counted from 1, with the update rules' t (0 for the first) beside it.
    expect(text).toMatch(/update 2 \(t = 1\): rate ηₜ [^\n]+\nstep \(/);
  });
});

