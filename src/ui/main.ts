/** Entry point of the browser app: the WebGPU app, or the CPU fallback where WebGPU does not start. */
// lil-gui's stylesheet first, so that the app's rules override it, as when lil-gui injected it at the top of <head>.
import 'lil-gui/dist/lil-gui.css';
import './style.css';
import { App, type AppElements } from './app.ts';
import { FallbackApp } from './fallbackApp.ts';
import { showBlocker } from './notices.ts';
import { registerBrowserShaders } from './shaders.ts';

registerBrowserShaders();

const element = <T extends HTMLElement>(id: string): T => {
  const found = document.getElementById(id);
  if (!found) {
    throw new Error(`index.html has no element #${id}`);
  }
  return found as T;
};

const elements: AppElements = {
  root: element('app'),
  canvas: element<HTMLCanvasElement>('view'),
  status: element('status'),
  notices: element('notices'),
  plot: element('plot'),
  legend: element('legend'),
  inspector: element('inspector'),
  basinLegend: element('basin-legend'),
  sweep: element('sweep'),
  verify: element('verify'),
};

// The page's own "Starting WebGPU…" line, until the first scene is drawn.
const loading = document.getElementById('loading');
const loaded = (): void => loading?.remove();

/** Replaces the loading line with a page that reports which step of the start failed, and its error. */
const startFailed = (error: unknown, failedStep: string): void => {
  loaded();
  const message = error instanceof Error ? error.message : String(error);
  showBlocker(elements.root, 'downhill could not start', [
    `${failedStep} failed: ${message}`,
    'Reload the page to try again. The browser console has the details.',
  ]);
};

const app = new App(elements);
let running: App | FallbackApp = app;

// Read-only handle for the browser console and the end-to-end tests: the app that runs.
(window as unknown as { downhill: App | FallbackApp }).downhill = app;

// Leaving the page destroys the device on purpose; that is not a loss to report.
window.addEventListener('pagehide', (event) => {
  // A page kept in the back-forward cache may come back; it keeps its device.
  if (!event.persisted) {
    running.dispose();
  }
});

/** Starts the CPU fallback after WebGPU failed with `gpuError`. */
const startFallback = async (gpuError: unknown): Promise<void> => {
  loading?.querySelector('.loading-step')?.replaceChildren('WebGPU did not start: starting the CPU fallback…');
  try {
    const fallback = new FallbackApp(elements, gpuError);
    running = fallback;
    (window as unknown as { downhill: App | FallbackApp }).downhill = fallback;
    await fallback.start();
    loaded();
  } catch (fallbackError) {
    console.error('downhill: the CPU fallback failed to start', fallbackError);
    startFailed(fallbackError, 'WebGPU did not start, and the CPU fallback');
  }
};

app.start().then(loaded, (error: unknown) => {
  if (!app.gpuStartFailed) {
    console.error('downhill: start failed', error);
    startFailed(error, 'Building the first scene');
    return;
  }
  // WebGPU did not start: the same app on the CPU reference, with a banner that says why.
  void startFallback(error);
});
