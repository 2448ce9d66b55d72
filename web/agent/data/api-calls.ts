// Plain typed functions over the REST contract; components never build URLs themselves.
import type { ApiClient } from '../../shared/api.js';
import type {
  Agent,
  AgentApiToken,
  AgentLoad,
  AssignmentSettings,
  ApiToken,
  Attachment,
  BulkChanges,
  CannedReply,
  ChannelInfo,
  Contact,
  Label,
  Language,
  Message,
  NewMessage,
  WhatsAppWindow,
  Page,
  Rule,
  RuleDryRun,
  SearchResults,
  Session,
  Team,
  Ticket,
  TicketChanges,
  TicketCounts,
  TicketDetail,
  TimelineEvent,
} from '../../shared/types.js';
import type { SearchParams } from './routes.js';

export const auth = {
  setupState: (api: ApiClient) => api.get<{ needsSetup: boolean }>('/auth/setup'),
  setup: (api: ApiClient, body: { token: string; email: string; name: string; password: string; language: Language }) =>
    api.post<Session>('/auth/setup', body),
  login: (api: ApiClient, email: string, password: string) => api.post<Session>('/auth/login', { email, password }),
  logout: (api: ApiClient) => api.post<void>('/auth/logout'),
  me: (api: ApiClient) => api.get<Session>('/me'),
  updateMe: (api: ApiClient, body: Record<string, unknown>) => api.patch<{ agent: Agent }>('/me', body),
};

export const tickets = {
  list: (api: ApiClient, query: Record<string, string | number>, signal?: AbortSignal) =>
    api.get<Page<Ticket>>('/tickets', query, signal),
  counts: (api: ApiClient) => api.get<TicketCounts>('/tickets/counts'),
  get: (api: ApiClient, id: number, signal?: AbortSignal) =>
    api.get<TicketDetail>(`/tickets/${id}`, undefined, signal),
  messages: (api: ApiClient, id: number, cursor?: string) =>
    api.get<Page<Message> & { events: TimelineEvent[] }>(`/tickets/${id}/messages`, { cursor, limit: 200 }),
  events: (api: ApiClient, id: number, after: number) => api.get<{ items: TimelineEvent[] }>(`/tickets/${id}/events`, { after }),
  create: (api: ApiClient, body: { contactId: number; subject: string; text: string; channel?: { kind: string; name: string } }) =>
    api.post<{ ticket: Ticket }>('/tickets', body),
  /** With a key, a retry of the same send is answered from the first attempt instead of writing twice. */
  send: (api: ApiClient, id: number, body: NewMessage, idempotencyKey?: string) =>
    api.post<{ message: Message; ticket: Ticket }>(`/tickets/${id}/messages`, body, idempotencyKey ? { 'idempotency-key': idempotencyKey } : undefined),
  update: (api: ApiClient, id: number, changes: TicketChanges) => api.patch<{ ticket: Ticket }>(`/tickets/${id}`, changes),
  merge: (api: ApiClient, id: number, intoTicketId: number) => api.post<{ ticket: Ticket }>(`/tickets/${id}/merge`, { intoTicketId }),
  bulk: (api: ApiClient, ids: number[], changes: BulkChanges) => api.post<{ updated: number }>('/tickets/bulk', { ids, changes }),
  upload: (api: ApiClient, file: File) => api.upload<{ attachment: Attachment }>('/attachments', file),
  whatsappWindow: (api: ApiClient, id: number) => api.get<WhatsAppWindow>(`/tickets/${id}/whatsapp-window`),
};

export const contacts = {
  list: (api: ApiClient, q: string, cursor?: string) => api.get<Page<Contact>>('/contacts', { q, cursor, limit: 50 }),
  get: (api: ApiClient, id: number) => api.get<{ contact: Contact; tickets: Ticket[] }>(`/contacts/${id}`),
  create: (api: ApiClient, body: Partial<Contact>) => api.post<{ contact: Contact }>('/contacts', body),
  update: (api: ApiClient, id: number, body: Partial<Contact>) => api.patch<{ contact: Contact }>(`/contacts/${id}`, body),
  merge: (api: ApiClient, id: number, intoContactId: number) =>
    api.post<{ contact: Contact }>(`/contacts/${id}/merge`, { intoContactId }),
  erase: (api: ApiClient, id: number) => api.delete(`/contacts/${id}`),
};

export const directory = {
  agents: (api: ApiClient) => api.get<{ items: Agent[] }>('/agents'),
  inviteAgent: (api: ApiClient, body: { email: string; name: string; role: string; password: string }) =>
    api.post<{ agent: Agent }>('/agents', body),
  updateAgent: (api: ApiClient, id: number, body: Partial<Pick<Agent, 'name' | 'role' | 'active'>>) =>
    api.patch<{ agent: Agent }>(`/agents/${id}`, body),
  teams: (api: ApiClient) => api.get<{ items: Team[] }>('/teams'),
  labels: (api: ApiClient) => api.get<{ items: Label[] }>('/labels'),
  canned: (api: ApiClient) => api.get<{ items: CannedReply[] }>('/canned-replies'),
  renderCanned: (api: ApiClient, id: number, ticketId: number) =>
    api.post<{ text: string }>(`/canned-replies/${id}/render`, { ticketId }),
  channels: (api: ApiClient) => api.get<{ items: ChannelInfo[] }>('/channels'),
  tokens: (api: ApiClient) => api.get<{ items: ApiToken[] }>('/me/tokens'),
  createToken: (api: ApiClient, name: string) => api.post<{ token: ApiToken; secret: string }>('/me/tokens', { name }),
  revokeToken: (api: ApiClient, id: number) => api.delete(`/me/tokens/${id}`),
  /** Admins: every agent's tokens, or one agent's. */
  allTokens: (api: ApiClient, agentId?: number) =>
    api.get<{ items: AgentApiToken[] }>(agentId ? `/tokens?agentId=${agentId}` : '/tokens'),
  revokeAnyToken: (api: ApiClient, id: number) => api.delete(`/tokens/${id}`),
};

/** Generic CRUD for the small admin collections (teams, labels, canned replies). */
export function crud<T extends { id: number }>(api: ApiClient, path: string) {
  return {
    list: () => api.get<{ items: T[] }>(path).then((r) => r.items),
    create: (body: Omit<T, 'id'>) => api.post<Record<string, T>>(path, body),
    update: (id: number, body: Partial<Omit<T, 'id'>>) => api.patch<Record<string, T>>(`${path}/${id}`, body),
    remove: (id: number) => api.delete(`${path}/${id}`),
  };
}

/** A change to assignment settings: any subset, capacity per class too. */
export type AssignmentPatch = Partial<Omit<AssignmentSettings, 'capacity'>> & { capacity?: Partial<AssignmentSettings['capacity']> };

export const assignment = {
  /** The settings for tickets without a team. */
  getDefault: (api: ApiClient) => api.get<{ assignment: AssignmentSettings }>('/assignment/default').then((r) => r.assignment),
  updateDefault: (api: ApiClient, patch: AssignmentPatch) =>
    api.patch<{ assignment: AssignmentSettings }>('/assignment/default', { assignment: patch }).then((r) => r.assignment),
  updateTeam: (api: ApiClient, teamId: number, patch: AssignmentPatch) => api.patch<{ team: Team }>(`/teams/${teamId}`, { assignment: patch }),
  agents: (api: ApiClient) => api.get<{ items: AgentLoad[] }>('/assignment/agents').then((r) => r.items),
  updateAgent: (api: ApiClient, agentId: number, body: { languages?: string[]; skills?: string[] }) =>
    api.patch<void>(`/assignment/agents/${agentId}`, body),
};

export type RuleBody = Pick<Rule, 'name' | 'event' | 'conditions' | 'actions' | 'enabled' | 'stopProcessing'>;

export const rules = {
  list: (api: ApiClient) => api.get<{ items: Rule[] }>('/rules').then((r) => r.items),
  create: (api: ApiClient, body: RuleBody) => api.post<{ rule: Rule }>('/rules', body),
  update: (api: ApiClient, id: number, body: Partial<RuleBody> & { version: number }) => api.patch<{ rule: Rule }>(`/rules/${id}`, body),
  remove: (api: ApiClient, id: number) => api.delete(`/rules/${id}`),
  duplicate: (api: ApiClient, id: number) => api.post<{ rule: Rule }>(`/rules/${id}/duplicate`),
  reorder: (api: ApiClient, ids: number[]) => api.post<{ items: Rule[] }>('/rules/reorder', { ids }),
  dryRun: (api: ApiClient, id: number, ticketNumber: number) => api.post<RuleDryRun>(`/rules/${id}/dry-run`, { ticketNumber }),
};

/** The search popup: the best few tickets and contacts. */
export const search = (api: ApiClient, q: string, signal?: AbortSignal) =>
  api.get<SearchResults>('/search', { q, limit: 5 }, signal);

/** A page of the full search results view. */
export const searchPage = (api: ApiClient, params: SearchParams, cursor: string | null, signal?: AbortSignal) =>
  api.get<SearchResults>(
    '/search',
    {
      q: params.q,
      limit: 25,
      status: params.status,
      assigneeId: params.assignee,
      channel: params.channel,
      teamId: params.team,
      from: params.from ? new Date(`${params.from}T00:00:00`).toISOString() : undefined,
      to: params.to ? new Date(`${params.to}T23:59:59.999`).toISOString() : undefined,
      cursor,
    },
    signal,
  );
