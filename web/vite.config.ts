import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { precompress } from './vite-precompress.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// The agent app (served at /) and the widget's chat frame (served at /widget/) are pages of one build;
// the widget loader script is built on its own (web/widget/vite.loader.config.ts) as one small file.
export default defineConfig({
  root: here('.'),
  plugins: [precompress()],
  base: '/',
  build: {
    outDir: here('../dist/web'),
    emptyOutDir: false,
    target: 'es2022',
    // Served from the same origin as the app, source maps would publish the whole unminified source.
    sourcemap: false,
    rollupOptions: {
      input: {
        app: here('index.html'),
        widget: here('widget/frame.html'),
      },
    },
  },
});
