// An agent reply whose mail the SMTP server took but never confirmed: the timeline tells the agent
// it may have been delivered and was not sent again, on a desktop and on a phone.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { EmailChannelConfig } from '../../server/channels/email/config-schema.js';
import { registerEmailSender } from '../../server/channels/email/index.js';
import { ingestRawEmail } from '../../server/channels/email/ingest.js';
import { launchChromium, screenshotPath } from '../helpers/browser.js';
import { startFlakySmtp, type FlakySmtp } from '../helpers/smtp-flaky.js';
import { buildMail } from '../server/channels/email/mail-builder.js';
import { apiAs, buildAgentApp, openTicket, signedInPage, startAgentServer, type AgentServer } from './agent-server.js';

let server: AgentServer;
let browser: Browser;
let smtp: FlakySmtp;
let ticketId: number;

beforeAll(async () => {
  smtp = await startFlakySmtp();
  const webRoot = await buildAgentApp('email-uncertain');
  server = await startAgentServer(webRoot, {
    channels: { email: [{ name: 'support', address: 'support@example.com', smtp: { host: smtp.host, port: smtp.port, security: 'none' } }] },
  });
  registerEmailSender(server.ctx);
  const channel = server.ctx.config.channels.email[0] as EmailChannelConfig;
  const res = await ingestRawEmail(server.ctx, channel, buildMail({ from: 'Dana Whitfield <dana@example.org>', subject: 'Where is my parcel?', body: 'It was due on Monday.' }));
  ticketId = res.ticketId as number;
  const admin = await apiAs(server, server.admin.email);
  await admin('POST', `/tickets/${ticketId}/messages`, { kind: 'reply', text: 'It left our warehouse today; here is the tracking link.' });
  smtp.script.push('drop');
  await server.ctx.outbox.runOnce();
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await smtp?.close();
});

async function look(viewport: { width: number; height: number }, name: string): Promise<Page> {
  const page = await signedInPage(browser, server, { context: { viewport } });
  await openTicket(page, ticketId);
  const delivery = page.locator('kf-timeline .delivery.failed');
  await delivery.waitFor();
  expect(await delivery.textContent()).toMatch(/uncertain/i);
  await page.screenshot({ path: screenshotPath(name) });
  const extra = process.env.KEFU_SHOTS_DIR;
  if (extra) {
    mkdirSync(extra, { recursive: true });
    await page.screenshot({ path: path.join(extra, `${name}.png`) });
  }
  return page;
}

describe('a reply whose delivery is uncertain', () => {
  it('shows the agent it may have been delivered and was not sent again (desktop)', async () => {
    const page = await look({ width: 1440, height: 900 }, 'email-delivery-uncertain-1440');
    await page.context().close();
    expect(smtp.received).toHaveLength(1);
  });

  it('shows the same on a phone', async () => {
    const page = await look({ width: 375, height: 812 }, 'email-delivery-uncertain-375');
    await page.context().close();
  });
});
