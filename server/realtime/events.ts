import type { ContactView } from '../modules/contacts/schemas.js';
import type { MessageView, TicketView } from '../modules/tickets/schemas.js';
import type { NotificationView } from '../modules/sla/notifications.js';
import type { ServerFrame as VisitorFrame } from '../channels/widget/protocol.js';
import type { BusEvent } from './bus.js';

/**
 * Every event Kefu emits, named `resource.verb`. Modules add their events to this union;
 * websocket hubs, automation and the outbox react to them.
 */
export type KefuEvent = AgentPresenceChanged | AgentSignedOut | TicketEvent | ContactEvent | WidgetEvent | AssignmentQueueChanged | NotificationCreated | CsatReceived;

/** A ticket's place in its team's queue changed; position null once it no longer waits. */
export interface AssignmentQueueChanged extends BusEvent {
  type: 'assignment.queue';
  ticketId: number;
  position: number | null;
}

export interface AgentPresenceChanged extends BusEvent {
  type: 'agent.presence';
  agentId: number;
  presence: 'online' | 'away' | 'offline';
}

/** An agent's credentials were revoked: their open connections end, but for the session kept. */
export interface AgentSignedOut extends BusEvent {
  type: 'agent.signed_out';
  agentId: number;
  keepSessionId: string | null;
}

/**
 * Who may see a ticket event: hubs check the receiving agent's scope against these
 * (admins and supervisors see all; agents their own, unassigned and their teams').
 */
export interface TicketScope {
  ticketId: number;
  assigneeId: number | null;
  teamId: number | null;
}

export type TicketEvent =
  | TicketCreated
  | TicketUpdated
  | TicketMerged
  | TicketDeleted
  | MessageCreated
  | MessageUpdated;

/** `ticket` is presented with unread=false; hubs know their own reader. */
export interface TicketCreated extends BusEvent, TicketScope {
  type: 'ticket.created';
  ticket: TicketView;
}

export interface TicketUpdated extends BusEvent, TicketScope {
  type: 'ticket.updated';
  ticket: TicketView;
  /** camelCase field names that changed (status, assignee, team, labels, ...) */
  changes: string[];
  /** Scope before the change, so an agent who loses the ticket hears about it too. */
  previous: { assigneeId: number | null; teamId: number | null };
}

/** ticketId was merged into intoTicketId and closed; `ticket` is the survivor. */
export interface TicketMerged extends BusEvent, TicketScope {
  type: 'ticket.merged';
  intoTicketId: number;
  ticket: TicketView;
}

/** Gone for good (GDPR erase of its contact). */
export interface TicketDeleted extends BusEvent, TicketScope {
  type: 'ticket.deleted';
}

export interface MessageCreated extends BusEvent, TicketScope {
  type: 'message.created';
  message: MessageView;
  /** The ticket after the message (last message, count, status). */
  ticket: TicketView;
  /** Agents @mentioned in a note. */
  mentions: number[];
}

/** Delivery status of an outbound message changed. */
export interface MessageUpdated extends BusEvent, TicketScope {
  type: 'message.updated';
  message: MessageView;
}

export type ContactEvent = ContactCreated | ContactUpdated | ContactMerged | ContactDeleted;

export interface ContactCreated extends BusEvent {
  type: 'contact.created';
  contactId: number;
  contact: ContactView;
}

export interface ContactUpdated extends BusEvent {
  type: 'contact.updated';
  contactId: number;
  contact: ContactView;
}

/** contactId was merged into intoContactId (identities and tickets moved) and no longer exists. */
export interface ContactMerged extends BusEvent {
  type: 'contact.merged';
  contactId: number;
  intoContactId: number;
  contact: ContactView;
}

/** GDPR erase: the contact, its tickets, messages and files are gone. */
export interface ContactDeleted extends BusEvent {
  type: 'contact.deleted';
  contactId: number;
  ticketIds: number[];
}

/**
 * Live chat signals. `widget.*` carry the ticket scope so the agent hub forwards them to agents who may see
 * the ticket; `agent.typing` / `agent.viewing` carry none (the hub ignores them) and reach the visitor's widget.
 */
export type WidgetEvent = WidgetVisitorTyping | WidgetVisitorRead | WidgetBotRequested | AgentTyping | AgentViewing | WidgetFramesSent;

/**
 * Frames the process that delivered a reply sent to a visitor's open tabs, for the other processes
 * sharing the database: some of those tabs may be held there. Emitted only with several processes.
 */
export interface WidgetFramesSent extends BusEvent {
  type: 'widget.frames';
  visitorId: string;
  frames: VisitorFrame[];
}

/** The visitor pressed an answer bot button (or asked it again); the bot module acts on it. No scope: agents are not told. */
export interface WidgetBotRequested extends BusEvent {
  type: 'widget.bot';
  ticketId: number;
  action: 'ask' | 'solved' | 'human';
}

export interface WidgetVisitorTyping extends BusEvent, TicketScope {
  type: 'widget.typing';
  typing: boolean;
}

/** The visitor saw every agent message up to `at` (ISO). */
export interface WidgetVisitorRead extends BusEvent, TicketScope {
  type: 'widget.read';
  at: string;
}

export interface AgentTyping extends BusEvent {
  type: 'agent.typing';
  ticketId: number;
  agentId: number;
  agentName: string;
  composing: 'reply' | 'note' | null;
}

/** An agent opened a ticket: the visitor's messages on it count as read. */
export interface AgentViewing extends BusEvent {
  type: 'agent.viewing';
  ticketId: number;
  agentId: number;
}

/** An in-app notification for one agent (an SLA warning or breach): live to that agent's sockets only. */
export interface NotificationCreated extends BusEvent {
  type: 'notification.created';
  agentId: number;
  notification: NotificationView;
}

/**
 * A customer rated a ticket, in the widget or through an emailed survey; fired again when a comment
 * is added to an emailed rating, with the same score. Outbound webhooks send it as `csat.received`.
 */
export interface CsatReceived extends BusEvent, TicketScope {
  type: 'csat.received';
  contactId: number | null;
  score: number;
  scale: '1-5' | 'faces';
  comment: string | null;
  source: 'widget' | 'email';
  /** ISO 8601 */
  ratedAt: string;
}
