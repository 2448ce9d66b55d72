// Per-ticket drafts survive navigation, reloads and an expired session.

export interface Draft {
  mode: 'reply' | 'note';
  text: string;
  cc: string;
  /** The newest message on screen when the draft was begun, so a message that came since is a collision. */
  seenMessageId?: number | null | undefined;
  updatedAt: number;
}

const PREFIX = 'kefu.draft.';
const MAX_AGE = 14 * 24 * 3_600_000;

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export function loadDraft(ticketId: number, store: Storage | null = storage()): Draft | null {
  const raw = store?.getItem(PREFIX + ticketId);
  if (!raw) return null;
  try {
    const d = JSON.parse(raw) as Draft;
    if (Date.now() - d.updatedAt > MAX_AGE) {
      store?.removeItem(PREFIX + ticketId);
      return null;
    }
    return d;
  } catch {
    return null;
  }
}

export function saveDraft(ticketId: number, d: Omit<Draft, 'updatedAt'>, store: Storage | null = storage()): void {
  if (!store) return;
  if (!d.text.trim() && !d.cc.trim()) store.removeItem(PREFIX + ticketId);
  else store.setItem(PREFIX + ticketId, JSON.stringify({ ...d, updatedAt: Date.now() }));
}

export function clearDraft(ticketId: number, store: Storage | null = storage()): void {
  store?.removeItem(PREFIX + ticketId);
}
