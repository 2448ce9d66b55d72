import type { RawRows } from '../../db/raw-rows.js';
import { BadRequest } from '../../http/errors.js';
import type { Breakdown, ReportFilters } from './params.js';
import { reportSql, type Grouping } from './queries.js';

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
export async function scopeOf(src: RawRows, f: ReportFilters): Promise<Scope> {
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
    const [label] = await src.all<[number]>('select id from labels where name = ? collate nocase', [f.label]);
    if (!label) throw new BadRequest(`label: no label "${f.label}"`, { field: 'label' });
    parts.push('exists (select 1 from ticket_labels x where x.ticket_id = t.id and x.label_id = ?)');
    params.push(label[0]);
  }
  return { sql: parts.join(' and '), params };
}

/** How a breakdown groups tickets: the key expression and, for labels, the join that yields one row per label. */
export function dimension(src: RawRows, by: Breakdown): Grouping {
  switch (by) {
    case 'channel':
      return { key: 't.channel_name', join: '' };
    case 'team':
      return { key: 't.team_id', join: '' };
    case 'agent':
      return { key: 't.assignee_id', join: '' };
    case 'priority':
      return { key: 't.priority', join: '' };
    case 'label':
      // Walk the period's tickets first, then each one's labels, never every label row.
      return { key: 'tl.label_id', join: `${reportSql(src).walkFirst} ticket_labels tl on tl.ticket_id = t.id` };
  }
}
