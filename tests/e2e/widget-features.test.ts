import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { screenshotPath } from '../helpers/browser.js';
import { gradientPng } from '../helpers/png.js';
import { chatFrame, embedPage, identifyScript, sayAndEndChat, widgetStage, type HostPage, type WidgetServer, type WidgetStage } from './widget-setup.js';

const SECRET = 'acme-identity-secret-2026';
const PNG = gradientPng(240, 160, [16, 185, 129], [37, 99, 235]);

describe('widget files, end of chat and identified visitors in Chromium', () => {
  let stage: WidgetStage;
  let kefu: WidgetServer;
  let site: HostPage;
  let browser: Browser;

  beforeAll(async () => {
    stage = await widgetStage((origin) => [
      { name: 'website', allowed_origins: [origin], offline_when_no_agent: false, identity_secret: SECRET, max_upload_mb: 0.0625, title: 'Acme Support' },
    ]);
    ({ kefu, site, browser } = stage);
    site.set('/', embedPage(kefu.url, 'website'));
    const identify = identifyScript(SECRET, { id: 'user-1906', name: 'Grace Hopper', email: 'grace@example.com' });
    site.set('/account', embedPage(kefu.url, 'website', identify));
  });
  afterAll(async () => stage?.close());

  const chat = chatFrame;
  async function open(path: string, page?: Page): Promise<Page> {
    const p = page ?? (await browser.newPage({ viewport: { width: 1280, height: 800 } }));
    p.setDefaultTimeout(10_000);
    await p.goto(`${site.origin}${path}`);
    await chat(p).locator('.launcher').click();
    await chat(p).locator('textarea').waitFor();
    return p;
  }

  it('sends a picked image, shows it inline, and refuses a file over the limit before uploading it', async () => {
    const page = await open('/');
    let uploads = 0;
    page.on('request', (r) => {
      if (r.url().endsWith('/uploads')) uploads++;
    });
    await chat(page).locator('input[type=file]').setInputFiles({ name: 'tent.png', mimeType: 'image/png', buffer: PNG });
    await chat(page).locator('img.image').waitFor();
    expect(uploads).toBe(1);
    const stored = await kefu.ctx.db.selectFrom('attachments').select(['name', 'content_type']).execute();
    expect(stored).toContainEqual({ name: 'tent.png', content_type: 'image/png' });

    await chat(page).locator('input[type=file]').setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: Buffer.concat([PNG, Buffer.alloc(70_000)]) });
    await chat(page).getByText('huge.png is larger than 64 KB.').waitFor();
    expect(uploads).toBe(1);
    await page.screenshot({ path: screenshotPath('widget-file-sent') });
    await page.close();
  });

  /** A real DOM event carrying a DataTransfer with one PNG: what the browser dispatches for a drag, a drop or a paste. */
  async function fileEvent(page: Page, selector: string, type: 'dragover' | 'drop' | 'paste', name: string): Promise<void> {
    await chat(page)
      .locator(selector)
      .evaluate(
        (el, { type, name, data }) => {
          const dt = new DataTransfer();
          dt.items.add(new File([new Uint8Array(data)], name, { type: 'image/png' }));
          const init = { bubbles: true, composed: true, cancelable: true };
          el.dispatchEvent(type === 'paste' ? new ClipboardEvent(type, { ...init, clipboardData: dt }) : new DragEvent(type, { ...init, dataTransfer: dt }));
        },
        { type, name, data: [...PNG] },
      );
  }

  it('sends a dropped file and a pasted image, with the drop zone shown while dragging', async () => {
    const page = await open('/');
    await fileEvent(page, 'section.panel', 'dragover', 'dropped.png');
    await chat(page).locator('.drop').waitFor();
    await fileEvent(page, 'section.panel', 'drop', 'dropped.png');
    await chat(page).locator('img.image').first().waitFor();
    expect(await chat(page).locator('.drop').count()).toBe(0);

    await fileEvent(page, 'textarea', 'paste', 'pasted.png');
    await expect.poll(() => chat(page).locator('img.image').count()).toBe(2);
    const names = (await kefu.ctx.db.selectFrom('attachments').select('name').execute()).map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['dropped.png', 'pasted.png']));
    await page.close();
  });

  it('ends the chat and stores the 1–5 rating and comment on the ticket', async () => {
    const page = await open('/');
    await sayAndEndChat(page, 'Thanks, that is all.');
    await chat(page).locator('button[aria-label="4 of 5"]').click();
    await chat(page).locator('kf-chat-rating textarea').fill('Quick and friendly');
    await page.screenshot({ path: screenshotPath('widget-rating') });
    await chat(page).locator('kf-chat-rating button.primary').click();
    await chat(page).getByText('Thank you for your feedback!').waitFor();
    const csat = await kefu.ctx.db.selectFrom('csat_ratings').select(['score', 'comment']).execute();
    expect(csat).toEqual([{ score: 4, comment: 'Quick and friendly' }]);
    await page.close();
  });

  it('continues an identified user’s chat on another device', async () => {
    const laptop = await open('/account');
    await expect.poll(async () => (await kefu.ctx.db.selectFrom('widget_visitors').select('id').where('external_id', '=', 'user-1906').execute()).length).toBe(1);
    await chat(laptop).locator('textarea').fill('Question from my laptop');
    await chat(laptop).locator('textarea').press('Enter');
    await chat(laptop).locator('[data-status]').last().waitFor();
    await laptop.close();

    const phoneContext = await browser.newContext({ viewport: { width: 375, height: 740 } });
    const phone = await open('/account', await phoneContext.newPage());
    await chat(phone).getByText('Question from my laptop').waitFor();
    const contact = await kefu.ctx.db
      .selectFrom('contact_identities')
      .innerJoin('contacts', 'contacts.id', 'contact_identities.contact_id')
      .select(['contacts.name', 'contact_identities.value'])
      .where('contact_identities.kind', '=', 'external')
      .executeTakeFirstOrThrow();
    expect(contact).toEqual({ name: 'Grace Hopper', value: 'website:user-1906' });
    await phoneContext.close();
  });
});
