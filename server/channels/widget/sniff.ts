/**
 * The MIME type a file's leading bytes prove, or null when they prove none of the types we accept.
 * A file is accepted only when this agrees with the type it claims: a renamed executable is refused.
 */
export function sniffContentType(bytes: Buffer): string | null {
  const starts = (sig: number[], offset = 0) => sig.every((b, i) => bytes[offset + i] === b);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x47, 0x49, 0x46, 0x38])) return 'image/gif';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  if (starts([0x50, 0x4b, 0x03, 0x04])) return 'application/zip';
  if (looksLikeText(bytes)) return 'text/plain';
  return null;
}

/** Office documents are zip files inside; their claimed type is trusted once the zip magic matches. */
const ZIP_BASED = new Set([
  'application/zip',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
]);

const TEXT_BASED = new Set(['text/plain', 'text/csv']);

export function contentMatchesType(bytes: Buffer, claimed: string): boolean {
  const sniffed = sniffContentType(bytes);
  if (!sniffed) return false;
  if (sniffed === 'application/zip') return ZIP_BASED.has(claimed);
  if (sniffed === 'text/plain') return TEXT_BASED.has(claimed);
  return sniffed === claimed;
}

function looksLikeText(bytes: Buffer): boolean {
  const sample = bytes.subarray(0, 4096);
  if (sample.includes(0)) return false;
  // A fatal decoder throws on invalid UTF-8 except where the sample cut a character in half.
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample.length < bytes.length ? trimPartial(sample) : sample);
    return true;
  } catch {
    return false;
  }
}

function trimPartial(sample: Buffer): Buffer {
  let end = sample.length;
  for (let i = 1; i <= 3 && end - i >= 0; i++) {
    const b = sample[end - i] ?? 0;
    if ((b & 0xc0) === 0xc0) return sample.subarray(0, end - i);
    if ((b & 0x80) === 0) break;
  }
  return sample;
}
