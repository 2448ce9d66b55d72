import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../../server/app.js';
import { createTestApp, tempDir, type TestApp } from '../../helpers/app.js';

/** A stand-in build: the headers depend on the kind of response, not on what the files say. */
function fakeWebRoot(): string {
  const root = tempDir('kefu-web-');
  mkdirSync(path.join(root, 'assets'));
  mkdirSync(path.join(root, 'widget'));
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Kefu</title><kf-app></kf-app>');
  writeFileSync(path.join(root, 'assets', 'app-1234.js'), 'export {};');
  writeFileSync(path.join(root, 'widget', 'frame.html'), '<!doctype html><title>Chat</title>');
  return root;
}

const WIDGET = { name: 'website', allowed_origins: ['https://shop.example.com'], offline_when_no_agent: false };

async function appWith(publicUrl: string): Promise<{ t: TestApp; web: App }> {
  const t = await createTestApp({ server: { public_url: publicUrl }, channels: { widget: [WIDGET] } });
  const web = await buildApp(t.ctx, { webRoot: fakeWebRoot() });
  await web.ready();
  return { t, web };
}

function directives(csp: unknown): Map<string, string> {
  expect(typeof csp).toBe('string');
  return new Map(
    String(csp)
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => [d.split(/\s+/)[0] as string, d.slice(d.indexOf(' ') + 1)] as [string, string]),
  );
}

describe('security headers over http', () => {
  let t: TestApp;
  let web: App;
  beforeAll(async () => {
    ({ t, web } = await appWith('http://kefu.example.com'));
  });
  afterAll(async () => {
    await web.close();
    await t.close();
  });

  it.each(['/', '/tickets/1042', '/login'])('serves the agent app page %s with a strict CSP and no framing', async (url) => {
    const res = await web.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
    const csp = directives(res.headers['content-security-policy']);
    expect(csp.get('default-src')).toBe("'self'");
    expect(csp.get('script-src')).toBe("'self'");
    expect(csp.get('object-src')).toBe("'none'");
    expect(csp.get('base-uri')).toBe("'none'");
    expect(csp.get('frame-ancestors')).toBe("'none'");
    expect(res.headers['content-security-policy']).not.toMatch(/unsafe-eval/);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('same-origin');
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('refuses framing of static assets and API answers too', async () => {
    for (const url of ['/assets/app-1234.js', '/api/v1/me', '/api/v1/auth/setup', '/api/v1/nowhere']) {
      const res = await web.inject({ method: 'GET', url });
      expect(res.headers['x-frame-options'], url).toBe('DENY');
      expect(directives(res.headers['content-security-policy']).get('frame-ancestors'), url).toBe("'none'");
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
    }
  });

  it('leaves the widget chat frame embeddable by the channel’s allowed origins only', async () => {
    const res = await web.inject({ method: 'GET', url: '/widget/website/frame' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-frame-options']).toBeUndefined();
    expect(directives(res.headers['content-security-policy']).get('frame-ancestors')).toContain('https://shop.example.com');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('security headers over https', () => {
  let t: TestApp;
  let web: App;
  beforeAll(async () => {
    ({ t, web } = await appWith('https://kefu.example.com'));
  });
  afterAll(async () => {
    await web.close();
    await t.close();
  });

  it('sends HSTS on pages, API answers and the widget frame', async () => {
    for (const url of ['/', '/api/v1/me', '/widget/website/frame']) {
      const res = await web.inject({ method: 'GET', url });
      expect(res.headers['strict-transport-security'], url).toMatch(/^max-age=\d{7,}/);
    }
  });
});
