import type { AccountTables } from '../modules/agents/tables.js';
import type { InviteTables } from '../modules/agents/invite-tables.js';
import type { WidgetTables } from '../channels/widget/tables.js';
import type { EmailTables } from '../channels/email/tables.js';
import type { AttachmentTables } from '../modules/attachments/tables.js';
import type { BusinessHoursTables } from '../modules/business-hours/tables.js';
import type { AssignmentTables } from '../modules/assignment/tables.js';
import type { AuditTables } from '../modules/audit/tables.js';
import type { CannedReplyTables } from '../modules/canned-replies/tables.js';
import type { ContactTables } from '../modules/contacts/tables.js';
import type { LabelTables } from '../modules/labels/tables.js';
import type { TeamTables } from '../modules/teams/tables.js';
import type { TicketTables } from '../modules/tickets/tables.js';
import type { OutboxTables } from '../outbox/tables.js';
import type { RealtimeTables } from '../realtime/tables.js';
import type { PostgresSearchTables, SearchTables } from '../search/tables.js';
import type { SlaTables } from '../modules/sla/tables.js';
import type { IdempotencyTables } from '../http/idempotency-tables.js';
import type { RateLimitTables } from '../http/rate-limit-tables.js';
import type { RuleTables } from '../modules/rules/tables.js';
import type { WebhookTables } from '../modules/webhooks/tables.js';
import type { WechatTables } from '../channels/wechat/tables.js';
import type { KbTables } from '../modules/kb/tables.js';
import type { PhoneChannelTables } from '../channels/phone/tables.js';
import type { CsatTables } from '../modules/csat/tables.js';
import type { PortalTables } from '../modules/portal/tables.js';
import type { BotTables } from '../modules/bot/tables.js';
import type { DigestTables } from '../modules/digest/tables.js';
import type { ReportTables } from '../modules/reports/tables.js';

/**
 * Every table Kysely knows. Each module declares its own tables next to its code;
 * this interface only joins them.
 */
export interface Tables
  extends AccountTables,
    InviteTables,
    ContactTables,
    TeamTables,
    LabelTables,
    TicketTables,
    AttachmentTables,
    CannedReplyTables,
    AuditTables,
    OutboxTables,
    SearchTables,
    PostgresSearchTables,
    RealtimeTables,
    WidgetTables,
    EmailTables,
    IdempotencyTables,
    RateLimitTables,
    BusinessHoursTables,
    RuleTables,
    AssignmentTables,
    SlaTables,
    WebhookTables,
    WechatTables,
    KbTables,
    PhoneChannelTables,
    CsatTables,
    PortalTables,
    BotTables,
    DigestTables,
    ReportTables {}
