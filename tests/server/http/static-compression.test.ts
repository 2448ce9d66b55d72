import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../../server/app.js';
import { configFromObject } from '../../../server/config/load.js';
import { createContext, type AppContext } from '../../../server/context.js';
import { createLogger } from '../../../server/logger.js';
import { tempDir } from '../../helpers/app.js';

/** The real build (both vite configs), into a folder of its own, served by a real app. */
const webRoot = path.resolve('tests/.tmp/static-compression-web');
let dataDir: string;
let ctx: AppContext;
let app: App;

async function buildWeb(): Promise<void> {
  rmSync(webRoot, { recursive: true, force: true });
  mkdirSync(webRoot, { recursive: true });
  // Under the test runner NODE_ENV is "test", which would pull Lit's development build into the bundle.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    for (const configFile of ['web/vite.config.ts', 'web/widget/vite.loader.config.ts']) {
      await build({ configFile: path.resolve(configFile), mode: 'production', logLevel: 'warn', build: { outDir: webRoot } });
    }
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}

beforeAll(async () => {
  await buildWeb();
  // A map left in the web root by an older build: present when the server starts, still not served.
  writeFileSync(path.join(webRoot, 'assets', 'left-by-older-build.js.map'), '{"version":3,"sources":["secret.ts"]}');
  dataDir = tempDir();
  ctx = await createContext(configFromObject({ data_dir: dataDir, log: { level: 'silent' } }), createLogger('silent', { pretty: false }));
  app = await buildApp(ctx, { webRoot });
  await app.ready();
}, 120_000);

afterAll(async () => {
  await app?.close();
  await ctx?.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(webRoot, { recursive: true, force: true });
});

const appScript = (): string => {
  const html = readFileSync(path.join(webRoot, 'index.html'), 'utf8');
  const src = /<script[^>]+src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  if (!src) throw new Error('index.html names no script under /assets/');
  return src;
};

const get = (url: string, acceptEncoding?: string) =>
  app.inject({ method: 'GET', url, headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} });

describe('the built web app', () => {
  it('sends hashed assets precompressed, brotli first, cached for a year as immutable', async () => {
    const url = appScript();
    const raw = readFileSync(path.join(webRoot, url));

    const br = await get(url, 'gzip, deflate, br');
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(String(br.headers.vary)).toMatch(/accept-encoding/i);
    expect(br.rawPayload.length).toBeLessThan(raw.length * 0.4);
    expect(brotliDecompressSync(br.rawPayload).equals(raw)).toBe(true);

    const gz = await get(url, 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(gunzipSync(gz.rawPayload).equals(raw)).toBe(true);

    const plain = await get(url);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.equals(raw)).toBe(true);
  });

  it('sends index.html compressed and revalidated, for / and for deep links', async () => {
    const html = readFileSync(path.join(webRoot, 'index.html'));
    for (const url of ['/', '/tickets/1042']) {
      const res = await get(url, 'br, gzip');
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-encoding']).toBe('br');
      expect(brotliDecompressSync(res.rawPayload).equals(html)).toBe(true);
    }
  });

  it('sends the widget loader and the chat frame’s script compressed', async () => {
    const loader = await get('/widget.js', 'br, gzip');
    expect(loader.statusCode).toBe(200);
    expect(loader.headers['content-encoding']).toBe('br');

    const frame = readFileSync(path.join(webRoot, 'widget', 'frame.html'), 'utf8');
    const src = /<script[^>]+src="(\/assets\/[^"]+\.js)"/.exec(frame)?.[1];
    expect(src).toBeDefined();
    const script = await get(src!, 'br, gzip');
    expect(script.headers['content-encoding']).toBe('br');
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('publishes no source maps: the build writes none and the server refuses one', async () => {
    const all = readdirSync(webRoot, { recursive: true }) as string[];
    expect(all.filter((f) => f.endsWith('.map'))).toEqual(['assets/left-by-older-build.js.map']);
    const res = await get('/assets/left-by-older-build.js.map');
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('secret.ts');
  });
});

describe('dynamic responses', () => {
  it('compresses JSON over 1 KB when the client accepts it, and leaves small ones alone', async () => {
    const big = await get('/api/docs/json', 'br, gzip');
    expect(big.statusCode).toBe(200);
    expect(big.headers['content-encoding']).toBe('br');
    const doc = JSON.parse(brotliDecompressSync(big.rawPayload).toString('utf8')) as { openapi?: string };
    expect(doc.openapi).toMatch(/^3\./);

    const gz = await get('/api/docs/json', 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');

    const none = await get('/api/docs/json');
    expect(none.headers['content-encoding']).toBeUndefined();

    const small = await get('/healthz', 'br, gzip');
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.json()).toEqual({ status: 'ok' });
  });
});
