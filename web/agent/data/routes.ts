// Hash routes keep deep links working whatever the server does with unknown paths.

export type AdminSection = 'agents' | 'teams' | 'labels' | 'canned' | 'rules' | 'channels' | 'tokens';
export const ADMIN_SECTIONS: AdminSection[] = ['agents', 'teams', 'labels', 'canned', 'rules', 'channels', 'tokens'];

export type Route =
  | { name: 'inbox'; view: string; ticketId: number | null }
  | { name: 'contacts'; contactId: number | null }
  | { name: 'admin'; section: AdminSection }
  | { name: 'profile' };

export const DEFAULT_ROUTE: Route = { name: 'inbox', view: 'mine', ticketId: null };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/^\/+/, '');
  const seg = path.split('/').map((s) => decodeURIComponent(s));
  switch (seg[0]) {
    case 'inbox': {
      const view = seg[1] || 'mine';
      const id = seg[2] === 'ticket' ? Number(seg[3]) : NaN;
      return { name: 'inbox', view, ticketId: Number.isInteger(id) && id > 0 ? id : null };
    }
    case 'contacts': {
      const id = Number(seg[1]);
      return { name: 'contacts', contactId: Number.isInteger(id) && id > 0 ? id : null };
    }
    case 'admin': {
      const s = seg[1] as AdminSection;
      return { name: 'admin', section: ADMIN_SECTIONS.includes(s) ? s : 'agents' };
    }
    case 'profile':
      return { name: 'profile' };
    default:
      return DEFAULT_ROUTE;
  }
}

export function formatRoute(r: Route): string {
  switch (r.name) {
    case 'inbox':
      return `#/inbox/${encodeURIComponent(r.view)}${r.ticketId ? `/ticket/${r.ticketId}` : ''}`;
    case 'contacts':
      return `#/contacts${r.contactId ? `/${r.contactId}` : ''}`;
    case 'admin':
      return `#/admin/${r.section}`;
    case 'profile':
      return '#/profile';
  }
}
