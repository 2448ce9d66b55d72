import { now, type DbOrTx } from '../db/database.js';
import { addIdentities, findContactIdByIdentity, findContact, insertContact, type ContactRow } from '../modules/contacts/queries.js';
import type { Identity, InboundMessage } from './types.js';

const LAST_SEEN_RESOLUTION_MS = 60_000;

function senderIdentities(sender: InboundMessage['sender']): Identity[] {
  const list: Identity[] = [sender.identity, ...(sender.alsoKnownAs ?? [])];
  if (sender.email && !list.some((i) => i.kind === 'email')) list.push({ kind: 'email', value: sender.email });
  if (sender.phone && !list.some((i) => i.kind === 'phone')) list.push({ kind: 'phone', value: sender.phone });
  return list;
}

/**
 * Finds the contact behind any of the sender's identities, or creates one, and records the
 * identities not yet known so the next message on any of those channels lands on the same profile.
 */
export async function resolveContact(
  db: DbOrTx,
  sender: InboundMessage['sender'],
  at: number,
): Promise<{ contact: ContactRow; created: boolean }> {
  const identities = senderIdentities(sender);
  let contactId: number | undefined;
  for (const identity of identities) {
    contactId = await findContactIdByIdentity(db, identity.kind, identity.value);
    if (contactId !== undefined) break;
  }
  const existing = contactId === undefined ? undefined : await findContact(db, contactId);
  if (!existing) {
    const contact = await insertContact(db, {
      name: sender.name?.trim() || null,
      email: sender.email?.trim().toLowerCase() || (sender.identity.kind === 'email' ? sender.identity.value.trim().toLowerCase() : null),
      phone: sender.phone?.trim() || (sender.identity.kind === 'phone' ? sender.identity.value.trim() : null),
      language: sender.language ?? null,
      created_at: at,
      updated_at: at,
      last_seen_at: at,
    });
    await addIdentities(db, contact.id, identities, at);
    return { contact, created: true };
  }
  await addIdentities(db, existing.id, identities, at);
  const fills =
    (existing.name === null && !!sender.name?.trim()) ||
    (existing.email === null && !!sender.email?.trim()) ||
    (existing.phone === null && !!sender.phone?.trim()) ||
    (existing.language === null && !!sender.language);
  // A chatty customer would otherwise rewrite their row on every message.
  if (!fills && existing.last_seen_at !== null && at - existing.last_seen_at < LAST_SEEN_RESOLUTION_MS) {
    return { contact: existing, created: false };
  }
  const contact = await db
    .updateTable('contacts')
    .set({
      last_seen_at: Math.max(existing.last_seen_at ?? 0, at),
      // Only fill gaps: what an agent typed into the profile wins over what a channel reports.
      name: existing.name ?? (sender.name?.trim() || null),
      email: existing.email ?? (sender.email?.trim().toLowerCase() || null),
      phone: existing.phone ?? (sender.phone?.trim() || null),
      language: existing.language ?? sender.language ?? null,
      updated_at: now(),
    })
    .where('id', '=', existing.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { contact, created: false };
}
