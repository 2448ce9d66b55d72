import { intake } from '../../../server/intake/intake.js';
import type { InboundMessage } from '../../../server/intake/types.js';
import type { ErrorBody } from '../../../server/http/errors.js';
import type { Session, TestApp } from '../../helpers/app.js';

let seq = 0;

/** A ticket the way a customer makes one: through intake. */
export async function inboundTicket(t: TestApp, overrides: Partial<InboundMessage> = {}): Promise<{ ticketId: number; contactId: number; number: number }> {
  seq++;
  const result = await intake(t.ctx, {
    channel: { kind: 'email', name: 'support' },
    sender: { identity: { kind: 'email', value: `c${seq}-${Date.now()}@example.com` }, name: `Customer ${seq}` },
    subject: `Question ${seq}`,
    text: `Message body ${seq}`,
    idempotencyKey: `fx-${seq}-${Math.random()}`,
    ...overrides,
  });
  return { ticketId: result.ticketId, contactId: result.contactId, number: result.ticketNumber };
}

export interface Call<T> {
  status: number;
  body: T;
}

/** app.inject as a signed-in agent; cookie + CSRF on writes. Callers name the body type they expect. */
export function as(t: TestApp, session: Session) {
  async function call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown): Promise<Call<T>> {
    const res = await t.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: method === 'GET' ? { cookie: session.cookie } : session.headers,
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
    return { status: res.statusCode, body: (res.body ? res.json() : null) as T };
  }
  return {
    get: <T = ErrorBody>(url: string) => call<T>('GET', url),
    post: <T = ErrorBody>(url: string, body?: unknown) => call<T>('POST', url, body ?? {}),
    patch: <T = ErrorBody>(url: string, body: unknown) => call<T>('PATCH', url, body),
    del: <T = ErrorBody>(url: string) => call<T>('DELETE', url),
  };
}

export async function makeTeam(t: TestApp, name: string, memberIds: number[]): Promise<number> {
  const res = await as(t, t.admin).post<{ team: { id: number } }>('/teams', { name, memberIds });
  if (res.status !== 201) throw new Error(`team: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.team.id;
}

export async function makeLabel(t: TestApp, name: string): Promise<number> {
  const res = await as(t, t.admin).post<{ label: { id: number } }>('/labels', { name });
  if (res.status !== 201) throw new Error(`label: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.label.id;
}
