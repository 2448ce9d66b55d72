import { html, css } from 'lit';
import { formatAge } from '../../shared/format.js';
import { t } from '../../shared/i18n/i18n.js';
import { parseSnippet } from '../../shared/snippet.js';
import type { SearchHit } from '../../shared/types.js';
import { channelIcon, icon } from '../icons.js';
import { statusColor } from './pick-options.js';

/** Renders a server snippet: only <mark> becomes markup, everything else is text. */
export function snippet(s: string) {
  return parseSnippet(s).map((p) => (p.mark ? html`<mark>${p.text}</mark>` : p.text));
}

/** Rows for search hits, shared by the search popup and the full results view. */
export const hitStyles = css`
  .hit { display: grid; grid-template-columns: 28px minmax(0, 1fr) auto; gap: 2px 10px; align-items: center; padding: 8px 10px; border-radius: var(--kf-radius); text-decoration: none; color: inherit; }
  .hit.active, .hit:hover { background: var(--kf-bg-hover); }
  .hit:focus-visible { outline: 2px solid var(--kf-accent); outline-offset: -2px; }
  .hit .lead { grid-row: 1 / 4; align-self: start; padding-top: 2px; display: grid; place-items: center; color: var(--kf-text-faint); }
  .hit .title { font-weight: 500; }
  .hit .num { color: var(--kf-text-faint); font-size: var(--kf-text-sm); font-variant-numeric: tabular-nums; }
  .hit .snip { grid-column: 2 / 4; color: var(--kf-text-muted); font-size: var(--kf-text-sm); display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 2; overflow: hidden; overflow-wrap: anywhere; }
  .hit .meta { grid-column: 2 / 4; display: flex; flex-wrap: wrap; align-items: center; gap: 2px 10px; color: var(--kf-text-faint); font-size: var(--kf-text-xs); min-width: 0; }
  .hit .meta > span { display: inline-flex; align-items: center; gap: 4px; min-width: 0; white-space: nowrap; }
  mark { background: var(--kf-mark); color: inherit; border-radius: 2px; padding: 0 1px; }
`;

/** One ticket hit: subject and number, the best snippet, then status, assignee, contact, channel, matches and last activity. */
export function ticketHit(hit: SearchHit, meId: number) {
  const tk = hit.ticket;
  const assignee = tk.assignee ? (tk.assignee.id === meId ? t('search.me') : tk.assignee.name) : t('search.unassigned');
  const matches = hit.matchingMessages === 1 ? t('search.oneMatch') : hit.matchingMessages > 1 ? t('search.matchCount', { n: hit.matchingMessages }) : t('search.subjectMatch');
  return html`
    <span class="lead">${icon(channelIcon(tk.channel.kind), 16)}</span>
    <span class="title ellipsis">${tk.subject || t('ticket.noSubject')}</span><span class="num">#${tk.number}</span>
    <span class="snip">${snippet(hit.snippet)}</span>
    <span class="meta">
      <span class="status"><span class="dot" style="background:${statusColor(tk.status)}"></span>${t(`status.${tk.status}`)}</span>
      <span class="assignee" title=${t('search.assignee')}>${icon('user', 12)}${assignee}</span>
      <span class="contact ellipsis">${tk.contact.name || tk.contact.email || t('contact.anonymous')}</span>
      <span class="channel">${tk.channel.name}</span>
      <span class="matches">${matches}</span>
      <span class="age">${formatAge(tk.lastActivityAt)}</span>
    </span>`;
}
