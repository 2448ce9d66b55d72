import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvRecords } from '../../helpers/csv.js';
import { buildDataset, FROM, TO, type Dataset } from '../reports/dataset.js';
import { as } from './fixtures.js';

// The week of reports-api.test.ts: A, B, C, D and F created in it, A, B and C last resolved in it; E the week before.
let d: Dataset;
beforeAll(async () => {
  d = await buildDataset();
}, 60_000);
afterAll(async () => d?.t.close());

type List = { items: Array<{ id: number }> };
const ids = async (query: string): Promise<number[]> => {
  const res = await as(d.t, d.t.admin).get<List>(`/tickets?status=all&limit=200&${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items.map((t) => t.id).sort((a, b) => a - b);
};
const sorted = (...xs: number[]) => xs.sort((a, b) => a - b);

describe('GET /tickets by when tickets were created and resolved', () => {
  it('lists the tickets behind the overview’s created and resolved figures', async () => {
    const { A, B, C, D, E, F } = d.ids;
    const created = await ids(`createdFrom=${FROM}&createdTo=${TO}`);
    expect(created).toEqual(sorted(A, B, C, D, F));
    const resolved = await ids(`resolvedFrom=${FROM}&resolvedTo=${TO}`);
    expect(resolved).toEqual(sorted(A, B, C));
    const overview = await as(d.t, d.t.admin).get<{ ticketsCreated: number; ticketsResolved: number }>(`/reports/overview?from=${FROM}&to=${TO}`);
    expect([created.length, resolved.length]).toEqual([overview.body.ticketsCreated, overview.body.ticketsResolved]);

    // Half-open, each bound on its own, and combined with the other filters.
    expect(await ids(`createdTo=${FROM}`)).toEqual([E]);
    expect(await ids(`createdFrom=2026-03-03T10:00:00Z&createdTo=2026-03-04T08:00:00Z`)).toEqual([B]);
    expect(await ids(`createdFrom=2026-03-03T18:30:00%2B08:00&createdTo=${TO}`)).toEqual(sorted(C, D, F));
    expect(await ids(`resolvedFrom=${FROM}&resolvedTo=${TO}&priority=high`)).toEqual([B]);
    expect(await ids(`createdFrom=${FROM}&resolvedFrom=2026-03-04T00:00:00Z`)).toEqual([C]);
  });

  it('refuses a malformed or reversed range naming the field', async () => {
    for (const [query, field] of [
      ['createdFrom=last+week', 'createdFrom'],
      ['createdFrom=2026-03-02T10:00', 'createdFrom'],
      ['resolvedTo=2026-13-45T00:00:00Z', 'resolvedTo'],
      [`createdFrom=${TO}&createdTo=${FROM}`, 'createdTo'],
      [`resolvedFrom=${FROM}&resolvedTo=${FROM}`, 'resolvedTo'],
    ] as const) {
      const res = await as(d.t, d.t.admin).get<{ error: { code: string; message: string; details?: { field?: string } } }>(`/tickets?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.message.startsWith(`${field}:`), res.body.error.message).toBe(true);
    }
  });

  it('exports the same tickets as CSV', async () => {
    const res = await d.t.app.inject({ method: 'GET', url: `/api/v1/exports/tickets.csv?status=all&resolvedFrom=${FROM}&resolvedTo=${TO}`, headers: { cookie: d.t.admin.cookie } });
    expect(res.statusCode).toBe(200);
    const rows = csvRecords(res.body.replace(/^\uFEFF/, ''));
    expect(rows.map((r) => r.subject).sort()).toEqual([`'=cmd|calc, "quoted"`, 'Invoice please', '订单没有到'].sort());
    const bad = await d.t.app.inject({ method: 'GET', url: `/api/v1/exports/tickets.csv?createdFrom=${TO}&createdTo=${FROM}`, headers: { cookie: d.t.admin.cookie } });
    expect(bad.statusCode).toBe(400);
  });
});
