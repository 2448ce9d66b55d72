import { randomBytes } from 'node:crypto';
import type { AnyDatabase } from '../db/postgres.js';
import { hashPassword } from '../modules/agents/passwords.js';
import { previewOf } from '../modules/tickets/messages.js';
import { secondsBetween } from '../modules/tickets/metrics.js';
import type { TicketPriority, TicketStatus } from '../modules/tickets/tables.js';
import { makeConversation } from './conversation.js';
import { LABELS, TEAMS } from './corpus.js';
import { makePerson, type Person } from './people.js';
import { Random } from './random.js';
import { seedSink, type SeedSink } from './sink.js';

export interface SeedOptions {
  tickets: number;
  /** Average messages per ticket (every 1000th ticket gets 50, for timeline benchmarks). */
  messagesPerTicket?: number;
  agents?: number;
  /** Contacts made; tickets are spread over them, so some have several. */
  contacts?: number;
  /** Password of every seeded agent; without one a random password is made and returned. */
  password?: string;
  seed?: number;
  now?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface SeedResult {
  /** The seeded agents' password: the one given, or the one made for this run. */
  password: string;
  agents: number;
  teams: number;
  labels: number;
  contacts: number;
  tickets: number;
  messages: number;
  firstTicketNumber: number;
  ms: number;
}

const DAY = 86_400_000;
const BATCH = 2000;

const CHANNEL_OF: Record<Person['identities'][number]['kind'], { kind: string; name: string }> = {
  email: { kind: 'email', name: 'support' },
  widget: { kind: 'widget', name: 'website' },
  wechat: { kind: 'wechat', name: 'wechat' },
  whatsapp: { kind: 'whatsapp', name: 'whatsapp' },
  telegram: { kind: 'telegram', name: 'telegram' },
  phone: { kind: 'twilio', name: 'sms' },
};

/**
 * Fills a database with realistic multi-channel e-commerce support data in batches, one
 * transaction per batch (see sink.ts for how each driver writes them), then indexes it all for
 * search. Runs only from the CLI or benchmarks, with no other writer on the database.
 */
export async function seedDatabase(database: AnyDatabase, options: SeedOptions): Promise<SeedResult> {
  const started = Date.now();
  const rng = new Random(options.seed ?? 42);
  const now = options.now ?? Date.now();
  const avg = Math.max(1, options.messagesPerTicket ?? 5);
  const agentCount = options.agents ?? Math.min(200, Math.max(8, Math.ceil(options.tickets / 2000)));
  const contactCount = options.contacts ?? Math.max(1, Math.ceil(options.tickets * 0.6));
  // A fixed demo password would be published in this file: anyone could sign in to a desk seeded for a trial.
  const password = options.password ?? randomBytes(15).toString('base64url');
  const passwordHash = await hashPassword(password);

  const teamIds = new Map<string, number>();
  const labelIds = new Map<string, number>();
  const agents: Array<{ id: number; name: string }> = [];
  // A few hundred rows at most: through Kysely on either driver; a second seed finds the first's.
  await database.transaction(async (tx) => {
    for (const name of TEAMS) {
      await tx.insertInto('teams').values({ name, created_at: now, updated_at: now }).onConflict((oc) => oc.doNothing()).execute();
      teamIds.set(name, (await tx.selectFrom('teams').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id);
    }
    for (const label of LABELS) {
      await tx.insertInto('labels').values({ name: label.name, color: label.color, created_at: now }).onConflict((oc) => oc.doNothing()).execute();
      labelIds.set(label.name, (await tx.selectFrom('labels').select('id').where('name', '=', label.name).executeTakeFirstOrThrow()).id);
    }
    const teams = [...teamIds.values()];
    for (let i = 1; i <= agentCount; i++) {
      const person = makePerson(rng, i);
      const email = `agent${i}@kefu.example`;
      const role = i % 10 === 1 ? 'supervisor' : 'agent';
      await tx
        .insertInto('agents')
        .values({ email, name: person.name, role, password_hash: passwordHash, language: person.lang === 'zh' ? 'zh-CN' : 'en', preferences: '{}', active: 1, created_at: now, updated_at: now })
        .onConflict((oc) => oc.doNothing())
        .execute();
      const agent = await tx.selectFrom('agents').select(['id', 'name']).where('email', '=', email).executeTakeFirstOrThrow();
      agents.push(agent);
      const member = (teamId: number) => tx.insertInto('team_members').values({ team_id: teamId, agent_id: agent.id }).onConflict((oc) => oc.doNothing()).execute();
      await member(teams[i % teams.length]!);
      if (rng.chance(0.3)) await member(rng.pick(teams));
    }
  });

  const sink = await seedSink(database);
  const base = Number((await database.db.selectFrom('contacts').select((eb) => eb.fn.coalesce(eb.fn.max('id'), eb.lit(0)).as('n')).executeTakeFirstOrThrow()).n);
  const contacts = await insertContacts(sink, rng, base, contactCount, now);
  const lastNumber = Number((await database.db.selectFrom('tickets').select((eb) => eb.fn.coalesce(eb.fn.max('number'), eb.lit(0)).as('n')).executeTakeFirstOrThrow()).n);
  const counts = await insertTickets(sink, rng, lastNumber, {
    tickets: options.tickets,
    avg,
    now,
    agents,
    contacts,
    teamIds,
    labelIds,
    onProgress: options.onProgress,
  });
  await sink.finish();
  return {
    password,
    agents: agents.length,
    teams: teamIds.size,
    labels: labelIds.size,
    contacts: contacts.length,
    tickets: options.tickets,
    messages: counts.messages,
    firstTicketNumber: counts.firstNumber,
    ms: Date.now() - started,
  };
}

interface SeededContact {
  id: number;
  person: Person;
}

async function insertContacts(sink: SeedSink, rng: Random, base: number, count: number, now: number): Promise<SeededContact[]> {
  const out: SeededContact[] = [];
  for (let start = 0; start < count; start += BATCH * 5) {
    await sink.batch(() => {
      for (let i = start; i < Math.min(count, start + BATCH * 5); i++) {
        const person = makePerson(rng, base + i + 1);
        const created = now - rng.int(30, 720) * DAY;
        const attributes = JSON.stringify(rng.chance(0.3) ? { plan: rng.pick(['gold', 'silver', 'member']), city: rng.pick(['上海', '北京', '深圳', 'London', 'Toronto', '東京', '서울']) } : {});
        const lang = { zh: 'zh-CN', en: 'en', ja: 'ja', ko: 'ko' }[person.lang];
        const id = sink.contact([person.name, person.email, person.phone, lang, attributes, created, created, now - rng.int(0, 30) * DAY]);
        for (const identity of person.identities) sink.identity([id, identity.kind, identity.value, created]);
        out.push({ id, person });
      }
    });
  }
  return out;
}

/** The report metrics intake and the ticket service would have kept for these messages (tickets/metrics.ts). */
function replyMetrics(messages: Array<{ kind: string; fromAgent: boolean; at: number }>) {
  let replies = 0;
  let awaitingSince: number | null = null;
  let nextTotal = 0;
  let nextCount = 0;
  for (const m of messages) {
    if (m.kind === 'inbound') awaitingSince ??= m.at;
    else if (m.kind === 'outbound' && m.fromAgent) {
      if (replies > 0 && awaitingSince !== null) {
        nextTotal += secondsBetween(awaitingSince, m.at);
        nextCount++;
      }
      replies++;
      awaitingSince = null;
    }
  }
  return { replies, awaitingSince, nextTotal, nextCount };
}

interface TicketPlan {
  tickets: number;
  avg: number;
  now: number;
  agents: Array<{ id: number; name: string }>;
  contacts: SeededContact[];
  teamIds: Map<string, number>;
  labelIds: Map<string, number>;
  onProgress?: ((done: number, total: number) => void) | undefined;
}

const STATUS_WEIGHTS: Record<TicketStatus, number> = { open: 22, pending: 14, snoozed: 3, resolved: 36, closed: 25 };
const PRIORITY_WEIGHTS: Record<TicketPriority, number> = { low: 10, normal: 64, high: 20, urgent: 6 };

async function insertTickets(sink: SeedSink, rng: Random, lastNumber: number, plan: TicketPlan): Promise<{ messages: number; firstNumber: number }> {
  const firstNumber = Math.max(1000, lastNumber) + 1;
  let messages = 0;

  for (let start = 0; start < plan.tickets; start += BATCH) {
    await sink.batch(() => {
      for (let i = start; i < Math.min(plan.tickets, start + BATCH); i++) {
        messages += insertOne(i);
      }
    });
    plan.onProgress?.(Math.min(plan.tickets, start + BATCH), plan.tickets);
  }
  return { messages, firstNumber };

  function insertOne(i: number): number {
    const number = firstNumber + i;
    const contact = plan.contacts[i < plan.contacts.length ? i : rng.int(0, plan.contacts.length - 1)]!;
    const identity = rng.pick(contact.person.identities);
    const channel = CHANNEL_OF[identity.kind];
    const agent = rng.pick(plan.agents);
    const count = i % 1000 === 999 ? 50 : rng.int(1, 2 * plan.avg - 1);
    // Older tickets are mostly settled; the newest are the working set. The age is that of the
    // last message: a conversation is laid out from 0 and moved to end then, never after `now`,
    // or the demo tickets would sort above every real chat that arrives later.
    const age = Math.floor(Math.pow(rng.next(), 2) * 180 * DAY) + (i % 7) * 1000;
    const convo = makeConversation(rng, contact.person, agent.name, count, 0);
    const shift = plan.now - age - convo.messages[convo.messages.length - 1]!.at;
    for (const m of convo.messages) m.at += shift;
    const start = convo.messages[0]!.at;
    const last = convo.messages[convo.messages.length - 1]!;
    let status = rng.weighted(STATUS_WEIGHTS);
    if (status === 'open' && last.fromAgent && last.kind !== 'note') status = 'pending';
    const assigned = status === 'open' ? rng.chance(0.7) : rng.chance(0.95);
    const teamId = rng.chance(0.85) ? (plan.teamIds.get(convo.topic.team) ?? null) : null;
    const firstReply = convo.messages.find((m) => m.kind === 'outbound');
    const settled = status === 'resolved' || status === 'closed';
    const metrics = replyMetrics(convo.messages);
    const ticketId = sink.ticket([
      number,
      convo.subject,
      status,
      status === 'snoozed' ? plan.now + rng.int(1, 72) * 3600_000 : null,
      rng.weighted(PRIORITY_WEIGHTS),
      channel.kind,
      channel.name,
      channel.kind === 'email' ? null : `seed-${number}`,
      contact.id,
      assigned ? agent.id : null,
      teamId,
      JSON.stringify(rng.chance(0.2) ? { orderValue: rng.int(10, 3000) } : {}),
      start,
      last.at,
      last.at,
      firstReply?.at ?? null,
      settled ? last.at : null,
      rng.chance(0.05) ? 1 : 0,
      convo.messages.length,
      previewOf(last.text),
      last.kind,
      last.at,
      firstReply ? secondsBetween(start, firstReply.at) : null,
      firstReply ? agent.id : null,
      metrics.replies,
      settled ? null : metrics.awaitingSince,
      metrics.nextTotal,
      metrics.nextCount,
      settled ? secondsBetween(start, last.at) : null,
      settled ? agent.id : null,
    ]);
    convo.messages.forEach((m, n) => {
      const outbound = m.kind === 'outbound';
      sink.message([
        ticketId,
        m.kind,
        m.fromAgent ? 'agent' : 'contact',
        m.fromAgent ? agent.id : contact.id,
        m.fromAgent ? agent.name : contact.person.name,
        m.text,
        channel.kind,
        channel.name,
        m.kind === 'inbound' ? `seed-${number}-${n}` : null,
        outbound ? 'delivered' : null,
        outbound ? m.at : null,
        m.at,
      ]);
    });
    const labelId = plan.labelIds.get(convo.topic.label);
    if (labelId !== undefined && rng.chance(0.7)) sink.ticketLabel(ticketId, labelId);
    if (rng.chance(0.05)) sink.ticketLabel(ticketId, plan.labelIds.get('vip')!);
    if (rng.chance(0.03)) sink.ticketLabel(ticketId, plan.labelIds.get('加急')!);
    return convo.messages.length;
  }
}
