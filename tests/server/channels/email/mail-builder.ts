/** Builds small raw RFC 5322 messages for tests that are about headers, not MIME. */
export interface MailSpec {
  from?: string;
  to?: string;
  cc?: string;
  subject?: string;
  messageId?: string | null;
  inReplyTo?: string;
  references?: string;
  date?: string;
  headers?: Record<string, string>;
  body?: string;
}

let counter = 0;

export function buildMail(spec: MailSpec = {}): Buffer {
  counter += 1;
  const lines = [
    `From: ${spec.from ?? 'Customer <customer@example.org>'}`,
    `To: ${spec.to ?? 'Support <support@example.com>'}`,
    ...(spec.cc ? [`Cc: ${spec.cc}`] : []),
    `Subject: ${spec.subject ?? 'Help please'}`,
    `Date: ${spec.date ?? 'Mon, 11 Mar 2024 10:00:00 +0000'}`,
    ...(spec.messageId === null ? [] : [`Message-ID: <${spec.messageId ?? `test-${process.pid}-${counter}-${Date.now()}@example.org`}>`]),
    ...(spec.inReplyTo ? [`In-Reply-To: <${spec.inReplyTo}>`] : []),
    ...(spec.references ? [`References: ${spec.references}`] : []),
    ...Object.entries(spec.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    spec.body ?? 'My order has not arrived.',
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}
