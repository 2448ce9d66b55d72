// System lines (merges, bounces) are stored as English text; agents read them in their own language.
import { t } from '../../shared/i18n/i18n.js';
import type { Message } from '../../shared/types.js';

const MERGED_FROM = /^#(\d+) was merged into this ticket by (.+)\.$/;
const MERGED_INTO = /^Merged into #(\d+) by (.+)\.$/;
const BOUNCED = /^Delivery(?: to (\S+))? failed: ([\s\S]*)$/;

const str = (v: unknown): string | null => (typeof v === 'string' || typeof v === 'number' ? String(v) : null);

/**
 * The line in the agent's language. The server's meta names the event but not yet the ticket numbers or
 * who merged, so those come from its fixed English wording (also all a list preview has).
 */
export function systemText(m: Pick<Message, 'text'> & { meta?: Message['meta'] }): string {
  const meta = m.meta ?? {};
  const from = MERGED_FROM.exec(m.text);
  if (from) return t('system.mergedFrom', { n: str(meta.fromNumber) ?? from[1]!, name: str(meta.byName) ?? from[2]! });
  const into = MERGED_INTO.exec(m.text);
  if (into) return t('system.mergedInto', { n: str(meta.intoNumber) ?? into[1]!, name: str(meta.byName) ?? into[2]! });
  const bounce = (meta.bounce ?? null) as { recipient?: unknown; reason?: unknown } | null;
  const bounced = BOUNCED.exec(m.text);
  if (bounce || bounced) {
    const to = str(bounce?.recipient) ?? bounced?.[1];
    const reason = str(bounce?.reason) ?? bounced?.[2] ?? '';
    return to ? t('system.bounced', { to, reason }) : t('system.bouncedNoRecipient', { reason });
  }
  return m.text;
}
