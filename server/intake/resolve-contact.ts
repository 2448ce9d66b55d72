import { now, type DbOrTx } from '../db/database.js';
import { prepared } from '../db/prepared.js';
import {
  addIdentities,
  findContactIdByIdentity,
  findContact,
  insertContact,
  insertIdentity,
  normalizeIdentity,
  type ContactRow,
  type IdentityRow,
} from '../modules/contacts/queries.js';
import type { Identity, InboundMessage } from './types.js';

const LAST_SEEN_RESOLUTION_MS = 60_000;

const touchContact = prepared(
  (db: DbOrTx, p: Pick<ContactRow, 'id' | 'last_seen_at' | 'name' | 'email' | 'email_verified' | 'phone' | 'language' | 'updated_at'>) =>
    db
      .updateTable('contacts')
      .set({
        last_seen_at: p.last_seen_at,
        name: p.name,
        email: p.email,
        email_verified: p.email_verified,
        phone: p.phone,
        language: p.language,
        updated_at: p.updated_at,
      })
      .where('id', '=', p.id)
      .returningAll(),
);

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
): Promise<{ contact: ContactRow; created: boolean; identities?: IdentityRow[] }> {
  const identities = senderIdentities(sender);
  let contactId: number | undefined;
  let looked = 0;
  for (const identity of identities) {
    looked++;
    contactId = await findContactIdByIdentity(db, identity.kind, identity.value);
    if (contactId !== undefined) break;
  }
  const existing = contactId === undefined ? undefined : await findContact(db, contactId);
  const provenEmail = sender.email?.trim().toLowerCase() || (sender.identity.kind === 'email' ? sender.identity.value.trim().toLowerCase() : null);
  const claimedEmail = sender.claims?.email?.trim().toLowerCase() || null;
  const claimedPhone = sender.claims?.phone?.trim() || null;
  if (!existing) {
    const contact = await insertContact(db, {
      name: sender.name?.trim() || null,
      email: provenEmail ?? claimedEmail,
      email_verified: provenEmail === null && claimedEmail !== null ? 0 : 1,
      phone: sender.phone?.trim() || (sender.identity.kind === 'phone' ? sender.identity.value.trim() : null) || claimedPhone,
      language: sender.language ?? null,
      created_at: at,
      updated_at: at,
      last_seen_at: at,
    });
    if (contactId !== undefined) {
      // An identity points at a contact that is gone: let addIdentities sort out what is free.
      await addIdentities(db, contact.id, identities, at);
      return { contact, created: true };
    }
    return { contact, created: true, identities: await insertNewIdentities(db, contact.id, identities, at) };
  }
  // The identity that matched is this contact's already; only the others may be new.
  await addIdentities(db, existing.id, identities.filter((_, i) => i !== looked - 1), at);
  // Proof beats a claim: a proven address replaces an unverified one.
  const emailGap = existing.email === null || (existing.email_verified === 0 && provenEmail !== null && sender.email !== undefined);
  const fills =
    (existing.name === null && !!sender.name?.trim()) ||
    (emailGap && (provenEmail !== null || claimedEmail !== null)) ||
    (existing.phone === null && (!!sender.phone?.trim() || claimedPhone !== null)) ||
    (existing.language === null && !!sender.language);
  // A chatty customer would otherwise rewrite their row on every message.
  if (!fills && existing.last_seen_at !== null && at - existing.last_seen_at < LAST_SEEN_RESOLUTION_MS) {
    return { contact: existing, created: false };
  }
  const contact = await touchContact.one(db, {
    id: existing.id,
    last_seen_at: Math.max(existing.last_seen_at ?? 0, at),
    // Only fill gaps: what an agent typed into the profile wins over what a channel reports.
    name: existing.name ?? (sender.name?.trim() || null),
    ...filledEmail(existing, emailGap, sender.email?.trim().toLowerCase() || null, claimedEmail),
    phone: existing.phone ?? (sender.phone?.trim() || claimedPhone),
    language: existing.language ?? sender.language ?? null,
    updated_at: now(),
  });
  return { contact, created: false };
}

function filledEmail(
  existing: ContactRow,
  gap: boolean,
  proven: string | null,
  claimed: string | null,
): Pick<ContactRow, 'email' | 'email_verified'> {
  if (!gap) return { email: existing.email, email_verified: existing.email_verified };
  if (proven !== null) return { email: proven, email_verified: 1 };
  if (claimed !== null) return { email: claimed, email_verified: 0 };
  return { email: existing.email, email_verified: existing.email_verified };
}

/**
 * The identities of a contact just created: every one was looked up and found free, so they go
 * in without asking again (only spellings that normalise alike are folded into one).
 */
async function insertNewIdentities(db: DbOrTx, contactId: number, identities: Identity[], at: number): Promise<IdentityRow[]> {
  const rows: IdentityRow[] = [];
  const seen = new Set<string>();
  for (const raw of identities) {
    const id = normalizeIdentity(raw.kind, raw.value);
    const key = `${id.kind}\u0000${id.value}`;
    if (id.value === '' || seen.has(key)) continue;
    seen.add(key);
    rows.push(await insertIdentity(db, { contact_id: contactId, kind: id.kind, value: id.value, created_at: at }));
  }
  return rows;
}
