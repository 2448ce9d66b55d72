/** The answer bot's settings per widget channel, as the API returns them. */
import type { ApiClient } from '../../shared/api.js';

export type BotLanguage = 'en' | 'zh-CN' | 'zh-TW';

export interface BotSettings {
  channel: string;
  enabled: boolean;
  threshold: number;
  maxOffers: number;
  greetings: Partial<Record<BotLanguage, string>>;
}

export const botSettings = {
  get: (api: ApiClient, channel: string) => api.get<{ bot: BotSettings }>(`/bot/settings/${encodeURIComponent(channel)}`).then((r) => r.bot),
  update: (api: ApiClient, channel: string, patch: Partial<Omit<BotSettings, 'channel'>>) =>
    api.patch<{ bot: BotSettings }>(`/bot/settings/${encodeURIComponent(channel)}`, patch).then((r) => r.bot),
};
