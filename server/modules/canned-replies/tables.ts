import type { Generated } from 'kysely';

export interface CannedRepliesTable {
  id: Generated<number>;
  shortcut: string;
  title: string;
  body: string;
  created_by: number | null;
  created_at: number;
  updated_at: number;
}

export interface CannedReplyTables {
  canned_replies: CannedRepliesTable;
}
