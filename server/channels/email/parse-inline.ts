import type { ParsedEmail, ParseOptions } from './parse.js';

let parser: Promise<typeof import('./parse.js')> | undefined;

/**
 * parseEmail on this thread, with mailparser loaded on first use. Mail is parsed on the parse pool's
 * threads; the serving thread needs the parser only when a caller asks for inline parsing or the
 * pool cannot run, so a process that never does that (no mail yet, or no email channel) does not
 * keep mailparser and its dependencies in its heap. The module is kept once loaded: an import()
 * per mail resolves the specifier again each time, through every loader hook the process has.
 */
export async function parseEmailInline(raw: Buffer, opts: ParseOptions): Promise<ParsedEmail> {
  parser ??= import('./parse.js');
  const { parseEmail } = await parser;
  return parseEmail(raw, opts);
}
