import type { PortalMessage, PortalTicket } from '../modules/portal/tickets.js';
import { KB_LOCALES, type KbLocale } from '../modules/kb/tables.js';
import { html, type Html, type HtmlValue } from './html.js';
import { page } from './layout.js';
import type { HelpKey, Translate } from './messages.js';
import type { Reader } from './pages.js';

export interface Signed {
  email: string;
  csrf: string;
  /** A mailbox can send: replies and new tickets are possible. Without one, nobody could answer them. */
  canWrite: boolean;
}

export type Notice = { kind: 'ok' | 'error'; text: string } | null;

const everyLocale = (path: string) =>
  Object.fromEntries(KB_LOCALES.map((l) => [l, `${path}${path.includes('?') ? '&' : '?'}locale=${l}`])) as Record<KbLocale, string>;

function portalPage({ site, locale, t }: Reader, title: string, path: string, main: Html): Html {
  return page(site, { locale, t, title, description: title, path, alternates: everyLocale(path), noindex: true, main });
}

const noticeOf = (notice: Notice): HtmlValue =>
  notice ? html`<p class="${notice.kind === 'error' ? 'notice error' : 'notice'}" role="${notice.kind === 'error' ? 'alert' : 'status'}">${notice.text}</p>` : null;

function bar(t: Translate, signed: Signed, back: boolean): Html {
  return html`<div class="portal-bar"><span class="muted">${back ? html`<a href="/help/tickets">${t('help.portal.backToTickets')}</a> · ` : null}${t('help.portal.signedInAs', { email: signed.email })}</span>
<form method="post" action="/help/tickets/logout"><input type="hidden" name="csrf" value="${signed.csrf}"><button class="btn quiet" type="submit">${t('help.portal.signOut')}</button></form></div>`;
}

export function signInView(reader: Reader, opts: { notice?: Notice; email?: string; canWrite?: boolean } = {}): Html {
  const { t } = reader;
  const main = html`<h1>${t('help.portal.signInTitle')}</h1>${noticeOf(opts.notice ?? null)}
<form class="panel" method="post" action="/help/tickets/login">
<p style="margin:0">${t('help.portal.signInText')}</p>
<label for="email">${t('help.portal.emailLabel')}</label>
<input id="email" type="email" name="email" required maxlength="254" autocomplete="email" value="${opts.email ?? ''}">
<button class="btn" type="submit">${t('help.portal.sendLink')}</button>
</form>
${opts.canWrite === false ? null : html`<p><a href="/help/tickets/new">${t('help.portal.newTicket')}</a></p>`}`;
  return portalPage(reader, t('help.portal.signInTitle'), '/help/tickets', main);
}

export function linkSentView(reader: Reader, email: string): Html {
  const { t } = reader;
  const main = html`<h1>${t('help.portal.linkSentTitle')}</h1><div class="panel" data-portal="link-sent"><p style="margin:0">${t('help.portal.linkSentText', { email })}</p></div>`;
  return portalPage(reader, t('help.portal.linkSentTitle'), '/help/tickets', main);
}

/**
 * What a sign-in link opens: one button that posts the token from this page. Mail scanners fetch
 * links but do not press buttons, so they no longer use a customer's link up before the customer.
 */
export function confirmSignInView(reader: Reader, link: { email: string; token: string; path: string; action: string; explainScanners: boolean }): Html {
  const { t } = reader;
  const main = html`<h1>${t('help.portal.confirmTitle')}</h1>
<form class="panel" method="post" action="${link.action}" data-portal="confirm">
<p style="margin:0">${t('help.portal.confirmText', { email: link.email })}</p>
<input type="hidden" name="token" value="${link.token}">
<div><button class="btn" type="submit">${t('help.portal.confirmButton')}</button></div>
</form>
${link.explainScanners ? html`<p class="muted">${t('help.portal.confirmWhy')}</p>` : ''}`;
  // Its own path, so that switching language keeps the customer on this page, link unused.
  return portalPage(reader, t('help.portal.confirmTitle'), link.path, main);
}

export function linkProblemView(reader: Reader, reason: 'used' | 'expired' | 'unknown'): Html {
  const { t } = reader;
  const title = t(reason === 'used' ? 'help.portal.linkUsedTitle' : reason === 'expired' ? 'help.portal.linkExpiredTitle' : 'help.portal.linkInvalidTitle');
  const main = html`<h1 data-portal-link="${reason}">${title}</h1><p>${t('help.portal.linkProblemText')}</p>
<form class="panel" method="post" action="/help/tickets/login">
<label for="email" style="margin-top:0">${t('help.portal.emailLabel')}</label>
<input id="email" type="email" name="email" required maxlength="254" autocomplete="email">
<button class="btn" type="submit">${t('help.portal.newLink')}</button>
</form>`;
  return portalPage(reader, title, '/help/tickets', main);
}

const STATUSES = new Set(['open', 'pending', 'snoozed', 'resolved', 'closed']);
const statusLabel = (t: Translate, status: string): string =>
  STATUSES.has(status) ? t(`help.portal.status.${status}` as HelpKey) : status;
const channelLabel = (t: Translate, kind: string): string =>
  t(kind === 'email' ? 'help.portal.channel.email' : kind === 'widget' ? 'help.portal.channel.widget' : 'help.portal.channel.other');

const when = (locale: KbLocale, ms: number): string => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(ms));

export function ticketsView(reader: Reader, signed: Signed, tickets: PortalTicket[]): Html {
  const { t, locale } = reader;
  const rows = tickets.map(
    (tk) => html`<tr data-ticket="${tk.number}"><td><a href="/help/tickets/${tk.number}">#${tk.number} ${tk.subject}</a></td>
<td><span class="status ${tk.status}">${statusLabel(t, tk.status)}</span></td><td>${channelLabel(t, tk.channelKind)}</td><td class="muted">${when(locale, tk.updatedAt)}</td></tr>`,
  );
  const table = tickets.length === 0
    ? html`<p>${t('help.portal.noTickets')}</p>`
    : html`<table class="tickets"><thead><tr><th scope="col">${t('help.portal.colTicket')}</th><th scope="col">${t('help.portal.colStatus')}</th><th scope="col">${t('help.portal.colChannel')}</th><th scope="col">${t('help.portal.colUpdated')}</th></tr></thead><tbody>${rows}</tbody></table>`;
  const main = html`${bar(t, signed, false)}<h1>${t('help.portal.ticketsTitle')}</h1>
${signed.canWrite ? html`<p><a class="btn" style="margin-top:0" href="/help/tickets/new">${t('help.portal.newTicket')}</a></p>` : null}${table}`;
  return portalPage(reader, t('help.portal.ticketsTitle'), '/help/tickets', main);
}

export interface TicketViewInput {
  signed: Signed;
  ticket: PortalTicket;
  messages: PortalMessage[];
  fileHref: (file: PortalMessage['files'][number]) => string;
  nonce: string;
  maxMb: number;
  notice: Notice;
  draft?: string;
}

const kb = (size: number) => (size < 1024 * 1024 ? `${Math.max(1, Math.round(size / 1024))} KB` : `${(size / 1024 / 1024).toFixed(1)} MB`);

export function ticketView(reader: Reader, v: TicketViewInput): Html {
  const { t, locale } = reader;
  const items = v.messages.map(
    (m) => html`<li class="${m.fromCustomer ? 'mine' : 'theirs'}" data-message="${m.id}"><span class="who">${m.fromCustomer ? t('help.portal.you') : m.authorName || t('help.portal.support')}</span>
<span class="muted"> · ${when(locale, m.createdAt)}</span><p class="text">${m.text}</p>${
      m.files.length > 0 ? html`<ul class="files">${m.files.map((f) => html`<li><a href="${v.fileHref(f)}">${f.name}</a> <span class="muted">(${kb(f.size)})</span></li>`)}</ul>` : null
    }</li>`,
  );
  const path = `/help/tickets/${v.ticket.number}`;
  const main = html`${bar(t, v.signed, true)}<h1>#${v.ticket.number} ${v.ticket.subject}</h1>
<p><span class="status ${v.ticket.status}">${statusLabel(t, v.ticket.status)}</span> <span class="muted">${channelLabel(t, v.ticket.channelKind)}</span></p>
<h2 style="font-size:18px">${t('help.portal.conversation')}</h2>
<ol class="thread">${items}</ol>
${v.signed.canWrite ? html`<form class="panel" id="reply" method="post" action="${path}/reply" enctype="multipart/form-data">${noticeOf(v.notice)}
<input type="hidden" name="csrf" value="${v.signed.csrf}"><input type="hidden" name="nonce" value="${v.nonce}">
<label for="text" style="margin-top:0">${t('help.portal.replyLabel')}</label>
<textarea id="text" name="text" required maxlength="20000">${v.draft ?? ''}</textarea>
<label for="files">${t('help.portal.attachLabel', { size: v.maxMb })}</label>
<input id="files" type="file" name="files" multiple>
<div><button class="btn" type="submit">${t('help.portal.sendReply')}</button></div>
</form>` : html`<p class="panel muted" id="reply">${t('help.portal.unavailable')}</p>`}`;
  return portalPage(reader, `#${v.ticket.number} ${v.ticket.subject}`, path, main);
}

export interface NewTicketInput {
  signed: Signed | null;
  nonce: string;
  maxMb: number;
  notice: Notice;
  values?: { name?: string; email?: string; subject?: string; text?: string };
}

export function newTicketView(reader: Reader, v: NewTicketInput): Html {
  const { t } = reader;
  const val = v.values ?? {};
  const visitorFields = v.signed
    ? html`<input type="hidden" name="csrf" value="${v.signed.csrf}">`
    : html`<label for="name" style="margin-top:0">${t('help.portal.nameLabel')}</label><input id="name" type="text" name="name" required maxlength="120" autocomplete="name" value="${val.name ?? ''}">
<label for="email">${t('help.portal.emailLabel')}</label><input id="email" type="email" name="email" required maxlength="254" autocomplete="email" value="${val.email ?? ''}">`;
  const main = html`${v.signed ? bar(t, v.signed, true) : null}<h1>${t('help.portal.newTitle')}</h1>
<form class="panel" method="post" action="/help/tickets/new" enctype="multipart/form-data">${noticeOf(v.notice)}
<input type="hidden" name="nonce" value="${v.nonce}">${visitorFields}
<div class="hp" aria-hidden="true"><label for="website">${t('help.portal.honeypotLabel')}</label><input id="website" type="text" name="website" tabindex="-1" autocomplete="off"></div>
<label for="subject"${v.signed ? html` style="margin-top:0"` : null}>${t('help.portal.subjectLabel')}</label>
<input id="subject" type="text" name="subject" required maxlength="250" value="${val.subject ?? ''}">
<label for="text">${t('help.portal.messageLabel')}</label>
<textarea id="text" name="text" required maxlength="20000">${val.text ?? ''}</textarea>
<label for="files">${t('help.portal.attachLabel', { size: v.maxMb })}</label>
<input id="files" type="file" name="files" multiple>
<div><button class="btn" type="submit">${t('help.portal.submitTicket')}</button></div>
</form>`;
  return portalPage(reader, t('help.portal.newTitle'), '/help/tickets/new', main);
}

export function messageView(reader: Reader, title: string, text: string, attr: string): Html {
  const main = html`<h1 data-portal="${attr}">${title}</h1><div class="panel"><p style="margin:0">${text}</p></div><p><a href="/help/tickets">${reader.t('help.portal.myTickets')}</a></p>`;
  return portalPage(reader, title, '/help/tickets', main);
}
