/** Entry point of the browser app. */
import './style.css';
import { App } from './app.ts';
import { registerBrowserShaders } from './shaders.ts';

registerBrowserShaders();

const element = <T extends HTMLElement>(id: string): T => {
  const found = document.getElementById(id);
  if (!found) {
    throw new Error(`index.html has no element #${id}`);
  }
  return found as T;
};

const app = new App({
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
});

// Read-only handle for the browser console and the end-to-end tests.
(window as unknown as { downhill: App }).downhill = app;

// Leaving the page destroys the device on purpose; that is not a loss to report.
window.addEventListener('pagehide', (event) => {
  // A page kept in the back-forward cache may come back; it keeps its device.
  if (!event.persisted) {
    app.dispose();
  }
});

app.start().catch((error: unknown) => {
  console.error('downhill: start failed', error);
});
