/** Header lookups by lowercase name; the raw header text, already unfolded. */
export type HeaderGetter = (name: string) => string | undefined;

export type AutoReplyKind = 'auto-reply' | 'bulk' | 'bounce';

export interface AutoReplyVerdict {
  kind: AutoReplyKind;
  /** Which signal decided it, kept in meta so an agent can see why no acknowledgement went out. */
  reason: string;
}

const VACATION_SUBJECTS = [
  /^(auto(matic)?[ -]?(reply|response|antwort)|autoreply|auto:)/i,
  /\bout of (the )?office\b/i,
  /^(vacation|on vacation|away|holiday)( reply| notice| message| autoreply)?\s*[:\-–]/i,
  /^(abwesenheitsnotiz|réponse automatique|risposta automatica|respuesta automática|automatisch antwoord)/i,
  /^(自动回复|自動回覆|自動回复|自动答复|自動応答|自動返信|不在のお知らせ|休假|자동\s?응답|부재중)/,
  /(自动回复|自動回覆|自動応答|自動返信)/,
];

const BOUNCE_SENDERS = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@/i;

/**
 * Decides whether a message was sent by a machine. Such messages are stored like any other
 * but never answered automatically, which is what stops two auto-responders from looping.
 */
export function detectAutoReply(header: HeaderGetter, subject: string, fromAddress: string | null): AutoReplyVerdict | null {
  const autoSubmitted = header('auto-submitted')?.trim().toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return { kind: 'auto-reply', reason: `Auto-Submitted: ${autoSubmitted}` };
  if (header('x-autoreply') !== undefined) return { kind: 'auto-reply', reason: 'X-Autoreply' };
  if (header('x-autorespond') !== undefined) return { kind: 'auto-reply', reason: 'X-Autorespond' };
  if (header('x-autoresponder') !== undefined) return { kind: 'auto-reply', reason: 'X-Autoresponder' };
  const suppress = header('x-auto-response-suppress')?.toLowerCase() ?? '';
  if (/\b(all|oof|autoreply)\b/.test(suppress)) return { kind: 'auto-reply', reason: `X-Auto-Response-Suppress: ${suppress}` };
  const precedence = (header('precedence') ?? header('x-precedence'))?.trim().toLowerCase();
  if (precedence && /^(bulk|junk|list|auto_reply)$/.test(precedence)) {
    return { kind: precedence === 'auto_reply' ? 'auto-reply' : 'bulk', reason: `Precedence: ${precedence}` };
  }
  if (header('list-id') !== undefined || header('list-unsubscribe') !== undefined) {
    return { kind: 'bulk', reason: 'mailing list headers' };
  }
  if (fromAddress && BOUNCE_SENDERS.test(fromAddress)) return { kind: 'bounce', reason: `sender ${fromAddress}` };
  const returnPath = header('return-path')?.trim();
  if (returnPath === '<>') return { kind: 'bounce', reason: 'empty Return-Path' };
  if (VACATION_SUBJECTS.some((p) => p.test(subject.trim()))) return { kind: 'auto-reply', reason: 'vacation subject' };
  return null;
}
