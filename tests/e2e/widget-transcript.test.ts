import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { registerEmailSender } from '../../server/channels/email/index.js';
import { screenshotPath } from '../helpers/browser.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { chatFrame, embedPage, identifyScript, sayAndEndChat, widgetStage, type HostPage, type WidgetServer, type WidgetStage } from './widget-setup.js';

const SECRET = 'acme-identity-secret-2026';

describe('widget transcript in Chromium: only to a verified address, once', () => {
  let stage: WidgetStage;
  let kefu: WidgetServer;
  let site: HostPage;
  let smtp: SmtpSink;
  let browser: Browser;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    stage = await widgetStage(
      (origin) => [{ name: 'website', allowed_origins: [origin], offline_when_no_agent: false, identity_secret: SECRET, email_channel: 'support', title: 'Acme Support' }],
      { email: [{ name: 'support', address: 'support@acme.test', smtp: { host: smtp.host, port: smtp.port, security: 'none' } }] },
    );
    ({ kefu, site, browser } = stage);
    // The serving process's workers would do this; here only the outbox runs.
    registerEmailSender(kefu.ctx);
    site.set('/', embedPage(kefu.url, 'website'));
    const identify = identifyScript(SECRET, { id: 'user-7', name: 'Grace Hopper', email: 'grace@example.com' });
    site.set('/account', embedPage(kefu.url, 'website', identify));
  });
  afterAll(async () => {
    await stage?.close();
    await smtp?.close();
  });

  const chat = chatFrame;

  async function chatAndEnd(path: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(10_000);
    await page.goto(`${site.origin}${path}`);
    await chat(page).locator('.launcher').click();
    await sayAndEndChat(page, 'Thanks, that is all.');
    return page;
  }

  it('offers an anonymous visitor no transcript by email', async () => {
    const page = await chatAndEnd('/');
    await chat(page).locator('kf-chat-rating h3').waitFor();
    expect(await chat(page).locator('kf-chat-rating form').count()).toBe(0);
    await page.close();
  });

  it('mails an identified visitor’s transcript to their verified address once, and says so when asked again', async () => {
    const page = await chatAndEnd('/account');
    const form = chat(page).locator('kf-chat-rating form');
    expect(await form.locator('input[type=email]').inputValue()).toBe('grace@example.com');
    expect(await form.locator('input[type=email]').getAttribute('readonly')).not.toBeNull();
    await form.locator('button[type=submit]').click();
    await chat(page).getByText('The transcript is on its way.').waitFor();
    const [mail] = await smtp.waitFor(1);
    expect(mail?.to).toEqual(['grace@example.com']);
    expect(mail?.raw.toString()).toContain('Thanks, that is all.');
    await form.locator('button[type=submit]').click();
    await chat(page).getByText('The transcript of this chat was already sent.').waitFor();
    await page.screenshot({ path: screenshotPath('widget-transcript-once') });
    expect(smtp.messages).toHaveLength(1);
    await page.close();
  });
});
