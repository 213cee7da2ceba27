// `/photo <path> [prompt]` in `npm run chat`: a local image file sent as a photo, the rest of the line its caption.
// A path with spaces goes in quotes ("/tmp/my cat.jpg").
import fs from 'node:fs';
import type { InboundPhoto } from '../../core/model.ts';
import { readLimited } from '../read-limited.ts';

export function parsePhotoCommand(line: string): { path: string; prompt: string } | null {
  const m = /^\/photo(?:\s+(?:"([^"]+)"|(\S+)))?(?:\s+([\s\S]*))?$/i.exec(line.trim());
  if (!m) return null;
  const file = m[1] ?? m[2];
  return file ? { path: file, prompt: (m[3] ?? '').trim() } : { path: '', prompt: '' };
}

export function filePhoto(file: string): InboundPhoto {
  return {
    read: async (maxBytes) => {
      const size = (await fs.promises.stat(file)).size;
      return size > maxBytes ? null : readLimited(fs.createReadStream(file), maxBytes);
    },
  };
}
