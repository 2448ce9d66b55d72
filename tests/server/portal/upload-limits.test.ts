import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailDesk, type MailDesk } from '../../helpers/mail-desk.js';
import { multipart } from './helpers.js';

let desk: MailDesk;
beforeAll(async () => {
  desk = await startMailDesk([{ name: 'support', address: 'support@example.com' }], { config: { attachments: { max_size_mb: 0.01 } } });
});
afterAll(async () => {
  await desk?.close();
});

const ticketCount = async () => (await desk.t.ctx.db.selectFrom('tickets').select('id').execute()).length;
const fields = (n: string) => ({ nonce: n, name: 'Fay', email: `fay${n}@example.org`, subject: 'Files', text: 'see attached', website: '' });
const file = (name: string, bytes: number) => ({ name, type: 'application/octet-stream', content: Buffer.alloc(bytes, 1) });

describe('portal uploads', () => {
  it('refuses a form whose file is over the attachment size limit, storing nothing', async () => {
    const body = multipart(fields('big'), [file('big.bin', 20 * 1024)]);
    const res = await desk.t.app.inject({ method: 'POST', url: '/help/tickets/new', remoteAddress: '10.3.0.1', headers: body.headers, payload: body.payload });
    expect(res.statusCode).toBe(413);
    expect(res.body).toContain('larger than');
    expect(res.body).toContain('value="Files"');
    expect(await ticketCount()).toBe(0);
  });

  it('refuses more than five files, storing nothing', async () => {
    const body = multipart(fields('many'), [1, 2, 3, 4, 5, 6].map((i) => file(`f${i}.bin`, 10)));
    const res = await desk.t.app.inject({ method: 'POST', url: '/help/tickets/new', remoteAddress: '10.3.0.2', headers: body.headers, payload: body.payload });
    expect(res.statusCode).toBe(413);
    expect(res.body).toContain('at most 5 files');
    expect(await ticketCount()).toBe(0);
  });

  it('takes files within the limits', async () => {
    const body = multipart(fields('ok'), [file('small.bin', 1024)]);
    const res = await desk.t.app.inject({ method: 'POST', url: '/help/tickets/new', remoteAddress: '10.3.0.3', headers: body.headers, payload: body.payload });
    expect(res.statusCode).toBe(200);
    expect(await ticketCount()).toBe(1);
  });
});
