/**
 * The one postMessage protocol between the loader (on the host page) and the chat frame (on Kefu's origin).
 * Every message carries `kefu: PROTOCOL`; both sides post to an explicit origin and check `event.origin`.
 */
import type { WidgetConfigView } from '../../server/channels/widget/protocol.js';

export const PROTOCOL = 'kefu-widget/1';

export interface IdentifyPayload {
  id: string;
  /** hex HMAC-SHA256 over `id + "\n" + email` (the email counts as verified) or over `id` alone */
  hash: string;
  name?: string;
  email?: string;
}

export type HostToFrame =
  | { kefu: typeof PROTOCOL; type: 'open' }
  | { kefu: typeof PROTOCOL; type: 'close' }
  | { kefu: typeof PROTOCOL; type: 'identify'; user: IdentifyPayload }
  /** The channel config the loader already fetched, so the frame need not fetch it again; null: it could not. */
  | { kefu: typeof PROTOCOL; type: 'config'; config: WidgetConfigView | null }
  /** the host viewport is phone-sized: the open panel takes the whole screen */
  | { kefu: typeof PROTOCOL; type: 'viewport'; mobile: boolean }
  /**
   * The frame's saved state (visitor token, unsent messages), kept in the host page's localStorage: browsers
   * that block third-party storage would otherwise forget the visitor on every page.
   */
  | { kefu: typeof PROTOCOL; type: 'storage'; items: Record<string, string | null> };

export type FrameToHost =
  | { kefu: typeof PROTOCOL; type: 'ready' }
  | { kefu: typeof PROTOCOL; type: 'state'; open: boolean }
  | { kefu: typeof PROTOCOL; type: 'unread'; count: number }
  /** the channel is not available to this page (origin not allowed, or hidden while offline) */
  | { kefu: typeof PROTOCOL; type: 'disabled' }
  | { kefu: typeof PROTOCOL; type: 'identified'; ok: boolean }
  | { kefu: typeof PROTOCOL; type: 'store'; key: string; value: string | null };

export function isProtocolMessage<T extends { kefu: string; type: string }>(data: unknown): data is T {
  return typeof data === 'object' && data !== null && (data as { kefu?: unknown }).kefu === PROTOCOL && typeof (data as { type?: unknown }).type === 'string';
}
