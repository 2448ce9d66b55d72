import { t, type MessageKey } from '../shared/i18n/i18n.js';

const KIND_LABELS: Record<string, MessageKey> = {
  email: 'channels.kindEmail',
  widget: 'channels.kindWidget',
  wechat: 'search.channelWechat',
  telegram: 'search.channelTelegram',
  whatsapp: 'search.channelWhatsapp',
  twilio: 'search.channelSms',
  api: 'search.channelApi',
};

/** What a channel is to an agent ("WhatsApp", "SMS"), next to its configured name. */
export function channelKindLabel(kind: string): string {
  const key = KIND_LABELS[kind];
  return key ? t(key) : kind;
}

/**
 * "SMS · support-us", or only "SMS" for a channel named after its kind. Email and widget channels
 * keep their bare name: an address or a site name already says what they are.
 */
export function channelTitle(channel: { kind: string; name: string }): string {
  if (channel.kind === 'email' || channel.kind === 'widget') return channel.name;
  const label = channelKindLabel(channel.kind);
  return label.toLowerCase() === channel.name.toLowerCase() || channel.kind === channel.name ? label : `${label} · ${channel.name}`;
}
