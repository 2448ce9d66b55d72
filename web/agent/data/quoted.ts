// Folds the quoted history that email clients append to replies, so a thread reads like a conversation.

const ATTRIBUTION = [
  /^On .{4,200} wrote:\s*$/,
  /^在 .{2,200}写道[:：]\s*$/,
  /^於 .{2,200}寫道[:：]\s*$/,
  /^-{2,}\s*(Original Message|原始邮件|原始郵件)\s*-{2,}\s*$/i,
  /^From: .+$/,
  /^发件人[:：].+$/,
  /^寄件者[:：].+$/,
];

/**
 * Splits a message's text into the new part and the quoted history. `quoteStart` is where the
 * server's parser found the quote (email meta); the line heuristics below are for other sources.
 */
export function splitQuotedText(text: string, quoteStart?: unknown): { body: string; quoted: string } {
  if (typeof quoteStart === 'number' && quoteStart > 0 && quoteStart < text.length) {
    const body = text.slice(0, quoteStart).trimEnd();
    if (body) return { body, quoted: text.slice(quoteStart).replace(/^\s*\n/, '') };
  }
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    const startsQuote = line.startsWith('>') && lines.slice(i).every((l) => l.trim() === '' || l.trim().startsWith('>'));
    if (startsQuote || (i > 0 && ATTRIBUTION.some((re) => re.test(line)))) {
      const body = lines.slice(0, i).join('\n').trimEnd();
      if (!body) break;
      return { body, quoted: lines.slice(i).join('\n') };
    }
  }
  return { body: text, quoted: '' };
}

// The server's sanitiser marks quote containers with kf-quote and drops client-specific classes;
// the rest catch HTML from other sources.
const QUOTE_SELECTORS = ['.kf-quote', 'blockquote[type="cite"]', '.gmail_quote', '#divRplyFwdMsg', '#appendonsend', '.yahoo_quoted', 'blockquote'];

/** Splits sanitised email HTML (parsed inertly by DOMParser) into the new part and the quoted rest. */
export function splitQuotedHtml(doc: Document): { body: string; hasQuoted: boolean } {
  for (const sel of QUOTE_SELECTORS) {
    const el = doc.body.querySelector(sel);
    if (!el) continue;
    const clone = doc.body.cloneNode(true) as HTMLElement;
    const target = clone.querySelector(sel);
    if (!target) continue;
    // Everything from the quote on (including the "On … wrote:" line before it) is history.
    let node: ChildNode | null = target;
    const prev = target.previousElementSibling;
    if (prev && /wrote:|写道|寫道/.test(prev.textContent ?? '')) prev.remove();
    while (node) {
      const next: ChildNode | null = node.nextSibling;
      node.remove();
      node = next;
    }
    if ((clone.textContent ?? '').trim() === '') return { body: doc.body.innerHTML, hasQuoted: false };
    return { body: clone.innerHTML, hasQuoted: true };
  }
  return { body: doc.body.innerHTML, hasQuoted: false };
}
