// A small hand-drawn icon set (24-unit grid, 1.6 stroke) so the app needs no icon font.
import { svg, html, type TemplateResult } from 'lit';

const paths = {
  inbox: svg`<path d="M4 13.5 6.2 5.6A1.5 1.5 0 0 1 7.6 4.5h8.8a1.5 1.5 0 0 1 1.4 1.1L20 13.5M4 13.5V18a1.5 1.5 0 0 0 1.5 1.5h13A1.5 1.5 0 0 0 20 18v-4.5M4 13.5h4.5l1.2 2h4.6l1.2-2H20"/>`,
  user: svg`<circle cx="12" cy="8.5" r="3.5"/><path d="M5 19.5c.8-3.4 3.6-5 7-5s6.2 1.6 7 5"/>`,
  users: svg`<circle cx="9" cy="9" r="3.2"/><path d="M3.5 19c.7-3 2.9-4.5 5.5-4.5s4.8 1.5 5.5 4.5"/><path d="M15 5.9a3.2 3.2 0 0 1 0 6.2M17 14.8c1.8.6 3 2 3.5 4.2"/>`,
  unassigned: svg`<circle cx="12" cy="8.5" r="3.5" stroke-dasharray="2.4 2"/><path d="M5 19.5c.8-3.4 3.6-5 7-5s6.2 1.6 7 5" stroke-dasharray="2.4 2"/>`,
  layers: svg`<path d="m12 4 8.5 4.5L12 13 3.5 8.5z"/><path d="m3.5 12.5 8.5 4.5 8.5-4.5"/><path d="m3.5 16.5 8.5 4.5 8.5-4.5" opacity=".5"/>`,
  clock: svg`<circle cx="12" cy="12" r="8"/><path d="M12 7.5V12l3 2"/>`,
  check: svg`<path d="m5 12.5 4.5 4.5L19 7.5"/>`,
  checkCircle: svg`<circle cx="12" cy="12" r="8"/><path d="m8.5 12.2 2.4 2.4 4.8-5"/>`,
  checkSquare: svg`<rect x="4.5" y="4.5" width="15" height="15" rx="3.5"/><path d="m8.5 12.2 2.4 2.4 4.8-5"/>`,
  mail: svg`<rect x="3.5" y="5.5" width="17" height="13" rx="1.8"/><path d="m4 7 8 6 8-6"/>`,
  chat: svg`<path d="M5.5 5h13A1.5 1.5 0 0 1 20 6.5v8.5a1.5 1.5 0 0 1-1.5 1.5H10l-4.5 3.5v-3.5h0A1.5 1.5 0 0 1 4 15V6.5A1.5 1.5 0 0 1 5.5 5z"/>`,
  phone: svg`<path d="M6.5 4h3l1.5 4-2 1.3a9 9 0 0 0 5.7 5.7L16 13l4 1.5v3a2 2 0 0 1-2 2A15 15 0 0 1 4.5 6a2 2 0 0 1 2-2z"/>`,
  send: svg`<path d="M4.5 12 19.5 5l-5 14.5-3-6.3z"/><path d="m11.5 13.2 8-8.2"/>`,
  api: svg`<path d="m8.5 8-4 4 4 4M15.5 8l4 4-4 4M13.5 6l-3 12"/>`,
  tag: svg`<path d="M4 4.5h7.2l8.3 8.3a1.5 1.5 0 0 1 0 2.1l-4.6 4.6a1.5 1.5 0 0 1-2.1 0L4.5 11.2V4.5z"/><circle cx="8.3" cy="8.8" r="1.3"/>`,
  info: svg`<circle cx="12" cy="12" r="8"/><path d="M12 11v5M12 8v.01"/>`,
  chart: svg`<path d="M4.5 19.5h15"/><path d="M7 16v-4M11 16V8M15 16v-6M19 16V5.5"/>`,
  search: svg`<circle cx="10.8" cy="10.8" r="6"/><path d="m15.3 15.3 4.2 4.2"/>`,
  settings: svg`<circle cx="12" cy="12" r="2.8"/><path d="M12 3.5v2.2M12 18.3v2.2M3.5 12h2.2M18.3 12h2.2M6 6l1.6 1.6M16.4 16.4 18 18M6 18l1.6-1.6M16.4 7.6 18 6"/>`,
  contacts: svg`<rect x="4.5" y="3.5" width="15" height="17" rx="2"/><circle cx="12" cy="10" r="2.6"/><path d="M8 16.5c.6-1.9 2.1-3 4-3s3.4 1.1 4 3"/>`,
  plus: svg`<path d="M12 5v14M5 12h14"/>`,
  x: svg`<path d="m6 6 12 12M18 6 6 18"/>`,
  chevronDown: svg`<path d="m7 10 5 5 5-5"/>`,
  chevronLeft: svg`<path d="m14.5 6-6 6 6 6"/>`,
  paperclip: svg`<path d="m19 11.5-7.1 7.1a4.3 4.3 0 0 1-6.1-6.1l7.6-7.6a2.9 2.9 0 0 1 4.1 4.1l-7.5 7.5a1.4 1.4 0 0 1-2-2l6.9-6.9"/>`,
  note: svg`<path d="M5.5 4.5h13v9.5l-5 5.5h-8z"/><path d="M13.5 19.5V14h5"/>`,
  reply: svg`<path d="M10 7 5 11.5l5 4.5"/><path d="M5.5 11.5H14a5 5 0 0 1 5 5v1"/>`,
  merge: svg`<path d="M7 4.5v5a4 4 0 0 0 4 4h6"/><path d="m14 10.5 3 3-3 3"/><path d="M7 19.5v-4"/>`,
  star: svg`<path d="m12 4.5 2.3 4.7 5.2.8-3.8 3.7.9 5.2-4.6-2.5-4.6 2.5.9-5.2-3.8-3.7 5.2-.8z"/>`,
  flag: svg`<path d="M6 20.5v-16M6 5h10.5l-2 4 2 4H6"/>`,
  moon: svg`<path d="M18.5 14.5A7 7 0 0 1 9.5 5.5a7 7 0 1 0 9 9z"/>`,
  logout: svg`<path d="M14 4.5H6.5a1 1 0 0 0-1 1v13a1 1 0 0 0 1 1H14"/><path d="m16 8.5 3.5 3.5-3.5 3.5M19.5 12H10"/>`,
  keyboard: svg`<rect x="3" y="6.5" width="18" height="11" rx="1.8"/><path d="M7 10h.01M10 10h.01M13 10h.01M16 10h.01M8 14h8"/>`,
  alert: svg`<path d="M12 4.5 20.5 19h-17z"/><path d="M12 10v4M12 16.5v.01"/>`,
  eye: svg`<path d="M3 12s3.3-6 9-6 9 6 9 6-3.3 6-9 6-9-6-9-6z"/><circle cx="12" cy="12" r="2.6"/>`,
  file: svg`<path d="M6.5 3.5h7l4 4v13h-11z"/><path d="M13.5 3.5v4h4"/>`,
  more: svg`<circle cx="6" cy="12" r=".9"/><circle cx="12" cy="12" r=".9"/><circle cx="18" cy="12" r=".9"/>`,
  ticket: svg`<path d="M4 7.5a1.5 1.5 0 0 1 1.5-1.5h13A1.5 1.5 0 0 1 20 7.5V10a2 2 0 0 0 0 4v2.5a1.5 1.5 0 0 1-1.5 1.5h-13A1.5 1.5 0 0 1 4 16.5V14a2 2 0 0 0 0-4z"/>`,
  bell: svg`<path d="M6.5 16.5V11a5.5 5.5 0 0 1 11 0v5.5l1.5 2h-14z"/><path d="M10 20.5a2 2 0 0 0 4 0"/>`,
  bolt: svg`<path d="M13 3.5 5.5 13.5H12l-1 7 7.5-10H12z"/>`,
  sidebar: svg`<rect x="3.5" y="4.5" width="17" height="15" rx="1.8"/><path d="M15 4.5v15"/>`,
  copy: svg`<rect x="8.5" y="8.5" width="11" height="11" rx="1.6"/><path d="M15.5 8.5V6a1.5 1.5 0 0 0-1.5-1.5H6A1.5 1.5 0 0 0 4.5 6v8A1.5 1.5 0 0 0 6 15.5h2.5"/>`,
  refresh: svg`<path d="M19 8.5A7.5 7.5 0 1 0 19.5 14"/><path d="M19.5 4.5v4h-4"/>`,
  arrowUp: svg`<path d="M12 19V5M6 11l6-6 6 6"/>`,
  link: svg`<path d="M10.5 13.5a3.5 3.5 0 0 0 5 0l3-3a3.5 3.5 0 0 0-5-5l-1 1"/><path d="M13.5 10.5a3.5 3.5 0 0 0-5 0l-3 3a3.5 3.5 0 0 0 5 5l1-1"/>`,
  wechat: svg`<path d="M15.6 9.2C15.2 6.2 12.5 4 9.3 4 5.8 4 3 6.4 3 9.4c0 1.7.9 3.2 2.4 4.2L4.9 15.8l2.4-1.3c.6.2 1.3.3 2 .3"/><path d="M15.6 10.2c-3 0-5.4 2-5.4 4.5s2.4 4.5 5.4 4.5c.6 0 1.2-.1 1.8-.3l2 1.1-.5-1.9c1.3-.8 2.1-2 2.1-3.4 0-2.5-2.4-4.5-5.4-4.5z"/><path d="M7 8.3h.01M11.4 8.3h.01M13.8 14h.01M17.4 14h.01" stroke-width="2.2"/>`,
  checkDouble: svg`<path d="m2.5 12.5 4.5 4.5 9.5-9.5"/><path d="m11.5 16.5.5.5 9.5-9.5"/>`,
  whatsapp: svg`<path d="M5 19.5 6.1 16A7.8 7.8 0 1 1 9 18.7z"/><path d="M9.3 8.6c.2-.4.5-.5.8-.5h.4l.9 2-.6.8a5 5 0 0 0 2.3 2.3l.8-.6 2 .9v.4c0 .3-.1.6-.5.8-.8.5-2.5.3-4.2-1.3S8.8 9.4 9.3 8.6z"/>`,
  sms: svg`<rect x="6.5" y="3" width="11" height="18" rx="2"/><path d="M9.5 8.5h5M9.5 11.5h3.5"/><path d="M11 18h2"/>`,
  telegram: svg`<path d="m3.5 11.5 16-6.5-3 14-5-4-2.5 3v-4.5l7-6"/>`,
  sparkle: svg`<path d="M12 3.5 13.8 9 19.5 11 13.8 13 12 18.5 10.2 13 4.5 11 10.2 9z"/><path d="M18.5 3.5v3M17 5h3M5.5 16.5v3M4 18h3"/>`,
  stop: svg`<rect x="7" y="7" width="10" height="10" rx="1.5"/>`,
} as const;

export type IconName = keyof typeof paths;

export function icon(name: IconName, size = 16): TemplateResult {
  return html`<svg
    width=${size}
    height=${size}
    viewBox="0 0 24 24"
    fill="none"
    stroke="currentColor"
    stroke-width="1.6"
    stroke-linecap="round"
    stroke-linejoin="round"
    aria-hidden="true"
    style="flex:none"
  >${paths[name]}</svg>`;
}

export function channelIcon(kind: string): IconName {
  switch (kind) {
    case 'email':
      return 'mail';
    case 'widget':
      return 'chat';
    case 'sms':
    case 'twilio':
      return 'sms';
    case 'phone':
      return 'phone';
    case 'whatsapp':
      return 'whatsapp';
    case 'telegram':
      return 'telegram';
    case 'wechat':
      return 'wechat';
    case 'api':
    case 'external':
      return 'api';
    default:
      return 'inbox';
  }
}
