import type { WidgetConfigView } from '../../server/channels/widget/protocol.js';
import { frameTitle, pickLanguage } from './language.js';
import { PROTOCOL, isProtocolMessage, type FrameToHost, type HostToFrame, type IdentifyPayload } from './protocol.js';

/**
 * widget.js: the only code that runs on the host page. It draws nothing itself: it puts the chat frame
 * (served from Kefu's origin) in an iframe, sizes it, blinks the title, and offers window.Kefu.
 */
type Listener = (count: number) => void;

interface KefuApi {
  open(): void;
  close(): void;
  identify(user: IdentifyPayload): void;
  on(event: 'unread', fn: Listener): () => void;
}

const script = document.currentScript as HTMLScriptElement | null;
const base = new URL(script?.src ?? location.href).origin;
const CLOSED = 'width:88px;height:88px;';

interface Frame {
  el: HTMLIFrameElement;
  channel: string;
  ready: boolean;
  queue: HostToFrame[];
}

const configs = new Map<string, Promise<WidgetConfigView | null>>();

/** The channel's config, fetched once per page: the frame gets this copy instead of asking again. */
function configFor(channel: string): Promise<WidgetConfigView | null> {
  let found = configs.get(channel);
  if (!found) {
    found = fetch(`${base}/api/v1/widget/${encodeURIComponent(channel)}/config`, { credentials: 'omit' })
      .then((res) => (res.ok ? (res.json() as Promise<WidgetConfigView>) : null))
      .catch(() => null);
    configs.set(channel, found);
  }
  return found;
}

const visitorLanguage = (cfg: WidgetConfigView | null) => pickLanguage(cfg?.language ?? 'auto', [...navigator.languages, navigator.language]);

const frames: Frame[] = [];
const STORE_PREFIX = 'kefu:';

function savedItems(): Record<string, string> {
  const items: Record<string, string> = {};
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (key?.startsWith(STORE_PREFIX)) items[key] = localStorage.getItem(key) ?? '';
    }
  } catch {
    // No storage on this page: the visitor is new on every visit.
  }
  return items;
}
const listeners = new Set<Listener>();
let floating: Frame | null = null;
let pendingIdentity: IdentifyPayload | null = null;
let blink: ReturnType<typeof setInterval> | undefined;
let unread = 0;
// The page's own title while we blink; null when not blinking (the page may change its title meanwhile).
let pageTitle: string | null = null;

const post = (frame: Frame, message: HostToFrame) => {
  if (frame.ready) frame.el.contentWindow?.postMessage(message, base);
  else frame.queue.push(message);
};
const msg = <T extends HostToFrame['type']>(type: T, extra: object = {}) => ({ kefu: PROTOCOL, type, ...extra }) as HostToFrame;

function makeFrame(channel: string, mode: 'float' | 'inline'): Frame {
  const el = document.createElement('iframe');
  const params = new URLSearchParams({ origin: location.origin, mode, lang: navigator.language });
  el.src = `${base}/widget/${encodeURIComponent(channel)}/frame#${params}`;
  el.title = frameTitle(null, visitorLanguage(null));
  el.setAttribute('allow', 'autoplay');
  el.style.cssText = 'border:0;background:transparent;color-scheme:light;display:block;';
  const frame: Frame = { el, channel, ready: false, queue: [] };
  frames.push(frame);
  void configFor(channel).then((cfg) => (el.title = frameTitle(cfg, visitorLanguage(cfg))));
  return frame;
}

function mobile(): boolean {
  return innerWidth <= 480;
}

function place(open: boolean): void {
  if (!floating) return;
  const s = floating.el.style;
  const common = 'position:fixed;z-index:2147483000;border:0;background:transparent;color-scheme:light;display:block;';
  if (!open) s.cssText = `${common}${CLOSED}right:8px;bottom:8px;`;
  else if (mobile()) s.cssText = `${common}left:0;top:0;width:100%;height:100%;`;
  else s.cssText = `${common}right:8px;bottom:8px;width:408px;height:min(720px,calc(100% - 16px));`;
}

function setUnread(count: number, open: boolean): void {
  unread = count;
  for (const fn of listeners) fn(count);
  clearInterval(blink);
  if (pageTitle !== null) document.title = pageTitle;
  pageTitle = null;
  if (count === 0 || open) return;
  const title = (pageTitle = document.title);
  let on = false;
  blink = setInterval(() => {
    on = !on;
    document.title = on ? `(${count}) ${title}` : title;
  }, 1000);
}

function onReady(frame: Frame, config: WidgetConfigView | null): void {
  frame.ready = true;
  // The config first: the frame starts once the storage arrives and finds the config already there.
  post(frame, msg('config', { config }));
  post(frame, msg('storage', { items: savedItems() }));
  post(frame, msg('viewport', { mobile: mobile() }));
  if (pendingIdentity) post(frame, msg('identify', { user: pendingIdentity }));
  for (const queued of frame.queue.splice(0)) post(frame, queued);
}

let isOpen = false;
addEventListener('message', (event: MessageEvent) => {
  if (event.origin !== base || !isProtocolMessage<FrameToHost>(event.data)) return;
  const frame = frames.find((f) => f.el.contentWindow === event.source);
  if (!frame) return;
  const data = event.data;
  if (data.type === 'ready') {
    void configFor(frame.channel).then((config) => onReady(frame, config));
  } else if (data.type === 'state' && frame === floating) {
    isOpen = data.open;
    place(isOpen);
    if (isOpen) setUnread(unread, true);
  } else if (data.type === 'unread') {
    setUnread(data.count, isOpen && frame === floating);
  } else if (data.type === 'store') {
    if (!data.key.startsWith(STORE_PREFIX)) return;
    try {
      if (data.value === null) localStorage.removeItem(data.key);
      else localStorage.setItem(data.key, data.value);
    } catch {
      // Storage full or disabled: the chat still works for this page view.
    }
  } else if (data.type === 'disabled') {
    frame.el.remove();
    if (frame === floating) floating = null;
  }
});

// Another tab of this site changed the saved state (sent a queued message, got a new token).
addEventListener('storage', (e) => {
  if (!e.key?.startsWith(STORE_PREFIX)) return;
  for (const f of frames) post(f, msg('storage', { items: { [e.key]: e.newValue } }));
});

addEventListener('resize', () => {
  for (const f of frames) post(f, msg('viewport', { mobile: mobile() }));
  place(isOpen);
});

function mountFloating(channel: string): void {
  floating = makeFrame(channel, 'float');
  place(false);
  document.body.appendChild(floating.el);
}

class KefuChat extends HTMLElement {
  connectedCallback(): void {
    if (this.shadowRoot) return;
    const root = this.attachShadow({ mode: 'open' });
    const frame = makeFrame(this.getAttribute('channel') ?? 'website', 'inline');
    frame.el.style.cssText += 'width:100%;height:100%;min-height:460px;';
    root.innerHTML = '<style>:host{display:block;height:100%;min-height:460px}</style>';
    root.appendChild(frame.el);
  }
}
if (!customElements.get('kefu-chat')) customElements.define('kefu-chat', KefuChat);

const api: KefuApi = {
  open: () => floating && post(floating, msg('open')),
  close: () => floating && post(floating, msg('close')),
  identify(user) {
    pendingIdentity = user;
    for (const f of frames) post(f, msg('identify', { user }));
  },
  on(_event, fn) {
    listeners.add(fn);
    fn(unread);
    return () => listeners.delete(fn);
  },
};

const w = window as unknown as { Kefu?: KefuApi | { q?: Array<[keyof KefuApi, unknown[]]> } };
const earlier = (w.Kefu as { q?: Array<[keyof KefuApi, unknown[]]> } | undefined)?.q ?? [];
w.Kefu = api;
// Calls made through a stub before this script loaded (window.Kefu.q) run now, in order.
for (const [name, args] of earlier) (api[name] as (...a: unknown[]) => void)(...args);

const channel = script?.dataset.channel;
if (channel && script?.dataset.launcher !== 'false') {
  const start = () => {
    // The loader asks first: a page whose origin is not allowed gets no launcher at all.
    void configFor(channel).then((cfg) => cfg && mountFloating(channel));
  };
  // The chat waits for the host page to finish loading: it never competes with the page's own content.
  if (document.readyState === 'complete') start();
  else addEventListener('load', start);
}
