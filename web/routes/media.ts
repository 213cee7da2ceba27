// GET /media/{key}: the stored videos and previews, for chat platforms and browsers. Disk store: served by
// @hapi/inert with Range support (206) and confined to the media root; S3 store: a redirect to its public or
// presigned URL. Keys are validated before touching the disk (no traversal).
// Clean masters (`…master.mp4`, kept for Demo videos) are never served here: their keys are guessable
// (`demo/<slug>/master.mp4`, `generations/<id>/master.mp4`) and the clean copy is what an upgrade buys. An upgraded
// owner downloads theirs through the session-checked GET /api/v1/generations/{id}/clean (web/routes/api.ts).
import Inert from '@hapi/inert';
import Boom from '@hapi/boom';
import type { Server } from '@hapi/hapi';
import type { MediaStore } from '../../core/ports.ts';
import type { DiskMediaStore } from '../../infra/media/disk-store.ts';
import { contentTypeFor, isValidKey } from '../../infra/media/keys.ts';

export const isDisk = (s: MediaStore): s is DiskMediaStore => typeof (s as DiskMediaStore).pathOf === 'function';
export const isMasterKey = (key: string) => /(^|[/-])master\.mp4$/i.test(key);

export async function mediaRoutes(server: Server, store: MediaStore): Promise<void> {
  if (!(server.registrations as Record<string, unknown>)['@hapi/inert']) await server.register(Inert);
  server.route({
    method: 'GET',
    path: '/media/{key*}',
    options: { auth: false, cache: { expiresIn: 24 * 3600 * 1000, privacy: 'public' } },
    handler: async (req, h) => {
      const key = String(req.params.key ?? '');
      if (!isValidKey(key) || isMasterKey(key)) throw Boom.notFound();
      if (!(await store.exists(key))) throw Boom.notFound();
      if (!isDisk(store)) return h.redirect(await store.publicUrl(key)).temporary();
      return h
        .file(store.pathOf(key), { confine: store.root, etagMethod: 'simple' })
        .type(contentTypeFor(key))
        .header('x-content-type-options', 'nosniff');
    },
  });
}
