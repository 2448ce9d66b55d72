import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import { closeStalePresence, startPresenceLog } from '../../../server/modules/reports/presence-log.js';
import { createTestApp, type Session, type TestApp } from '../../helpers/app.js';
import { csvRecords } from '../../helpers/csv.js';
import { FrameLog } from '../realtime/ws-client.js';
import { as } from '../tickets/fixtures.js';

// Two agents' sessions over the websocket, the clock moved between steps: Ann's starts before the
// range and ends inside it; Bo's starts inside and runs past its end.
let t: TestApp;
let ann: Session;
let bo: Session;
let stopLog: () => Promise<void>;
const sockets: WebSocket[] = [];
const at = (iso: string): number => Date.parse(iso);
const clock = (iso: string) => vi.setSystemTime(at(iso));

beforeAll(async () => {
  t = await createTestApp();
  ann = await t.signIn('agent', 'ann@example.test');
  bo = await t.signIn('agent', 'bo@example.test');
  await t.ctx.db.updateTable('agents').set({ name: 'Ann' }).where('id', '=', ann.agentId).execute();
  await t.ctx.db.updateTable('agents').set({ name: 'Bo' }).where('id', '=', bo.agentId).execute();
  stopLog = startPresenceLog(t.ctx);
  vi.useFakeTimers({ toFake: ['Date'] });
});
afterAll(async () => {
  vi.useRealTimers();
  for (const s of sockets) s.terminate();
  await t?.close();
});

async function connect(session: Session): Promise<FrameLog> {
  let log: FrameLog | undefined;
  const ws = await t.app.injectWS('/api/v1/ws', { headers: { cookie: session.cookie } }, { onInit: (socket) => void (log = new FrameLog(socket)) });
  sockets.push(ws);
  if (!log) throw new Error('injectWS did not call onInit');
  await log.next((f) => f.type === 'hello');
  return log;
}

const presenceIs = (s: Session, p: string) => vi.waitFor(() => expect(t.ctx.presence.get(s.agentId)).toBe(p));

type Row = { name: string; onlineSeconds: number; awaySeconds: number };
async function timeIn(from: string, to: string): Promise<Record<string, { online: number; away: number }>> {
  const res = await as(t, t.admin).get<{ rows: Row[] }>(`/reports/agents?from=${from}&to=${to}`);
  expect(res.status).toBe(200);
  const out: Record<string, { online: number; away: number }> = {};
  for (const r of res.body.rows) if (r.name === 'Ann' || r.name === 'Bo') out[r.name] = { online: r.onlineSeconds, away: r.awaySeconds };
  return out;
}

const H = 3600;
const DAY_RANGE = ['2026-03-02T00:00:00Z', '2026-03-03T00:00:00Z'] as const;

describe('time online and away from the presence history', () => {
  it('clips sessions that cross the range boundaries, and counts an open one until now', async () => {
    clock('2026-03-01T23:00:00Z');
    const a = await connect(ann);
    await presenceIs(ann, 'online');
    clock('2026-03-02T01:00:00Z');
    a.send({ type: 'presence', presence: 'away' });
    await presenceIs(ann, 'away');
    clock('2026-03-02T02:30:00Z');
    a.ws.terminate();
    await presenceIs(ann, 'offline');

    clock('2026-03-02T22:00:00Z');
    await connect(bo);
    await presenceIs(bo, 'online');
    clock('2026-03-03T01:00:00Z');

    // Ann: online 23:00–01:00 (one hour of it in the day), away 01:00–02:30; Bo: online from 22:00, on past midnight.
    // Each change is written in its own transaction after the hub announced it: wait until Bo's is in.
    await vi.waitFor(async () => expect(await timeIn(...DAY_RANGE)).toEqual({ Ann: { online: H, away: 1.5 * H }, Bo: { online: 2 * H, away: 0 } }));
    // Bo's open session counts up to now when the range reaches past it.
    expect(await timeIn('2026-03-02T23:00:00Z', '2026-03-03T02:00:00Z')).toEqual({ Ann: { online: 0, away: 0 }, Bo: { online: 2 * H, away: 0 } });

    const csv = await t.app.inject({ method: 'GET', url: `/api/v1/reports/agents.csv?from=${DAY_RANGE[0]}&to=${DAY_RANGE[1]}`, headers: { cookie: t.admin.cookie } });
    expect(csvRecords(csv.body.replace(/^\uFEFF/, '')).find((r) => r.name === 'Ann')).toMatchObject({ online_s: String(H), away_s: String(1.5 * H) });
  });

  it('ends a stretch a crash left open when its agent was last seen, and the ones it opened at shutdown', async () => {
    // Kefu died with Bo online; Bo's last request was at 00:30. On start the stretch ends there.
    await t.ctx.db.updateTable('sessions').set({ last_seen_at: at('2026-03-03T00:30:00Z') }).where('agent_id', '=', bo.agentId).execute();
    expect(await closeStalePresence(t.ctx.database, at('2026-03-03T05:00:00Z'))).toBe(1);
    clock('2026-03-03T06:00:00Z');
    expect((await timeIn('2026-03-02T23:00:00Z', '2026-03-03T06:00:00Z')).Bo).toEqual({ online: 1.5 * H, away: 0 });

    // A clean stop ends the stretches this process opened at the moment it stops.
    clock('2026-03-04T10:00:00Z');
    await connect(ann);
    await presenceIs(ann, 'online');
    await vi.waitFor(async () => expect(await t.ctx.db.selectFrom('agent_presence_log').select('id').where('agent_id', '=', ann.agentId).where('ended_at', 'is', null).execute()).toHaveLength(1));
    clock('2026-03-04T10:45:00Z');
    await stopLog();
    clock('2026-03-04T12:00:00Z');
    expect((await timeIn('2026-03-04T00:00:00Z', '2026-03-05T00:00:00Z')).Ann).toEqual({ online: 45 * 60, away: 0 });
  });
});
