import type { FastifyRequest } from 'fastify';
import type { InboundAttachment } from '../intake/types.js';

export interface PortalForm {
  fields: Record<string, string>;
  files: InboundAttachment[];
  /** A file went over the size limit: the form is refused as a whole, nothing half-stored. */
  tooLarge: boolean;
  /** More files or fields than a person attaches: refused as a whole too. */
  tooMany: boolean;
}

const LIMIT_CODES = new Set(['FST_FILES_LIMIT', 'FST_PARTS_LIMIT', 'FST_FIELDS_LIMIT']);

/** The portal's forms, as multipart (with files) or urlencoded; works the same with or without script. */
export async function readPortalForm(request: FastifyRequest): Promise<PortalForm> {
  const form: PortalForm = { fields: {}, files: [], tooLarge: false, tooMany: false };
  if (!request.isMultipart()) {
    const body = request.body;
    if (body && typeof body === 'object') {
      for (const [k, v] of Object.entries(body as Record<string, unknown>)) if (typeof v === 'string') form.fields[k] = v;
    }
    return form;
  }
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        if (typeof part.value === 'string') form.fields[part.fieldname] = part.value;
        continue;
      }
      const content = await part.toBuffer();
      if (part.file.truncated) form.tooLarge = true;
      // An empty file input still sends a part, without a name.
      if (part.filename === '' && content.length === 0) continue;
      form.files.push({ filename: part.filename, contentType: part.mimetype, content });
    }
  } catch (err) {
    if (!LIMIT_CODES.has((err as { code?: string }).code ?? '')) throw err;
    form.tooMany = true;
  }
  return form;
}
