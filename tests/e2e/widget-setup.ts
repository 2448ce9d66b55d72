import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { buildApp, type App } from '../../server/app.js';
import { configFromObject } from '../../server/config/load.js';
import { withTestDatabase } from '../helpers/app.js';
import { createContext, type AppContext } from '../../server/context.js';
import { createLogger } from '../../server/logger.js';
import { createAgent } from '../../server/modules/agents/service.js';
import { createApiToken } from '../../server/modules/agents/tokens.js';
import { identityHash } from '../../server/channels/widget/token.js';
import { launchChromium } from '../helpers/browser.js';
import { buildWidget } from '../helpers/widget-build.js';

export interface HostPage {
  origin: string;
  /** Serves `html` at `path` on this origin. */
  set(path: string, html: string): void;
  close(): Promise<void>;
}

/** A customer's website: a bare HTTP server on 127.0.0.1, another origin than Kefu's localhost. */
export async function hostPage(): Promise<HostPage> {
  const pages = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const html = pages.get((req.url ?? '/').split('?')[0] ?? '/');
    res.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    set: (p, html) => void pages.set(p, html),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface WidgetServer {
  ctx: AppContext;
  app: App;
  /** Kefu's own origin, e.g. http://localhost:41234 */
  url: string;
  agentId: number;
  /** The agent answers through the REST API, as the agent app does. */
  reply(ticketId: number, text: string): Promise<void>;
  close(): Promise<void>;
}

/** A real Kefu listening on a free port, serving a fresh build of the widget. */
export async function widgetServer(
  widgetChannels: Array<Record<string, unknown>>,
  otherChannels: Record<string, unknown> = {},
): Promise<WidgetServer> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kefu-e2e-'));
  const webRoot = await buildWidget(path.join(dataDir, 'web'));
  const config = configFromObject(await withTestDatabase({ data_dir: dataDir, log: { level: 'silent' }, channels: { ...otherChannels, widget: widgetChannels } }));
  const ctx = await createContext(config, createLogger('silent', { pretty: false }));
  const app = await buildApp(ctx, { webRoot });
  await app.listen({ port: 0, host: '127.0.0.1' });
  ctx.outbox.start();
  const { port } = app.server.address() as AddressInfo;
  const agent = await createAgent(ctx, { email: 'agent@example.test', name: 'Mei Lin', role: 'admin', password: 'correct horse battery' });
  const { secret } = await createApiToken(ctx, agent.id, 'e2e');
  const url = `http://localhost:${port}`;
  return {
    ctx,
    app,
    url,
    agentId: agent.id,
    async reply(ticketId, text) {
      const res = await fetch(`${url}/api/v1/tickets/${ticketId}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'reply', text }),
      });
      if (!res.ok) throw new Error(`reply failed: ${res.status} ${await res.text()}`);
    },
    async close() {
      await app.close();
      await ctx.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const embedPage = (kefuUrl: string, channel: string, extra = '') => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme Outdoor Gear</title>
<style>
  body { margin: 0; font-family: Georgia, serif; background: #fdf8f0; color: #222; }
  header { background: #1f3d2b; color: #fff; padding: 18px 32px; font-size: 22px; }
  main { padding: 32px; max-width: 760px; }
  /* Hostile page styles: none of them may leak into the widget. */
  button { background: hotpink !important; font-size: 30px !important; }
  * { letter-spacing: 0.5px; }
</style></head>
<body><header>Acme Outdoor Gear</header>
<main><h1>Trail tents</h1><p>Light, strong tents for every season. Questions? Chat with us.</p>${extra}</main>
<script src="${kefuUrl}/widget.js" data-channel="${channel}" async></script>
</body></html>`;

export interface WidgetStage {
  /** The customer's website the widget is embedded on. */
  site: HostPage;
  kefu: WidgetServer;
  browser: Browser;
  close(): Promise<void>;
}

/**
 * A customer's site, a Kefu whose widget channels `channels` builds from that site's origin, and Chromium:
 * what every widget e2e file starts from. The pages on the site are the test's to set.
 */
export async function widgetStage(
  channels: (siteOrigin: string) => Array<Record<string, unknown>>,
  otherChannels: Record<string, unknown> = {},
): Promise<WidgetStage> {
  const site = await hostPage();
  let kefu: WidgetServer | undefined;
  try {
    kefu = await widgetServer(channels(site.origin), otherChannels);
    const browser = await launchChromium();
    const started = kefu;
    return {
      site,
      kefu: started,
      browser,
      async close() {
        await browser.close();
        await started.close();
        await site.close();
      },
    };
  } catch (err) {
    await kefu?.close();
    await site.close();
    throw err;
  }
}

/** The chat inside the widget's iframe on a host page. */
export const chatFrame = (page: Page): FrameLocator => page.frameLocator('iframe[src*="/frame#"]');

/** A host-page script that queues Kefu.identify() for a signed-in user, signed with the channel's secret. */
export function identifyScript(secret: string, user: { id: string; name: string; email: string }): string {
  return `<script>window.Kefu = window.Kefu || { q: [] }; ['open','close','identify','on'].forEach(function (n) { window.Kefu[n] = window.Kefu[n] || function () { window.Kefu.q.push([n, [].slice.call(arguments)]); }; });
       Kefu.identify(${JSON.stringify({ id: user.id, hash: identityHash(secret, user.id, user.email), name: user.name, email: user.email })});</script>`;
}

/** In an open chat: sends `text`, waits until it is delivered, then ends the chat and waits for the rating form. */
export async function sayAndEndChat(page: Page, text: string): Promise<void> {
  const chat = chatFrame(page);
  await chat.locator('textarea').fill(text);
  await chat.locator('textarea').press('Enter');
  await chat.locator('[data-status]').last().waitFor();
  await chat.locator('button[aria-label="More options"]').click();
  await chat.getByText('End chat').click();
  await chat.locator('kf-chat-rating').waitFor();
}
