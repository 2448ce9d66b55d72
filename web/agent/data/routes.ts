// Hash routes keep deep links working whatever the server does with unknown paths.

export type AdminSection = 'agents' | 'teams' | 'labels' | 'canned' | 'rules' | 'channels' | 'hours' | 'sla' | 'csat' | 'reports' | 'webhooks' | 'tokens';
export const ADMIN_SECTIONS: AdminSection[] = ['agents', 'teams', 'labels', 'canned', 'rules', 'channels', 'hours', 'sla', 'csat', 'reports', 'webhooks', 'tokens'];

/**
 * Filters a link may put on an inbox view (the Reports page's figures open the tickets behind them),
 * handed to the list API as they are; the server checks them.
 */
export const LINK_FILTERS = ['createdFrom', 'createdTo', 'resolvedFrom', 'resolvedTo', 'status', 'channel', 'label', 'team', 'assignee', 'priority', 'bot'] as const;
export type LinkFilters = Partial<Record<(typeof LINK_FILTERS)[number], string>>;

/** The link filters in a hash query, in a fixed order so equal filters give an equal string; '' for none. */
export function linkQuery(query: string | LinkFilters): string {
  const u = typeof query === 'string' ? new URLSearchParams(query) : null;
  const out = new URLSearchParams();
  for (const key of LINK_FILTERS) {
    const v = (u ? u.get(key) : (query as LinkFilters)[key])?.trim();
    if (v) out.set(key, v);
  }
  return out.toString();
}

export function parseLink(link: string): LinkFilters {
  return Object.fromEntries(new URLSearchParams(link)) as LinkFilters;
}

export type Route =
  | { name: 'inbox'; view: string; ticketId: number | null; link?: string | undefined }
  | { name: 'contacts'; contactId: number | null }
  | { name: 'kb'; article: KbArticleRef }
  | { name: 'admin'; section: AdminSection }
  | { name: 'profile' }
  | { name: 'search'; params: SearchParams }
  /** The query as it stands in the hash; views/reports parses it (with the agent's time zone as default). */
  | { name: 'reports'; query: string };

/** The knowledge base: the list (null), an article, or a new one (perhaps a translation of another). */
export type KbArticleRef = null | number | { new: true; translationOf?: number | undefined; locale?: string | undefined };

function parseKb(seg: string | undefined, query: string): KbArticleRef {
  if (seg === 'new') {
    const u = new URLSearchParams(query);
    const of = Number(u.get('of'));
    return { new: true, translationOf: Number.isInteger(of) && of > 0 ? of : undefined, locale: u.get('locale') ?? undefined };
  }
  const id = Number(seg);
  return Number.isInteger(id) && id > 0 ? id : null;
}

function formatKb(a: KbArticleRef): string {
  if (a === null) return '#/kb';
  if (typeof a === 'number') return `#/kb/${a}`;
  const u = new URLSearchParams();
  if (a.translationOf) u.set('of', String(a.translationOf));
  if (a.locale) u.set('locale', a.locale);
  const q = u.toString();
  return `#/kb/new${q ? `?${q}` : ''}`;
}

/** The full search view's query and filters, kept in the hash so a search can be linked and reloaded. */
export interface SearchParams {
  q: string;
  /** Comma-separated statuses; absent: every status. */
  status?: string | undefined;
  /** An agent id, "me" or "none". */
  assignee?: string | undefined;
  channel?: string | undefined;
  team?: number | undefined;
  /** Days (YYYY-MM-DD), last activity from and to, inclusive. */
  from?: string | undefined;
  to?: string | undefined;
}

const SEARCH_KEYS = ['status', 'assignee', 'channel', 'team', 'from', 'to'] as const;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function parseSearch(query: string): SearchParams {
  const u = new URLSearchParams(query);
  const params: SearchParams = { q: u.get('q') ?? '' };
  for (const key of SEARCH_KEYS) {
    const v = u.get(key)?.trim();
    if (!v) continue;
    if (key === 'team') {
      const n = Number(v);
      if (Number.isInteger(n) && n > 0) params.team = n;
    } else if (key === 'from' || key === 'to') {
      if (DAY.test(v)) params[key] = v;
    } else params[key] = v;
  }
  return params;
}

function formatSearch(p: SearchParams): string {
  const u = new URLSearchParams({ q: p.q });
  for (const key of SEARCH_KEYS) if (p[key] !== undefined && p[key] !== '') u.set(key, String(p[key]));
  return u.toString();
}

export const DEFAULT_ROUTE: Route = { name: 'inbox', view: 'mine', ticketId: null };

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').replace(/^\/+/, '').split(/\?(.*)/s);
  const seg = path.split('/').map((s) => decodeURIComponent(s));
  switch (seg[0]) {
    case 'inbox': {
      const view = seg[1] || 'mine';
      const id = seg[2] === 'ticket' ? Number(seg[3]) : NaN;
      const link = linkQuery(query);
      return { name: 'inbox', view, ticketId: Number.isInteger(id) && id > 0 ? id : null, ...(link ? { link } : {}) };
    }
    case 'contacts': {
      const id = Number(seg[1]);
      return { name: 'contacts', contactId: Number.isInteger(id) && id > 0 ? id : null };
    }
    case 'kb':
      return { name: 'kb', article: parseKb(seg[1], query) };
    case 'admin': {
      const s = seg[1] as AdminSection;
      return { name: 'admin', section: ADMIN_SECTIONS.includes(s) ? s : 'agents' };
    }
    case 'profile':
      return { name: 'profile' };
    case 'search':
      return { name: 'search', params: parseSearch(query) };
    case 'reports':
      return { name: 'reports', query };
    default:
      return DEFAULT_ROUTE;
  }
}

export function formatRoute(r: Route): string {
  switch (r.name) {
    case 'inbox':
      return `#/inbox/${encodeURIComponent(r.view)}${r.ticketId ? `/ticket/${r.ticketId}` : ''}${r.link ? `?${linkQuery(r.link)}` : ''}`;
    case 'contacts':
      return `#/contacts${r.contactId ? `/${r.contactId}` : ''}`;
    case 'kb':
      return formatKb(r.article);
    case 'admin':
      return `#/admin/${r.section}`;
    case 'profile':
      return '#/profile';
    case 'search':
      return `#/search?${formatSearch(r.params)}`;
    case 'reports':
      return r.query ? `#/reports?${r.query}` : '#/reports';
  }
}
