import type { Generated } from 'kysely';

export interface ContactsTable {
  id: Generated<number>;
  name: string | null;
  email: string | null;
  phone: string | null;
  language: string | null;
  /** 0 when the email is only what a widget visitor typed: shown as unverified, never an identity */
  email_verified: Generated<number>;
  /** JSON object of custom attributes */
  attributes: Generated<string>;
  notes: Generated<string>;
  created_at: number;
  updated_at: number;
  last_seen_at: number | null;
}

export interface ContactIdentitiesTable {
  id: Generated<number>;
  contact_id: number;
  /** an IdentityKind from server/intake/types.ts */
  kind: string;
  value: string;
  created_at: number;
}

export interface ContactTables {
  contacts: ContactsTable;
  contact_identities: ContactIdentitiesTable;
}
