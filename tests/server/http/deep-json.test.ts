import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../../server/modules/agents/sessions.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { inboundTicket } from '../tickets/fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await inboundTicket(t);
});
afterAll(async () => {
  await t.close();
});

const nested = (depth: number, leaf = '1') => '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);
const nestedArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

/** Every route that takes a body, as [method, url] with path parameters filled in. */
function routesWithBodies(): Array<[string, string]> {
  const lines = t.app.printRoutes({ commonPrefix: false }).split('\n');
  const out: Array<[string, string]> = [];
  for (const line of lines) {
    const m = /([/][^\s]*) \(([A-Z, ]+)\)/.exec(line);
    if (!m) continue;
    const [, path, methods] = m as unknown as [string, string, string];
    const url = path.replace(/:([A-Za-z]+)/g, (_, name: string) => (name === 'channel' ? 'web' : '1')).replace(/\*$/, 'x');
    for (const method of methods.split(', ')) if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) out.push([method, url]);
  }
  return out;
}

interface OpenApiDoc {
  paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> } }>>;
}

/** The top-level body fields of every documented route, keyed like routesWithBodies() names them. */
async function bodyFields(): Promise<Map<string, string[]>> {
  const doc = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json<OpenApiDoc>();
  const out = new Map<string, string[]>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    const url = path.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => (name === 'channel' ? 'web' : '1'));
    for (const [method, op] of Object.entries(ops)) {
      const props = op.requestBody?.content?.['application/json']?.schema?.properties;
      if (props) out.set(`${method.toUpperCase()} ${url}`, Object.keys(props));
    }
  }
  return out;
}

describe('deeply nested JSON', () => {
  it('finds the routes it walks', () => {
    const routes = routesWithBodies().map(([m, u]) => `${m} ${u}`);
    expect(routes).toContain('POST /api/v1/tickets');
    expect(routes).toContain('PATCH /api/v1/me');
    expect(routes.length).toBeGreaterThan(20);
  });

  it('finds the body fields of documented routes', async () => {
    const fields = await bodyFields();
    expect(fields.get('PATCH /api/v1/me')).toContain('preferences');
    expect(fields.get('PATCH /api/v1/tickets/1')).toContain('customFields');
  });

  it('never answers 5xx to a 10,000-deep object or array, as the body or as any field of it, signed in or not', async () => {
    const fields = await bodyFields();
    const failures: string[] = [];
    for (const [method, url] of routesWithBodies()) {
      // A fresh session each time (made directly: a password check per route would be slow), as
      // the walk passes the sign-out route on the way.
      const made = await createSession(t.ctx, t.admin.agentId, {});
      const session = { cookie: `kefu_session=${made.cookieValue}`, 'x-csrf-token': made.csrfToken };
      const deep = [nested(10_000), nestedArrays(10_000)];
      const payloads = [...deep, ...(fields.get(`${method} ${url}`) ?? []).flatMap((f) => deep.map((d) => `{${JSON.stringify(f)}:${d}}`))];
      for (const payload of payloads) {
        for (const headers of [session, {}]) {
          const res = await t.app.inject({
            method: method as 'POST',
            url,
            headers: { ...headers, 'content-type': 'application/json' },
            payload,
          });
          if (res.statusCode >= 500) failures.push(`${method} ${url} ${payload.slice(0, 30)} → ${res.statusCode}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  const freeForm: Array<[string, string, (inner: string) => string]> = [
    ['PATCH', '/api/v1/me', (inner) => `{"preferences":{"x":${inner}}}`],
    ['POST', '/api/v1/contacts', (inner) => `{"name":"Deep","attributes":{"x":${inner}}}`],
    ['PATCH', '/api/v1/tickets/1', (inner) => `{"customFields":{"x":${inner}}}`],
  ];

  it.each(freeForm)('%s %s refuses 10,000-deep JSON in a free-form object with 400 too_deep', async (method, url, wrap) => {
    const res = await send(method, url, wrap(nested(10_000)));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('too_deep');
  });

  it.each(freeForm)('%s %s refuses a free-form object nested past the limit with 400 too_deep', async (method, url, wrap) => {
    const res = await send(method, url, wrap(nested(12)));
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'too_deep', details: { field: expect.any(String) } });
  });

  it.each(freeForm)('%s %s refuses an oversized free-form object with 400 too_large', async (method, url, wrap) => {
    const res = await send(method, url, wrap(JSON.stringify('x'.repeat(40_000))));
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'too_large', details: { field: expect.any(String) } });
  });

  it.each(freeForm)('%s %s still accepts a modest nested object', async (method, url, wrap) => {
    const res = await send(method, url, wrap(nested(4, '"ok"')));
    expect(res.statusCode).toBeLessThan(300);
  });
});

async function send(method: string, url: string, payload: string) {
  return t.app.inject({
    method: method as 'PATCH',
    url,
    headers: { ...t.admin.headers, 'content-type': 'application/json' },
    payload,
  });
}
