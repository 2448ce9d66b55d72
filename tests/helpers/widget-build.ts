import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { build } from 'vite';

const root = path.resolve('web');

/**
 * Builds the chat frame page and widget.js into a folder the test app serves, the same way
 * `npm run build:web` does, but without the agent app: a fresh clone has no dist/ yet.
 */
export async function buildWidget(outDir = path.resolve('tests/.tmp/widget-web')): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  await build({
    configFile: false,
    root,
    base: '/',
    logLevel: 'warn',
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      rollupOptions: { input: { widget: path.join(root, 'widget/frame.html') } },
    },
  });
  await build({ configFile: path.join(root, 'widget/vite.loader.config.ts'), logLevel: 'warn', build: { outDir } });
  if (!existsSync(path.join(outDir, 'widget.js'))) throw new Error('widget build produced no widget.js');
  return outDir;
}
