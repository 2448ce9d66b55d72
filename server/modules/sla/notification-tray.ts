import type { DbOrTx } from '../../db/database.js';
import { BadRequest } from '../../http/errors.js';
import { iso } from '../tickets/presenter.js';
import { NOTIFICATION_KINDS, type NotificationView } from './notifications.js';

/** The agent's notification tray: newest first, with how many are still unread. */
export interface NotificationPage {
  items: NotificationView[];
  nextCursor: string | null;
  unreadCount: number;
}

type Row = { id: number; ticket_id: number | null; kind: string; data: string; created_at: number; read_at: number | null };

function dataOf(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const kindOf = (k: string): NotificationView['kind'] => (NOTIFICATION_KINDS as readonly string[]).includes(k) ? (k as NotificationView['kind']) : 'reminder';

function present(r: Row): NotificationView {
  const d = dataOf(r.data);
  const due = num(d.dueAt);
  return {
    id: r.id,
    kind: kindOf(r.kind),
    ticketId: r.ticket_id,
    ticketNumber: num(d.number),
    subject: str(d.subject) ?? '',
    target: str(d.target) ?? '',
    dueAt: due === null ? null : iso(due),
    note: str(d.note),
    createdAt: iso(r.created_at),
    readAt: r.read_at === null ? null : iso(r.read_at),
  };
}

export async function unreadCount(db: DbOrTx, agentId: number): Promise<number> {
  const row = await db
    .selectFrom('agent_notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('agent_id', '=', agentId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const cursorOf = (text: string | undefined): number | null => {
  if (text === undefined) return null;
  if (!/^[1-9]\d{0,15}$/.test(text)) throw new BadRequest('cursor: not one this API gave', { field: 'cursor' });
  return Number(text);
};

export async function listNotifications(db: DbOrTx, agentId: number, opts: { limit: number; cursor?: string | undefined }): Promise<NotificationPage> {
  const before = cursorOf(opts.cursor);
  let q = db
    .selectFrom('agent_notifications')
    .select(['id', 'ticket_id', 'kind', 'data', 'created_at', 'read_at'])
    .where('agent_id', '=', agentId)
    .orderBy('id', 'desc')
    .limit(opts.limit + 1);
  if (before !== null) q = q.where('id', '<', before);
  const rows = await q.execute();
  const page = rows.slice(0, opts.limit);
  const last = page.at(-1);
  return { items: page.map(present), nextCursor: rows.length > opts.limit && last ? String(last.id) : null, unreadCount: await unreadCount(db, agentId) };
}

/** Marks the agent's own notifications read (others' ids are ignored); returns what is left unread. */
export async function markNotificationsRead(db: DbOrTx, agentId: number, which: { ids?: number[] | undefined; all?: boolean | undefined }, at: number): Promise<number> {
  if (!which.all && (which.ids ?? []).length === 0) throw new BadRequest('ids: name the notifications to mark read, or send all: true', { field: 'ids' });
  let q = db.updateTable('agent_notifications').set({ read_at: at }).where('agent_id', '=', agentId).where('read_at', 'is', null);
  if (!which.all) q = q.where('id', 'in', which.ids ?? []);
  await q.execute();
  return unreadCount(db, agentId);
}
