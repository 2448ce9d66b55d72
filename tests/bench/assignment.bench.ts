/**
 * One assignment decision (settings, ticket facts, the team's agents with their load, the sticky
 * agent, the choice) with 50 agents in 5 teams and 200,000 tickets of which 5,000 open, on a real
 * SQLite file.
 */
import { rmSync } from 'node:fs';
import { configFromObject } from '../../server/config/load.js';
import { createContext } from '../../server/context.js';
import { createLogger } from '../../server/logger.js';
import { ticketFacts } from '../../server/modules/assignment/queries.js';
import { decide } from '../../server/modules/assignment/service.js';
import { loadSettings, saveSettings, DEFAULT_SETTINGS } from '../../server/modules/assignment/settings.js';
import { tempDir } from '../helpers/app.js';
import { percentile, report, timeRuns } from './lib.js';
import { sqliteOf } from '../helpers/sqlite-handle.js';

const dataDir = tempDir('kefu-bench-assign-');
const ctx = await createContext(configFromObject({ data_dir: dataDir, log: { level: 'silent' } }), createLogger('silent', { pretty: false }));
const at = Date.now();
const db = ctx.db;

await ctx.database.transaction(async (tx) => {
  for (let team = 1; team <= 5; team++) {
    await tx.insertInto('teams').values({ name: `Team ${team}`, created_at: at, updated_at: at }).execute();
    await saveSettings(tx, team, { ...DEFAULT_SETTINGS, mode: team % 2 === 0 ? 'round_robin' : 'least_loaded', capacity: { chat: 500, email: 500 } }, at);
  }
  for (let i = 0; i < 50; i++) {
    const row = await tx
      .insertInto('agents')
      .values({ email: `a${i}@example.test`, name: `Agent ${i}`, role: 'agent', password_hash: null, language: 'en', timezone: null, avatar_url: null, preferences: '{}', active: 1, created_at: at, updated_at: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx.insertInto('team_members').values({ team_id: (i % 5) + 1, agent_id: row.id }).execute();
    await tx.insertInto('assignment_agents').values({ agent_id: row.id, languages: JSON.stringify(i % 3 === 0 ? ['zh'] : ['en']), last_assigned_at: at - i * 1000 }).execute();
    ctx.presence.set(row.id, i % 4 === 0 ? 'away' : 'online');
  }
  for (let i = 0; i < 5_000; i++) {
    const c = await tx.insertInto('contacts').values({ name: `C${i}`, email: null, phone: null, language: i % 2 ? 'zh-CN' : 'en', created_at: at, updated_at: at, last_seen_at: at }).returning('id').executeTakeFirstOrThrow();
    await tx
      .insertInto('tickets')
      .values({
        number: 1001 + i,
        status: 'open',
        snoozed_until: null,
        priority: 'normal',
        channel_kind: i % 3 === 0 ? 'email' : 'widget',
        channel_name: 'site',
        thread_key: null,
        contact_id: c.id,
        assignee_id: i % 10 === 0 ? null : (i % 50) + 1,
        team_id: (i % 5) + 1,
        merged_into_id: null,
        first_response_at: null,
        resolved_at: null,
        last_message_preview: null,
        last_message_kind: null,
        last_message_at: null,
        created_at: at - i * 1000,
        updated_at: at,
        last_activity_at: at - i * 1000,
      })
      .execute();
  }
});

// The history: 195,000 resolved and closed tickets, handled by the same agents and contacts.
const sqlite = sqliteOf(ctx.database).sqlite;
sqlite.transaction(() => {
  const contacts = sqlite.prepare('select id from contacts').all() as Array<{ id: number }>;
  const closed = sqlite.prepare(`insert into tickets (number, subject, status, priority, channel_kind, channel_name, contact_id, assignee_id, team_id,
      created_at, updated_at, last_activity_at, resolved_at) values (?, 'Old', ?, 'normal', ?, 'site', ?, ?, ?, ?, ?, ?, ?)`);
  for (let i = 0; i < 195_000; i++) {
    const when = at - 30 * 86_400_000 - i * 10_000;
    closed.run(10_000 + i, i % 2 ? 'resolved' : 'closed', i % 3 === 0 ? 'email' : 'widget', contacts[i % contacts.length]!.id, (i % 50) + 1, (i % 5) + 1, when, when, when, when);
  }
})();
sqlite.pragma('optimize');

const unassigned = (await db.selectFrom('tickets').select('id').where('assignee_id', 'is', null).execute()).map((r) => r.id);
const samples = await timeRuns(3_000, async (i) => {
  const id = unassigned[i % unassigned.length] as number;
  const facts = await ticketFacts(db, id);
  if (!facts) throw new Error('no ticket');
  const settings = await loadSettings(db, facts.teamId);
  await decide(ctx, facts, settings, at);
}, 200);

report([
  { name: 'one assignment decision, 50 agents / 5 teams / 200,000 tickets / 5,000 open, p50', value: percentile(samples.cpu, 50), unit: 'ms' },
  { name: 'one assignment decision, p99 (CPU)', value: percentile(samples.cpu, 99), unit: 'ms', target: '< 2' },
  { name: 'one assignment decision, p99 (wall)', value: percentile(samples.wall, 99), unit: 'ms' },
]);
await ctx.close();
rmSync(dataDir, { recursive: true, force: true });
