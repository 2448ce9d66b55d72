import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../../web/shared/api.js';
import type { Agent, TicketDetail } from '../../web/shared/types.js';
import { AppStore } from '../../web/agent/data/store.js';

/** A browser WebSocket stand-in: records what the app sends and lets the test play the server. */
class FakeSocket {
  static last: FakeSocket | null = null;
  readyState = 0;
  sent: Array<Record<string, unknown>> = [];
  onopen: (() => void) | null = null;
  onmessage: ((ev: { data: string }) => void) | null = null;
  onclose: ((ev: { code: number }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.last = this;
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  /** The server accepts the connection and says hello. */
  open(): void {
    this.readyState = 1;
    this.onopen?.();
    this.frame({ type: 'hello', cursor: 1 });
  }
  frame(f: Record<string, unknown>): void {
    this.onmessage?.({ data: JSON.stringify(f) });
  }
}

const me = { id: 7, name: 'Mei Lin', role: 'agent', presence: 'online' } as Agent;
const detail = (id: number) => ({ ticket: { id }, messages: [], events: [], contact: { id: 1 } }) as unknown as TicketDetail;

let store: AppStore;
let socket: FakeSocket;
let changes = 0;

beforeEach(() => {
  vi.stubGlobal('WebSocket', FakeSocket);
  vi.stubGlobal('location', { protocol: 'http:', host: 'kefu.test' });
  vi.stubGlobal('localStorage', { getItem: () => null, setItem: () => undefined, removeItem: () => undefined });
  store = new AppStore(new ApiClient(), me);
  store.connect();
  socket = FakeSocket.last!;
  changes = 0;
  store.addEventListener('change', () => changes++);
});

afterEach(() => {
  store.disconnect();
  vi.unstubAllGlobals();
});

describe('opening tickets over the live connection', () => {
  it('has nothing to offer until the server said hello, then views and loads in one frame', async () => {
    expect(store.openTicket(5)).toBeNull();
    socket.open();
    const answer = store.openTicket(5);
    expect(socket.sent).toEqual([{ type: 'open', ticketId: 5 }]);
    socket.frame({ type: 'ticket', ticketId: 5, detail: detail(5) });
    expect((await answer)?.ticket.id).toBe(5);
    // The open said which ticket is viewed: the view's own announcement is not sent again.
    store.viewTicket(5);
    store.viewTicket(null);
    expect(socket.sent.slice(1)).toEqual([{ type: 'view', ticketId: null }]);
  });

  it('reports a ticket the server does not find as not found', async () => {
    socket.open();
    const answer = store.openTicket(9);
    socket.frame({ type: 'error', code: 'not_found', message: 'No such ticket.', ticketId: 9 });
    await expect(answer).rejects.toMatchObject({ status: 404, code: 'not_found' });
  });

  it('fails the waiting opens when the connection drops, so they go over HTTP', async () => {
    socket.open();
    const answer = store.openTicket(3);
    socket.close();
    await expect(answer).rejects.toThrow('The live connection closed.');
    expect(store.openTicket(4)).toBeNull();
  });

  it('re-renders for viewers only when who else views a ticket changed', () => {
    socket.open();
    changes = 0;
    socket.frame({ type: 'viewers', ticketId: 2, agents: [{ id: me.id, name: me.name, replying: false }] });
    expect(changes).toBe(0);
    const ana = { id: 8, name: 'Ana', replying: false };
    socket.frame({ type: 'viewers', ticketId: 2, agents: [{ id: me.id, name: me.name, replying: false }, ana] });
    expect(changes).toBe(1);
    expect(store.viewers.get(2)).toEqual([ana]);
    socket.frame({ type: 'viewers', ticketId: 2, agents: [ana] });
    expect(changes).toBe(1);
    socket.frame({ type: 'viewers', ticketId: 2, agents: [{ ...ana, replying: true }] });
    expect(changes).toBe(2);
    socket.frame({ type: 'viewers', ticketId: 2, agents: [] });
    expect(changes).toBe(3);
    expect(store.viewers.has(2)).toBe(false);
  });
});
