/** Entry point of the browser app: the WebGPU app, or the CPU fallback where WebGPU does not start. */
// lil-gui's stylesheet first, so that the app's rules override it, as when lil-gui injected it at the top of <head>.
import 'lil-gui/dist/lil-gui.css';
import './style.css';
import { App, type AppElements } from './app.ts';
import { FallbackApp } from './fallbackApp.ts';
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

app.start().catch((error: unknown) => {
  if (!app.gpuStartFailed) {
    console.error('downhill: start failed', error);
    return;
  }
  // WebGPU did not start: the same app on the CPU reference, with a banner that says why.
  const fallback = new FallbackApp(elements, error);
  running = fallback;
  (window as unknown as { downhill: App | FallbackApp }).downhill = fallback;
  fallback.start().catch((fallbackError: unknown) => {
    console.error('downhill: the CPU fallback failed to start', fallbackError);
  });
});
