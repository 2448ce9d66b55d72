export type CsatScale = '1-5' | 'faces';
export type CsatSource = 'widget' | 'email';
export type SurveyStatus = 'scheduled' | 'cancelled' | 'sent' | 'skipped';

/** The one row of survey settings (id 1); JSON read back leniently, see settings.ts. */
export interface CsatSettingsTable {
  id: number;
  settings: string;
  updated_at: number;
}

/** One per ticket: scheduled on resolve, cancelled on reopen, then sent or skipped once for good. */
export interface CsatSurveysTable {
  id: string;
  ticket_id: number;
  contact_id: number;
  status: SurveyStatus;
  due_at: number | null;
  sent_at: number | null;
  skip_reason: string | null;
  /** en, zh-CN or zh-TW: the mail and the pages speak it */
  language: string | null;
  scale: CsatScale;
  created_at: number;
  updated_at: number;
}

export interface CsatTables {
  csat_settings: CsatSettingsTable;
  csat_surveys: CsatSurveysTable;
}
