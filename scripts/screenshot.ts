/**
 * Takes a screenshot of the built app in headless Chromium, for looking at
 * what a user sees:
 *   npx tsx scripts/screenshot.ts OUT.png [WAIT_MS] [SCRIPT]
 * SCRIPT is JavaScript run in the page after load (for example
 * "downhill.change({ view: '2d' })"), before waiting WAIT_MS. The environment
 * variable SCREENSHOT_HASH opens the app at that fragment (a link's scene), and
 * SCREENSHOT_WITHOUT_WEBGPU=1 hides navigator.gpu, so the CPU fallback runs.
 * SCREENSHOT_SIZE sets the viewport in CSS pixels, such as 1000x700 (default 1280x800).
 */
import { launchBrowser, startApp } from '../test/helpers/browser.ts';

const outPath = process.argv[2] ?? 'app.png';
const waitMs = Number(process.argv[3] ?? 4000);
const script = process.argv[4];
const size = /^(\d+)x(\d+)$/.exec(process.env.SCREENSHOT_SIZE ?? '1280x800');
if (!size) {
  throw new Error(`invalid SCREENSHOT_SIZE ${JSON.stringify(process.env.SCREENSHOT_SIZE)}: expected WIDTHxHEIGHT in CSS pixels, such as 1000x700`);
}

const app = await startApp();
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: Number(size[1]), height: Number(size[2]) } });
  page.on('console', (message) => console.log(`[page ${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => console.log(`[page error] ${error.message}`));
  if (process.env.SCREENSHOT_WITHOUT_WEBGPU === '1') {
    // A string, not a function: tsx would add helpers to a function that the page does not have.
    await page.addInitScript("Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined });");
  }
  await page.goto(`${app.url}${process.env.SCREENSHOT_HASH ?? ''}`);
  await page.waitForFunction(() => (window as unknown as { downhill?: { stepsDone: number } }).downhill?.stepsDone !== undefined);
  await page.waitForTimeout(1500);
  if (script) {
    await page.evaluate(script);
  }
  await page.waitForTimeout(waitMs);
  await page.screenshot({ path: outPath });
  console.log(await page.locator('#status').textContent());
} finally {
  await browser.close();
  await app.close();
}
