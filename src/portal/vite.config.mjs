// Builds the portal (src/portal) into dist/portal, served by the API at /portal (src/api/portal).
// Hashed file names under assets/ let the API cache them for a year; index.html is never cached.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: '/portal/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: path.resolve(here, '../../dist/portal'),
    emptyOutDir: true,
    assetsDir: 'assets',
    // Every script and style is a file: the page's Content-Security-Policy allows no inline code.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2022',
  },
});
