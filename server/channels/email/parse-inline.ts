import type { ParsedEmail, ParseOptions } from './parse.js';

/**
 * parseEmail on this thread, with mailparser loaded on first use. Mail is parsed on the parse pool's
 * threads; the serving thread needs the parser only when a caller asks for inline parsing or the
 * pool cannot run, so a process that never does that (no mail yet, or no email channel) does not
 * keep mailparser and its dependencies in its heap.
 */
export async function parseEmailInline(raw: Buffer, opts: ParseOptions): Promise<ParsedEmail> {
  const { parseEmail } = await import('./parse.js');
  return parseEmail(raw, opts);
}
