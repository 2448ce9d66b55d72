import { describe, expect, it } from 'vitest';
import { replySubject, withSignature, withTicketToken } from '../../../../server/channels/email/compose.js';
import type { EmailChannelConfig } from '../../../../server/channels/email/config-schema.js';
import { filterStyle, sanitizeEmailHtml } from '../../../../server/channels/email/html.js';
import { messageIdList, normalizeMessageId } from '../../../../server/channels/email/message-id.js';
import { stringList } from '../../../../server/channels/email/payloads.js';
import { analyzeQuotes } from '../../../../server/channels/email/quotes.js';
import { replyAddress, ticketNumberFromAddress } from '../../../../server/channels/email/reply-address.js';
import { subjectTokens } from '../../../../server/channels/email/threading.js';

describe('quote detection', () => {
  it.each([
    ['Thanks!\n\nOn Tue, 5 Mar 2024, Acme <a@b.c> wrote:\n> old', 'On Tue'],
    ['Thanks!\n\nOn Tue, 5 Mar 2024 at 10:00, A Very Long Name <a@b.c>\nwrote:\n> old', 'On Tue'],
    ['好的\n\n在 2024年3月1日，上午10:02，客服 <a@b.c> 写道：\n> 旧', '在 2024年'],
    ['好的\n\n客服 <a@b.c> 于2024年3月1日周五 10:02写道：\n> 旧', '客服 <a@b.c> 于'],
    ['好的\n\n------------------ 原始邮件 ------------------\n发件人: x', '------------------ 原始邮件'],
    ['OK\n\n-----Original Message-----\nFrom: x', '-----Original Message-----'],
    ['OK\n\nFrom: Acme <a@b.c>\nSent: Monday\nTo: me', 'From: Acme'],
    ['Ja\n\nAm 04.03.24 um 12:00 schrieb Acme Support:\n> alt', 'Am 04.03.24'],
    ['new\n> quoted\n> more\n', '> quoted'],
  ])('finds the quote in %j', (text, startsWith) => {
    const { quoteStart } = analyzeQuotes(text);
    expect(quoteStart).not.toBeNull();
    expect(text.slice(quoteStart ?? 0)).toMatch(new RegExp(`^${startsWith.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it.each([
    'A plain message with no quote at all.\nSecond line: with a colon:',
    '> I quote you here\nand answer in between\n> and quote again\nand answer again',
    'FYI\n\n---------- Forwarded message ---------\nFrom: a@b.c\nDate: Fri\n\nbody',
    'From: my point of view this is broken.\nIt crashes.',
  ])('finds no foldable quote in %j', (text) => {
    expect(analyzeQuotes(text).quoteStart).toBeNull();
  });

  it('finds the signature before the quote', () => {
    const text = 'Hi\n\n-- \nJane\n\nOn Mon, X wrote:\n> q';
    const info = analyzeQuotes(text);
    expect(text.slice(info.signatureStart ?? 0)).toMatch(/^-- \nJane/);
    expect(info.signatureStart).toBeLessThan(info.quoteStart ?? 0);
  });
});

describe('HTML sanitising', () => {
  it.each([
    ['<img src=x onerror=alert(1)>', /onerror/],
    ['<a href="javascript:alert(1)">x</a>', /javascript:/],
    ['<svg><script>alert(1)</script></svg>', /script/],
    ['<div style="background:url(https://evil.example/x)">x</div>', /url\(/],
    ['<div style="width:expression(alert(1))">x</div>', /expression/],
    ['<style>@import "https://evil.example/x.css";</style><p>x</p>', /@import|evil/],
    ['<link rel=stylesheet href="https://evil.example/x.css"><p>x</p>', /<link/],
    ['<meta http-equiv="refresh" content="0;url=https://evil.example">', /refresh/],
    ['<form action="https://evil.example"><input name=a></form>', /<form|<input/],
    ['<a href="//evil.example/x">x</a>', /evil/],
    ['<img srcset="https://evil.example/a.png 1x">', /srcset|evil/],
    ['<table background="https://evil.example/bg.png"><tr><td>x</td></tr></table>', /background=/],
  ])('removes the danger in %s', (html, bad) => {
    expect(sanitizeEmailHtml(html).html).not.toMatch(bad);
  });

  it('keeps harmless formatting and rewrites cid links when told where they live', () => {
    const out = sanitizeEmailHtml('<p style="color:#c00;font-weight:bold;position:fixed">Hi <b>there</b></p><img src="cid:logo@x">', {
      cidUrl: (cid) => (cid === 'logo@x' ? '/api/v1/attachments/7/logo.png' : null),
    });
    expect(out.html).toBe('<p style="color:#c00;font-weight:bold">Hi <b>there</b></p><img src="/api/v1/attachments/7/logo.png" />');
    expect(out.cids).toEqual(['logo@x']);
  });

  it('loads remote images only with consent', () => {
    const html = '<img src="https://cdn.example/a.png">';
    expect(sanitizeEmailHtml(html).html).toBe('<img data-kf-remote-src="https://cdn.example/a.png" class="kf-remote-image" />');
    expect(sanitizeEmailHtml(html, { remoteImages: true }).html).toBe('<img src="https://cdn.example/a.png" />');
  });

  it('filters style declarations one by one', () => {
    expect(filterStyle('color: red; behavior: url(x.htc); font-size: 12px !important; margin: 0 auto')).toBe('color:red;font-size:12px;margin:0 auto');
  });
});

describe('ids, tokens and reply addresses', () => {
  it.each([
    ['<abc@host>', 'abc@host'],
    ['  abc@host ', 'abc@host'],
    ['<a b@host>', null],
    ['', null],
  ])('normalises Message-ID %j', (raw, id) => expect(normalizeMessageId(raw)).toBe(id));

  it('lists References in order without duplicates', () => {
    expect(messageIdList('<a@x> <b@x>\r\n <a@x>')).toEqual(['a@x', 'b@x']);
    expect(messageIdList(['<a@x>', '<c@x>'])).toEqual(['a@x', 'c@x']);
  });

  it('reads subject tokens, newest last in the subject first', () => {
    expect(subjectTokens('Re: Fwd: [#1001] and [#1042]')).toEqual([1042, 1001]);
    expect(subjectTokens('Order #1042')).toEqual([]);
  });

  it('signs plus addresses per ticket and channel', () => {
    const addr = replyAddress('secret', 'support', 'Support@Example.com', 1042);
    expect(addr).toMatch(/^support\+t1042\.[0-9a-f]{12}@example\.com$/);
    expect(ticketNumberFromAddress('secret', 'support', 'support@example.com', addr)).toBe(1042);
    expect(ticketNumberFromAddress('other-secret', 'support', 'support@example.com', addr)).toBeNull();
    expect(ticketNumberFromAddress('secret', 'sales', 'support@example.com', addr)).toBeNull();
    expect(ticketNumberFromAddress('secret', 'support', 'support@example.com', addr.replace('1042', '1043'))).toBeNull();
  });

  it.each([
    ['Where is my order?', 1042, 'Re: Where is my order? [#1042]'],
    ['RE: Re: AW: Where is my order? [#1042]', 1042, 'Re: Where is my order? [#1042]'],
    ['回复：退款', 7, 'Re: 退款 [#7]'],
    ['Bad\r\nBcc: x@y', 9, 'Re: Bad Bcc: x@y [#9]'],
    ['', 5, 'Re: (no subject) [#5]'],
  ])('builds the reply subject for %j', (subject, n, expected) => expect(replySubject(subject, n)).toBe(expected));

  it.each([
    ['Acme Support', 'Hi\n\n-- \nAcme Support'],
    ['--\nAcme Support\n', 'Hi\n\n-- \nAcme Support'],
    ['-- \nAcme <Support>', 'Hi\n\n-- \nAcme <Support>'],
  ])('appends the signature %j once, with one delimiter', (signature, text) => {
    const channel = { name: 's', address: 's@example.com', plus_addressing: false, agent_notifications: false, signature } as EmailChannelConfig;
    const out = withSignature(channel, 'Hi', null);
    expect(out.text).toBe(text);
    expect(out.html).not.toContain('<Support>');
  });

  it('takes only bare addresses for CC and BCC', () => {
    expect(stringList(['boss@example.org', ' x@y.z ', 'a@b.c\r\nBcc: evil@x.y', 'a@b.c, evil@x.y', 'Name <n@x.y>', 42, 'nope'])).toEqual(['boss@example.org', 'x@y.z']);
  });

  it('adds the token once to a plain subject', () => {
    expect(withTicketToken('We got it', 3)).toBe('We got it [#3]');
    expect(withTicketToken('We got it [#3]', 3)).toBe('We got it [#3]');
  });
});
