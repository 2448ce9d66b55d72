import { PassThrough, type Readable } from 'node:stream';
import { MailParser, type Attachment, type MailParserOptions, type ParsedMail } from 'mailparser';
import { storeStream, type StoredFile } from '../../modules/attachments/storage.js';

/** Where attachments past `aboveBytes` go while the mail is read, instead of into memory. */
export interface Spool {
  /** the attachment store's root: a spooled part is stored once, under its hash */
  root: string;
  aboveBytes: number;
  maxBytes: number;
}

export interface ReadAttachment extends Attachment {
  /** Set when the part went to the store while it was read; `content` is then empty. */
  stored?: StoredFile | undefined;
  /** Spooling stopped at the size limit: nothing was kept. */
  tooLarge?: boolean | undefined;
}

export type ReadMail = Omit<ParsedMail, 'attachments'> & { attachments: ReadAttachment[] };

interface Sink {
  write(chunk: Buffer): boolean;
}

/**
 * Reads one attachment's decoded bytes: into memory while small; past the spool threshold into
 * the attachment store, with back-pressure, so a 40 MB part is never held whole.
 */
function collect(attachment: ReadAttachment, stream: Readable, spool: Spool | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let pass: PassThrough | null = null;
    let storing: Promise<StoredFile> | null = null;
    let discarding = false;
    let waiting = false;
    const toStore = (): Sink => {
      const p = new PassThrough();
      p.on('error', () => undefined);
      pass = p;
      storing = storeStream((spool as Spool).root, p, (spool as Spool).maxBytes);
      storing.catch(() => {
        // Over the limit (or the disk failed): read the rest and drop it.
        discarding = true;
        if (waiting) {
          waiting = false;
          pump();
        }
      });
      for (const c of chunks.splice(0)) p.write(c);
      return p;
    };
    const pump = (): void => {
      if (waiting) return;
      let chunk: Buffer | null;
      while ((chunk = stream.read() as Buffer | null) !== null) {
        size += chunk.length;
        if (discarding) continue;
        if (pass === null) {
          chunks.push(chunk);
          if (spool && size > spool.aboveBytes) toStore();
          continue;
        }
        const p: PassThrough = pass;
        if (!p.write(chunk)) {
          waiting = true;
          p.once('drain', () => {
            if (!waiting) return;
            waiting = false;
            pump();
          });
          return;
        }
      }
    };
    stream.on('readable', pump);
    stream.once('error', reject);
    stream.once('end', () => {
      attachment.size = size;
      if (pass === null) {
        attachment.content = Buffer.concat(chunks, size);
        return resolve();
      }
      attachment.content = Buffer.alloc(0);
      const p: PassThrough = pass;
      p.end();
      (storing as unknown as Promise<StoredFile>).then(
        (stored) => {
          attachment.stored = stored;
          resolve();
        },
        () => {
          attachment.tooLarge = true;
          resolve();
        },
      );
    });
  });
}

/**
 * Raw bytes → the parsed mail, like mailparser's simpleParser (cid: links kept as they are), but
 * large attachments are streamed to the attachment store as they are decoded (see `Spool`).
 */
export function readMime(input: Buffer | Readable, options: MailParserOptions, spool: Spool | null): Promise<ReadMail> {
  return new Promise((resolve, reject) => {
    const parser = new MailParser(options);
    const attachments: ReadAttachment[] = [];
    const mail: Partial<ReadMail> = { attachments };
    let settled = false;
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      parser.destroy();
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    parser.on('error', fail);
    parser.on('headers', (headers) => {
      mail.headers = headers;
      mail.headerLines = parser.headerLines || [];
    });
    let reading = false;
    const next = (): void => {
      reading = true;
      const data = parser.read() as { type: 'text' | 'attachment' } | null;
      if (data === null) {
        reading = false;
        return;
      }
      if (data.type === 'text') {
        const text = data as unknown as { text?: string; html?: string | false; textAsHtml?: string; textConversionError?: Error };
        if (text.text !== undefined) mail.text = text.text;
        if (text.html !== undefined) mail.html = text.html;
        if (text.textAsHtml !== undefined) mail.textAsHtml = text.textAsHtml;
        if (text.textConversionError !== undefined) mail.textConversionError = text.textConversionError;
        return next();
      }
      const streamed = data as unknown as { content: Readable; release: () => void };
      const attachment = data as unknown as ReadAttachment;
      attachments.push(attachment);
      collect(attachment, streamed.content, spool).then(() => {
        streamed.release();
        next();
      }, fail);
    };
    parser.on('readable', () => {
      if (!reading) next();
    });
    parser.on('end', () => {
      if (settled) return;
      settled = true;
      const headers = mail.headers;
      if (headers) {
        const h = headers as Map<string, unknown>;
        const set = (key: string, field: keyof ReadMail): void => {
          if (h.has(key)) (mail as Record<string, unknown>)[field] = h.get(key);
        };
        set('subject', 'subject');
        set('references', 'references');
        set('date', 'date');
        set('to', 'to');
        set('from', 'from');
        set('cc', 'cc');
        set('bcc', 'bcc');
        set('message-id', 'messageId');
        set('in-reply-to', 'inReplyTo');
        set('reply-to', 'replyTo');
      }
      resolve(mail as ReadMail);
    });
    if (Buffer.isBuffer(input)) parser.end(input);
    else {
      input.once('error', (err) => {
        input.destroy();
        fail(err);
      });
      input.pipe(parser);
    }
  });
}
