import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestFigures } from '../../../server/modules/digest/send.js';
import { Random } from '../../../server/seed/random.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { postgresUnavailable, usePostgres } from '../../helpers/postgres.js';
import { as } from '../tickets/fixtures.js';

/**
 * The same generated fortnight of work written into a SQLite and a PostgreSQL Kefu: every report
 * endpoint, JSON and CSV, must give the same answer on both. The rows are written directly (the
 * report reads only the metric columns intake keeps), so the figures are the report queries' alone.
 */
const FROM = Date.parse('2026-02-23T00:00:00Z');
const DAY = 86_400_000;
const CHANNELS = [
  ['email', 'support'],
  ['widget', 'website'],
  ['telegram', 'tg'],
] as const;
const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
const STATUSES = ['open', 'pending', 'resolved', 'closed'] as const;

async function fill(t: TestApp): Promise<{ hoursId: number }> {
  const rng = new Random(7);
  const db = t.ctx.db;
  const agentIds: number[] = [t.admin.agentId];
  for (let i = 0; i < 3; i++) agentIds.push((await t.signIn('agent', `agent${i}@example.test`)).agentId);
  // Names come from a counter shared by the whole file: make them the same on both sides.
  for (const id of agentIds) await db.updateTable('agents').set({ name: `Agent ${id}` }).where('id', '=', id).execute();
  await db.updateTable('agents').set({ active: 0 }).where('id', '=', agentIds[3]!).execute();
  const teamIds: number[] = [];
  for (const name of ['售后', 'Billing']) {
    teamIds.push(Number((await db.insertInto('teams').values({ name, created_at: FROM, updated_at: FROM }).returning('id').executeTakeFirstOrThrow()).id));
  }
  const labelIds: number[] = [];
  for (const name of ['vip', '加急', 'refund']) {
    labelIds.push(Number((await db.insertInto('labels').values({ name, color: '#888888', created_at: FROM }).returning('id').executeTakeFirstOrThrow()).id));
  }
  const contactIds: number[] = [];
  for (const [i, name] of ['李雷', 'Han "Meimei"', '=SUM(A1)', 'Ann'].entries()) {
    const row = await db
      .insertInto('contacts')
      .values({ name, email: `c${i}@example.test`, phone: i % 2 ? `+86138000000${i}` : null, language: 'zh-CN', attributes: '{}', notes: '', created_at: FROM + i, updated_at: FROM, last_seen_at: FROM + i * DAY })
      .returning('id')
      .executeTakeFirstOrThrow();
    contactIds.push(Number(row.id));
    for (const kind of ['telegram', 'wechat', 'email']) {
      await db.insertInto('contact_identities').values({ contact_id: Number(row.id), kind, value: `${kind}-${i}`, created_at: FROM }).execute();
    }
  }

  for (let n = 0; n < 400; n++) {
    const [kind, name] = rng.pick(CHANNELS);
    const contact = rng.pick(contactIds);
    const created = FROM + rng.int(0, 14 * DAY - 1);
    const status = rng.pick(STATUSES);
    const answered = rng.chance(0.8) ? created + rng.int(1, 3 * 3600) * 1000 : null;
    const resolved = status === 'resolved' || status === 'closed' ? (answered ?? created) + rng.int(60, 2 * DAY / 1000) * 1000 : null;
    const assignee = rng.chance(0.85) ? rng.pick(agentIds) : null;
    const replies = answered === null ? 0 : rng.int(1, 4);
    const reopens = resolved !== null && rng.chance(0.15) ? 1 : 0;
    const ticket = await db
      .insertInto('tickets')
      .values({
        number: 1000 + n,
        subject: `Ticket ${n}`,
        status,
        snoozed_until: null,
        priority: rng.pick(PRIORITIES),
        channel_kind: kind,
        channel_name: name,
        thread_key: null,
        contact_id: contact,
        assignee_id: assignee,
        team_id: rng.chance(0.7) ? rng.pick(teamIds) : null,
        created_at: created,
        updated_at: created,
        last_activity_at: created,
        first_response_at: answered,
        resolved_at: resolved,
        reopen_count: reopens,
        merged_into_id: null,
        first_response_seconds: answered === null ? null : Math.round((answered - created) / 1000),
        first_responder_id: answered === null ? null : rng.pick(agentIds),
        agent_reply_count: replies,
        next_response_seconds_total: replies > 1 ? rng.int(30, 7200) : 0,
        next_response_count: replies > 1 ? 1 : 0,
        resolution_seconds: resolved === null ? null : Math.round((resolved - created) / 1000),
        resolved_by_id: resolved === null ? null : rng.chance(0.5) ? rng.pick(agentIds) : null,
        last_reopened_at: reopens ? (resolved ?? created) + 3600_000 : null,
        chat_missed: kind === 'widget' && answered === null ? 1 : 0,
        bot_handled: kind === 'widget' && rng.chance(0.5) ? 1 : 0,
        bot_deflected: kind === 'widget' && rng.chance(0.2) ? 1 : 0,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const ticketId = Number(ticket.id);
    for (const labelId of labelIds) if (rng.chance(0.3)) await db.insertInto('ticket_labels').values({ ticket_id: ticketId, label_id: labelId }).execute();
    let conversation: string | null = null;
    if (kind === 'widget') {
      conversation = `conv-${n}`;
      await db
        .insertInto('widget_visitors')
        .values({ id: `v-${n}`, channel: name, external_id: null, name: null, email: null, phone: null, language: null, email_verified: 0, contact_id: contact, created_at: created, last_seen_at: created })
        .execute();
      const ended = rng.chance(0.7) ? created + rng.int(60, 7200) * 1000 : null;
      await db
        .insertInto('widget_conversations')
        .values({ id: conversation, visitor_id: `v-${n}`, channel: name, ticket_id: ticketId, status: ended ? 'ended' : 'open', offline: 0, visitor_read_at: null, agent_read_at: null, created_at: created, ended_at: ended, last_message_at: created, transcript_sent_at: null })
        .execute();
    }
    if (rng.chance(0.3)) {
      await db
        .insertInto('csat_ratings')
        .values({ ticket_id: ticketId, conversation_id: conversation, score: rng.int(1, 5), comment: null, created_at: created + rng.int(1, 3 * DAY / 1000) * 1000, contact_id: contact, survey_id: null })
        .execute();
    }
    for (const target of ['first_response', 'resolution'] as const) {
      if (!rng.chance(0.5)) continue;
      const due = created + rng.int(600, 8 * 3600) * 1000;
      const met = target === 'first_response' ? answered : resolved;
      await db
        .insertInto('sla_targets')
        .values({ ticket_id: ticketId, policy_id: null, policy_name: 'Standard', target, cycle: 1, started_at: created, due_at: due, warn_at: null, status: met === null ? (rng.chance(0.5) ? 'breached' : 'running') : 'met', met_at: met, warned_at: null, breach_fired_at: null, updated_at: created })
        .execute();
    }
  }
  for (const agentId of agentIds) {
    let at = FROM - DAY;
    for (let i = 0; i < 20; i++) {
      const start = at + rng.int(1, 20) * 3600_000;
      const end = start + rng.int(5, 600) * 60_000;
      await db.insertInto('agent_presence_log').values({ agent_id: agentId, status: rng.chance(0.7) ? 'online' : 'away', started_at: start, ended_at: end }).execute();
      at = end;
    }
  }
  const nineToFive = [{ from: '09:00', to: '17:00' }];
  const hours = await as(t, t.admin).post<{ businessHours: { id: number } }>('/business-hours', {
    name: 'Shanghai office',
    timezone: 'Asia/Shanghai',
    weekly: { mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive },
  });
  if (hours.status !== 201) throw new Error(`business hours: ${hours.status}`);
  return { hoursId: hours.body.businessHours.id };
}

const RANGE = 'from=2026-03-02T00:00:00Z&to=2026-03-09T00:00:00Z';
const ZONED = 'from=2026-03-02T00:00:00%2B08:00&to=2026-03-09T00:00:00%2B08:00&timezone=Asia/Shanghai';
const FILTERS = ['', '&channel=widget', '&channel=support', '&priority=high,urgent', '&label=VIP', '&teamId=1', '&agentId=2'];

function urls(hoursId: number): string[] {
  const out: string[] = [];
  for (const range of [RANGE, ZONED]) {
    for (const filter of FILTERS) {
      const q = `${range}${filter}`;
      out.push(`/reports/overview?${q}`, `/reports/heatmap?${q}`, `/reports/volume?${q}`, `/reports/agents?${q}`, `/reports/agents.csv?${q}`);
      for (const by of ['channel', 'team', 'agent', 'label', 'priority']) out.push(`/reports/breakdown?${q}&by=${by}`, `/reports/breakdown.csv?${q}&by=${by}`);
    }
    out.push(`/reports/overview?${range}&businessHoursId=${hoursId}`);
  }
  out.push('/exports/contacts.csv', '/exports/tickets.csv?status=all&sort=created&order=asc', '/exports/tickets.csv?status=open,pending&label=vip&sort=last_activity');
  return out;
}

describe.skipIf(postgresUnavailable())('reports and exports on SQLite and on PostgreSQL', () => {
  const postgres = usePostgres();
  let sqlite: TestApp;
  let pg: TestApp;
  let hoursId: number;

  beforeAll(async () => {
    sqlite = await createTestApp({ database: { driver: 'sqlite' } });
    pg = await createTestApp({ database: { driver: 'postgres', url: await postgres.freshDatabase(), pool_size: 4 } });
    hoursId = (await fill(sqlite)).hoursId;
    expect((await fill(pg)).hoursId).toBe(hoursId);
  }, 120_000);
  afterAll(async () => {
    await sqlite?.close();
    await pg?.close();
  });

  it('gives identical JSON and CSV for every report, filter and zone, and identical ticket and contact exports', async () => {
    const read = async (t: TestApp, url: string) => {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: { cookie: t.admin.cookie } });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
      return url.includes('.csv') ? res.body : res.json<unknown>();
    };
    let checked = 0;
    for (const url of urls(hoursId)) {
      const onSqlite = await read(sqlite, url);
      expect(await read(pg, url), url).toEqual(onSqlite);
      checked++;
    }
    // Not a vacuous match: the week has figures in every part of the overview.
    const overview = (await read(pg, `/reports/overview?${RANGE}&businessHoursId=${hoursId}`)) as Record<string, { count?: number; responses?: number; chats?: number } | unknown[]>;
    expect(overview).toMatchObject({ ticketsCreated: expect.any(Number), firstResponseTime: { count: expect.any(Number) } });
    expect((overview.firstResponseTime as { count: number }).count).toBeGreaterThan(50);
    expect((overview.csat as { responses: number }).responses).toBeGreaterThan(10);
    expect((overview.chat as { botDeflected: number }).botDeflected).toBeGreaterThan(0);
    expect((overview.slaCompliance as unknown[]).length).toBe(2);
    expect((overview.businessHours as { resolutionTime: { count: number } }).resolutionTime.count).toBeGreaterThan(20);
    const agents = (await read(pg, `/reports/agents?${RANGE}`)) as { rows: Array<{ onlineSeconds: number }> };
    expect(agents.rows.some((r) => r.onlineSeconds > 0)).toBe(true);
    const tickets = (await read(pg, '/exports/tickets.csv?status=all')) as string;
    expect(tickets.split('\r\n')).toHaveLength(400 + 2);
    expect(tickets).toMatch(/vip; 加急|加急; vip|vip; refund/);
    expect((await read(pg, '/exports/contacts.csv')) as string).toContain('telegram:telegram-0; wechat:wechat-0; email:email-0');
    expect(checked).toBe(urls(hoursId).length);
  }, 120_000);

  it('gives the weekly digest the same figures', async () => {
    const week = { from: Date.parse('2026-03-01T16:00:00Z'), to: Date.parse('2026-03-08T16:00:00Z') };
    const onSqlite = await digestFigures(sqlite.ctx.database, week, 'Asia/Shanghai');
    expect(onSqlite.overview.ticketsCreated).toBeGreaterThan(100);
    expect(onSqlite.busiest.current).not.toBeNull();
    expect(await digestFigures(pg.ctx.database, week, 'Asia/Shanghai')).toEqual(onSqlite);
  });
});
