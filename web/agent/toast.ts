// Any component can report an outcome or a readable error; <kf-toaster> shows it.
import { ApiError } from '../shared/api.js';
import { t } from '../shared/i18n/i18n.js';

export interface ToastDetail {
  message: string;
  kind: 'info' | 'error';
}

export function toast(message: string, kind: ToastDetail['kind'] = 'info'): void {
  window.dispatchEvent(new CustomEvent<ToastDetail>('kf-toast', { detail: { message, kind } }));
}

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 0) return t('error.network');
    if (err.status === 403) return t('error.forbidden');
    if (err.status === 404) return t('error.notFound');
    if (err.status === 413) return t('error.tooLarge');
    if (err.code === 'whatsapp_window_closed') return t('error.whatsappWindowClosed');
    if (err.code === 'sms_text_only') return t('error.smsTextOnly');
    if (err.status >= 500) return t('error.server');
    return err.message || t('error.server');
  }
  return t('error.server');
}

export function toastError(err: unknown): void {
  if ((err as Error | null)?.name === 'AbortError') return;
  toast(errorMessage(err), 'error');
}
