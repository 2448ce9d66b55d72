import { parentPort } from 'node:worker_threads';
import type { ParseJob, ParseReply } from './parse-pool.js';
import { parseEmail, type ParsedEmail } from './parse.js';

/**
 * The thread side of the parse pool: parses one mail at a time, in the order they arrive, so
 * the caller that waits for the oldest mail (IMAP ingests strictly in UID order) gets it first.
 */
const port = parentPort;
if (!port) throw new Error('parse-worker runs only as a worker thread');

function ownCopy(c: Buffer): Buffer {
  const copy = new Uint8Array(c);
  return Buffer.from(copy.buffer, 0, copy.byteLength);
}

/**
 * Attachment bytes are moved to the main thread, not copied. Only an ArrayBuffer the content
 * owns whole can be moved: a small Buffer lives in Node's shared pool, and two attachments
 * may share one allocation; those are copied into their own first.
 */
function movable(parsed: ParsedEmail): { reply: ParsedEmail; transfer: ArrayBuffer[] } {
  const transfer: ArrayBuffer[] = [];
  const seen = new Set<ArrayBufferLike>();
  const attachments = parsed.attachments.map((a) => {
    const c = a.content;
    const whole = c.byteOffset === 0 && c.byteLength === c.buffer.byteLength && c.buffer instanceof ArrayBuffer && !seen.has(c.buffer);
    const own = whole ? c : ownCopy(c);
    seen.add(own.buffer);
    transfer.push(own.buffer as ArrayBuffer);
    return { ...a, content: own };
  });
  return { reply: { ...parsed, attachments }, transfer };
}

let queue: Promise<void> = Promise.resolve();

port.on('message', (job: ParseJob) => {
  queue = queue.then(async () => {
    let reply: ParseReply;
    let transfer: ArrayBuffer[] = [];
    try {
      const raw = Buffer.from(job.raw.buffer, job.raw.byteOffset, job.raw.byteLength);
      const moved = movable(await parseEmail(raw, job.opts));
      reply = { id: job.id, parsed: moved.reply };
      transfer = moved.transfer;
    } catch (err) {
      reply = { id: job.id, error: err instanceof Error ? err.message : String(err) };
    }
    try {
      port.postMessage(reply, transfer);
    } catch (err) {
      // Something in the result could not cross the thread boundary: the pool parses it inline.
      port.postMessage({ id: job.id, error: `result not transferable: ${err instanceof Error ? err.message : String(err)}` } satisfies ParseReply);
    }
  });
});

port.postMessage({ ready: true } satisfies ParseReply);
