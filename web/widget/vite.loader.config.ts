import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { precompress } from '../vite-precompress.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// widget.js is pasted into customers' pages: one small classic script, no chunks, no module loader.
export default defineConfig({
  plugins: [precompress()],
  build: {
    outDir: here('../../dist/web'),
    emptyOutDir: false,
    target: 'es2019',
    sourcemap: false,
    minify: true,
    copyPublicDir: false,
    lib: {
      entry: here('loader.ts'),
      formats: ['iife'],
      name: 'KefuLoader',
      fileName: () => 'widget.js',
    },
  },
});
