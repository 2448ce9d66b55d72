/**
 * The every-minute SLA sweep over 50,000 open tickets under SLA: each minute a couple of clocks
 * reach their warning or due time (a breach writes a timeline line), and most minutes nothing
 * else needs reading. What keeps it flat is the partial indexes on the clocks still to fire.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configFromObject } from '../../server/config/load.js';
import { createContext } from '../../server/context.js';
import { createLogger } from '../../server/logger.js';
import { sweepSla } from '../../server/modules/sla/escalation.js';
import { percentile, report, timeRuns } from './lib.js';
import { sqliteOf } from '../helpers/sqlite-handle.js';

const TICKETS = 50_000;
const MIN = 60_000;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kefu-bench-sla-'));
const ctx = await createContext(configFromObject({ data_dir: dataDir, log: { level: 'silent' } }), createLogger('silent', { pretty: false }));
const sqlite = sqliteOf(ctx.database).sqlite;
const t0 = Date.parse('2026-03-02T00:00:00Z');

sqlite.transaction(() => {
  const policy = sqlite
    .prepare(`insert into sla_policies (name, position, conditions, first_response_minutes, warning_minutes, escalation, created_at, updated_at)
      values ('Bench', 1, '{"all":[]}', 60, 10, '{"warning":[],"breach":[]}', ?, ?)`)
    .run(t0, t0).lastInsertRowid as number;
  const contact = sqlite.prepare('insert into contacts (name, created_at, updated_at) values (?, ?, ?)');
  const ticket = sqlite.prepare(`insert into tickets (number, subject, status, priority, channel_kind, channel_name, contact_id,
      created_at, updated_at, last_activity_at, sla_policy_id, first_response_due_at, sla_due_at, sla_warn_at)
      values (?, ?, 'open', 'normal', 'email', 'support', ?, ?, ?, ?, ?, ?, ?, ?)`);
  const clock = sqlite.prepare(`insert into sla_targets (ticket_id, policy_id, policy_name, target, cycle, started_at, due_at, warn_at, status, updated_at)
      values (?, ?, 'Bench', 'first_response', 0, ?, ?, ?, 'running', ?)`);
  for (let i = 0; i < TICKETS; i++) {
    // Spread so about one clock falls due per minute over the five weeks ahead.
    const created = t0 + i * MIN - 60 * MIN;
    const due = created + 60 * MIN;
    const contactId = contact.run(`Customer ${i}`, created, created).lastInsertRowid as number;
    const id = ticket.run(1000 + i, `Ticket ${i}`, contactId, created, created, created, policy, due, due, due - 10 * MIN).lastInsertRowid as number;
    clock.run(id, policy, created, due, due - 10 * MIN, created);
  }
})();
sqlite.pragma('optimize');

let at = t0 + 30 * MIN;
const samples = await timeRuns(300, async () => {
  at += MIN;
  await sweepSla(ctx, at);
});
const fired = sqlite.prepare('select count(*) as n from sla_targets where breach_fired_at is not null').get() as { n: number };
await ctx.close();
rmSync(dataDir, { recursive: true, force: true });

report([
  { name: `sweep over ${TICKETS} open tickets under SLA, p50`, value: percentile(samples.wall, 50), unit: 'ms' },
  { name: `sweep over ${TICKETS} open tickets under SLA, p95`, value: percentile(samples.wall, 95), unit: 'ms', target: '< 100' },
  { name: 'sweep CPU p95', value: percentile(samples.cpu, 95), unit: 'ms' },
  { name: 'breaches fired during the run', value: fired.n, unit: '' },
]);
