export interface BotSettingsTable {
  /** the widget channel's name (channels are declared in config.yaml) */
  channel: string;
  enabled: number;
  /** 0..1: how much of the visitor's message an article's title or questions must cover to answer directly */
  threshold: number;
  /** articles offered on a weak match, 2 or 3 */
  max_offers: number;
  /** JSON: greeting before the answer, by language (en, zh-CN, zh-TW); optional */
  greetings: string;
  updated_at: number;
}

export interface BotTables {
  bot_settings: BotSettingsTable;
}
