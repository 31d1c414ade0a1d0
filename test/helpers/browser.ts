// The built app and a headless Chromium with working WebGPU, for end-to-end
// tests.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium, type Browser } from 'playwright-core';
import { preview } from 'vite';

import { chromiumArgs, findChromium, findVulkanEnv } from '../../scripts/webgpu-env.mjs';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');

export interface RunningApp {
  /** Address of the app's index page, such as http://127.0.0.1:41234/. */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the built app in dist/ with Vite's preview server on 127.0.0.1, on a
 * free port the system chooses. Uses the project's Vite config, so `base` and
 * any headers it sets apply as in `npm run preview`.
 *
 * @throws Error when dist/ has no index.html.
 */
export async function startApp(): Promise<RunningApp> {
  const distDir = join(repoRoot, 'dist');
  if (!existsSync(join(distDir, 'index.html'))) {
    throw new Error(`${distDir}/index.html not found: build the app first with \`npm run build\` (npm test does).`);
  }

  const server = await preview({
    root: repoRoot,
    logLevel: 'warn',
    build: { outDir: distDir },
    preview: { host: '127.0.0.1', port: 0, strictPort: true, open: false },
  });

  const url = server.resolvedUrls?.local[0];
  if (!url) {
    await server.close();
    throw new Error('Vite preview server started but reported no local address');
  }

  return { url, close: () => server.close() };
}

/**
 * Launches the system's Chromium headless, with the flags and Vulkan variables
 * that give it WebGPU on SwiftShader, canvases that show in screenshots, and
 * no network traffic of its own.
 *
 * @throws Error when no Chromium executable is found.
 */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = findChromium();
  if (executablePath === null) {
    throw new Error(
      'Chromium not found at CHROMIUM_PATH, /usr/bin/chromium or /usr/bin/chromium-browser. ' +
        'Run `npm run setup` to install it or to see how.',
    );
  }

  // Chromium 156 from Debian needs VK_ICD_FILENAMES as well as the flags. On a
  // machine without a system Vulkan driver its requestAdapter() returns null
  // otherwise.
  const env = { ...process.env, ...findVulkanEnv().env };

  return chromium.launch({ executablePath, args: chromiumArgs(), env, headless: true });
}
