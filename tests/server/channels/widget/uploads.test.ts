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

  it('are dropped after a day, with their file when nothing else uses it', async () => {
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
