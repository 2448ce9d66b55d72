import type { WidgetConfigView } from '../../server/channels/widget/protocol.js';
import type { Translate } from './i18n.js';
import { formatSize } from './kf-chat-composer.js';

/** Server refusals in the visitor's language: the error code picks the sentence, never the server's English text. */
export function errorText(t: Translate, code: string, cfg: WidgetConfigView | null, name = ''): string {
  switch (code) {
    case 'rate_limited':
      return t('rateLimited');
    case 'message_too_long':
      return t('tooLong', { max: cfg?.maxMessageChars ?? 0 });
    case 'payload_too_large':
      return t('fileTooBig', { name, size: formatSize(cfg?.uploads.maxBytes ?? 0) });
    case 'file_type_not_allowed':
    case 'file_content_mismatch':
      return t('fileType', { name });
    case 'upload_budget_exceeded':
      return t('uploadBudget');
    case 'storage_full':
      return t('storageFull');
    case 'transcript_address_unverified':
      return t('transcriptUnverified');
    case 'transcript_already_sent':
      return t('transcriptAlreadySent');
    case 'portal_no_tickets':
      return t('portalNoTickets');
    case 'validation':
      return t('invalidEmail');
    default:
      return t('error');
  }
}
