// The hapi server: security defaults, request logs with a request id, and the route plugins it is given.
import Hapi from '@hapi/hapi';
import type { Logger } from '../app/logger.ts';

export interface ServerOptions {
  port: number;
  host: string;
  log: Logger;
  corsOrigins: string[];
}

export async function createServer(opts: ServerOptions): Promise<Hapi.Server> {
  const server = Hapi.server({
    port: opts.port,
    host: opts.host,
    routes: {
      security: { hsts: { maxAge: 15_552_000, includeSubDomains: true }, xframe: 'deny', noSniff: true, referrer: 'strict-origin-when-cross-origin' },
      cors: opts.corsOrigins.length ? { origin: opts.corsOrigins, credentials: true } : false,
      validate: { failAction: async (_req, _h, err) => { throw err; } },
    },
    router: { stripTrailingSlash: true },
  });

  server.events.on('response', (request) => {
    const res = request.response as { statusCode?: number } | null;
    const status = res && 'statusCode' in res ? res.statusCode : 0;
    const ms = Date.now() - request.info.received;
    const entry = { reqId: request.info.id, method: request.method, path: request.path, status, ms };
    if (status && status >= 500) opts.log.error(entry, 'request');
    else opts.log.info(entry, 'request');
  });
  server.ext('onPreResponse', (request, h) => {
    const r = request.response;
    if (r && 'isBoom' in r && r.isBoom && r.output.statusCode >= 500) {
      opts.log.error({ reqId: request.info.id, err: r }, 'unhandled error');
    }
    return h.continue;
  });
  return server;
}
