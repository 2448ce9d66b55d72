import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketView } from '../../../server/modules/tickets/schemas.js';
import { createTestApp, testDriver, type Session, type TestApp } from '../../helpers/app.js';
import { compiledDuring, queriesDuring } from '../../helpers/compiled-queries.js';
import { as, inboundTicket, makeLabel, makeTeam } from './fixtures.js';
import { sqliteOf } from '../../helpers/sqlite-handle.js';

type Page = { items: TicketView[]; nextCursor: string | null };
type Detail = { ticket: TicketView };

let t: TestApp;
let agent: Session;

/** Every SQL statement run while `fn` does, with its arguments. */
async function statementsDuring(fn: () => Promise<unknown>, calls: Array<{ sql: string; args: unknown[] }> = []): Promise<string[]> {
  const run = await queriesDuring(t.ctx.db, fn);
  for (const q of run) calls.push({ sql: q.sql, args: [...q.parameters] });
  return run.map((q) => q.sql);
}

const touches = (table: string) => (sqlText: string) => new RegExp(`\\b(from|join)\\s+"?${table}"?\\b`).test(sqlText);

beforeAll(async () => {
  t = await createTestApp();
  agent = await t.signIn('agent');
  const teamId = await makeTeam(t, 'Billing', [agent.agentId]);
  await makeLabel(t, 'refund');
  await makeLabel(t, 'vip');
  for (let i = 0; i < 12; i++) {
    const { ticketId } = await inboundTicket(t, { subject: `s${i}` });
    await as(t, t.admin).patch(`/tickets/${ticketId}`, {
      assigneeId: i % 3 === 0 ? agent.agentId : null,
      teamId: i % 2 === 0 ? teamId : null,
      labels: i % 4 === 0 ? ['vip', 'refund'] : [],
      priority: (['urgent', 'high', 'normal'] as const)[i % 3],
    });
  }
});
afterAll(async () => t.close());

describe('a page of the ticket list', () => {
  it('reads the page, contacts, assignees, teams, labels and read marks in one statement', async () => {
    for (const [query, session] of [
      ['view=all', t.admin],
      ['view=all', agent],
      ['view=team', agent],
      ['view=mine&sort=priority', agent],
    ] as const) {
      let page: Page | undefined;
      const statements = await statementsDuring(async () => {
        page = (await as(t, session).get<Page>(`/tickets?${query}&limit=50`)).body;
      });
      expect(page?.items.length).toBeGreaterThan(0);
      const tables = ['contacts', 'ticket_labels', 'ticket_reads', 'teams'];
      const lookups = statements.filter((s) => tables.some((table) => touches(table)(s)));
      expect(lookups, `${query}: statements reading ${tables.join(', ')}`).toHaveLength(1);
      for (const table of tables) expect(touches(table)(lookups[0] ?? '')).toBe(true);
    }
  });

  it('builds no query anew once a list of that shape has been served', async () => {
    for (const [query, session] of [
      ['view=all', t.admin],
      ['view=all', agent],
      ['view=team&priority=urgent,high', agent],
      ['view=mine&sort=priority', agent],
      ['view=all&label=vip&sort=created', t.admin],
      ['view=unassigned&channel=email', agent],
    ] as const) {
      const first = (await as(t, session).get<Page>(`/tickets?${query}&limit=2`)).body;
      expect(first.nextCursor, query).not.toBeNull();
      const second = (await as(t, session).get<Page>(`/tickets?${query}&limit=2&cursor=${first.nextCursor}`)).body;
      const compiled = await compiledDuring(t.ctx.db, () => as(t, session).get<Page>(`/tickets?${query}&limit=2&cursor=${second.nextCursor}`));
      expect(compiled, `${query}: queries compiled for the third page`).toBe(0);
    }
  });

  // This and the next read SQLite's query plans: PostgreSQL's planner chooses its own.
  it.skipIf(testDriver() === 'postgres')('walks a covering index in the sort order for every branch of every view and sort', async () => {
    for (const view of ['all', 'mine', 'unassigned', 'team']) {
      for (const sort of ['last_activity', 'created', 'priority']) {
        for (const session of [agent, t.admin]) {
          const calls: Array<{ sql: string; args: unknown[] }> = [];
          await statementsDuring(() => as(t, session).get<Page>(`/tickets?view=${view}&sort=${sort}&limit=50`), calls);
          // The branches read sort keys only; the page statement joins the names in afterwards.
          const branches = calls.filter((c) => /^select "tickets"\."[a-z_]+", /.test(c.sql) && !touches('contacts')(c.sql));
          // The admin is in no team: their team view is known to be empty without a query.
          if (session === agent) expect(branches.length, `view=${view} sort=${sort}`).toBeGreaterThan(0);
          for (const { sql, args } of branches) {
            const plan = (sqliteOf(t.ctx.database).sqlite.prepare(`explain query plan ${sql}`).all(...args) as Array<{ detail: string }>).map((r) => r.detail);
            const where = `view=${view} sort=${sort} ${session === agent ? 'agent' : 'admin'}: ${plan.join(' / ')}`;
            // The index narrows by the branch's assignee or team, not only by status.
            for (const column of ['assignee_id', 'team_id']) {
              if (sql.includes(`"tickets"."${column}" = ?`) || sql.includes(`"tickets"."${column}" is null`)) {
                expect(plan.some((d) => d.includes(`${column}=?`) || d.includes(`${column} IS NULL`) || d.includes(`${column}=NULL`)), where).toBe(true);
              }
            }
            // priority_rank is a virtual column: SQLite reads the row for it even from an index that holds it.
            if (sort !== 'priority') expect(plan.some((d) => /COVERING INDEX/.test(d)), where).toBe(true);
            expect(plan.some((d) => /TEMP B-TREE/.test(d)), where).toBe(false);
          }
        }
      }
    }
  });

  it.skipIf(testDriver() === 'postgres')('serves a priority filter from the priority indexes, one branch per priority, in order', async () => {
    for (const [query, session] of [
      ['view=team&priority=urgent', agent],
      ['view=all&priority=urgent,high', agent],
      ['view=all&priority=high&sort=priority', t.admin],
      ['view=mine&priority=urgent,normal', agent],
    ] as const) {
      const calls: Array<{ sql: string; args: unknown[] }> = [];
      let page: Page | undefined;
      await statementsDuring(async () => {
        page = (await as(t, session).get<Page>(`/tickets?${query}&limit=50`)).body;
      }, calls);
      const wanted = new URLSearchParams(query).get('priority')!.split(',');
      expect(page?.items.length, query).toBeGreaterThan(0);
      expect(page?.items.every((i) => wanted.includes(i.priority)), query).toBe(true);
      const branches = calls.filter((c) => /^select "tickets"\."[a-z_]+", /.test(c.sql) && !touches('contacts')(c.sql));
      expect(branches.length, query).toBeGreaterThan(0);
      for (const { sql, args } of branches) {
        const plan = (sqliteOf(t.ctx.database).sqlite.prepare(`explain query plan ${sql}`).all(...args) as Array<{ detail: string }>).map((r) => r.detail);
        expect(plan.some((d) => d.includes('priority_rank=?')), `${query}: ${plan.join(' / ')}`).toBe(true);
        expect(plan.some((d) => /TEMP B-TREE/.test(d)), `${query}: ${plan.join(' / ')}`).toBe(false);
      }
    }
  });

  it('presents what the ticket itself presents: labels alphabetical, assignee, team, contact, unread', async () => {
    const page = (await as(t, agent).get<Page>('/tickets?view=all&limit=50')).body;
    expect(page.items.length).toBe(12);
    for (const item of page.items) {
      const one = (await as(t, agent).get<Detail>(`/tickets/${item.id}`)).body.ticket;
      // Opening it marked it read; everything else matches.
      expect({ ...item, unread: false }).toEqual({ ...one, unread: false });
      expect(item.unread).toBe(true);
    }
    const labelled = page.items.filter((i) => i.labels.length > 0);
    expect(labelled.length).toBe(3);
    for (const item of labelled) expect(item.labels).toEqual(['refund', 'vip']);
    const again = (await as(t, agent).get<Page>('/tickets?view=all&limit=50')).body;
    expect(again.items.every((i) => !i.unread)).toBe(true);
  });
});
