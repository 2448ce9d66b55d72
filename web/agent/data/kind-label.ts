import { t } from '../../shared/i18n/i18n.js';

/** A channel or identity kind in words; kinds Kefu has no words for (webhook names) are shown as they are. */
export function kindLabel(kind: string): string {
  switch (kind) {
    case 'email':
      return t('channels.kindEmail');
    case 'widget':
    case 'visitor':
      return t('channels.kindWidget');
    case 'phone':
      return t('contact.phone');
    case 'api':
    case 'external':
      return t('channels.kindApi');
    case 'telegram':
      return t('channels.kindTelegram');
    default:
      return kind;
  }
}
