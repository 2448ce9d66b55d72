import type { Migration } from 'kysely';
import * as m0001 from './0001-accounts.js';
import * as m0002 from './0002-tickets.js';
import * as m0003 from './0003-search.js';
import * as m0004 from './0004-realtime.js';
import * as m0005 from './0005-email.js';
import * as m0006 from './0006-widget.js';
import * as m0007 from './0007-ticket-counts.js';
import * as m0008 from './0008-perf-indexes.js';
import * as m0009 from './0009-search-queue.js';
import * as m0010 from './0010-email-first-sync.js';
import * as m0011 from './0011-widget-claims.js';
import * as m0012 from './0012-agent-invites.js';
import * as m0013 from './0013-idempotency-keys.js';
import * as m0014 from './0014-email-outbound.js';
import * as m0015 from './0015-invite-language.js';
import * as m0016 from './0016-business-hours.js';
import * as m0017 from './0017-rules.js';
import * as m0018 from './0018-assignment.js';
import * as m0019 from './0019-sla.js';
import * as m0021 from './0021-sla-mail-recompute.js';
import * as m0023 from './0023-webhooks.js';
import * as m0024 from './0024-phone-channels.js';
import * as m0025 from './0025-wechat.js';
import * as m0026 from './0026-knowledge-base.js';
import * as m0027 from './0027-report-metrics.js';
import * as m0028 from './0028-csat-surveys.js';
import * as m0029 from './0029-customer-portal.js';
import * as m0030 from './0030-answer-bot.js';
import * as m0031 from './0031-report-digest.js';
import * as m0033 from './0033-created-sort-indexes.js';
import * as m0035 from './0035-bot-handled-and-retention.js';
import * as m0036 from './0036-shared-process-state.js';
import * as m0037 from './0037-shared-presence.js';
import * as m0038 from './0038-search-indexes-per-kind.js';
import * as m0039 from './0039-ticket-number-sequence.js';

/**
 * Every migration, in order. Registered explicitly so a bundled or compiled build
 * never depends on reading the folder at run time.
 */
export const migrations: Record<string, Migration> = {
  '0001-accounts': m0001,
  '0002-tickets': m0002,
  '0003-search': m0003,
  '0004-realtime': m0004,
  '0005-email': m0005,
  '0006-widget': m0006,
  '0007-ticket-counts': m0007,
  '0008-perf-indexes': m0008,
  '0009-search-queue': m0009,
  '0010-email-first-sync': m0010,
  '0011-widget-claims': m0011,
  '0012-agent-invites': m0012,
  '0013-idempotency-keys': m0013,
  '0014-email-outbound': m0014,
  '0015-invite-language': m0015,
  '0016-business-hours': m0016,
  '0017-rules': m0017,
  '0018-assignment': m0018,
  '0019-sla': m0019,
  '0021-sla-mail-recompute': m0021,
  '0023-webhooks': m0023,
  '0024-phone-channels': m0024,
  '0025-wechat': m0025,
  '0026-knowledge-base': m0026,
  '0027-report-metrics': m0027,
  '0028-csat-surveys': m0028,
  '0029-customer-portal': m0029,
  '0030-answer-bot': m0030,
  '0031-report-digest': m0031,
  '0033-created-sort-indexes': m0033,
  '0035-bot-handled-and-retention': m0035,
  '0036-shared-process-state': m0036,
  '0037-shared-presence': m0037,
  '0038-search-indexes-per-kind': m0038,
  '0039-ticket-number-sequence': m0039,
};
