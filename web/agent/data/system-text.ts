// System lines (merges, bounces, a chat's end and rating) are stored as English text; agents read them in their own language.
import { formatDateTime } from '../../shared/format.js';
import { t } from '../../shared/i18n/i18n.js';
import type { Message } from '../../shared/types.js';
import { CSAT_FACES } from './csat.js';
import { lineParts, lineText, type LinePart } from './line-parts.js';

const MERGED_FROM = /^#(\d+) was merged into this ticket by (.+)\.$/;
const MERGED_INTO = /^Merged into #(\d+) by (.+)\.$/;
const BOUNCED = /^Delivery(?: to (\S+))? failed: ([\s\S]*)$/;
const CHAT_ENDED = /^Visitor ended the chat\.$/;
const RATED = /^Rated ([1-5])\/5(?:: ([\s\S]*))?$/;

const str = (v: unknown): string | null => (typeof v === 'string' || typeof v === 'number' ? String(v) : null);

/**
 * The line in the agent's language, in parts. A merge line's meta has the ticket numbers and who merged;
 * a list preview has only the fixed English wording, and so have lines stored before the meta had them.
 */
export function systemParts(m: Pick<Message, 'text'> & { meta?: Message['meta'] }): LinePart[] {
  const meta = m.meta ?? {};
  const from = MERGED_FROM.exec(m.text);
  if (from || meta.fromNumber !== undefined) {
    return lineParts('system.mergedFrom', { n: str(meta.fromNumber) ?? from?.[1] ?? '', name: str(meta.byName) ?? from?.[2] ?? '' });
  }
  const into = MERGED_INTO.exec(m.text);
  if (into || meta.intoNumber !== undefined) {
    return lineParts('system.mergedInto', { n: str(meta.intoNumber) ?? into?.[1] ?? '', name: str(meta.byName) ?? into?.[2] ?? '' });
  }
  if (meta.event === 'chat.ended' || CHAT_ENDED.test(m.text)) return lineParts('system.chatEnded', {});
  const rated = RATED.exec(m.text);
  if (meta.event === 'csat.rated' || rated) {
    const score = str(meta.score) ?? rated?.[1] ?? '';
    const comment = meta.event === 'csat.rated' ? str(meta.comment) : (rated?.[2] ?? null);
    const face = meta.scale === 'faces' ? CSAT_FACES[Number(meta.score)] : undefined;
    if (face) return comment ? lineParts('system.ratedFace', { face, comment }) : lineParts('system.ratedFaceNoComment', { face });
    return comment ? lineParts('system.rated', { score, comment }) : lineParts('system.ratedNoComment', { score });
  }
  if (meta.event === 'sla.breached') {
    const target = str(meta.target);
    const due = str(meta.dueAt);
    return lineParts('system.slaBreached', {
      target: target === 'first_response' || target === 'next_response' || target === 'resolution' ? t(`sla.target.${target}`) : (target ?? ''),
      date: due ? formatDateTime(due) : '',
      policy: str(meta.policy) ?? '',
    });
  }
  if (meta.event === 'bot.handoff') return lineParts('bot.handedOver', {});
  if (meta.event === 'bot.solved') return lineParts('bot.solved', {});
  if (meta.event === 'message.edited') return lineParts('system.edited', { text: str(meta.text) ?? '' });
  if (meta.event === 'wechat.subscribe') return lineParts('system.wechatFollowed', {});
  if (meta.event === 'wechat.unsubscribe') return lineParts('system.wechatUnfollowed', {});
  if (meta.event === 'wechat.menu') return lineParts('system.wechatMenu', { key: str(meta.key) ?? '' });
  if (meta.event === 'wechat.menu_link') return lineParts('system.wechatMenuLink', { url: str(meta.key) ?? '' });
  const bounce = (meta.bounce ?? null) as { recipient?: unknown; reason?: unknown } | null;
  const bounced = BOUNCED.exec(m.text);
  if (bounce || bounced) {
    const to = str(bounce?.recipient) ?? bounced?.[1];
    const reason = str(bounce?.reason) ?? bounced?.[2] ?? '';
    return to ? lineParts('system.bounced', { to, reason }) : lineParts('system.bouncedNoRecipient', { reason });
  }
  return [m.text];
}

export function systemText(m: Pick<Message, 'text'> & { meta?: Message['meta'] }): string {
  return lineText(systemParts(m));
}
