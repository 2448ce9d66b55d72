import type { LightMyRequestResponse } from 'fastify';
import { createTestApp, type TestApp } from '../../../helpers/app.js';

export const PAGE = 'https://shop.example.com';
export const IDENTITY_SECRET = 'host-site-secret-0123456789';

export function widgetConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'website',
    allowed_origins: [PAGE],
    offline_when_no_agent: false,
    identity_secret: IDENTITY_SECRET,
    ...overrides,
  };
}

export async function widgetApp(overrides: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Promise<TestApp> {
  const email = overrides.email_channel ? [{ name: overrides.email_channel, address: 'support@example.com' }] : [];
  return createTestApp({ ...extra, channels: { widget: [widgetConfig(overrides)], email } });
}

/** A visitor as the chat frame is: calls from Kefu's own origin that name the page they are embedded in. */
export class Visitor {
  token: string | null = null;

  constructor(
    readonly t: TestApp,
    readonly page = PAGE,
    readonly channel = 'website',
  ) {}

  headers(): Record<string, string> {
    return {
      origin: 'http://localhost:80',
      host: 'localhost:80',
      'x-kefu-origin': this.page,
      ...(this.token ? { 'x-kefu-visitor': this.token } : {}),
    };
  }

  async call(method: 'GET' | 'POST', path: string, payload?: unknown): Promise<LightMyRequestResponse> {
    return this.t.app.inject({
      method,
      url: `/api/v1/widget/${this.channel}${path}`,
      headers: this.headers(),
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
  }

  async start(details: Record<string, string> = {}): Promise<Record<string, unknown>> {
    const res = await this.call('POST', '/session', details);
    if (res.statusCode !== 200) throw new Error(`session failed: ${res.statusCode} ${res.body}`);
    const body = res.json<{ token: string }>();
    this.token = body.token;
    return body;
  }

  async send(text: string, clientId = `c${Math.random().toString(36).slice(2, 14)}`): Promise<LightMyRequestResponse> {
    return this.call('POST', '/messages', { clientId, text });
  }
}
