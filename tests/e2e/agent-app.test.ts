import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshotPath } from '../helpers/browser.js';
import { createAgent } from '../../server/modules/agents/service.js';
import { apiAs, buildAgentApp, inboundChat, inboundEmail, openTicket as showTicket, PASSWORD, signedInPage, startAgentServer, type AgentServer, type ApiCall } from './agent-server.js';

interface TicketJson {
  id: number;
  number: number;
  status: string;
  assignee: { id: number; name: string } | null;
}
interface MessageJson {
  id: number;
  kind: string;
  text: string;
  mentions: number[];
}

let server: AgentServer;
let browser: Browser;
let page: Page;
let api: ApiCall;
let mei: { id: number };
let emailTicket: number;
let chatTicket: number;

const openTicket = (id: number) => showTicket(page, id);

const ticket = (id: number) => api<{ ticket: TicketJson; messages: MessageJson[] }>('GET', `/tickets/${id}`);

beforeAll(async () => {
  const webRoot = await buildAgentApp('flows');
  server = await startAgentServer(webRoot);
  mei = await createAgent(server.ctx, { email: 'mei@example.test', name: 'Mei Lin', role: 'agent', password: PASSWORD });
  api = await apiAs(server, server.admin.email);
  emailTicket = (
    await inboundEmail(
      server.ctx,
      { email: 'li.wei@example.cn', name: '李伟' },
      '订单 #8812 还没有发货',
      '你好，我上周下的订单还没有发货，请帮忙查一下。',
      '<p>你好，</p><p>我上周下的订单 <b>#8812</b> 还没有发货，请帮忙查一下。</p>',
    )
  ).ticketId;
  chatTicket = (await inboundChat(server.ctx, 'visitor-1', 'Maria Gomez', 'Hi! Is the blue jacket available in size M?')).ticketId;
  browser = await launchChromium();
  page = await signedInPage(browser, server, { context: { viewport: { width: 1440, height: 900 } } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('agent app against a running Kefu', () => {
  it('signs in and shows the inbox with live counts', async () => {
    await page.evaluate(() => (location.hash = '#/inbox/all'));
    await page.waitForSelector('kf-ticket-list .row');
    const rows = await page.locator('kf-ticket-list .row').count();
    expect(rows).toBeGreaterThanOrEqual(2);
    await expect.poll(() => page.locator('kf-sidebar a.item[aria-current=page] .count').textContent()).toBe('2');
  });

  it('opens an email ticket and shows its HTML in a sandboxed frame', async () => {
    await openTicket(emailTicket);
    const frame = page.locator('kf-email-frame iframe');
    // Scripts and forms stay off; same-origin lets the app size the frame to its content.
    const sandbox = ((await frame.getAttribute('sandbox')) ?? '').split(/\s+/);
    expect(sandbox).not.toContain('allow-scripts');
    expect(sandbox).not.toContain('allow-forms');
    expect(sandbox).toContain('allow-same-origin');
    await expect
      .poll(() => frame.evaluate((f) => (f as HTMLIFrameElement).contentDocument!.documentElement.scrollHeight - f.getBoundingClientRect().height))
      .toBeLessThanOrEqual(2);
    const srcdoc = await frame.evaluate((f) => (f as HTMLIFrameElement).srcdoc);
    expect(srcdoc).toContain('Content-Security-Policy');
    expect(srcdoc).toContain('<b>#8812</b>');
    expect(await page.locator('kf-composer .fields').textContent()).toContain('li.wei@example.cn');
  });

  it('replies to a chat ticket with Enter', async () => {
    await openTicket(chatTicket);
    expect(await page.locator('kf-composer .fields').count()).toBe(0);
    await page.click('kf-composer textarea');
    await page.keyboard.type('Yes, size M is in stock.');
    await page.keyboard.press('Enter');
    await page.waitForSelector('kf-timeline article.outbound');
    const { messages } = await ticket(chatTicket);
    expect(messages.some((m) => m.kind === 'outbound' && m.text === 'Yes, size M is in stock.')).toBe(true);
  });

  it('shows when the chat customer is typing, and stops when they stop', async () => {
    await openTicket(chatTicket);
    const scope = await server.ctx.db.selectFrom('tickets').select(['assignee_id', 'team_id']).where('id', '=', chatTicket).executeTakeFirstOrThrow();
    const signal = (typing: boolean) =>
      server.ctx.bus.emit({ type: 'widget.typing', ticketId: chatTicket, assigneeId: scope.assignee_id, teamId: scope.team_id, typing, actor: { kind: 'system' } });
    signal(true);
    await page.waitForSelector('kf-ticket-view .collision.customer');
    await page.screenshot({ path: screenshotPath('agent-customer-typing') });
    signal(false);
    await page.waitForSelector('kf-ticket-view .collision.customer', { state: 'detached' });
  });

  it('adds an internal note that mentions a teammate', async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('n');
    await page.keyboard.type('Please check stock @Me');
    await page.waitForSelector('kf-composer .pop.suggest .item');
    await page.keyboard.press('Enter');
    await page.keyboard.type('thanks');
    expect(await page.locator('kf-composer textarea').inputValue()).toBe('Please check stock @Mei Lin thanks');
    await page.click('kf-composer [data-action=send]');
    await page.waitForSelector('kf-timeline article.note .mention');
    const { messages } = await ticket(chatTicket);
    const note = messages.find((m) => m.kind === 'note');
    expect(note?.text).toContain('@Mei Lin');
    expect(note?.mentions).toEqual([mei.id]);
  });

  it('assigns the ticket to an agent from the picker', async () => {
    await page.click('kf-ticket-view [data-action=assign]');
    await page.fill('kf-picker input', 'Mei');
    await page.click('kf-picker button.item:has-text("Mei Lin")');
    await expect.poll(async () => (await ticket(chatTicket)).ticket.assignee?.id).toBe(mei.id);
    expect(await page.locator('kf-ticket-view [data-action=assign]').textContent()).toContain('Mei Lin');
  });

  it('resolves the open ticket with the e key', async () => {
    await page.locator('kf-timeline').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('e');
    await expect.poll(async () => (await ticket(chatTicket)).ticket.status).toBe('resolved');
  });

  it('searches in Chinese and opens the hit', async () => {
    await page.keyboard.press('/');
    await page.fill('kf-search input', '发货');
    await page.waitForSelector('kf-search a.hit mark');
    expect(await page.locator('kf-search a.hit mark').first().textContent()).toContain('发货');
    await page.keyboard.press('Enter');
    await page.waitForFunction((id) => location.hash.endsWith(`/ticket/${id}`), emailTicket);
  });

  it('shows a new ticket live, without a reload', async () => {
    await page.evaluate(() => (location.hash = '#/inbox/all'));
    await page.waitForSelector('kf-ticket-list .row');
    await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 1));
    const created = await inboundChat(server.ctx, 'visitor-live', 'Live Visitor', 'Hello, anyone there?');
    await page.waitForSelector(`kf-ticket-list .row[data-ticket-id="${created.ticketId}"]`, { timeout: 10_000 });
    expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(1);
  });

  it('keeps the draft when the session expires mid-reply, then sends it', async () => {
    await openTicket(emailTicket);
    await page.click('kf-composer textarea');
    await page.keyboard.type('Your parcel left our warehouse today.');
    await server.ctx.db.deleteFrom('sessions').execute();
    // Dispatched, not clicked: a request the open ticket still had under way may meet the ended
    // session first and put the sign-in overlay over the composer before the pointer gets there.
    await page.locator('kf-composer [data-action=send]').dispatchEvent('click');
    await page.waitForSelector('kf-login[overlay]');
    expect(await page.locator('kf-composer textarea').inputValue()).toBe('Your parcel left our warehouse today.');
    await page.fill('kf-login[overlay] input[name=password]', PASSWORD);
    await page.click('kf-login[overlay] button[type=submit]');
    await page.waitForSelector('kf-login[overlay]', { state: 'detached' });
    await page.click('kf-composer [data-action=send]');
    await page.waitForSelector('kf-timeline article.outbound');
    api = await apiAs(server, server.admin.email);
    const { messages } = await ticket(emailTicket);
    expect(messages.some((m) => m.kind === 'outbound' && m.text === 'Your parcel left our warehouse today.')).toBe(true);
  });

  it('moves through the list with j and k', async () => {
    await page.evaluate(() => (location.hash = '#/inbox/all'));
    await page.waitForSelector('kf-ticket-list .row');
    const ids = await page.locator('kf-ticket-list .row').evaluateAll((rows) =>
      rows.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top).map((r) => Number(r.getAttribute('data-ticket-id'))),
    );
    // Tickets opened from the list come over the live connection, not as HTTP requests.
    const ticketGets: string[] = [];
    const onRequest = (r: { url(): string; method(): string }) => {
      if (r.method() === 'GET' && /\/api\/v1\/tickets\/\d+$/.test(r.url())) ticketGets.push(r.url());
    };
    page.on('request', onRequest);
    const shown = (id: number | undefined) => page.waitForSelector(`kf-ticket-view[data-ticket="${id}"] >> kf-timeline article[data-message-id]`);
    await page.click(`kf-ticket-list .row[data-ticket-id="${ids[0]}"] .subject`);
    await page.waitForFunction((id) => location.hash.endsWith(`/ticket/${id}`), ids[0]);
    await shown(ids[0]);
    await page.keyboard.press('j');
    await page.waitForFunction((id) => location.hash.endsWith(`/ticket/${id}`), ids[1]);
    await shown(ids[1]);
    await page.keyboard.press('k');
    await page.waitForFunction((id) => location.hash.endsWith(`/ticket/${id}`), ids[0]);
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => location.hash === '#/inbox/all');
    await page.keyboard.press('Enter');
    await page.waitForFunction((id) => location.hash.endsWith(`/ticket/${id}`), ids[0]);
    await shown(ids[0]);
    page.off('request', onRequest);
    expect(ticketGets).toEqual([]);
    // The address bar follows each ticket opened, so the browser's back button retraces them.
    await page.keyboard.press('j');
    await shown(ids[1]);
    await page.waitForFunction((id) => location.hash.endsWith(`/ticket/${id}`), ids[1]);
    await page.goBack();
    await shown(ids[0]);
    expect(page.url()).toContain(`/ticket/${ids[0]}`);
  });

  it('labels several tickets at once from the bulk bar', async () => {
    await api('POST', '/labels', { name: 'urgent-ship', color: '#d23f3f' });
    await page.reload();
    await page.waitForSelector('kf-ticket-list .row');
    await page.evaluate(() => (location.hash = '#/inbox/all'));
    await page.locator('kf-inbox .head h1').click();
    for (const key of ['k', 'k', 'x', 'j', 'x']) await page.keyboard.press(key);
    await page.waitForSelector('kf-inbox .bulk');
    expect(await page.locator('kf-inbox .bulk .n').textContent()).toBe('2 selected');
    const checked = await page.locator('kf-ticket-list .row.checked').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-ticket-id'))));
    await page.click('kf-inbox .bulk button:has-text("Label")');
    await page.click('kf-picker button.item:has-text("urgent-ship")');
    for (const id of checked) await expect.poll(async () => (await api<{ ticket: { labels: string[] } }>('GET', `/tickets/${id}`)).ticket.labels).toContain('urgent-ship');
  });

  it('fills a canned reply and selects the placeholder left to fill', async () => {
    await api('POST', '/canned-replies', { shortcut: 'track', title: 'Tracking', body: 'Hi {{contact.name}}, your tracking number is {{tracking}}.' });
    await openTicket(emailTicket);
    await page.click('kf-composer textarea');
    await page.keyboard.type('/tra');
    await page.waitForSelector('kf-composer .pop.suggest .item:has-text("/track")');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('kf-composer textarea').inputValue()).toBe('Hi 李伟, your tracking number is {{tracking}}.');
    await page.keyboard.type('SF123');
    expect(await page.locator('kf-composer textarea').inputValue()).toBe('Hi 李伟, your tracking number is SF123.');
    await page.locator('kf-composer textarea').fill('');
  });

  it('attaches a file by the picker and shows the image in the timeline', async () => {
    await openTicket(emailTicket);
    await page.keyboard.press('Escape');
    await page.keyboard.press('n');
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    await page.setInputFiles('kf-composer input[type=file]', { name: 'receipt.png', mimeType: 'image/png', buffer: png });
    await page.waitForSelector('kf-composer .file:not(.err) .faint:has-text("B")');
    await page.keyboard.type('Receipt from the customer');
    await page.click('kf-composer [data-action=send]');
    await page.waitForSelector('kf-timeline article.note .thumb img');
    const { messages } = await ticket(emailTicket);
    const note = messages.find((m) => m.text === 'Receipt from the customer') as (MessageJson & { attachments: { name: string }[] }) | undefined;
    expect(note?.attachments.map((a) => a.name)).toEqual(['receipt.png']);
  });

  it('warns when a teammate opens the same ticket', async () => {
    const other = await signedInPage(browser, server, { email: 'mei@example.test' });
    await showTicket(other, emailTicket);
    await page.waitForSelector('kf-ticket-view .collision');
    expect(await page.locator('kf-ticket-view .collision').textContent()).toContain('Mei Lin');
    await other.close();
  });

  it('snoozes with a preset and merges a ticket into another', async () => {
    const a = (await inboundEmail(server.ctx, { email: 'dup@example.test', name: 'Dup' }, 'First', 'one')).ticketId;
    const b = (await inboundEmail(server.ctx, { email: 'dup@example.test', name: 'Dup' }, 'Second', 'two')).ticketId;
    await openTicket(a);
    await page.locator('kf-timeline').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('s');
    await page.click('kf-picker button.item >> nth=2');
    await expect.poll(async () => (await ticket(a)).ticket.status).toBe('snoozed');
    await page.click('kf-ticket-view button[title="More actions"]');
    await page.click('kf-picker button.item >> nth=0');
    await page.click(`kf-ticket-dialog .res:has-text("Second")`);
    await page.click('kf-ticket-dialog [data-action=confirm-merge]');
    await page.waitForFunction((id) => location.hash.endsWith(`/ticket/${id}`), b);
    const merged = await ticket(b);
    expect(merged.messages.map((m) => m.text)).toEqual(expect.arrayContaining(['one', 'two']));
  });

  it('edits the contact from the sidebar', async () => {
    await openTicket(chatTicket);
    await page.click('kf-contact-panel [data-action=edit-contact]');
    await page.fill('kf-contact-panel input[name=email]', 'maria@example.test');
    await page.click('kf-contact-panel button:has-text("Save")');
    await page.waitForSelector('kf-contact-panel [data-action=edit-contact]');
    const { contact } = await api<{ contact: { email: string } }>('GET', `/tickets/${chatTicket}`);
    expect(contact.email).toBe('maria@example.test');
  });

  it('sets presence to away for the whole team', async () => {
    await page.click('kf-sidebar .me');
    await page.click('kf-sidebar .pop button:has-text("Away")');
    await expect
      .poll(async () => (await api<{ items: { id: number; presence: string }[] }>('GET', '/agents')).items.find((a) => a.id === server.admin.id)?.presence)
      .toBe('away');
  });

  it('shows a reconnecting state after a network drop and catches up on what it missed', async () => {
    await page.evaluate(() => (location.hash = '#/inbox/all'));
    await page.waitForSelector('kf-ticket-list .row');
    const wss = (server.app as unknown as { websocketServer: { clients: Set<{ terminate(): void }> } }).websocketServer;
    for (const client of wss.clients) client.terminate();
    await page.waitForSelector('kf-shell .banner');
    const missed = await inboundChat(server.ctx, 'visitor-offline', 'Missed While Offline', 'Are you there?');
    await page.waitForSelector(`kf-ticket-list .row[data-ticket-id="${missed.ticketId}"]`, { timeout: 15_000 });
    await page.waitForSelector('kf-shell .banner', { state: 'detached' });
  });

  it('merges two contacts from the contact page', async () => {
    const a = await inboundEmail(server.ctx, { email: 'ana@example.test', name: 'Ana Silva' }, 'By email', 'hi from email');
    const b = await inboundChat(server.ctx, 'visitor-ana', 'Ana S.', 'hi from chat');
    await page.evaluate((h) => (location.hash = h), `#/contacts/${b.contactId}`);
    await page.click('kf-contacts button:has-text("Merge into another contact")');
    await page.fill('kf-contacts .dialog input', 'ana@');
    await page.click('kf-contacts .res:has-text("Ana Silva")');
    await page.click('kf-contacts .dialog button.primary');
    await page.waitForFunction((id) => location.hash === `#/contacts/${id}`, a.contactId);
    const { contact, tickets } = await api<{ contact: { identities: { kind: string }[] }; tickets: { id: number }[] }>('GET', `/contacts/${a.contactId}`);
    expect(contact.identities.map((i) => i.kind).sort()).toEqual(['email', 'widget']);
    expect(tickets.map((t) => t.id).sort()).toEqual([a.ticketId, b.ticketId].sort());
    await page.waitForSelector(`kf-contact-panel .tickets a:has-text("By email")`);
  });

  it('never runs script from customer names, subjects or messages', async () => {
    const evil = '<img src=x onerror="window.__xss=1">';
    const r = await inboundEmail(server.ctx, { email: 'evil@example.test', name: evil }, `<script>window.__xss=2</script>`, `${evil} hello`, `<p>hi</p><img src=x onerror="parent.__xss=3">`);
    await page.evaluate(() => (location.hash = '#/inbox/all'));
    await page.waitForSelector(`kf-ticket-list .row[data-ticket-id="${r.ticketId}"]`);
    await openTicket(r.ticketId);
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator(`kf-ticket-list .row[data-ticket-id="${r.ticketId}"] .who`).textContent()).toBe(evil);
  });
});
