/** The parts of a Cloud API webhook Kefu reads (developers.facebook.com, webhooks "messages"). */
export interface WaMedia {
  id: string;
  mime_type?: string;
  caption?: string;
  filename?: string;
}

export interface WaMessage {
  from: string;
  id: string;
  timestamp?: string;
  type: string;
  text?: { body?: string };
  image?: WaMedia;
  document?: WaMedia;
  audio?: WaMedia;
  video?: WaMedia;
  sticker?: WaMedia;
  location?: { latitude?: number; longitude?: number; name?: string; address?: string };
  /** A tap on a template's quick-reply button. */
  button?: { text?: string; payload?: string };
  interactive?: { type?: string; button_reply?: { id?: string; title?: string }; list_reply?: { id?: string; title?: string; description?: string } };
  reaction?: { message_id?: string; emoji?: string };
}

export interface WaStatus {
  id: string;
  status: string;
  recipient_id?: string;
  errors?: Array<{ code?: number; title?: string; message?: string; error_data?: { details?: string } }>;
}

export interface WaChange {
  phoneNumberId: string | null;
  names: Map<string, string>;
  messages: WaMessage[];
  statuses: WaStatus[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Throws with a reason for a body that is not a WhatsApp webhook at all. */
export function readChanges(body: unknown): WaChange[] {
  if (!isObject(body) || body.object !== 'whatsapp_business_account' || !Array.isArray(body.entry)) {
    throw new Error('not a whatsapp_business_account webhook');
  }
  const out: WaChange[] = [];
  for (const entry of body.entry) {
    const changes = isObject(entry) && Array.isArray(entry.changes) ? entry.changes : [];
    for (const change of changes) {
      if (!isObject(change) || change.field !== 'messages' || !isObject(change.value)) continue;
      const value = change.value;
      const metadata = isObject(value.metadata) ? value.metadata : {};
      const names = new Map<string, string>();
      for (const c of Array.isArray(value.contacts) ? value.contacts : []) {
        if (isObject(c) && typeof c.wa_id === 'string' && isObject(c.profile) && typeof c.profile.name === 'string') names.set(c.wa_id, c.profile.name);
      }
      const messages = (Array.isArray(value.messages) ? value.messages : []).filter(
        (m): m is WaMessage => isObject(m) && typeof m.from === 'string' && typeof m.id === 'string' && typeof m.type === 'string',
      );
      const statuses = (Array.isArray(value.statuses) ? value.statuses : []).filter(
        (s): s is WaStatus => isObject(s) && typeof s.id === 'string' && typeof s.status === 'string',
      );
      out.push({ phoneNumberId: typeof metadata.phone_number_id === 'string' ? metadata.phone_number_id : null, names, messages, statuses });
    }
  }
  return out;
}

/** The media part of a message, if it has one Kefu keeps. */
export function mediaOf(m: WaMessage): WaMedia | null {
  const media = m.type === 'image' ? m.image : m.type === 'document' ? m.document : m.type === 'audio' ? m.audio : m.type === 'video' ? m.video : m.type === 'sticker' ? m.sticker : undefined;
  return media && typeof media.id === 'string' ? media : null;
}

/**
 * The text an agent reads: the body, a caption, a button's label, a location as an address with a
 * map link; a kind Kefu cannot show is named in brackets so the message is never blank.
 */
export function textOf(m: WaMessage): string {
  if (m.type === 'text') return m.text?.body ?? '';
  if (m.type === 'button') return m.button?.text ?? m.button?.payload ?? '';
  if (m.type === 'interactive') return m.interactive?.button_reply?.title ?? m.interactive?.list_reply?.title ?? '';
  if (m.type === 'reaction') return m.reaction?.emoji ?? '';
  if (m.type === 'location' && m.location) {
    const { latitude, longitude, name, address } = m.location;
    const place = [name, address].filter(Boolean).join(', ');
    const link = latitude !== undefined && longitude !== undefined ? `https://maps.google.com/?q=${latitude},${longitude}` : '';
    return [place, link].filter(Boolean).join('\n');
  }
  const media = mediaOf(m);
  if (media) return media.caption ?? '';
  return `[${m.type}]`;
}
