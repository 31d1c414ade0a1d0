import { fileURLToPath } from 'node:url';

import { defineConfig, type Plugin } from 'vite';

/**
 * Content-Security-Policy of the production build. Scripts and workers come
 * only from the app's own origin, so no inline script, eval or Function runs.
 * Styles come only from the app's stylesheets: lil-gui's inline <style> is
 * turned off and its stylesheet imported instead. Inline styles that the code
 * sets through element.style are not restricted by style-src. Images may be
 * data: and blob: URLs, which the PNG exports create, and fonts data: URLs,
 * which lil-gui's stylesheet embeds for its icons. frame-ancestors is left
 * out because browsers ignore it in a <meta> element.
 * A <meta> policy does not reach the Web Workers, which take theirs from the
 * response headers of their scripts, so the preview server (`npm run preview`,
 * and the end-to-end tests) sends the policy as a header too. A host that
 * serves dist/ should do the same.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Puts the policy into the built index.html as the first element of <head>, before any script or stylesheet it governs. */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'downhill:content-security-policy',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }],
  };
}

export default defineConfig({
  plugins: [contentSecurityPolicy()],
  resolve: {
    // lil-gui's package exports list only its scripts, so its stylesheet is reached by path.
    alias: [{ find: 'lil-gui/dist/lil-gui.css', replacement: fileURLToPath(new URL('./node_modules/lil-gui/dist/lil-gui.css', import.meta.url)) }],
  },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
  },
  preview: {
    host: '127.0.0.1',
    port: 4173,
    headers: { 'Content-Security-Policy': CONTENT_SECURITY_POLICY },
  },
});
