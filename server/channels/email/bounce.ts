import type { ParsedMail } from 'mailparser';
import { normalizeMessageId } from './message-id.js';

export interface BounceInfo {
  /** The Message-ID of the mail that could not be delivered (ours, when it was a reply). */
  originalMessageId: string | null;
  recipient: string | null;
  /** `failed` marks the outbound message failed; `delayed` only informs. */
  action: 'failed' | 'delayed' | 'delivered' | 'relayed' | 'expanded' | 'unknown';
  status: string | null;
  reason: string;
}

const BOUNCE_SUBJECT =
  /(undeliver|undelivered mail|delivery status notification|delivery (has )?failed|mail delivery failed|returned mail|failure notice|delivery failure|系统退信|退信|投递失败|未能送达|無法傳遞|配信不能|不達|전달 실패)/i;

/** Unfolds a header-like block (RFC 3464 fields use header syntax) into name → value. */
function fieldBlocks(text: string): Array<Map<string, string>> {
  const blocks: Array<Map<string, string>> = [];
  for (const chunk of text.replace(/\r\n/g, '\n').split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const line of chunk.replace(/\n[ \t]+/g, ' ').split('\n')) {
      const m = /^([A-Za-z][A-Za-z0-9-]*)\s*:\s*(.*)$/.exec(line);
      if (m?.[1] && !fields.has(m[1].toLowerCase())) fields.set(m[1].toLowerCase(), (m[2] ?? '').trim());
    }
    if (fields.size > 0) blocks.push(fields);
  }
  return blocks;
}

/** `rfc822; jane@example.com` → `jane@example.com` */
const afterType = (v: string | undefined): string | null => (v ? v.replace(/^[^;]*;\s*/, '').trim() || null : null);

function originalId(mail: ParsedMail): string | null {
  for (const a of mail.attachments) {
    if (!/^(message\/rfc822|text\/rfc822-headers|message\/rfc822-headers)/i.test(a.contentType)) continue;
    const head = a.content.subarray(0, 64 * 1024).toString('utf8');
    const m = /^message-id:\s*(<[^>\r\n]+>|\S+)/im.exec(head.replace(/\r?\n[ \t]+/g, ' '));
    if (m?.[1]) return normalizeMessageId(m[1]);
  }
  const text = mail.text ?? '';
  const m = /message-id:\s*(<[^>\s]+>)/i.exec(text);
  return m?.[1] ? normalizeMessageId(m[1]) : null;
}

function isReport(mail: ParsedMail): boolean {
  const ct = mail.headers.get('content-type');
  if (!ct || typeof ct !== 'object' || !('value' in ct) || !('params' in ct)) return false;
  const params = ct.params as Record<string, string>;
  return ct.value === 'multipart/report' && /delivery-status/i.test(params['report-type'] ?? '');
}

function statusReport(mail: ParsedMail): Omit<BounceInfo, 'originalMessageId'> | null {
  const part = mail.attachments.find((a) => /^message\/(global-)?delivery-status/i.test(a.contentType));
  if (!part) return null;
  const blocks = fieldBlocks(part.content.toString('utf8'));
  const perRecipient = blocks.filter((b) => b.has('action') || b.has('final-recipient'));
  const first = perRecipient.find((b) => b.get('action')?.toLowerCase() === 'failed') ?? perRecipient[0];
  if (!first) return null;
  const action = (first.get('action')?.toLowerCase() ?? 'unknown') as BounceInfo['action'];
  const diagnostic = afterType(first.get('diagnostic-code'));
  const status = first.get('status') ?? null;
  return {
    recipient: afterType(first.get('final-recipient') ?? first.get('original-recipient')),
    action: ['failed', 'delayed', 'delivered', 'relayed', 'expanded'].includes(action) ? action : 'unknown',
    status,
    reason: diagnostic ?? (status ? `status ${status}` : 'delivery failed'),
  };
}

/** A first line that looks like an SMTP rejection, for bounces that are not RFC 3464 reports. */
function reasonFromText(text: string): string {
  const line = text.split('\n').map((l) => l.trim()).find((l) => /\b[45]\d\d\b|\b[45]\.\d+\.\d+\b/.test(l));
  return (line ?? text.trim().split('\n')[0] ?? 'delivery failed').slice(0, 500);
}

/**
 * Reads a delivery status notification: which of our mails bounced, for whom and why.
 * Handles RFC 3464 reports and the plain-text bounces some servers still send.
 */
export function parseBounce(mail: ParsedMail, fromAddress: string | null, subject: string): BounceInfo | null {
  if (isReport(mail)) {
    const report = statusReport(mail);
    if (report) return { originalMessageId: originalId(mail), ...report };
  }
  const fromDaemon = fromAddress !== null && /^(mailer-daemon|postmaster|mail-daemon)@/i.test(fromAddress);
  if (!fromDaemon || !BOUNCE_SUBJECT.test(subject)) return null;
  // qmail and Exim list the failed address alone on a line: "<jane@example.com>:" or "  jane@example.com"
  const recipient = /^\s*<?([^\s<>@]+@[^\s<>@]+)>?:?\s*$/m.exec(mail.text ?? '')?.[1] ?? null;
  return {
    originalMessageId: originalId(mail),
    recipient,
    action: 'failed',
    status: /\b([45]\.\d{1,3}\.\d{1,3})\b/.exec(mail.text ?? '')?.[1] ?? null,
    reason: reasonFromText(mail.text ?? ''),
  };
}
