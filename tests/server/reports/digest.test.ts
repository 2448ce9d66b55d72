import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerEmailSender } from '../../../server/channels/email/index.js';
import { createContext } from '../../../server/context.js';
import { createLogger } from '../../../server/logger.js';
import { digestRows, type BusiestHour } from '../../../server/modules/digest/mail.js';
import { sendDueDigest } from '../../../server/modules/digest/send.js';
import { DIGEST_TEXTS } from '../../../server/modules/digest/texts.js';
import type { Overview } from '../../../server/modules/reports/overview.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp-sink.js';
import { as } from '../tickets/fixtures.js';
import { at, buildDataset, clockAt, FROM, TO, type Dataset } from './dataset.js';

let d: Dataset;
let sink: SmtpSink;
/** Mails the dataset itself sent (replies to customers), delivered before any digest. */
let before = 0;
const people = { zhCN: 'lead-cn@example.test', zhTW: 'lead-tw@example.test', off: 'gone@example.test' };

beforeAll(async () => {
  sink = await startSmtpSink();
  d = await buildDataset({
    server: { public_url: 'https://help.example.com' },
    channels: { email: [{ name: 'support', address: 'support@example.com', smtp: { host: sink.host, port: sink.port, security: 'none' } }] },
  });
  registerEmailSender(d.t.ctx);
  for (const [email, language] of [[people.zhCN, 'zh-CN'], [people.zhTW, 'zh-TW'], [people.off, 'en']] as const) {
    const s = await d.t.signIn('supervisor', email);
    await d.t.ctx.db.updateTable('agents').set({ language, name: `Lead ${language}` }).where('id', '=', s.agentId).execute();
  }
  await d.t.ctx.db.updateTable('agents').set({ active: 0 }).where('email', '=', people.off).execute();
  before = (await d.t.ctx.db.selectFrom('outbox').select('id').where('kind', '=', 'email').execute()).length;
  await delivered(0);
}, 60_000);
afterAll(async () => {
  vi.useRealTimers();
  await d?.t.close();
  await sink?.close();
});

const settings = (payload: Record<string, unknown>) => as(d.t, d.t.admin).patch<Record<string, unknown>>('/reports/settings', payload);

/** Runs the outbox until `count` digest mails in all reached the receiver; each parsed. */
async function delivered(count: number) {
  const total = before + count;
  for (let i = 0; i < 100 && sink.messages.length < total; i++) {
    await d.t.ctx.outbox.runOnce();
    if (sink.messages.length < total) await new Promise((r) => setTimeout(r, 20));
  }
  const raw = (await sink.waitFor(total, 2000)).slice(before);
  return Promise.all(raw.map(async (m) => ({ to: m.to, mail: await simpleParser(m.raw) })));
}

function busiest(cells: number[][]): BusiestHour | null {
  let best: BusiestHour | null = null;
  cells.forEach((hours, weekday) => hours.forEach((tickets, hour) => { if (tickets > (best?.tickets ?? 0)) best = { weekday, hour, tickets }; }));
  return best;
}

describe('report settings', () => {
  it('starts with the digest off and refuses a bad schedule or zone naming the field', async () => {
    const res = await as(d.t, d.t.admin).get<Record<string, unknown>>('/reports/settings');
    expect(res.body).toEqual({ digest: { enabled: false, schedule: '0 8 * * 1', timezone: 'UTC' } });
    for (const [digest, field] of [[{ schedule: '61 8 * * 1' }, 'digest.schedule'], [{ schedule: '0 0 8 * * 1' }, 'digest.schedule'], [{ timezone: 'Mars/Base' }, 'digest.timezone']] as const) {
      const bad = await settings({ digest });
      expect(bad.status, JSON.stringify(digest)).toBe(400);
      expect(bad.body).toMatchObject({ error: { code: 'bad_request' } });
      expect(JSON.stringify(bad.body)).toContain(field);
    }
    const agent = await as(d.t, d.agent1).patch('/reports/settings', { digest: { enabled: true } });
    expect(agent.status).toBe(403);
  });
});

describe('the weekly digest', () => {
  it('is not sent while disabled', async () => {
    expect(await sendDueDigest(d.t.ctx, at('2026-03-09T08:00:00Z'))).toBeNull();
  });

  it('mails each active admin and supervisor once a week, in their language, with the overview’s figures', async () => {
    const ok = await settings({ digest: { enabled: true, schedule: '0 8 * * 1', timezone: 'UTC' } });
    expect(ok.status).toBe(200);
    // Monday 07:59: the last scheduled time was a week ago, too long ago to catch up.
    expect(await sendDueDigest(d.t.ctx, at('2026-03-09T07:59:00Z'))).toBeNull();

    clockAt(at('2026-03-09T08:00:00Z'));
    const sent = await sendDueDigest(d.t.ctx);
    vi.useRealTimers();
    expect(sent).toMatchObject({ status: 'sent', recipients: 3, period: { from: Date.parse(FROM), to: Date.parse(TO) } });
    // Later the same morning, and after a restart: the week is taken.
    expect(await sendDueDigest(d.t.ctx, at('2026-03-09T09:30:00Z'))).toBeNull();
    const again = await createContext(d.t.config, createLogger('silent', { pretty: false }));
    try {
      expect(await sendDueDigest(again, at('2026-03-09T08:00:00Z'))).toBeNull();
    } finally {
      await again.close();
    }

    const mails = await delivered(3);
    expect(mails.map((m) => m.to).flat().sort()).toEqual(['admin@example.test', people.zhCN, people.zhTW].sort());
    const to = (who: string) => mails.find((m) => m.to.includes(who))?.mail;
    expect(to('admin@example.test')?.subject).toBe('Weekly support digest: 2026-03-02 to 2026-03-08');
    expect(to(people.zhCN)?.subject).toBe('客服周报：2026-03-02 至 2026-03-08');
    expect(to(people.zhTW)?.subject).toBe('客服週報：2026-03-02 至 2026-03-08');

    // Every line is the overview and heatmap APIs' figures for the same range and zone.
    const range = `from=${FROM}&to=${TO}&timezone=UTC`;
    const api = (await as(d.t, d.t.admin).get<Overview>(`/reports/overview?${range}`)).body;
    const cells = (url: string) => as(d.t, d.t.admin).get<{ cells: number[][] }>(url).then((r) => r.body.cells);
    const figures = {
      overview: api,
      busiest: {
        current: busiest(await cells(`/reports/heatmap?${range}`)),
        previous: busiest(await cells(`/reports/heatmap?from=2026-02-23T00:00:00Z&to=${FROM}&timezone=UTC`)),
      },
    };
    const en = to('admin@example.test')?.text ?? '';
    for (const [label, current, previous] of digestRows(DIGEST_TEXTS.en, figures)) expect(en).toContain(`${label}: ${current} (Week before: ${previous})`);
    const zh = to(people.zhCN)?.text ?? '';
    for (const [label, current, previous] of digestRows(DIGEST_TEXTS['zh-CN'], figures)) expect(zh).toContain(`${label}: ${current} (前一周: ${previous})`);
    // The same figures worked out by hand in reports-api.test.ts.
    expect(en).toContain('Tickets created: 5 (Week before: 1)');
    expect(en).toContain('First response time, median: 30 min (Week before: 20 min)');
    expect(en).toContain('Resolution time, p90: 4 h (Week before: 20 min)');
    expect(en).toContain('Satisfaction (CSAT), average of 5: 3.25 (Week before: –)');
    expect(en).toContain('Satisfaction response rate: 40% (Week before: –)');
    expect(en).toContain('Busiest hour (tickets created): Monday 09:00–10:00 (Week before: Tuesday 09:00–10:00)');
    expect(zh).toContain('首次响应时间（中位数）: 30 分钟');
    expect(to(people.zhTW)?.text).toContain('首次回應時間（中位數）: 30 分鐘');
    expect(en).toContain('https://help.example.com/#/reports?from=2026-03-02&to=2026-03-08&tz=UTC');
    const html = String(to(people.zhTW)?.html ?? '');
    expect(html).toContain('<table');
    expect(html).toContain('href="https://help.example.com/#/reports?from=2026-03-02&amp;to=2026-03-08&amp;tz=UTC"');
    expect(html).toContain('週一 09:00–10:00');
  });

  it('sends the next week once even when two runs overlap', async () => {
    const next = at('2026-03-16T08:00:00Z');
    const runs = await Promise.all([sendDueDigest(d.t.ctx, next), sendDueDigest(d.t.ctx, next + 60_000)]);
    expect(runs.filter((r) => r !== null)).toMatchObject([{ status: 'sent', recipients: 3, period: { from: Date.parse(TO) } }]);
    const mails = await delivered(6);
    expect(mails.slice(3).map((m) => m.mail.subject)).toContain('Weekly support digest: 2026-03-09 to 2026-03-15');
    for (const who of ['admin@example.test', people.zhCN, people.zhTW]) expect(mails.filter((m) => m.to.includes(who))).toHaveLength(2);
    expect(await d.t.ctx.db.selectFrom('report_digests').select(['period_start', 'status', 'recipients']).orderBy('period_start').execute()).toEqual([
      { period_start: Date.parse(FROM), status: 'sent', recipients: 3 },
      { period_start: Date.parse(TO), status: 'sent', recipients: 3 },
    ]);
  });
});
