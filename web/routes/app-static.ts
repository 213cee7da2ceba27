// The built Svelte app (web/app/dist) through @hapi/inert: hashed assets, and index.html for every app route.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Inert from '@hapi/inert';
import type { Server } from '@hapi/hapi';

export const APP_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../app/dist');
const APP_PAGES = [
  '/',
  '/plans',
  '/packs',
  '/checkout',
  '/result',
  '/gallery',
  '/gallery/{id}',
  '/showcase',
  '/account',
  '/expired',
];

export async function appRoutes(server: Server, dist = APP_DIST) {
  await server.register(Inert);
  const index = path.join(dist, 'index.html');
  server.route({
    method: 'GET',
    path: '/assets/{file*}',
    options: { auth: false, cache: { expiresIn: 365 * 86_400_000, privacy: 'public' } },
    handler: { directory: { path: path.join(dist, 'assets'), redirectToSlash: false, index: false } },
  });
  for (const p of APP_PAGES) {
    server.route({
      method: 'GET',
      path: p,
      options: { auth: false },
      handler: (_request, h) =>
        fs.existsSync(index)
          ? h.file(index, { confine: false }).header('cache-control', 'no-cache')
          : h.response('The web app is not built yet: npm run build:web').code(503).type('text/plain'),
    });
  }
}
