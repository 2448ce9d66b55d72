import type { Database } from '../../db/database.js';
import { BadRequest } from '../../http/errors.js';
import type { Breakdown, ReportFilters } from './params.js';

const CHANNEL_KINDS = new Set(['email', 'widget', 'api', 'telegram', 'twilio', 'whatsapp', 'wechat']);

/** SQL appended to a `where` over `tickets t`, with its bound values. */
export interface Scope {
  sql: string;
  params: unknown[];
}

/**
 * The filters as SQL. Merged tickets live on in the ticket they were merged into, so they are never
 * counted twice. A label is looked up by name once, so an unknown one is a 400 rather than zeros.
 */
export function scopeOf(database: Database, f: ReportFilters): Scope {
  const parts = ['t.merged_into_id is null'];
  const params: unknown[] = [];
  if (f.channel !== undefined) {
    parts.push(CHANNEL_KINDS.has(f.channel) ? 't.channel_kind = ?' : 't.channel_name = ?');
    params.push(f.channel);
  }
  if (f.teamId !== undefined) {
    parts.push('t.team_id = ?');
    params.push(f.teamId);
  }
  if (f.agentId !== undefined) {
    parts.push('t.assignee_id = ?');
    params.push(f.agentId);
  }
  if (f.priorities !== undefined) {
    parts.push(`t.priority in (${f.priorities.map(() => '?').join(', ')})`);
    params.push(...f.priorities);
  }
  if (f.label !== undefined) {
    const label = database.sqlite.prepare('select id from labels where name = ? collate nocase').get(f.label) as { id: number } | undefined;
    if (!label) throw new BadRequest(`label: no label "${f.label}"`, { field: 'label' });
    parts.push('exists (select 1 from ticket_labels x where x.ticket_id = t.id and x.label_id = ?)');
    params.push(label.id);
  }
  return { sql: parts.join(' and '), params };
}

/** How a breakdown groups tickets: the key expression and, for labels, the join that yields one row per label. */
export const DIMENSIONS: Record<Breakdown, { key: string; join: string }> = {
  channel: { key: 't.channel_name', join: '' },
  team: { key: 't.team_id', join: '' },
  agent: { key: 't.assignee_id', join: '' },
  priority: { key: 't.priority', join: '' },
  // CROSS JOIN: walk the period's tickets first, then each one's labels, never every label row.
  label: { key: 'tl.label_id', join: 'cross join ticket_labels tl on tl.ticket_id = t.id' },
};
