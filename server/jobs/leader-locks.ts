/**
 * Work that must run in one process at a time (cron jobs, an IMAP mailbox's receiver) asks for
 * its key first. With one process (SQLite) every key is always this process's.
 */
export interface LeaderLocks {
  /** True when this process holds `key`, taking it if it is free; never waits for another holder. */
  acquire(key: string): Promise<boolean>;
  /** Called when the keys held so far are lost (the session holding them dropped). */
  onLost(fn: () => void): () => void;
  close(): Promise<void>;
}

export const soleProcess: LeaderLocks = {
  acquire: async () => true,
  onLost: () => () => undefined,
  close: async () => undefined,
};
