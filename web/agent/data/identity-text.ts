// How the contact panel names one of a customer's identities.
import { currentLanguage } from '../../shared/i18n/i18n.js';
import type { Identity } from '../../shared/types.js';
import { kindLabel } from './kind-label.js';

/**
 * A widget visitor id means nothing to an agent: the channel's name stands for it. A Telegram user
 * id neither: the @username Telegram gave (kept on the contact's attributes) does, where known.
 */
export function identityText(i: Identity, attributes: Record<string, unknown> = {}): string {
  if (i.channelName) return i.channelName[currentLanguage()] ?? i.channelName.default ?? kindLabel(i.kind);
  if (i.kind === 'telegram' && typeof attributes.telegram_username === 'string') return `@${attributes.telegram_username}`;
  return i.kind === 'widget' ? kindLabel(i.kind) : i.value;
}
