import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// The agent app (served at /) and the widget's chat frame (served at /widget/) are pages of one build;
// the widget loader script is built on its own (web/widget/vite.loader.config.ts) as one small file.
export default defineConfig({
  root: here('.'),
  base: '/',
  build: {
    outDir: here('../dist/web'),
    emptyOutDir: false,
    target: 'es2022',
    sourcemap: true,
    rollupOptions: {
      input: {
        app: here('index.html'),
        widget: here('widget/frame.html'),
      },
    },
  },
});
