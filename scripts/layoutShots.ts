/**
 * Takes screenshots of the built app at the window sizes where panels,
 * legends and plots compete for room, with the basin legend, the plot and
 * the verify report shown, then with the sweep plots:
 *   npx tsx scripts/layoutShots.ts OUT_DIR
 * Writes OUT_DIR/WIDTHxHEIGHT-basins.png and OUT_DIR/WIDTHxHEIGHT-sweep.png.
 */
import { launchBrowser, startApp } from '../test/helpers/browser.ts';

const outDir = process.argv[2] ?? '.';
const sizes = [
  [800, 560],
  [1000, 700],
  [1100, 800],
  [1280, 800],
];

const app = await startApp();
const browser = await launchBrowser();
try {
  for (const [width, height] of sizes) {
    const page = await browser.newPage({ viewport: { width, height } });
    page.on('pageerror', (error) => console.log(`[page error] ${error.message}`));
    await page.goto(app.url);
    await page.waitForFunction(() => ((window as unknown as { downhill?: { particleCount: number } }).downhill?.particleCount ?? 0) > 0, null, { timeout: 60_000 });
    // A string, not a function: tsx would add helpers to a function that the page does not have.
    await page.evaluate(`(async () => {
      const d = window.downhill;
      const base = { ...d.settings.runs[0], optimizer: { ...d.settings.runs[0].optimizer, lr: 0.01 } };
      const second = { ...base, optimizer: { ...base.optimizer, name: 'momentum', momentum: 0.9 } };
      if (!d.change({ ...d.settings, surface: 'himmelblau', grid: 32, stepsPerFrame: 50, runs: [base, second], basinView: 'side-by-side' })) throw new Error('settings rejected');
      await d.whenBuilt();
      await new Promise((resolve) => setTimeout(resolve, 3000));
      await d.verify();
    })()`);
    await page.waitForTimeout(2000);
    await page.screenshot({ path: `${outDir}/${width}x${height}-basins.png` });
    await page.evaluate(`(async () => {
      const d = window.downhill;
      d.change({ ...d.settings, basinView: 'off', runs: [d.settings.runs[0]], active: 0, sweep: { ...d.settings.sweep, enabled: true } });
      await d.whenBuilt();
    })()`);
    await page.waitForTimeout(4000);
    await page.screenshot({ path: `${outDir}/${width}x${height}-sweep.png` });
    await page.close();
  }
} finally {
  await browser.close();
  await app.close();
}
