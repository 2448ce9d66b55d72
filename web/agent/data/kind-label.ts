import { t } from '../../shared/i18n/i18n.js';

/** A channel or identity kind in words; kinds Kefu has no words for (webhook names) are shown as they are. */
export function kindLabel(kind: string): string {
  switch (kind) {
    case 'email':
      return t('channels.kindEmail');
    case 'widget':
    case 'visitor':
      return t('channels.kindWidget');
    case 'wechat':
      return t('channels.kindWechat');
    case 'phone':
      return t('contact.phone');
    case 'whatsapp':
      return t('search.channelWhatsapp');
    case 'twilio':
    case 'sms':
      return t('search.channelSms');
    case 'telegram':
      return t('search.channelTelegram');
    case 'api':
    case 'external':
      return t('search.channelApi');
    default:
      return kind;
  }
}

/**
 * "SMS · support-us", or only "SMS" for a channel named after its kind. Email and widget channels
 * keep their bare name: an address or a site name already says what they are.
 */
export function channelTitle(channel: { kind: string; name: string }): string {
  if (channel.kind === 'email' || channel.kind === 'widget') return channel.name;
  const label = kindLabel(channel.kind);
  return label.toLowerCase() === channel.name.toLowerCase() || channel.kind === channel.name ? label : `${label} · ${channel.name}`;
}
