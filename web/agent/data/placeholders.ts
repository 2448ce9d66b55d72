// Canned replies may keep {{placeholders}} the server could not fill; the composer selects them one by one.

export function nextPlaceholder(text: string, from = 0): { start: number; end: number } | null {
  const re = /\{\{\s*[^{}]+?\s*\}\}/g;
  re.lastIndex = from;
  const m = re.exec(text);
  if (m) return { start: m.index, end: m.index + m[0].length };
  if (from > 0) return nextPlaceholder(text, 0);
  return null;
}

/** The `/shortcut` query being typed at the caret, if the caret sits at the end of one. */
export function slashQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const m = /(^|\s)\/([\p{L}\p{N}_-]*)$/u.exec(before);
  if (!m) return null;
  return { start: caret - (m[2] as string).length - 1, query: m[2] as string };
}

/** The `@name` being typed at the caret, for mentions in internal notes. */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const m = /(^|\s)@([\p{L}\p{N}._-]*)$/u.exec(before);
  if (!m) return null;
  return { start: caret - (m[2] as string).length - 1, query: m[2] as string };
}

/** Ids of agents whose `@Name` appears in a note; the longest name wins ("@Mei Lin" is not "@Mei"). */
export function mentionedAgentIds(text: string, agents: readonly { id: number; name: string }[]): number[] {
  const named = agents.filter((a) => a.name).sort((a, b) => b.name.length - a.name.length);
  if (!named.length) return [];
  const esc = named.map((a) => a.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = new RegExp(`@(${esc.join('|')})`, 'gu');
  const ids: number[] = [];
  for (const m of text.matchAll(re)) {
    const name = m[1] as string;
    const after = text[m.index + m[0].length];
    // Latin names must end at a word boundary; CJK names are followed directly by text.
    const bounded = after === undefined || !/[\p{L}\p{N}]/u.test(after) || /[\u3400-\u9fff]$/.test(name);
    const agent = named.find((a) => a.name === name);
    if (bounded && agent && !ids.includes(agent.id)) ids.push(agent.id);
  }
  return ids;
}
