import type { ImapFlow } from 'imapflow';
import type { AppContext } from '../../context.js';
import type { Logger } from '../../logger.js';
import type { EmailChannelConfig } from './config-schema.js';
import { ingestParsedEmail, parseRawEmail } from './ingest.js';
import type { ParsedEmail } from './parse.js';
import { advanceMailbox, finishFirstSync, loadMailboxState, resetMailbox, setMailboxConnection } from './state-queries.js';

type ImapConfig = NonNullable<EmailChannelConfig['imap']>;

export interface ReceiverOptions {
  /** First reconnect delay; doubles up to maxBackoffMs. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** Messages fetched per round trip; bounds memory whatever the mailbox size. */
  batchSize?: number;
  /** Overrides imap.poll_interval_seconds (tests). */
  pollMs?: number;
}

export interface MailboxStatus {
  connected: boolean;
  lastSyncAt: number | null;
  lastError: string | null;
  imported: number;
}

const MAX_GROUP_BYTES = 20 * 1024 * 1024;
/** How often a process that does not lead a mailbox asks whether its leader is gone. */
const LEADER_RETRY_MS = 15_000;

/** A fetched group: its UIDs in order and each one's parse, under way on the pool. */
interface FetchedGroup {
  group: number[];
  uids: number[];
  parsing: Map<number, Promise<ParsedEmail> | null>;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err)).slice(0, 500);

/** Resolves after ms, or at once when the signal fires. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Keeps one IMAP folder imported: connects, catches up from the last UID it committed, then
 * waits with IDLE (or polls) for more. A message is flagged, moved or deleted on the server
 * only after its ticket message is committed; the UID mark moves after that, so a crash at
 * any point re-fetches at most a few messages, which Message-ID de-duplication absorbs.
 */
export class ImapReceiver {
  readonly #ctx: AppContext;
  readonly #channel: EmailChannelConfig;
  readonly #imap: ImapConfig;
  readonly #log: Logger;
  readonly #opts: Required<ReceiverOptions>;
  readonly #stop = new AbortController();
  #loop: Promise<void> | null = null;
  #client: ImapFlow | null = null;
  #wake: (() => void) | null = null;
  /** Set when mail arrived while we were busy, so the next wait returns at once. */
  #pendingWake = false;
  #status: MailboxStatus = { connected: false, lastSyncAt: null, lastError: null, imported: 0 };
  #syncWaiters: Array<() => void> = [];
  #failures = new Map<number, number>();

  constructor(ctx: AppContext, channel: EmailChannelConfig, options: ReceiverOptions = {}) {
    if (!channel.imap) throw new Error(`email channel ${channel.name} has no imap section`);
    this.#ctx = ctx;
    this.#channel = channel;
    this.#imap = channel.imap;
    this.#log = ctx.logger.child({ subsystem: 'imap', channel: channel.name });
    this.#opts = {
      baseBackoffMs: options.baseBackoffMs ?? 1_000,
      maxBackoffMs: options.maxBackoffMs ?? 60_000,
      batchSize: options.batchSize ?? 50,
      pollMs: options.pollMs ?? channel.imap.poll_interval_seconds * 1000,
    };
  }

  get status(): MailboxStatus {
    return { ...this.#status };
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    this.#wake?.();
    this.#client?.close();
    await this.#loop;
  }

  /** Resolves after the next completed catch-up pass (tests, the admin "sync now"). */
  synced(): Promise<void> {
    return new Promise((resolve) => {
      this.#syncWaiters.push(resolve);
      this.#poke();
    });
  }

  /**
   * With several processes on one database, one of them imports a mailbox: the others wait here,
   * asking again now and then, and take over once the leader's lock session is gone.
   */
  async #lead(): Promise<void> {
    const key = `imap:${this.#channel.name}`;
    while (!this.#stop.signal.aborted && !(await this.#ctx.leaderLocks.acquire(key))) {
      await pause(LEADER_RETRY_MS, this.#stop.signal);
    }
  }

  async #run(): Promise<void> {
    let attempt = 0;
    // Losing the lead mid-session ends the session; the loop then waits to lead again.
    const offLost = this.#ctx.leaderLocks.onLost(() => this.#client?.close());
    while (!this.#stop.signal.aborted) {
      await this.#lead();
      if (this.#stop.signal.aborted) break;
      try {
        await this.#session(() => {
          attempt = 0;
        });
      } catch (err) {
        if (this.#stop.signal.aborted) break;
        this.#status = { ...this.#status, connected: false, lastError: errorText(err) };
        this.#log.warn({ err: errorText(err), attempt }, 'imap connection lost');
        await setMailboxConnection(this.#ctx.db, this.#channel.name, false, errorText(err)).catch(() => undefined);
      }
      if (this.#stop.signal.aborted) break;
      const delay = Math.min(this.#opts.maxBackoffMs, this.#opts.baseBackoffMs * 2 ** attempt);
      attempt += 1;
      await pause(Math.round(delay * (0.8 + 0.4 * Math.random())), this.#stop.signal);
    }
    offLost();
    this.#status = { ...this.#status, connected: false };
    await setMailboxConnection(this.#ctx.db, this.#channel.name, false, null).catch(() => undefined);
  }

  async #newClient(): Promise<ImapFlow> {
    // Loaded with the first mailbox this process connects to: a desk without IMAP never holds it.
    const { ImapFlow } = await import('imapflow');
    const security = this.#imap.security;
    return new ImapFlow({
      host: this.#imap.host,
      port: this.#imap.port,
      secure: security === 'tls',
      doSTARTTLS: security === 'starttls' ? true : security === 'none' ? false : undefined,
      auth: { user: this.#imap.user, pass: this.#imap.password },
      logger: false,
      disableAutoIdle: true,
      connectionTimeout: 30_000,
      greetingTimeout: 15_000,
      socketTimeout: 10 * 60_000,
    });
  }

  /** One connection's life: connect, then sync / wait until it drops or we stop. */
  async #session(onConnected: () => void): Promise<void> {
    const client = await this.#newClient();
    this.#client = client;
    let closed = false;
    client.on('error', (err: unknown) => this.#log.debug({ err: errorText(err) }, 'imap client error'));
    client.on('close', () => {
      closed = true;
      this.#wake?.();
    });
    client.on('exists', () => this.#poke());
    try {
      await client.connect();
      const lock = await client.getMailboxLock(this.#imap.folder);
      try {
        onConnected();
        this.#status = { ...this.#status, connected: true, lastError: null };
        await setMailboxConnection(this.#ctx.db, this.#channel.name, true, null);
        this.#log.info({ idle: client.capabilities.has('IDLE') && this.#imap.idle }, 'imap connected');
        while (!this.#stop.signal.aborted && !closed) {
          await this.#catchUp(client);
          this.#status = { ...this.#status, lastSyncAt: Date.now() };
          for (const resolve of this.#syncWaiters.splice(0)) resolve();
          if (this.#stop.signal.aborted || closed) break;
          await this.#waitForMail(client);
        }
      } finally {
        if (!closed) lock.release();
      }
      if (closed && !this.#stop.signal.aborted) throw new Error('connection closed by the server');
    } finally {
      this.#client = null;
      if (!closed) await client.logout().catch(() => client.close());
    }
  }

  #poke(): void {
    if (this.#wake) this.#wake();
    else this.#pendingWake = true;
  }

  /** IDLE when offered (woken by EXISTS), else sleep the poll interval; either way at most pollMs. */
  async #waitForMail(client: ImapFlow): Promise<void> {
    if (this.#pendingWake) {
      this.#pendingWake = false;
      return;
    }
    const woken = new Promise<void>((resolve) => {
      this.#wake = resolve;
    });
    const idle = this.#imap.idle && client.capabilities.has('IDLE');
    if (idle) client.idle().catch(() => undefined);
    await Promise.race([woken, pause(this.#opts.pollMs, this.#stop.signal)]);
    this.#wake = null;
  }

  async #catchUp(client: ImapFlow): Promise<void> {
    const box = client.mailbox;
    if (!box) throw new Error('no mailbox selected');
    const uidValidity = Number(box.uidValidity);
    let state = await loadMailboxState(this.#ctx.db, this.#channel.name, this.#imap.folder);
    if (state.uidvalidity !== uidValidity) {
      // First sync, or the server renumbered the folder: take what is unprocessed and rely on
      // Message-ID de-duplication for anything imported before the renumbering.
      if (state.uidvalidity !== null) this.#log.warn({ was: state.uidvalidity, now: uidValidity }, 'UIDVALIDITY changed');
      // Committed before anything is imported: a first sync cut short (a crash, a stop, a failed
      // commit) must resume under the same rule, not as a catch-up that takes all mail, read or not.
      state = await resetMailbox(this.#ctx.db, this.#channel.name, this.#imap.folder, uidValidity, box.uidNext);
    }
    if (state.first_sync_uid_next !== null) {
      if (!(await this.#firstSync(client, state.last_uid, state.first_sync_uid_next))) return;
      state = await loadMailboxState(this.#ctx.db, this.#channel.name, this.#imap.folder);
    }
    const found = (await client.search({ uid: `${state.last_uid + 1}:*` }, { uid: true })) || [];
    // "N:*" matches the highest UID even when it is below N.
    const uids = found.filter((uid) => uid > state.last_uid).sort((a, b) => a - b);
    await this.#importUids(client, uids);
  }

  /**
   * Imports what was unprocessed below the boundary when the first sync began; true once done.
   * Mail imported by an earlier, interrupted attempt is flagged (or moved, deleted) and so no
   * longer matches; mail committed but not yet flagged matches again and is de-duplicated.
   */
  async #firstSync(client: ImapFlow, lastUid: number, uidNext: number): Promise<boolean> {
    let uids: number[] = [];
    // A reversed IMAP range still matches, so an empty one must not be sent.
    if (lastUid + 1 <= uidNext - 1) {
      const range = `${lastUid + 1}:${uidNext - 1}`;
      const query = this.#imap.after_import === 'seen' ? { seen: false, uid: range } : { uid: range };
      uids = ((await client.search(query, { uid: true })) || []).sort((a, b) => a - b);
    }
    await this.#importUids(client, uids);
    // A stopped import returns early; closing the first sync then would skip the mail left.
    if (this.#stop.signal.aborted) return false;
    // Older, already-read mail stays where it is; from here on every new UID is ours.
    await finishFirstSync(this.#ctx.db, this.#channel.name, uidNext);
    return true;
  }

  /**
   * Imports group by group, each fetched while the group before it is being stored: the round
   * trip and the parse of its first mails overlap with that work instead of following it.
   * At most two groups (~40 MB of mail) are held at once.
   */
  async #importUids(client: ImapFlow, uids: number[]): Promise<void> {
    let ahead: Promise<FetchedGroup> | null = null;
    for (let i = 0; i < uids.length; i += this.#opts.batchSize) {
      for (const group of await this.#bySize(client, uids.slice(i, i + this.#opts.batchSize))) {
        if (this.#stop.signal.aborted) return;
        const fetching = this.#fetchGroup(client, group);
        // Left behind by a failed or stopped import, it must not surface as an unhandled rejection.
        fetching.catch(() => undefined);
        if (ahead) await this.#storeGroup(client, await ahead);
        ahead = fetching;
      }
    }
    if (ahead && !this.#stop.signal.aborted) await this.#storeGroup(client, await ahead);
  }

  /** Splits a batch so one round trip holds at most ~20 MB of mail, whatever the attachments. */
  async #bySize(client: ImapFlow, batch: number[]): Promise<number[][]> {
    const sizes = await client.fetchAll(batch.join(','), { uid: true, size: true }, { uid: true });
    const groups: number[][] = [];
    let current: number[] = [];
    let bytes = 0;
    for (const m of sizes.sort((a, b) => a.uid - b.uid)) {
      if (current.length > 0 && bytes + (m.size ?? 0) > MAX_GROUP_BYTES) {
        groups.push(current);
        current = [];
        bytes = 0;
      }
      current.push(m.uid);
      bytes += m.size ?? 0;
    }
    if (current.length > 0) groups.push(current);
    return groups;
  }

  /** Fetches a group's mails and starts parsing every one of them on the pool. */
  async #fetchGroup(client: ImapFlow, group: number[]): Promise<FetchedGroup> {
    const fetched = (await client.fetchAll(group.join(','), { uid: true, source: true }, { uid: true })).sort((a, b) => a.uid - b.uid);
    const parsing = new Map(fetched.map((msg) => [msg.uid, msg.source ? parseRawEmail(this.#ctx, msg.source) : null]));
    // A parse left unawaited after a failure must not surface as an unhandled rejection.
    for (const p of parsing.values()) p?.catch(() => undefined);
    return { group, uids: fetched.map((msg) => msg.uid), parsing };
  }

  /**
   * Hands a group's mails to intake in UID order, each as soon as it is parsed (a reply threads
   * by the Message-IDs stored before it), then acknowledges those committed.
   */
  async #storeGroup(client: ImapFlow, { group, uids, parsing }: FetchedGroup): Promise<void> {
    const storing: Array<{ uid: number; stored: Promise<unknown> }> = [];
    for (const uid of uids) {
      const parsed = parsing.get(uid);
      parsing.delete(uid);
      if (!parsed) continue;
      let stored: Promise<unknown>;
      try {
        // Not awaited here: the next mail is staged while this one waits for its (shared) commit.
        stored = ingestParsedEmail(this.#ctx, this.#channel, await parsed);
      } catch (err) {
        stored = Promise.reject(err);
      }
      stored.catch(() => undefined);
      storing.push({ uid, stored });
    }
    const done: number[] = [];
    let blocked = false;
    for (const { uid, stored } of storing) {
      try {
        await stored;
        done.push(uid);
        this.#failures.delete(uid);
      } catch (err) {
        if (this.#giveUp(uid, err)) continue;
        // Mails after it may be committed already; unacknowledged, they are fetched again and de-duplicated.
        blocked = true;
        break;
      }
    }
    await this.#acknowledge(client, done);
    // Blocked: stop at the last committed one so the failing message is tried again.
    const mark = blocked ? (done.at(-1) ?? 0) : Math.max(...group);
    if (mark > 0) await advanceMailbox(this.#ctx.db, this.#channel.name, mark, done.length);
    this.#status = { ...this.#status, imported: this.#status.imported + done.length };
    if (blocked) throw new Error('import failed; will retry');
  }

  /** A message that keeps failing (a storage error, a bug) is left on the server after a few tries, never flagged. */
  #giveUp(uid: number, err: unknown): boolean {
    const tries = (this.#failures.get(uid) ?? 0) + 1;
    this.#failures.set(uid, tries);
    this.#log.error({ uid, tries, err: errorText(err) }, 'could not import message');
    return tries >= 5;
  }

  async #acknowledge(client: ImapFlow, uids: number[]): Promise<void> {
    if (uids.length === 0) return;
    const range = uids.join(',');
    if (this.#imap.after_import === 'move' && this.#imap.move_to) {
      await client.messageMove(range, this.#imap.move_to, { uid: true });
    } else if (this.#imap.after_import === 'delete') {
      await client.messageDelete(range, { uid: true });
    } else {
      await client.messageFlagsAdd(range, ['\\Seen'], { uid: true });
    }
  }
}
