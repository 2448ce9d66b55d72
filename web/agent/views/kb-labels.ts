import { t } from '../../shared/i18n/i18n.js';
import type { KbStatus } from '../data/kb.js';

export function statusLabel(s: KbStatus): string {
  return s === 'draft' ? t('kb.statusDraft') : s === 'published' ? t('kb.statusPublished') : t('kb.statusArchived');
}
