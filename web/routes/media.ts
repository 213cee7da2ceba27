// GET /media/{key}: the stored videos and previews, for chat platforms and browsers. Disk store: served by
// @hapi/inert with Range support (206) and confined to the media root; S3 store: a redirect to its public or
// presigned URL. Keys are validated before touching the disk (no traversal).
// Clean masters (`private/…`, and the older `…master.mp4` keys) are never served here unsigned: their keys are
// guessable (`private/demo/<slug>/master.mp4`) and the clean copy is what an upgrade buys. An upgraded owner
// downloads theirs through the session-checked GET /api/v1/generations/{id}/clean (web/routes/api.ts); a provider
// restyling one gets the disk store's signed URL (`?exp=…&sig=…`, any key, a bad or expired one → 403). An S3
// store's signed URL is an S3 presigned GET that never comes through here.
import Inert from '@hapi/inert';
import Boom from '@hapi/boom';
import type { Server } from '@hapi/hapi';
import { PRIVATE_MEDIA_PREFIX, type MediaStore } from '../../core/ports.ts';

/** A store on this machine's disk: its files are served from here, its signed URLs checked here. */
export interface DiskFiles {
  readonly root: string;
  pathOf(key: string): string;
  verifySigned(key: string, exp: string | undefined, sig: string | undefined): boolean;
}

/** The media stores' key rules: which keys exist at all, and what each one holds. */
export interface MediaKeys {
  isValidKey(key: string): boolean;
  contentTypeFor(key: string): string;
}

export const isDisk = <S extends MediaStore>(s: S): s is S & DiskFiles =>
  typeof (s as Partial<DiskFiles>).pathOf === 'function';
export const isMasterKey = (key: string) => /(^|[/-])master\.mp4$/i.test(key);
/** Keys /media serves only with a valid signature. */
export const isPrivateKey = (key: string) => key.startsWith(PRIVATE_MEDIA_PREFIX) || isMasterKey(key);

export async function mediaRoutes(server: Server, store: MediaStore, keys: MediaKeys): Promise<void> {
  if (!(server.registrations as Record<string, unknown>)['@hapi/inert']) await server.register(Inert);
  server.route({
    method: 'GET',
    path: '/media/{key*}',
    options: { auth: false, cache: { expiresIn: 24 * 3600 * 1000, privacy: 'public' } },
    handler: async (req, h) => {
      const key = String(req.params.key ?? '');
      if (!keys.isValidKey(key)) throw Boom.notFound();
      const { exp, sig } = req.query as { exp?: string; sig?: string };
      const signed = exp !== undefined || sig !== undefined;
      if (signed && !(isDisk(store) && store.verifySigned(key, String(exp ?? ''), String(sig ?? ''))))
        throw Boom.forbidden();
      if (!signed && isPrivateKey(key)) throw Boom.notFound();
      if (!(await store.exists(key))) throw Boom.notFound();
      if (!isDisk(store)) return h.redirect(await store.publicUrl(key)).temporary();
      const res = h
        .file(store.pathOf(key), { confine: store.root, etagMethod: 'simple' })
        .type(keys.contentTypeFor(key))
        .header('x-content-type-options', 'nosniff');
      // A signed answer is for its one fetcher, not for shared caches (the URL stops working at `exp`).
      return signed ? res.header('cache-control', 'private, no-store') : res;
    },
  });
}
