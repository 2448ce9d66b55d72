// The agent's notification tray as data: one feed per store, shared by every bell on screen (the
// rail's and the phone bar's), loaded once and kept live by the socket's `notification` frames.
import type { AgentNotification, NotificationPage } from '../../shared/types.js';
import type { AppStore } from './store.js';

const PAGE = 30;

export class NotificationFeed extends EventTarget {
  items: AgentNotification[] = [];
  unread = 0;
  nextCursor: string | null = null;
  loaded = false;
  private loading: Promise<void> | null = null;

  constructor(private readonly store: AppStore) {
    super();
    store.addEventListener('notification', (e) => this.arrived((e as CustomEvent<AgentNotification>).detail));
    // Frames missed while the socket was down are in the list: read it again.
    store.addEventListener('resumed', () => void this.reload());
  }

  private changed(): void {
    this.dispatchEvent(new Event('change'));
  }

  private arrived(n: AgentNotification): void {
    if (this.items.some((i) => i.id === n.id)) return;
    this.items = [{ ...n, readAt: null }, ...this.items];
    this.unread++;
    this.changed();
  }

  /** The first page, once; later calls wait for the same load. */
  load(): Promise<void> {
    this.loading ??= this.reload();
    return this.loading;
  }

  async reload(): Promise<void> {
    const page = await this.store.api.get<NotificationPage>('/notifications', { limit: PAGE });
    this.items = page.items;
    this.nextCursor = page.nextCursor;
    this.unread = page.unreadCount;
    this.loaded = true;
    this.changed();
  }

  async more(): Promise<void> {
    if (!this.nextCursor) return;
    const page = await this.store.api.get<NotificationPage>('/notifications', { limit: PAGE, cursor: this.nextCursor });
    const known = new Set(this.items.map((i) => i.id));
    this.items = [...this.items, ...page.items.filter((i) => !known.has(i.id))];
    this.nextCursor = page.nextCursor;
    this.unread = page.unreadCount;
    this.changed();
  }

  async markRead(ids: number[] | 'all'): Promise<void> {
    const at = new Date().toISOString();
    const hit = (n: AgentNotification) => !n.readAt && (ids === 'all' || ids.includes(n.id));
    if (!this.items.some(hit) && ids !== 'all') return;
    this.items = this.items.map((n) => (hit(n) ? { ...n, readAt: at } : n));
    this.changed();
    const res = await this.store.api.post<{ unreadCount: number }>('/notifications/read', ids === 'all' ? { all: true } : { ids });
    this.unread = res.unreadCount;
    this.changed();
  }
}

const feeds = new WeakMap<AppStore, NotificationFeed>();

export function notificationFeed(store: AppStore): NotificationFeed {
  let feed = feeds.get(store);
  if (!feed) {
    feed = new NotificationFeed(store);
    feeds.set(store, feed);
  }
  return feed;
}
