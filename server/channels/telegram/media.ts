import { downloadMedia, skippedMedia, type MediaRequest, type MediaResult } from '../kit/media.js';
import { TelegramClient } from './client.js';
import type { TgFile, TgFileRef, TgMessage } from './types.js';

/** Bots may download files up to 20 MB; a bigger one is skipped with a note, like one over our own limit. */
export const BOT_DOWNLOAD_LIMIT = 20 * 1024 * 1024;

interface MediaRef {
  ref: TgFileRef;
  filename: string;
  contentType: string | undefined;
}

const extOf = (path: string | undefined): string => /\.([a-z0-9]{1,5})$/i.exec(path ?? '')?.[1]?.toLowerCase() ?? '';

/** The files a message carries: the largest size of a photo, a document, a voice note, a sticker (as an image)... */
export function mediaOf(msg: TgMessage): MediaRef[] {
  const refs: MediaRef[] = [];
  if (msg.photo && msg.photo.length > 0) {
    const largest = msg.photo.reduce((a, b) => ((b.file_size ?? b.width * b.height) > (a.file_size ?? a.width * a.height) ? b : a));
    refs.push({ ref: largest, filename: `photo-${msg.message_id}.jpg`, contentType: 'image/jpeg' });
  }
  if (msg.document) refs.push({ ref: msg.document, filename: msg.document.file_name ?? `document-${msg.message_id}`, contentType: msg.document.mime_type });
  if (msg.voice) refs.push({ ref: msg.voice, filename: `voice-${msg.message_id}.ogg`, contentType: msg.voice.mime_type ?? 'audio/ogg' });
  if (msg.audio) refs.push({ ref: msg.audio, filename: msg.audio.file_name ?? `audio-${msg.message_id}.mp3`, contentType: msg.audio.mime_type });
  if (msg.video) refs.push({ ref: msg.video, filename: msg.video.file_name ?? `video-${msg.message_id}.mp4`, contentType: msg.video.mime_type });
  if (msg.sticker) {
    // Static stickers are WebP images; animated (.tgs) and video (.webm) ones are kept as files.
    const kind = msg.sticker.is_animated ? { ext: 'tgs', type: 'application/x-tgsticker' } : msg.sticker.is_video ? { ext: 'webm', type: 'video/webm' } : { ext: 'webp', type: 'image/webp' };
    refs.push({ ref: msg.sticker, filename: `sticker-${msg.message_id}.${kind.ext}`, contentType: kind.type });
  }
  return refs;
}

/** getFile, then a bounded download; anything Telegram will not hand over is skipped, not an error. */
export async function fetchMedia(client: TelegramClient, media: MediaRef, maxBytes: number): Promise<MediaResult> {
  const limit = Math.min(maxBytes, BOT_DOWNLOAD_LIMIT);
  const announced = media.ref.file_size;
  if (announced !== undefined && announced > limit) return skippedMedia(media.filename, announced, 'too_large');
  let file: TgFile;
  try {
    file = await client.call<TgFile>('getFile', { file_id: media.ref.file_id });
  } catch (err) {
    return skippedMedia(media.filename, announced ?? 0, 'unavailable', err instanceof Error ? err.message : undefined);
  }
  if (!file.file_path) return skippedMedia(media.filename, announced ?? 0, 'unavailable');
  // A photo's name follows what Telegram stored (a .png stays a .png).
  const ext = extOf(file.file_path);
  const filename = media.filename.endsWith('.jpg') && ext && ext !== 'jpg' ? media.filename.replace(/\.jpg$/, `.${ext}`) : media.filename;
  const req: MediaRequest = { url: client.fileUrl(file.file_path), filename, contentType: media.contentType, announcedSize: file.file_size ?? announced };
  return downloadMedia(req, limit);
}
