import type { Config } from '../../config/schema.js';

export interface ChannelRef {
  kind: string;
  name: string;
}

export interface ReplyChannel extends ChannelRef {
  /** A reply written now would leave: the channel is configured and can send. */
  available: boolean;
}

/**
 * Where a ticket lives when no channel can send: its first message is a note, nothing is queued,
 * and the composer says the ticket cannot be answered. Agents still get to record a call or a
 * walk-in on a fresh install; a reply that could never leave would sit "queued" forever instead.
 */
export const NOTE_ONLY_CHANNEL: ChannelRef = { kind: 'internal', name: 'internal' };

/** Channels of every kind in the config, by kind (email, widget, and any kind added later). */
function configured(config: Config, kind: string): Array<{ name: string; smtp?: unknown }> {
  const lists = config.channels as Record<string, Array<{ name: string; smtp?: unknown }> | undefined>;
  return lists[kind] ?? [];
}

export function isConfigured(config: Config, ref: ChannelRef): boolean {
  return configured(config, ref.kind).some((c) => c.name === ref.name);
}

/** Email needs an smtp section to send; the other kinds answer through their own connection. */
export function canSend(config: Config, ref: ChannelRef): boolean {
  const channel = configured(config, ref.kind).find((c) => c.name === ref.name);
  if (!channel) return false;
  return ref.kind !== 'email' || channel.smtp !== undefined;
}

export function replyChannelOf(config: Config, ref: ChannelRef): ReplyChannel {
  return { kind: ref.kind, name: ref.name, available: canSend(config, ref) };
}

/** Channel names the sidebar may list: only those in the config. */
export function configuredChannelNames(config: Config): Set<string> {
  return new Set(Object.values(config.channels as Record<string, Array<{ name: string }>>).flatMap((list) => list.map((c) => c.name)));
}

/**
 * The first channel that can start a conversation with a contact: email, since a widget can
 * only answer a visitor who is chatting.
 */
export function firstOutboundChannel(config: Config): ChannelRef | null {
  const email = config.channels.email.find((c) => c.smtp !== undefined);
  return email ? { kind: 'email', name: email.name } : null;
}
