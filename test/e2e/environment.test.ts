// Proves that end-to-end tests get real WebGPU in headless Chromium: compute
// results come back from the page, and a WebGPU canvas shows in screenshots.

import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { launchBrowser } from '../helpers/browser.ts';

const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

// Only these files are served, so a request path can never reach outside
// fixtures/.
const FIXTURE_FILES = new Map([['/webgpu-smoke.html', 'text/html; charset=utf-8']]);

interface SmokeResult {
  values?: number[];
  adapter?: { vendor: string; architecture: string; description: string };
  error?: string;
}

/** Serves the fixture pages on 127.0.0.1 at a free port, and resolves once listening. */
async function serveFixtures(): Promise<Server> {
  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const contentType = FIXTURE_FILES.get(path);
    if (request.method !== 'GET' || contentType === undefined) {
      response.writeHead(404).end();
      return;
    }

    const body = await readFile(join(fixturesDir, path));
    response.writeHead(200, { 'Content-Type': contentType }).end(body);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe('WebGPU in headless Chromium', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  let result: SmokeResult;

  beforeAll(async () => {
    server = await serveFixtures();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 200, height: 200 }, deviceScaleFactor: 1 });

    const { port } = server.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/webgpu-smoke.html`);
    await page.waitForFunction(() => 'smokeResult' in window);
    result = await page.evaluate(() => (window as unknown as { smokeResult: SmokeResult }).smokeResult);
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  test('page runs without errors', () => {
    expect(result.error).toBeUndefined();
  });

  test('adapter reports vendor and architecture', () => {
    const adapter = result.adapter;
    console.log(`browser adapter: ${JSON.stringify(adapter)}`);

    // Chromium leaves the description empty, so it is not checked.
    expect(adapter).toBeDefined();
    expect(adapter?.vendor).not.toBe('');
    expect(adapter?.architecture).not.toBe('');
  });

  test('compute shader squares 1,000 floats', () => {
    // Inputs are i / 4, so every square i² / 16 is exact in f32 (i² < 2²⁴).
    const expected = Array.from({ length: 1000 }, (_, i) => (i * 0.25) ** 2);

    expect(result.values).toEqual(expected);
  });

  test('canvas clear color shows in screenshot', async () => {
    const screenshot = PNG.sync.read(await page.locator('#clear-color').screenshot());
    const center = ((screenshot.height >> 1) * screenshot.width + (screenshot.width >> 1)) * 4;
    const [red, green, blue] = screenshot.data.subarray(center, center + 3);

    // The page clears to (0.2, 0.6, 0.8), exactly 51, 153 and 204 in 8 bits,
    // and SwiftShader in Chromium 156 shows exactly that. The tolerance of 1
    // per channel allows for a compositor that rounds differently on a GPU.
    // A canvas that is not composited reads as white (255, 255, 255).
    expect(Math.abs(red - 51)).toBeLessThanOrEqual(1);
    expect(Math.abs(green - 153)).toBeLessThanOrEqual(1);
    expect(Math.abs(blue - 204)).toBeLessThanOrEqual(1);
  });
});
