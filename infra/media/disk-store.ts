// The default MediaStore: files under DATA_DIR/media, served by the app at /media/{key} (web/routes/media.ts)
// so LINE and Telegram can fetch videos by URL.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PRIVATE_MEDIA_PREFIX, type MediaStore } from '../../core/ports.ts';
import { assertKey } from './keys.ts';
import { createMediaSigner } from './signed-url.ts';

export interface DiskMediaStore extends MediaStore {
  readonly root: string;
  /** The file for a key (validated; may not exist). */
  pathOf(key: string): string;
  /** Whether a /media request's `exp` and `sig` sign this key and have not expired. */
  verifySigned(key: string, exp: string | undefined, sig: string | undefined): boolean;
}

/**
 * `signingSecret` (the wiring passes one derived from JWT_SECRET) must be shared by every process that serves
 * /media; without one, a random per-process secret (tests, one-off scripts).
 */
export function createDiskStore(opts: { root: string; publicBaseUrl: string; signingSecret?: string }): DiskMediaStore {
  const root = path.resolve(opts.root);
  const base = opts.publicBaseUrl.replace(/\/+$/, '');
  const signer = createMediaSigner(opts.signingSecret ?? crypto.randomBytes(32));
  const urlOf = (key: string) => `${base}/media/${assertKey(key).split('/').map(encodeURIComponent).join('/')}`;
  const pathOf = (key: string) => {
    const p = path.resolve(root, assertKey(key));
    if (!p.startsWith(root + path.sep)) throw new Error('invalid media key');
    return p;
  };
  return {
    root,
    pathOf,
    async put(key, file) {
      const dest = pathOf(key);
      await fs.mkdir(path.dirname(dest), { recursive: true });
      // Write beside the target and rename, so a reader never sees half a file.
      // Unique per write: two runs of one generation in one process may store the same key at once; the last rename wins.
      const part = `${dest}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.part`;
      if (typeof file === 'string') await fs.copyFile(file, part);
      else await fs.writeFile(part, file);
      await fs.rename(part, dest);
      return { key, sizeBytes: (await fs.stat(dest)).size };
    },
    async getFile(key) {
      const p = pathOf(key);
      await fs.access(p);
      return p;
    },
    async delete(key) {
      await fs.rm(pathOf(key), { force: true });
    },
    async publicUrl(key) {
      if (key.startsWith(PRIVATE_MEDIA_PREFIX)) throw new Error('private media has no public URL: use signedUrl');
      return urlOf(key);
    },
    async signedUrl(key, ttlSeconds) {
      const exp = Math.floor(Date.now() / 1000) + Math.max(1, Math.round(ttlSeconds));
      return `${urlOf(key)}?exp=${exp}&sig=${signer.sign(key, exp)}`;
    },
    verifySigned: (key, exp, sig) => signer.verify(key, exp, sig),
    async exists(key) {
      return fs.stat(pathOf(key)).then(
        (s) => s.isFile(),
        () => false,
      );
    },
  };
}
