import type { WidgetChannelConfig } from './config-schema.js';

/** The one tag a website owner pastes; shown to admins on the channels page. */
export function widgetEmbedSnippet(publicUrl: string, channel: WidgetChannelConfig): string {
  return `<script src="${publicUrl.replace(/\/+$/, '')}/widget.js" data-channel="${channel.name}" async></script>`;
}
