import { sql } from 'kysely';
import type { AuthorKind, MessageKind } from './tables.js';

/**
 * What a new message means for the ticket's report metrics. Only a public reply written by an agent
 * answers the customer: notes, system lines, bot answers and rule auto-replies (author 'system') do not.
 */
export type MessageRole = 'agent_reply' | 'customer' | 'other';

export function roleOf(kind: MessageKind, author: AuthorKind): MessageRole {
  if (kind === 'outbound' && author === 'agent') return 'agent_reply';
  if (kind === 'inbound') return 'customer';
  return 'other';
}

/**
 * The metric columns a message of this role changes, as SQL over the row's values before the update
 * (SQLite evaluates every SET expression against the old row). `at` and `authorId` are bound values.
 */
export function metricColumns(role: MessageRole, m: { at: number; authorId: number | null }) {
  // Fields of `m` are read only where used: a prepared query binds exactly what it reads.
  if (role === 'customer') return { awaiting_since: sql<number>`coalesce(awaiting_since, ${m.at})` };
  if (role === 'other') return {};
  const at = m.at;
  // A wait answered after the first response is a next-response sample; the first is the FRT itself.
  const answersWait = sql<boolean>`(awaiting_since is not null and first_response_seconds is not null)`;
  return {
    agent_reply_count: sql<number>`agent_reply_count + 1`,
    first_response_seconds: sql<number>`coalesce(first_response_seconds, round((${at} - created_at) / 1000.0))`,
    first_responder_id: sql<number | null>`coalesce(first_responder_id, ${m.authorId})`,
    next_response_seconds_total: sql<number>`next_response_seconds_total + case when ${answersWait} then round((${at} - awaiting_since) / 1000.0) else 0 end`,
    next_response_count: sql<number>`next_response_count + case when ${answersWait} then 1 else 0 end`,
    awaiting_since: null,
  };
}

export const secondsBetween = (from: number, to: number): number => Math.round((to - from) / 1000);
