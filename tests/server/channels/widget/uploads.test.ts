import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../helpers/app.js';
import { attachmentPath } from '../../../../server/modules/attachments/storage.js';
import { dropStaleUploads } from '../../../../server/channels/widget/lifecycle.js';
import { widgetRuntimeOf } from '../../../../server/channels/widget/plugin.js';
import { Visitor, widgetApp } from './helpers.js';

describe('widget uploads never sent', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await widgetApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('are dropped once stale, with their file when nothing else uses it', async () => {
    const v = new Visitor(t);
    await v.start();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/widget/website/uploads',
      headers: { ...v.headers(), 'content-type': 'text/plain', 'x-filename': 'notes.txt' },
      payload: Buffer.from('never sent'),
    });
    expect(res.statusCode).toBe(200);
    const row = await t.ctx.db.selectFrom('widget_uploads').selectAll().executeTakeFirstOrThrow();
    const file = attachmentPath(t.ctx.paths.attachments, row.sha256);
    expect(existsSync(file)).toBe(true);
    const rt = widgetRuntimeOf(t.ctx)!;
    expect(await dropStaleUploads(rt, Date.now())).toBe(0);
    expect(await dropStaleUploads(rt, Date.now() + 25 * 3600_000)).toBe(1);
    expect(await t.ctx.db.selectFrom('widget_uploads').select('id').execute()).toEqual([]);
    expect(existsSync(file)).toBe(false);
  });
});

const upload = (t: TestApp, v: Visitor, bytes: number, ip = '203.0.113.7') =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/widget/website/uploads',
    remoteAddress: ip,
    headers: { ...v.headers(), 'content-type': 'text/plain', 'x-filename': 'a.txt' },
    payload: Buffer.alloc(bytes, 'a'),
  });

describe('widget uploads: budgets for files never sent', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await widgetApp({
      max_upload_mb: 1,
      unsent_upload_mb_per_visitor: 2,
      unsent_upload_mb_per_ip: 3,
      unsent_upload_minutes: 10,
      rate_limits: { visitor_uploads_per_minute: 1000 },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses a visitor’s upload past their unsent bytes, and accepts again once a file is sent', async () => {
    const v = new Visitor(t);
    await v.start();
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await upload(t, v, 1024 * 1024 - i);
      expect(res.statusCode).toBe(200);
      ids.push(res.json<{ id: string }>().id);
    }
    const over = await upload(t, v, 10);
    expect(over.statusCode).toBe(413);
    expect(over.json().error.code).toBe('upload_budget_exceeded');
    const sent = await v.call('POST', '/messages', { clientId: 'sent-files-1', text: '', uploadIds: ids });
    expect(sent.statusCode).toBe(200);
    expect((await upload(t, v, 10)).statusCode).toBe(200);
  });

  it('refuses uploads from one IP past its unsent bytes across fresh visitors', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const v = new Visitor(t);
      await v.start();
      codes.push((await upload(t, v, 1024 * 1024 - 1, '198.51.100.9')).statusCode);
    }
    expect(codes).toEqual([200, 200, 200, 413, 413]);
    const elsewhere = new Visitor(t);
    await elsewhere.start();
    expect((await upload(t, elsewhere, 100, '198.51.100.10')).statusCode).toBe(200);
  });

  it('drops unsent uploads after the configured minutes, not a day', async () => {
    const v = new Visitor(t);
    await v.start();
    expect((await upload(t, v, 100, '192.0.2.50')).statusCode).toBe(200);
    const rt = widgetRuntimeOf(t.ctx)!;
    const before = await t.ctx.db.selectFrom('widget_uploads').select('id').execute();
    expect(await dropStaleUploads(rt, Date.now() + 9 * 60_000)).toBe(0);
    expect(await dropStaleUploads(rt, Date.now() + 11 * 60_000)).toBe(before.length);
  });
});

describe('widget uploads: free disk floor', () => {
  let t: TestApp;
  beforeAll(async () => {
    // A floor far above any real free space: every upload must be refused before anything is written.
    t = await widgetApp({ min_free_disk_mb: 9_000_000_000 });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses an upload with 507 storage_full and stores nothing', async () => {
    const v = new Visitor(t);
    await v.start();
    const res = await upload(t, v, 100);
    expect(res.statusCode).toBe(507);
    expect(res.json().error.code).toBe('storage_full');
    expect(await t.ctx.db.selectFrom('widget_uploads').select('id').execute()).toEqual([]);
  });
});
