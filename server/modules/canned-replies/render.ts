export interface PlaceholderValues {
  contact: { name: string | null; email: string | null };
  agent: { name: string };
  ticket: { number: number; subject: string };
}

/**
 * Fills `{{contact.name}}`, `{{agent.name}}`, `{{ticket.number}}` and friends. Unknown placeholders
 * stay as written so a typo is visible to the agent before sending; a missing contact name becomes
 * an empty string, not "null".
 */
export function renderPlaceholders(body: string, values: PlaceholderValues): string {
  const table: Record<string, string> = {
    'contact.name': values.contact.name ?? '',
    'contact.first_name': (values.contact.name ?? '').split(/\s+/)[0] ?? '',
    'contact.email': values.contact.email ?? '',
    'agent.name': values.agent.name,
    'agent.first_name': values.agent.name.split(/\s+/)[0] ?? '',
    'ticket.number': String(values.ticket.number),
    'ticket.subject': values.ticket.subject,
  };
  return body.replace(/\{\{\s*([a-z_]+\.[a-z_]+)\s*\}\}/g, (whole, key: string) => table[key] ?? whole);
}
