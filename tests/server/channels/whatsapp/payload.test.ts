import { describe, expect, it } from 'vitest';
import { textOf, type WaMessage } from '../../../../server/channels/whatsapp/payload.js';

const base = { from: '8613800138000', id: 'wamid.X' };

describe('WhatsApp message text', () => {
  it.each<[string, Partial<WaMessage> & { type: string }, string]>([
    ['text', { type: 'text', text: { body: '你好' } }, '你好'],
    ['image caption', { type: 'image', image: { id: 'm1', caption: 'the box' } }, 'the box'],
    ['image without caption', { type: 'image', image: { id: 'm1' } }, ''],
    ['template quick-reply button', { type: 'button', button: { text: 'Track my order', payload: 'TRACK' } }, 'Track my order'],
    ['interactive button reply', { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes, please' } } }, 'Yes, please'],
    ['interactive list reply', { type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'r2', title: 'Refund' } } }, 'Refund'],
    ['reaction', { type: 'reaction', reaction: { message_id: 'wamid.Y', emoji: '👍' } }, '👍'],
    ['location', { type: 'location', location: { latitude: 31.2304, longitude: 121.4737, name: '外滩' } }, '外滩\nhttps://maps.google.com/?q=31.2304,121.4737'],
    ['unsupported kind', { type: 'unsupported' }, '[unsupported]'],
  ])('%s', (_name, message, expected) => {
    expect(textOf({ ...base, ...message } as WaMessage)).toBe(expected);
  });
});
