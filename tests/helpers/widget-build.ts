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
  // Under the test runner NODE_ENV is "test", which would pull Lit's development build into the bundle.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await buildBoth(outDir);
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  if (!existsSync(path.join(outDir, 'widget.js'))) throw new Error('widget build produced no widget.js');
  return outDir;
}

async function buildBoth(outDir: string): Promise<void> {
  await build({
    configFile: false,
    root,
    base: '/',
    logLevel: 'warn',
    mode: 'production',
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      rollupOptions: { input: { widget: path.join(root, 'widget/frame.html') } },
    },
  });
  await build({ configFile: path.join(root, 'widget/vite.loader.config.ts'), mode: 'production', logLevel: 'warn', build: { outDir } });
}
