import SqliteDatabase from 'better-sqlite3';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmailChannelConfig } from '../../../../server/channels/email/config-schema.js';
import { ImapReceiver } from '../../../../server/channels/email/imap-receiver.js';
import { parsePool } from '../../../../server/channels/email/parse-pool.js';
import { createTestApp, testDriver, type TestApp } from '../../../helpers/app.js';
import { dovecotUnavailable, startDovecot, type Dovecot } from '../../../helpers/dovecot.js';
import { buildMail } from './mail-builder.js';
import { sqliteOf } from '../../../helpers/sqlite-handle.js';

const skip = dovecotUnavailable();
if (skip) console.warn(`skipping IMAP tests: ${skip}`);

let dovecot: Dovecot;
let t: TestApp;

function imapChannel(name: string, user: string, extra: Partial<NonNullable<EmailChannelConfig['imap']>> = {}) {
  return {
    name,
    address: `${user}@example.com`,
    imap: { host: '127.0.0.1', port: dovecot.port, security: 'none', user, password: 'secret', poll_interval_seconds: 60, ...extra },
  };
}

async function client(user: string): Promise<ImapFlow> {
  const c = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, doSTARTTLS: false, auth: { user, pass: dovecot.password }, logger: false });
  await c.connect();
  return c;
}

async function append(user: string, mails: Buffer[], folder = 'INBOX', flags: string[] = []): Promise<void> {
  const c = await client(user);
  try {
    for (const m of mails) await c.append(folder, m, flags);
  } finally {
    await c.logout();
  }
}

/** Resolves once `n` new inbound messages were committed on this channel. */
function committed(channel: string, n: number, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = 0;
    const timer = setTimeout(() => {
      off();
      reject(new Error(`only ${seen} of ${n} messages imported`));
    }, timeoutMs);
    const off = t.ctx.bus.on('message.created', (e) => {
      if (e.message.kind !== 'inbound') return;
      seen += 1;
      if (seen >= n) {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
    void channel;
  });
}

/** Runs a receiver on the mailbox until its first n messages are committed and it has synced, then stops it. */
async function importAll(channel: string, n: number, opts: ConstructorParameters<typeof ImapReceiver>[2] = { pollMs: 60_000 }): Promise<void> {
  const receiver = new ImapReceiver(t.ctx, channelOf(channel), opts);
  const done = committed(channel, n);
  receiver.start();
  await done;
  await receiver.synced();
  await receiver.stop();
}

async function keysOf(channel: string): Promise<string[]> {
  const rows = await t.ctx.db.selectFrom('messages').select('idempotency_key').where('channel_name', '=', channel).execute();
  return rows.map((r) => r.idempotency_key ?? '').sort();
}

function channelOf(name: string): EmailChannelConfig {
  const c = t.config.channels.email.find((e) => e.name === name);
  if (!c?.imap) throw new Error(`no channel ${name}`);
  return { ...c, imap: { ...c.imap, port: dovecot.port } };
}

describe.skipIf(skip !== null)('IMAP receiver against a real Dovecot', () => {
  beforeAll(async () => {
    dovecot = await startDovecot();
    t = await createTestApp({
      channels: {
        email: [
          imapChannel('inbox', 'inbox'),
          imapChannel('restart', 'restart'),
          imapChannel('mover', 'mover', { after_import: 'move', move_to: 'Processed' }),
          imapChannel('poller', 'poller', { idle: false, poll_interval_seconds: 5 }),
          imapChannel('deleter', 'deleter', { after_import: 'delete' }),
          imapChannel('renumber', 'renumber', { folder: 'Support' }),
          imapChannel('locked', 'locked'),
          imapChannel('grouped', 'grouped'),
          imapChannel('batched', 'batched'),
          imapChannel('interrupted', 'interrupted'),
        ],
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await dovecot?.destroy();
  });

  it('imports waiting mail, flags it seen only after commit, and wakes by IDLE for new mail', async () => {
    await append('inbox', [buildMail({ messageId: 'imap-1@example.org' }), buildMail({ messageId: 'imap-2@example.org' })]);
    const receiver = new ImapReceiver(t.ctx, channelOf('inbox'), { pollMs: 60_000, baseBackoffMs: 100 });
    const first = committed('inbox', 2);
    receiver.start();
    await first;
    await receiver.synced();
    // Poll interval is a minute: only IDLE can bring this one in quickly.
    const third = committed('inbox', 1, 20_000);
    await append('inbox', [buildMail({ messageId: 'imap-3@example.org', inReplyTo: 'imap-1@example.org' })]);
    await third;
    await receiver.synced();
    expect(receiver.status.connected).toBe(true);
    await receiver.stop();

    expect(await keysOf('inbox')).toEqual(['imap-1@example.org', 'imap-2@example.org', 'imap-3@example.org']);
    const c = await client('inbox');
    await c.mailboxOpen('INBOX');
    const flags = await c.fetchAll('1:*', { flags: true, uid: true });
    await c.logout();
    expect(flags.every((m) => m.flags?.has('\\Seen'))).toBe(true);
    const state = await t.ctx.db.selectFrom('email_mailbox_state').selectAll().where('channel_name', '=', 'inbox').executeTakeFirstOrThrow();
    expect(state.last_uid).toBe(3);
    expect(state.uidvalidity).not.toBeNull();
  });

  it('survives a Dovecot restart: reconnects, catches up, nothing lost or duplicated', async () => {
    await append('restart', Array.from({ length: 5 }, (_, i) => buildMail({ messageId: `rs-a${i}@example.org` })));
    const receiver = new ImapReceiver(t.ctx, channelOf('restart'), { pollMs: 60_000, baseBackoffMs: 50, maxBackoffMs: 500 });
    const firstFive = committed('restart', 5);
    receiver.start();
    await firstFive;
    await receiver.synced();

    await dovecot.stop();
    try {
      for (let i = 0; i < 250 && receiver.status.connected; i++) await new Promise((r) => setTimeout(r, 20));
      expect(receiver.status.connected).toBe(false);
      expect(receiver.status.lastError).toBeTruthy();
    } finally {
      await dovecot.start();
    }

    const nextFive = committed('restart', 5);
    await append('restart', Array.from({ length: 5 }, (_, i) => buildMail({ messageId: `rs-b${i}@example.org` })));
    await nextFive;
    await receiver.synced();
    expect(receiver.status.connected).toBe(true);
    await receiver.stop();

    // Mark everything unseen again: a restarted receiver must go by its UID mark, not by flags.
    const c = await client('restart');
    await c.mailboxOpen('INBOX');
    await c.messageFlagsRemove('1:*', ['\\Seen']);
    await c.logout();
    const again = new ImapReceiver(t.ctx, channelOf('restart'), { pollMs: 60_000 });
    again.start();
    await again.synced();
    await again.stop();

    const keys = await keysOf('restart');
    expect(keys).toHaveLength(10);
    expect(new Set(keys).size).toBe(10);
  });

  it('moves imported mail to the configured folder', async () => {
    const setup = await client('mover');
    await setup.mailboxCreate('Processed').catch(() => undefined);
    await setup.logout();
    await append('mover', [buildMail({ messageId: 'mv-1@example.org' }), buildMail({ messageId: 'mv-2@example.org' })]);
    await importAll('mover', 2);
    const c = await client('mover');
    const inbox = await c.status('INBOX', { messages: true });
    const done = await c.status('Processed', { messages: true });
    await c.logout();
    expect(inbox && inbox.messages).toBe(0);
    expect(done && done.messages).toBe(2);
  });

  it('deletes imported mail when configured to', async () => {
    await append('deleter', [buildMail({ messageId: 'del-1@example.org' })]);
    await importAll('deleter', 1);
    const c = await client('deleter');
    const inbox = await c.status('INBOX', { messages: true });
    await c.logout();
    expect(inbox && inbox.messages).toBe(0);
    expect(await keysOf('deleter')).toEqual(['del-1@example.org']);
  });

  it('skips mail already read before the first sync, and survives a UIDVALIDITY change without duplicates', async () => {
    const setup = await client('renumber');
    await setup.mailboxCreate('Support');
    await setup.logout();
    await append('renumber', [buildMail({ messageId: 'old-read@example.org' })], 'Support', ['\\Seen']);
    await append('renumber', [buildMail({ messageId: 'uv-1@example.org' }), buildMail({ messageId: 'uv-2@example.org' })], 'Support');
    const first = new ImapReceiver(t.ctx, channelOf('renumber'), { pollMs: 60_000 });
    first.start();
    await first.synced();
    await first.stop();
    expect(await keysOf('renumber')).toEqual(['uv-1@example.org', 'uv-2@example.org']);
    const before = await t.ctx.db.selectFrom('email_mailbox_state').select('uidvalidity').where('channel_name', '=', 'renumber').executeTakeFirstOrThrow();

    // The folder is rebuilt (a server migration, a restore): same mails, new UIDs, new UIDVALIDITY.
    const admin = await client('renumber');
    await admin.mailboxDelete('Support');
    await admin.mailboxCreate('Support');
    await admin.logout();
    await append('renumber', [buildMail({ messageId: 'uv-1@example.org' }), buildMail({ messageId: 'uv-2@example.org' }), buildMail({ messageId: 'uv-3@example.org' })], 'Support');
    const second = new ImapReceiver(t.ctx, channelOf('renumber'), { pollMs: 60_000 });
    second.start();
    await second.synced();
    await second.stop();
    const after = await t.ctx.db.selectFrom('email_mailbox_state').select('uidvalidity').where('channel_name', '=', 'renumber').executeTakeFirstOrThrow();
    expect(after.uidvalidity).not.toBe(before.uidvalidity);
    expect(await keysOf('renumber')).toEqual(['uv-1@example.org', 'uv-2@example.org', 'uv-3@example.org']);
  });

  it('keeps to the first-sync rule when the first sync is cut short: old read mail stays out after a restart', async () => {
    // Read and unread interleaved, so wherever the cut falls there is old read mail above the last UID committed.
    const mails = Array.from({ length: 20 }, (_, i) => ({ key: `cut-${String(i).padStart(2, '0')}@example.org`, read: i % 2 === 0 }));
    const c = await client('interrupted');
    try {
      for (const m of mails) await c.append('INBOX', buildMail({ messageId: m.key }), m.read ? ['\\Seen'] : []);
    } finally {
      await c.logout();
    }
    const unread = mails.filter((m) => !m.read).map((m) => m.key);

    const first = new ImapReceiver(t.ctx, channelOf('interrupted'), { pollMs: 60_000, batchSize: 2 });
    const one = committed('interrupted', 1);
    first.start();
    await one;
    // Stopping closes the connection at once: the sync ends wherever it happens to be, like a crash.
    await first.stop();
    const cut = await keysOf('interrupted');
    expect(cut.length).toBeLessThan(unread.length);

    // Arrived after the first sync began: new mail, imported even though something has already read it.
    await append('interrupted', [buildMail({ messageId: 'cut-late@example.org' })], 'INBOX', ['\\Seen']);
    const second = new ImapReceiver(t.ctx, channelOf('interrupted'), { pollMs: 60_000, batchSize: 2 });
    second.start();
    await second.synced();
    await second.stop();

    const keys = await keysOf('interrupted');
    expect(keys).toEqual([...unread, 'cut-late@example.org'].sort());
    const state = await t.ctx.db.selectFrom('email_mailbox_state').selectAll().where('channel_name', '=', 'interrupted').executeTakeFirstOrThrow();
    expect(state.last_uid).toBe(mails.length + 1);
  });

  // It holds SQLite's file lock to make the import fail; the PostgreSQL side of a database going
  // away is tested in tests/server/db/connection-lost.test.ts.
  it.skipIf(testDriver() === 'postgres')('leaves a message unflagged while its import cannot commit, and imports it once the database is back', async () => {
    const blocker = new SqliteDatabase(sqliteOf(t.ctx.database).file);
    blocker.exec('BEGIN EXCLUSIVE');
    const receiver = new ImapReceiver(t.ctx, channelOf('locked'), { pollMs: 60_000, baseBackoffMs: 100, maxBackoffMs: 200 });
    try {
      await append('locked', [buildMail({ messageId: 'lock-1@example.org' })]);
      receiver.start();
      // Intake waits out SQLite's busy timeout, fails, and the receiver records the error.
      for (let i = 0; i < 400 && !receiver.status.lastError; i++) await new Promise((r) => setTimeout(r, 25));
      expect(receiver.status.lastError).toMatch(/database is locked|import failed/);
      const c = await client('locked');
      await c.mailboxOpen('INBOX');
      const [msg] = await c.fetchAll('1:*', { flags: true });
      await c.logout();
      expect(msg?.flags?.has('\\Seen')).toBe(false);
    } finally {
      blocker.exec('ROLLBACK');
      blocker.close();
    }
    const one = committed('locked', 1);
    await one;
    await receiver.synced();
    await receiver.stop();
    expect(await keysOf('locked')).toEqual(['lock-1@example.org']);
    const c = await client('locked');
    await c.mailboxOpen('INBOX');
    const [msg] = await c.fetchAll('1:*', { flags: true });
    await c.logout();
    expect(msg?.flags?.has('\\Seen')).toBe(true);
  }, 30_000);

  it('parses a fetched group ahead on the pool and still stores it in UID order: a reply joins its original in the same group', async () => {
    // The original is the slowest of the group to parse; the reply right behind it must wait for its intake.
    const big = 'The zipper broke on the first day.\r\n'.repeat(40_000);
    await append('grouped', [
      buildMail({ from: 'Ida <ida@example.org>', messageId: 'grp-1@example.org', subject: 'Broken zipper', body: big }),
      buildMail({ from: 'Ida <ida@example.org>', messageId: 'grp-2@example.org', subject: 'Re: Broken zipper', inReplyTo: 'grp-1@example.org' }),
      buildMail({ from: 'Jon <jon@example.org>', messageId: 'grp-3@example.org', subject: 'Invoice copy' }),
      buildMail({ from: 'Ida <ida@example.org>', messageId: 'grp-4@example.org', subject: 'Re: Re: Broken zipper', inReplyTo: 'grp-2@example.org', references: '<grp-1@example.org> <grp-2@example.org>' }),
    ]);
    await importAll('grouped', 4);

    const rows = await t.ctx.db.selectFrom('messages').select(['id', 'ticket_id', 'idempotency_key']).where('channel_name', '=', 'grouped').orderBy('id').execute();
    expect(rows.map((r) => r.idempotency_key)).toEqual(['grp-1@example.org', 'grp-2@example.org', 'grp-3@example.org', 'grp-4@example.org']);
    const ticketOf = (key: string) => rows.find((r) => r.idempotency_key === key)?.ticket_id;
    expect(ticketOf('grp-2@example.org')).toBe(ticketOf('grp-1@example.org'));
    expect(ticketOf('grp-4@example.org')).toBe(ticketOf('grp-1@example.org'));
    expect(ticketOf('grp-3@example.org')).not.toBe(ticketOf('grp-1@example.org'));
    expect(parsePool(t.ctx).stats()).toMatchObject({ disabled: false, parsedInline: 0 });
  });

  it('imports a mailbox in several groups, fetching the next while one is stored, in UID order', async () => {
    const keys = Array.from({ length: 11 }, (_, i) => `bat-${String(i).padStart(2, '0')}@example.org`);
    // bat-07 answers bat-01 across group boundaries; bat-04 answers bat-03 within one.
    await append(
      'batched',
      keys.map((k, i) =>
        buildMail({ from: `P${i % 4} <p${i % 4}@example.org>`, messageId: k, subject: `Case ${i}`, ...(i === 7 ? { inReplyTo: keys[1] } : i === 4 ? { inReplyTo: keys[3] } : {}) }),
      ),
    );
    await importAll('batched', keys.length, { pollMs: 60_000, batchSize: 3 });

    const rows = await t.ctx.db.selectFrom('messages').select(['ticket_id', 'idempotency_key']).where('channel_name', '=', 'batched').orderBy('id').execute();
    expect(rows.map((r) => r.idempotency_key)).toEqual(keys);
    const ticketOf = (i: number) => rows[i]?.ticket_id;
    expect(ticketOf(7)).toBe(ticketOf(1));
    expect(ticketOf(4)).toBe(ticketOf(3));
    expect(new Set(rows.map((r) => r.ticket_id)).size).toBe(keys.length - 2);
    const c = await client('batched');
    await c.mailboxOpen('INBOX');
    const flags = await c.fetchAll('1:*', { flags: true, uid: true });
    await c.logout();
    expect(flags.filter((m) => m.flags?.has('\\Seen'))).toHaveLength(keys.length);
    const state = await t.ctx.db.selectFrom('email_mailbox_state').selectAll().where('channel_name', '=', 'batched').executeTakeFirstOrThrow();
    expect(state.last_uid).toBe(keys.length);
  });

  it('polls a server when IDLE is turned off', async () => {
    const receiver = new ImapReceiver(t.ctx, channelOf('poller'), { pollMs: 200 });
    receiver.start();
    await receiver.synced();
    const one = committed('poller', 1);
    await append('poller', [buildMail({ messageId: 'poll-1@example.org' })]);
    await one;
    await receiver.stop();
    expect(await keysOf('poller')).toEqual(['poll-1@example.org']);
  });
});
