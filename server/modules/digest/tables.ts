/** The one row of report settings (id 1); JSON read back leniently, see settings.ts. */
export interface ReportSettingsTable {
  id: number;
  settings: string;
  updated_at: number;
}

/** One per digest period: written in the transaction that queues its mails, before any is sent. */
export interface ReportDigestsTable {
  /** ms since the epoch: local midnight, in the digest's time zone, a week before the send day */
  period_start: number;
  period_end: number;
  status: 'sent' | 'skipped';
  recipients: number;
  skip_reason: string | null;
  created_at: number;
}

export interface DigestTables {
  report_settings: ReportSettingsTable;
  report_digests: ReportDigestsTable;
}
