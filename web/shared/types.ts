// Shapes of the REST and websocket contract (API v1), as the browser sees them.

export type Role = 'admin' | 'supervisor' | 'agent';
export type Language = 'en' | 'zh-CN' | 'zh-TW';
export type Presence = 'online' | 'away' | 'offline';
export type TicketStatus = 'open' | 'pending' | 'snoozed' | 'resolved' | 'closed';
export type Priority = 'low' | 'normal' | 'high' | 'urgent';

export interface AgentPreferences {
  desktopNotifications?: boolean;
  sound?: boolean;
}

export interface Agent {
  id: number;
  email: string;
  name: string;
  role: Role;
  language: Language;
  timezone: string | null;
  avatarUrl: string | null;
  active: boolean;
  presence: Presence;
  preferences: AgentPreferences;
}

export interface Session {
  agent: Agent;
  csrfToken: string;
}

export interface ContactSummary {
  id: number;
  name: string | null;
  email?: string | null;
  phone?: string | null;
}

export interface Ticket {
  id: number;
  number: number;
  subject: string;
  status: TicketStatus;
  snoozedUntil: string | null;
  priority: Priority;
  channel: { kind: string; name: string };
  contact: ContactSummary;
  assignee: { id: number; name: string } | null;
  team: { id: number; name: string } | null;
  labels: string[];
  customFields: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  lastActivityAt: string;
  firstResponseAt: string | null;
  resolvedAt: string | null;
  reopenCount: number;
  lastMessage: { preview: string; kind: MessageKind; at: string } | null;
  unread: boolean;
  messageCount: number;
  /** What the list's SLA badge counts down to; null when no SLA clock runs (absent from older servers). */
  slaClock?: { dueAt: string; warnAt: string | null; breached: boolean } | null;
  /** The answer bot on a widget chat (absent from older servers). */
  bot?: { active: boolean; deflected: boolean };
}

export type MessageKind = 'inbound' | 'outbound' | 'note' | 'system' | 'bot';
export type DeliveryStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'failed';

export interface Attachment {
  id: number;
  name: string;
  contentType: string;
  size: number;
  url: string;
}

export interface Message {
  id: number;
  ticketId: number;
  kind: MessageKind;
  author: { kind: 'contact' | 'agent' | 'bot' | 'system'; id?: number; name: string };
  /** The channel this message came in or went out on: after a merge it can differ from the ticket's. */
  channel: { kind: string; name: string };
  text: string;
  html: string | null;
  attachments: Attachment[];
  delivery: { status: DeliveryStatus; error?: string } | null;
  mentions: number[];
  meta: Record<string, unknown>;
  createdAt: string;
}

export type NamedRef = { id: number; name: string | null } | null;

/** One changed field of a timeline event. */
export type TimelineChange =
  | { field: 'status'; from: TicketStatus | null; to: TicketStatus }
  | { field: 'snoozedUntil'; from: string | null; to: string | null }
  | { field: 'priority'; from: Priority | null; to: Priority }
  | { field: 'assignee'; from: NamedRef; to: NamedRef }
  | { field: 'team'; from: NamedRef; to: NamedRef }
  | { field: 'labels'; added: string[]; removed: string[] }
  | { field: 'subject'; from: string; to: string }
  | { field: 'rule'; actions: string[] };

/** A change to a ticket (assigned, status, ...) shown as a system line in its timeline; not a message. */
export interface TimelineEvent {
  id: number;
  ticketId: number;
  kind: 'updated' | 'reopened';
  actor: { kind: 'agent' | 'contact' | 'system' | 'automation'; id: number | null; name: string | null };
  changes: TimelineChange[];
  at: string;
}

export interface Identity {
  kind: string;
  value: string;
  /** the channel's display name by language (`default` always set), for ids that mean nothing to people */
  channelName?: Record<string, string>;
}

export interface Contact {
  id: number;
  name: string | null;
  email: string | null;
  /** false when the email is only what the customer typed into a chat form */
  emailVerified: boolean;
  /** the contact that owns this unverified email as a proven identity */
  emailOwner: { id: number; name: string | null; email: string | null } | null;
  phone: string | null;
  language: string | null;
  attributes: Record<string, unknown>;
  notes: string | null;
  identities: Identity[];
  createdAt: string;
  lastSeenAt: string | null;
  ticketCount: number;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

// The server's own shape, imported as a type only: nothing of the server reaches the bundle.
export type { TicketCounts } from '../../server/modules/tickets/counts.js';

export interface Team {
  id: number;
  name: string;
  memberIds: number[];
  /** present in the server's team views; absent when a client builds a Team to create one */
  assignment?: AssignmentSettings;
  /** tickets waiting in the team's assignment queue; kept live by `queue` frames */
  queueLength?: number;
}

export type AssignmentMode = 'off' | 'round_robin' | 'least_loaded';

/** How tickets of a team (or of no team) are handed to agents. */
export interface AssignmentSettings {
  mode: AssignmentMode;
  channels: string[];
  capacity: { chat: number; email: number };
  onlineOnlyForChat: boolean;
  emailToAway: boolean;
  skillsFallbackSeconds: number;
  stickyDays: number;
  pickupSeconds: number;
  awayGraceSeconds: number;
}

/** An agent's status and open work, as the assignment screen shows it. */
export interface AgentLoad {
  agentId: number;
  name: string;
  presence: 'online' | 'away' | 'offline';
  load: { chat: number; email: number };
  languages: string[];
  skills: string[];
}

export interface Label {
  id: number;
  name: string;
  color: string;
}

export interface CannedReply {
  id: number;
  shortcut: string;
  title: string;
  body: string;
}

export interface ApiToken {
  id: number;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** A token as an admin sees it: with the agent it belongs to. */
export interface AgentApiToken extends ApiToken {
  agent: { id: number; name: string; email: string };
}

export interface ChannelInfo {
  kind: string;
  name: string;
  address?: string;
  state: { connected: boolean; lastSyncAt: string | null; lastError: string | null } | null;
  embedSnippet?: string;
  /** WeChat: official_account or wecom_kf, and what to paste into its console. */
  wechatKind?: string;
  serverUrl?: string;
  token?: string;
  encrypted?: boolean;
  /** Where the provider posts (WhatsApp, SMS). */
  webhookUrl?: string;
}

/** One ticket matching a search, with its best snippet (HTML-escaped, hits in <mark>). */
export interface SearchHit {
  ticket: Ticket;
  snippet: string;
  matchingMessages: number;
  messageId: number | null;
  subjectMatched: boolean;
}

export interface SearchResults {
  hits: SearchHit[];
  nextCursor: string | null;
  tickets: { ticket: Ticket; snippet: string }[];
  messages: { ticketId: number; ticketNumber: number; messageId: number; snippet: string }[];
  contacts: { contact: Contact; snippet: string }[];
}

export interface TicketChanges {
  status?: TicketStatus;
  priority?: Priority;
  assigneeId?: number | null;
  teamId?: number | null;
  labels?: string[];
  customFields?: Record<string, unknown>;
  snoozedUntil?: string | null;
  subject?: string;
}

export interface BulkChanges {
  status?: TicketStatus;
  priority?: Priority;
  assigneeId?: number | null;
  teamId?: number | null;
  addLabels?: string[];
  removeLabels?: string[];
}

export interface NewMessage {
  kind: 'reply' | 'note';
  text: string;
  html?: string;
  cc?: string[];
  bcc?: string[];
  attachmentIds?: number[];
  status?: 'pending' | 'resolved';
  /** An approved WhatsApp template instead of free text. */
  template?: WhatsAppTemplate;
}

export interface WhatsAppTemplate {
  name: string;
  language: string;
}

/** WhatsApp's 24-hour customer service window on a ticket, and what may be sent outside it. */
export interface WhatsAppWindow {
  channel: { kind: 'whatsapp'; name: string };
  open: boolean;
  lastInboundAt: string | null;
  expiresAt: string | null;
  templates: WhatsAppTemplate[];
}

// Websocket frames.
export interface LiveEvent {
  type: string;
  ticketId?: number;
  /** Ticket events: whose the ticket is, and its team (what the server decides who hears it by). */
  assigneeId?: number | null;
  teamId?: number | null;
  /**
   * The ticket after the change. A message.created leaves it out when the event before it carried
   * it as it is (a new ticket's ticket.created and its first message).
   */
  ticket?: Ticket;
  message?: Message;
  actor?: { kind?: string; id?: number } | null;
  /** ticket.updated: the fields that changed (status, assigneeId, teamId, labels, ...) */
  changes?: string[];
}

/** A ticket as the agent app opens it: GET /tickets/:id, or the answer to an `open` frame. */
export interface TicketDetail {
  ticket: Ticket;
  messages: Message[];
  events: TimelineEvent[];
  contact: Contact;
  /** Whether a reply can leave on the ticket's channel (absent from servers older than this field). */
  replyChannel?: { kind: string; name: string; available: boolean };
  /** The visitor's rating of the chat (CSAT), when there is one. */
  csat?: Csat | null;
  /** The SLA policy's clocks; null when none applies. */
  sla?: TicketSla | null;
}

export type SlaClockStatus = 'running' | 'paused' | 'met' | 'breached';
export interface SlaClock {
  dueAt: string | null;
  status: SlaClockStatus;
  metAt: string | null;
  warnAt: string | null;
}
export interface TicketSla {
  policyId: number;
  policyName: string;
  firstResponse: SlaClock | null;
  nextResponse: SlaClock | null;
  resolution: SlaClock | null;
}

export interface Csat {
  score: number;
  comment: string | null;
  at: string;
  /** absent on ratings read before surveys existed: a widget rating on 1–5 */
  scale?: '1-5' | 'faces';
  source?: 'widget' | 'email';
  ratedAt?: string;
}

export type ServerFrame =
  | { type: 'hello'; cursor: string | number }
  | { type: 'event'; cursor: string | number; event: LiveEvent }
  | { type: 'presence'; agentId: number; presence: Presence }
  | { type: 'typing'; ticketId: number; agentId: number; composing: 'reply' | 'note' | null }
  | { type: 'viewers'; ticketId: number; agents: { id: number; name: string; replying: boolean }[] }
  | { type: 'customer'; ticketId: number; typing?: boolean; readAt?: string }
  | { type: 'ticket'; ticketId: number; detail: TicketDetail }
  | { type: 'error'; code: string; message: string; ticketId?: number }
  | { type: 'notification'; notification: AgentNotification }
  | { type: 'queue'; teamId: number | null; length: number };

/** An in-app notification for this agent (an SLA warning or breach), live over the socket. */
export interface AgentNotification {
  id: number;
  kind: 'sla.warning' | 'sla.breach' | 'reminder' | 'snooze.woke';
  ticketId: number | null;
  ticketNumber: number | null;
  subject: string;
  target: string;
  dueAt: string | null;
  /** a reminder's note */
  note?: string | null;
  createdAt: string;
  /** null while unread; absent on a live frame, which is always unread */
  readAt?: string | null;
}

/** GET /notifications: the agent's tray, newest first. */
export interface NotificationPage {
  items: AgentNotification[];
  nextCursor: string | null;
  unreadCount: number;
}

export type ClientFrame =
  | { type: 'resume'; cursor: string | number }
  | { type: 'presence'; presence: Presence }
  | { type: 'view'; ticketId: number | null }
  | { type: 'open'; ticketId: number }
  | { type: 'typing'; ticketId: number; composing: 'reply' | 'note' | null };

export type RuleEvent = 'ticket.created' | 'message.customer' | 'message.agent' | 'ticket.updated' | 'time';

export interface RuleCondition {
  field: string;
  op: string;
  value?: string | number | boolean | null | Array<string | number>;
  key?: string;
}

export type RuleAction =
  | { type: 'assign_agent'; agentId: number | null }
  | { type: 'assign_team'; teamId: number | null }
  | { type: 'set_status'; status: TicketStatus }
  | { type: 'set_priority'; priority: Priority }
  | { type: 'add_labels' | 'remove_labels'; labels: string[] }
  | { type: 'set_custom_fields'; fields: Record<string, unknown> }
  | { type: 'snooze'; minutes: number }
  | { type: 'add_note'; text: string }
  | { type: 'auto_reply'; text: string; maxPerContactPerDay?: number }
  | { type: 'email_agents'; agentId?: number; teamId?: number; subject: string; text: string }
  | { type: 'webhook'; url: string }
  | { type: 'run_assignment' }
  | { type: 'close_spam' };

export interface Rule {
  id: number;
  name: string;
  event: RuleEvent;
  conditions: { all?: RuleCondition[]; any?: RuleCondition[] };
  actions: RuleAction[];
  enabled: boolean;
  stopProcessing: boolean;
  position: number;
  version: number;
  broken: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface RuleDryRun {
  matched: boolean;
  conditions: Array<{ group: 'all' | 'any'; index: number; condition: RuleCondition; matched: boolean }>;
  actions: Array<{ action: RuleAction; description: string }>;
  broken: string | null;
}
