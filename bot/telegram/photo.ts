// A photo sent on Telegram: the largest size of a `photo` message, or a `document` whose MIME type is an image
// (sent "as a file", uncompressed), with its caption as the motion prompt. The bytes come from getFile and
// {apiRoot}/file/bot<token>/<file_path> (core.telegram.org/bots/api#getfile; the link holds the token, so it is
// never logged).
import type { Api } from 'grammy';
import type { Message } from 'grammy/types';
import type { InboundPhoto } from '../../core/model.ts';
import { fetchLimited } from '../read-limited.ts';

/** The file to animate in a message, if it carries one. */
export function telegramImage(m: Pick<Message, 'photo' | 'document'>): { fileId: string; size?: number } | undefined {
  const largest = m.photo?.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
  if (largest) return { fileId: largest.file_id, ...(largest.file_size ? { size: largest.file_size } : {}) };
  if (m.document?.mime_type?.startsWith('image/'))
    return { fileId: m.document.file_id, ...(m.document.file_size ? { size: m.document.file_size } : {}) };
  return undefined;
}

/** `fileBase`: {apiRoot}/file/bot<token>. */
export function telegramPhoto(
  api: Pick<Api, 'getFile'>,
  fileBase: string,
  file: { fileId: string; size?: number },
): InboundPhoto {
  return {
    ...(file.size !== undefined ? { declaredBytes: file.size } : {}),
    async read(maxBytes) {
      const f = await api.getFile(file.fileId);
      if (f.file_size !== undefined && f.file_size > maxBytes) return null;
      if (!f.file_path) throw new Error('telegram getFile answered without file_path');
      // The link holds the bot token: an error names the file path only.
      return fetchLimited(`${fileBase}/${f.file_path}`, maxBytes).catch((err: unknown) => {
        throw new Error(
          `telegram file ${f.file_path} download failed: ${err instanceof Error && err.message.includes('HTTP') ? err.message : 'network error'}`,
        );
      });
    },
  };
}
