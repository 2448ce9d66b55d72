import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketCounts } from '../../../server/modules/tickets/counts.js';
import type { TicketView } from '../../../server/modules/tickets/schemas.js';
import { createTestApp, type Session, type TestApp } from '../../helpers/app.js';
import { as, inboundTicket, makeLabel, makeTeam } from './fixtures.js';

type Page = { items: TicketView[]; nextCursor: string | null };

let t: TestApp;
let agent: Session;
let teamId: number;
const ids: Record<string, number> = {};

/** Ten tickets with known attributes and activity times 1..10 minutes ago, newest = t1. */
beforeAll(async () => {
  // The sidebar counts list configured channels only.
  t = await createTestApp({
    channels: {
      email: [{ name: 'support', address: 'support@example.org' }],
      widget: [{ name: 'site', allowed_origins: ['https://shop.example.org'] }],
    },
  });
  agent = await t.signIn('agent');
  teamId = await makeTeam(t, 'Shipping', [agent.agentId]);
  await makeLabel(t, 'refund');
  const base = Date.now() - 3_600_000;
  const specs: Array<[string, Record<string, unknown>]> = [
    ['t1', { status: 'open', priority: 'urgent', assignee_id: null }],
    ['t2', { status: 'open', priority: 'low', assignee_id: 'agent' }],
    ['t3', { status: 'pending', priority: 'high', assignee_id: 'agent', team_id: 'team' }],
    ['t4', { status: 'open', priority: 'normal', team_id: 'team', channel: 'widget' }],
    ['t5', { status: 'resolved', priority: 'normal' }],
    ['t6', { status: 'snoozed', priority: 'normal', snoozed_until: Date.now() + 3_600_000 }],
    ['t7', { status: 'open', priority: 'high', assignee_id: 'admin', label: true }],
    ['t8', { status: 'closed', priority: 'normal' }],
    ['t9', { status: 'pending', priority: 'normal', label: true }],
    ['t10', { status: 'open', priority: 'urgent', channel: 'widget' }],
  ];
  for (const [i, [name, spec]] of specs.entries()) {
    const widget = spec.channel === 'widget';
    const { ticketId } = await inboundTicket(t, {
      subject: name,
      channel: widget ? { kind: 'widget', name: 'site' } : { kind: 'email', name: 'support' },
      receivedAt: base + i * 1000,
    });
    ids[name] = ticketId;
    const assignee = spec.assignee_id === 'agent' ? agent.agentId : spec.assignee_id === 'admin' ? t.admin.agentId : null;
    await t.ctx.db
      .updateTable('tickets')
      .set({
        status: spec.status as TicketView['status'],
        priority: spec.priority as TicketView['priority'],
        assignee_id: assignee,
        team_id: spec.team_id === 'team' ? teamId : null,
        snoozed_until: (spec.snoozed_until as number | undefined) ?? null,
        // t1 is the most recent: activity decreases with the name's number
        last_activity_at: base + 100_000 - Number(name.slice(1)) * 1000,
        created_at: base + Number(name.slice(1)) * 1000,
      })
      .where('id', '=', ticketId)
      .execute();
    if (spec.label) await as(t, t.admin).patch(`/tickets/${ticketId}`, { labels: ['refund'] });
  }
});
afterAll(async () => t.close());

const names = (page: Page): string[] => page.items.map((i) => i.subject);

async function list(query: string, session: Session = t.admin): Promise<Page> {
  const res = await as(t, session).get<Page>(`/tickets?${query}`);
  if (res.status !== 200) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

describe('GET /tickets filters and sorting', () => {
  it.each([
    ['view=all', ['t1', 't2', 't3', 't4', 't7', 't9', 't10']],
    ['view=all&status=resolved,closed', ['t5', 't8']],
    ['view=all&status=all', ['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8', 't9', 't10']],
    ['view=unassigned', ['t1', 't4', 't9', 't10']],
    ['assignee=none&status=snoozed', ['t6']],
    ['view=all&priority=urgent,high', ['t1', 't3', 't7', 't10']],
    ['view=all&channel=widget', ['t4', 't10']],
    ['view=all&channel=site', ['t4', 't10']],
    ['view=all&label=refund', ['t7', 't9']],
    ['view=all&label=REFUND', ['t7', 't9']],
    ['view=all&label=unknown', []],
    ['view=all&sort=created&order=asc', ['t1', 't2', 't3', 't4', 't7', 't9', 't10']],
    ['view=all&sort=created', ['t10', 't9', 't7', 't4', 't3', 't2', 't1']],
    ['view=all&sort=priority', ['t1', 't10', 't3', 't7', 't4', 't9', 't2']],
    ['view=all&order=asc', ['t10', 't9', 't7', 't4', 't3', 't2', 't1']],
  ])('%s', async (query, expected) => {
    expect(names(await list(query))).toEqual(expected);
  });

  it('filters by assignee id, me, and team', async () => {
    expect(names(await list(`assignee=${agent.agentId}`))).toEqual(['t2', 't3']);
    expect(names(await list('view=mine', agent))).toEqual(['t2', 't3']);
    expect(names(await list('assignee=me'))).toEqual(['t7']);
    expect(names(await list('view=team', agent))).toEqual(['t3', 't4']);
    expect(names(await list(`team=${teamId}`))).toEqual(['t3', 't4']);
  });

  it('filters by contact across every status', async () => {
    const contact = await t.ctx.db.selectFrom('tickets').select('contact_id').where('id', '=', ids.t5 ?? 0).executeTakeFirstOrThrow();
    expect(names(await list(`contact=${contact.contact_id}`))).toEqual(['t5']);
  });

  it('walks every page with the cursor and never repeats or skips a ticket', async () => {
    for (const sort of ['last_activity', 'created', 'priority']) {
      const all = names(await list(`view=all&status=all&sort=${sort}&limit=100`));
      const walked: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await list(`view=all&status=all&sort=${sort}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.items.length).toBeLessThanOrEqual(3);
        walked.push(...names(page));
        cursor = page.nextCursor;
      } while (cursor);
      expect(walked).toEqual(all);
      expect(walked).toHaveLength(10);
    }
  });

  it.each([
    ['status=opne', 'status'],
    ['priority=huge', 'priority'],
    ['view=everything', 'view'],
    ['sort=name', 'sort'],
    ['order=up', 'order'],
    ['assignee=someone', 'assignee'],
    ['team=x', 'team'],
    ['contact=-1', 'contact'],
    ['limit=0', 'limit'],
    ['limit=abc', 'limit'],
    ['cursor=garbage', 'cursor'],
  ])('answers 400 naming the field for %s', async (query, field) => {
    const res = await as(t, t.admin).get(`/tickets?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.details?.field).toBe(field);
  });
});

describe('GET /tickets/counts', () => {
  it('counts the working set per view for the caller', async () => {
    const admin = await as(t, t.admin).get<TicketCounts>('/tickets/counts');
    expect(admin.body).toEqual({
      mine: 1,
      unassigned: 4,
      team: 0,
      all: 7,
      snoozed: 1,
      resolved: 2,
      unread: 1,
      byChannel: { support: 5, site: 2 },
      byLabel: { refund: 2 },
    });
    const mine = await as(t, agent).get<TicketCounts>('/tickets/counts');
    // The agent sees unassigned, own and team tickets: t1 t2 t3 t4 t9 t10, not t7 (the admin's).
    expect(mine.body).toMatchObject({ mine: 2, unassigned: 4, team: 2, all: 6, byLabel: { refund: 1 } });
  });

  it('counts what each view lists: the Resolved view lists closed tickets too', async () => {
    const { body: counts } = await as(t, t.admin).get<TicketCounts>('/tickets/counts');
    const views: Array<[keyof TicketCounts, string]> = [
      ['mine', 'view=mine'],
      ['unassigned', 'view=unassigned'],
      ['all', 'view=all'],
      ['snoozed', 'view=all&status=snoozed'],
      ['resolved', 'view=all&status=resolved,closed'],
    ];
    for (const [key, query] of views) expect([key, (await list(`${query}&limit=200`)).items.length]).toEqual([key, counts[key]]);
  });

  it('counts my unread tickets, and a ticket I open stops counting', async () => {
    const before = (await as(t, agent).get<TicketCounts>('/tickets/counts')).body;
    expect(before.unread).toBe(2);
    await as(t, agent).get(`/tickets/${ids.t2}`);
    expect((await as(t, agent).get<TicketCounts>('/tickets/counts')).body.unread).toBe(1);
  });

  it('counts a ticket that came in right after the counts were read', async () => {
    const before = (await as(t, t.admin).get<TicketCounts>('/tickets/counts')).body;
    const { ticketId } = await inboundTicket(t, { subject: 'Just in', text: 'Hello again' });
    try {
      const after = (await as(t, t.admin).get<TicketCounts>('/tickets/counts')).body;
      expect([after.all, after.unassigned]).toEqual([before.all + 1, before.unassigned + 1]);
    } finally {
      await t.ctx.db.updateTable('tickets').set({ status: 'closed' }).where('id', '=', ticketId).execute();
    }
  });
});

describe('GET /tickets?q=', () => {
  it('filters by text through the search index, combined with the other filters', async () => {
    const { ticketId } = await inboundTicket(t, { subject: '订单问题', text: '我想申请退款，谢谢' });
    const hit = await list(`view=all&q=${encodeURIComponent('退款')}`);
    expect(hit.items.map((i) => i.id)).toEqual([ticketId]);
    expect((await list(`view=all&status=resolved&q=${encodeURIComponent('退款')}`)).items).toEqual([]);
    expect((await list(`view=all&q=nomatchword`)).items).toEqual([]);
    await t.ctx.db.updateTable('tickets').set({ status: 'closed' }).where('id', '=', ticketId).execute();
  });
});
