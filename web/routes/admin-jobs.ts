// /admin/jobs: Agendash (the Agenda project's dashboard; 8.x speaks Agenda 6's backend-neutral API, so it reads
// the PostgreSQL and the MongoDB job store alike) for admins signed in to the web app: queued, running, failed and
// retrying jobs, with requeue, retry and delete. Its plugin is registered through a view of the server that keeps
// its extensions (a Content-Security-Policy on every response) to its own routes. The web session proves who
// is asking; ADMIN_IDS or the user's admin flag decides. Its writes are cookie-authenticated JSON POSTs outside
// the crumb's /api/v1 scope, so they must come from our own origin (the session cookie is SameSite=Lax too).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Boom from '@hapi/boom';
import type { Plugin, Request, ResponseToolkit, Server } from '@hapi/hapi';
import type { Agenda } from 'agenda';
import type { createHapiPlugin } from 'agendash';
import type { SessionCredentials } from '../auth/session.ts';

export const ADMIN_JOBS_PATH = '/admin/jobs';
// Agendash's entry point re-exports its Express, Koa and Fastify adapters too, which import those frameworks
// (optional peers we do not install); its package exports only that entry, so the hapi adapter is loaded by path.
const ENTRY = import.meta.resolve('agendash');
const INDEX = path.join(path.dirname(fileURLToPath(ENTRY)), '../public/index.html');
const loadHapiPlugin = async () =>
  ((await import(new URL('./middlewares/hapi.js', ENTRY).href)) as { createHapiPlugin: typeof createHapiPlugin })
    .createHapiPlugin;

export interface AdminJobsDeps {
  agenda: Agenda;
  /** True when this user may see the jobs (an admin). */
  isAdmin(userId: string): Promise<boolean>;
  /** Our web origin (PUBLIC_BASE_URL's), the only one allowed to change jobs. */
  origin: string;
}

export async function adminJobsRoutes(server: Server, d: AdminJobsDeps): Promise<void> {
  const agendash = (await loadHapiPlugin())(d.agenda) as Plugin<{ auth: string }>;
  const plugin: Plugin<unknown> = {
    name: 'vidgo-admin-jobs',
    register: async (srv) => {
      srv.ext('onPostAuth', (request, h) => onlyAdmins(d, request, h), { sandbox: 'plugin' });
      // The page's relative URLs (./assets, api) need the trailing slash the router strips before matching.
      srv.route({
        method: 'GET',
        path: '/',
        options: { auth: 'session' },
        handler: (request, h) =>
          (request.raw.req.url ?? '').split('?')[0]!.endsWith('/')
            ? h.file(INDEX, { confine: false }).header('cache-control', 'no-store')
            : h.redirect(`${ADMIN_JOBS_PATH}/`),
      });
      const ownExtensions = new Proxy(srv, {
        get(target, key, receiver) {
          if (key === 'ext') return (event: never, method: never) => target.ext(event, method, { sandbox: 'plugin' });
          const v = Reflect.get(target, key, receiver);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
      await agendash.register(ownExtensions, { auth: 'session' });
    },
  };
  await server.register(plugin, { routes: { prefix: ADMIN_JOBS_PATH } });
}

async function onlyAdmins(d: AdminJobsDeps, request: Request, h: ResponseToolkit) {
  const { userId } = request.auth.credentials as unknown as SessionCredentials;
  if (!(await d.isAdmin(userId))) throw Boom.forbidden('admins only');
  if (request.method !== 'get') {
    const origin = request.headers.origin;
    const site = request.headers['sec-fetch-site'];
    if (origin !== d.origin && site !== 'same-origin') throw Boom.forbidden('cross-origin change refused');
  }
  return h.continue;
}
