import type { ApiClient } from '../../shared/api.js';
import type { Language, Role, Session } from '../../shared/types.js';

export interface Invite {
  id: number;
  email: string;
  role: Role;
  teamId: number | null;
  /** the invitation mail's language, and the new agent's */
  language: Language;
  invitedBy: number | null;
  createdAt: string;
  sentAt: string;
  expiresAt: string;
  expired: boolean;
}

export interface IssuedInvite {
  invite: Invite;
  link: string;
  mailed: boolean;
}

export const invites = {
  list: (api: ApiClient) => api.get<{ items: Invite[]; mailConfigured: boolean }>('/agents/invites'),
  create: (api: ApiClient, body: { email: string; role: Role; teamId: number | null; language: Language }) => api.post<IssuedInvite>('/agents/invites', body),
  resend: (api: ApiClient, id: number) => api.post<IssuedInvite>(`/agents/invites/${id}/resend`),
  newLink: (api: ApiClient, id: number) => api.post<IssuedInvite>(`/agents/invites/${id}/link`),
  revoke: (api: ApiClient, id: number) => api.delete(`/agents/invites/${id}`),
};

export const accountLinks = {
  lookupInvite: (api: ApiClient, token: string) => api.post<{ email: string; role: Role }>('/auth/invite', { token }),
  acceptInvite: (api: ApiClient, body: { token: string; name: string; password: string }) => api.post<Session>('/auth/invite/accept', body),
  forgot: (api: ApiClient, email: string) => api.post<{ ok: true }>('/auth/password/forgot', { email }),
  reset: (api: ApiClient, token: string, password: string) => api.post<Session>('/auth/password/reset', { token, password }),
};
