import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../helpers/app.js';

let t: TestApp;
let supervisor: Session;
let agent: Session;

beforeAll(async () => {
  t = await createTestApp();
  supervisor = await t.signIn('supervisor');
  agent = await t.signIn('agent');
});
afterAll(async () => t.close());

interface Hook {
  id: number;
  url: string;
  events: string[];
  enabled: boolean;
  description: string;
  secret?: string;
}

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, session: Session = t.admin) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: session.headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });

describe('webhooks API', () => {
  it('creates a webhook with a generated secret shown on create, and never in lists', async () => {
    const res = await call('POST', '/webhooks', { url: 'https://hooks.example.com/kefu', events: ['ticket.created', 'csat.received'], description: 'CRM' });
    expect(res.statusCode, res.body).toBe(201);
    const { webhook } = res.json<{ webhook: Hook }>();
    expect(webhook).toMatchObject({ url: 'https://hooks.example.com/kefu', events: ['ticket.created', 'csat.received'], enabled: true, description: 'CRM' });
    expect(webhook.secret).toMatch(/^whsec_[\w-]{40,}$/);

    const list = (await call('GET', '/webhooks')).json<{ items: Hook[] }>().items;
    expect(list.map((h) => h.id)).toContain(webhook.id);
    expect(list.every((h) => h.secret === undefined)).toBe(true);
    const one = (await call('GET', `/webhooks/${webhook.id}`)).json<{ webhook: Hook }>().webhook;
    expect(one.secret).toBeUndefined();
  });

  it('reveals the secret on request and rotates it', async () => {
    const created = (await call('POST', '/webhooks', { url: 'https://a.example/h', events: ['message.created'] })).json<{ webhook: Hook }>().webhook;
    const revealed = (await call('GET', `/webhooks/${created.id}/secret`)).json<{ webhook: Hook }>().webhook;
    expect(revealed.secret).toBe(created.secret);
    const rotated = (await call('POST', `/webhooks/${created.id}/secret/rotate`)).json<{ webhook: Hook }>().webhook;
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(created.secret);
    expect((await call('GET', `/webhooks/${created.id}/secret`)).json<{ webhook: Hook }>().webhook.secret).toBe(rotated.secret);
  });

  it('updates and deletes', async () => {
    const { id } = (await call('POST', '/webhooks', { url: 'https://b.example/h', events: ['contact.created'] })).json<{ webhook: Hook }>().webhook;
    const patched = await call('PATCH', `/webhooks/${id}`, { enabled: false, events: ['sla.breached', 'ticket.updated'] });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json<{ webhook: Hook }>().webhook).toMatchObject({ enabled: false, events: ['sla.breached', 'ticket.updated'] });
    expect((await call('DELETE', `/webhooks/${id}`)).statusCode).toBe(204);
    expect((await call('GET', `/webhooks/${id}`)).statusCode).toBe(404);
  });

  it.each([
    ['an unknown event', { url: 'https://c.example/h', events: ['ticket.exploded'] }],
    ['no events', { url: 'https://c.example/h', events: [] }],
    ['a URL that is not http(s)', { url: 'ftp://c.example/h', events: ['ticket.created'] }],
    ['an unknown field', { url: 'https://c.example/h', events: ['ticket.created'], secret: 'mine' }],
  ])('refuses %s with 400', async (_what, body) => {
    expect((await call('POST', '/webhooks', body)).statusCode).toBe(400);
  });

  it('is for admins only', async () => {
    for (const who of [supervisor, agent]) {
      expect((await call('GET', '/webhooks', undefined, who)).statusCode).toBe(403);
      expect((await call('POST', '/webhooks', { url: 'https://d.example/h', events: ['ticket.created'] }, who)).statusCode).toBe(403);
      expect((await call('POST', '/webhooks/1/test', undefined, who)).statusCode).toBe(403);
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/webhooks' })).statusCode).toBe(401);
  });

  it('documents the routes and the version 1 payload in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json<{ paths: Record<string, Record<string, unknown>> }>();
    for (const p of ['/api/v1/webhooks', '/api/v1/webhooks/{id}', '/api/v1/webhooks/{id}/deliveries', '/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver', '/api/v1/webhooks/{id}/test']) {
      expect(doc.paths[p], p).toBeDefined();
    }
    expect(JSON.stringify(doc.paths['/api/v1/webhooks'])).toContain('X-Kefu-Signature');
    const log = JSON.stringify(doc.paths['/api/v1/webhooks/{id}/deliveries']);
    expect(log).toContain('payload version 1');
    expect(log).toContain('"title":"message.created"');
  });
});
