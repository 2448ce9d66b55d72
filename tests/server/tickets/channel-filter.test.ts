import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketView } from '../../../server/modules/tickets/schemas.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { as, inboundTicket } from './fixtures.js';

let t: TestApp;
const bot = (name: string) => ({ name, bot_token: '1:token', webhook_secret: 'secret', api_base_url: 'http://127.0.0.1:9' });

beforeAll(async () => {
  // A bot named like its kind: `?channel=telegram` must mean that channel, not every Telegram bot.
  t = await createTestApp({ channels: { telegram: [bot('telegram'), bot('sales-bot')] } });
  await inboundTicket(t, { channel: { kind: 'telegram', name: 'telegram' }, subject: 'on the telegram bot' });
  await inboundTicket(t, { channel: { kind: 'telegram', name: 'sales-bot' }, subject: 'on the sales bot' });
  await inboundTicket(t, { channel: { kind: 'email', name: 'support' }, subject: 'by email' });
});
afterAll(async () => t.close());

const subjects = async (query: string) =>
  (await as(t, t.admin).get<{ items: TicketView[] }>(`/tickets?${query}`)).body.items.map((i) => i.subject).sort();

describe('GET /tickets?channel=', () => {
  it('filters by a configured channel name, even one spelled like a kind', async () => {
    expect(await subjects('channel=telegram')).toEqual(['on the telegram bot']);
    expect(await subjects('channel=sales-bot')).toEqual(['on the sales bot']);
    expect(await subjects('channel=support')).toEqual(['by email']);
  });

  it('filters by kind when no channel has that name', async () => {
    expect(await subjects('channel=email')).toEqual(['by email']);
  });
});
