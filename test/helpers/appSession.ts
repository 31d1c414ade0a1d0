/**
 * The built app's server and a headless browser for one end-to-end test file:
 * started before its tests and closed after them.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

import { launchBrowser, startApp, type RunningApp } from './browser.ts';

/** A running app and browser; both fields are set once the file's beforeAll has run. */
export interface AppSession {
  server: RunningApp;
  browser: Browser;
}

/** Registers the beforeAll that starts the app and a browser, and the afterAll that closes both. */
export function useAppSession(): AppSession {
  const session = {} as AppSession;
  beforeAll(async () => {
    session.server = await startApp();
    session.browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await session.browser?.close();
    await session.server?.close();
  });
  return session;
}
