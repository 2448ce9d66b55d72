import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvCell } from '../../../server/modules/exports/csv.js';
import type { Session } from '../../helpers/app.js';
import { csvRecords } from '../../helpers/csv.js';
import { buildDataset, FROM, TO, type Dataset } from '../reports/dataset.js';

let d: Dataset;
beforeAll(async () => {
  d = await buildDataset();
}, 60_000);
afterAll(async () => d?.t.close());

async function download(url: string, who?: Session) {
  const res = await d.t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: { cookie: (who ?? d.t.admin).cookie } });
  return { status: res.statusCode, type: res.headers['content-type'], disposition: res.headers['content-disposition'], raw: res.rawPayload, text: res.rawPayload.toString('utf8') };
}

describe('csvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['a, b', '"a, b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\r\nlines', '"two\r\nlines"'],
    ['=1+2', "'=1+2"],
    ['+86 138', "'+86 138"],
    ['-5', "'-5"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['=a,"b"', `"'=a,""b"""`],
    ['中文，没问题', '中文，没问题'],
  ])('%j → %j', (input, expected) => expect(csvCell(input)).toBe(expected));

  it('leaves numbers as numbers, negative ones too, and null empty', () => {
    expect([csvCell(-5), csvCell(3600), csvCell(null)]).toEqual(['-5', '3600', '']);
  });
});

describe('GET /exports/tickets.csv', () => {
  it('is UTF-8 CSV with a byte order mark that parses back with Chinese, quotes and formulas intact', async () => {
    const res = await download('/exports/tickets.csv?status=all&sort=created&order=asc');
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/csv; charset=utf-8');
    expect(res.disposition).toMatch(/^attachment; filename="tickets-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect([...res.raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = csvRecords(res.text.slice(1));
    expect(rows.map((r) => r.subject)).toEqual(['Previous week question', '订单没有到', 'Invoice please', `'=cmd|calc, "quoted"`, 'anyone?', 'Weekend question']);
    const a = rows[1]!;
    expect(a).toMatchObject({ status: 'resolved', contact: '李雷', assignee: '王芳', first_response_seconds: '600', resolution_seconds: '14400', reopens: '1', agent_replies: '1' });
    expect(a.created_at).toBe('2026-03-02T09:00:00.000Z');
    expect(rows[2]).toMatchObject({ assignee: 'Chen "CC" Li', priority: 'high' });
  });

  it('takes the ticket list’s filters', async () => {
    const res = await download(`/exports/tickets.csv?status=resolved&assignee=${d.agent1.agentId}&sort=created&order=asc`);
    expect(csvRecords(res.text.slice(1)).map((r) => r.subject)).toEqual(['Previous week question', '订单没有到', `'=cmd|calc, "quoted"`]);
    const bad = await download('/exports/tickets.csv?status=bogus');
    expect(bad.status).toBe(400);
  });

  it('gives an agent only the tickets the list shows them', async () => {
    const list = await d.t.app.inject({ method: 'GET', url: '/api/v1/tickets?status=all&limit=200', headers: { cookie: d.agent2.cookie } });
    const listed = list.json<{ items: Array<{ subject: string }> }>().items.map((t) => t.subject).sort();
    const res = await download('/exports/tickets.csv?status=all', d.agent2);
    expect(res.status).toBe(200);
    const exported = csvRecords(res.text.slice(1)).map((r) => (r.subject ?? '').replace(/^'/, '')).sort();
    expect(exported).toEqual(listed);
    expect(exported).not.toContain('订单没有到');
  });
});

describe('GET /exports/contacts.csv', () => {
  it('exports every contact for a supervisor and refuses an agent', async () => {
    expect((await download('/exports/contacts.csv', d.agent1)).status).toBe(403);
    const res = await download('/exports/contacts.csv');
    expect(res.status).toBe(200);
    expect(res.text.startsWith('\uFEFFid,name,email')).toBe(true);
    const rows = csvRecords(res.text.slice(1));
    expect(rows.length).toBeGreaterThanOrEqual(5);
    expect(rows.every((r) => r.name === '李雷')).toBe(true);
    expect(rows.find((r) => r.email === 'customer1@example.com')).toMatchObject({ tickets: '1', identities: 'email:customer1@example.com' });
  });
});

describe('report tables as CSV', () => {
  it('gives the breakdown and agent tables with the same figures as the JSON', async () => {
    const range = `from=${FROM}&to=${TO}`;
    const res = await download(`/reports/breakdown.csv?${range}&by=agent`);
    expect(res.type).toBe('text/csv; charset=utf-8');
    const rows = csvRecords(res.text.slice(1));
    expect(rows.find((r) => r.name === '王芳')).toMatchObject({
      agent: String(d.agent1.agentId),
      tickets_created: '2',
      tickets_resolved: '2',
      first_response_median_s: '600',
      first_response_p90_s: '3600',
      csat_average: '4',
    });
    const agents = csvRecords((await download(`/reports/agents.csv?${range}`)).text.slice(1));
    expect(agents.find((r) => r.name === 'Chen "CC" Li')).toMatchObject({ assigned: '1', replied: '1', resolved: '1', first_response_median_s: '1800' });
    expect((await download(`/reports/breakdown.csv?${range}&by=agent`, d.agent1)).status).toBe(403);
  });
});
