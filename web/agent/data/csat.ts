/** Satisfaction survey settings, as the API returns them. */
import type { ApiClient } from '../../shared/api.js';
import { t } from '../../shared/i18n/i18n.js';
import type { Csat } from '../../shared/types.js';

export type CsatScale = '1-5' | 'faces';

export interface CsatSettings {
  enabled: boolean;
  delayMinutes: number;
  scale: CsatScale;
  channels: string[];
  questions: Partial<Record<'en' | 'zh-CN' | 'zh-TW', string>>;
}

export const csatSettings = {
  get: (api: ApiClient) => api.get<{ csat: CsatSettings }>('/csat/settings').then((r) => r.csat),
  update: (api: ApiClient, patch: Partial<CsatSettings>) => api.patch<{ csat: CsatSettings }>('/csat/settings', { csat: patch }).then((r) => r.csat),
};

/** How a score reads on the ticket: a face on the faces scale (1, 3, 5), else n/5. */
export const CSAT_FACES: Record<number, string> = { 1: '😞', 3: '😐', 5: '😀' };

export function csatLabel(c: Csat): string {
  const face = c.scale === 'faces' ? CSAT_FACES[c.score] : undefined;
  return face ? t('ticket.csatFaces', { face }) : t('ticket.csat', { score: c.score });
}

export function csatTitle(c: Csat): string {
  const what = c.source === 'email' ? t('ticket.csatEmail') : t('ticket.csatTitle');
  return c.comment ? `${what}: ${c.comment}` : what;
}

/** A rating line's meta (the widget's and the survey's) as the ticket's rating, for live updates. */
export function csatFromMeta(meta: Record<string, unknown>, at: string): Csat {
  return {
    score: Number(meta.score),
    comment: typeof meta.comment === 'string' ? meta.comment : null,
    at,
    scale: meta.scale === 'faces' ? 'faces' : '1-5',
    source: meta.source === 'email' ? 'email' : 'widget',
    ratedAt: at,
  };
}
