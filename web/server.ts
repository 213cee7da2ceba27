// The hapi server: security defaults, request logs with a request id, and the route plugins it is given.
import Hapi from '@hapi/hapi';
import type { Logger } from '../app/logger.ts';

export interface ServerOptions {
  port: number;
  host: string;
  log: Logger;
  corsOrigins: string[];
  /**
   * True for an error of our own infrastructure (database, Redis unreachable): the answer is 503 with Retry-After
   * (webhook senders redeliver; the event was not stored), logged once per outage instead of once per request.
   */
  isInfrastructureError?: (err: unknown) => boolean;
}

/** Seconds a caller is asked to wait after a 503 for an infrastructure outage. */
const RETRY_AFTER_S = 5;

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
    if (status === 503) opts.log.debug(entry, 'request');
    else if (status && status >= 500) opts.log.error(entry, 'request');
    else opts.log.info(entry, 'request');
  });
  let outageSaidAt = 0;
  server.ext('onPreResponse', (request, h) => {
    const r = request.response;
    if (r && 'isBoom' in r && r.isBoom && r.output.statusCode >= 500) {
      if (opts.isInfrastructureError?.(r)) {
        if (Date.now() - outageSaidAt > 60_000) {
          outageSaidAt = Date.now();
          opts.log.warn({ err: r.message, path: request.path }, 'database or Redis unavailable: answering 503 until it is back');
        }
        return h.response({ error: 'temporarily unavailable' }).code(503).header('retry-after', String(RETRY_AFTER_S));
      }
      opts.log.error({ reqId: request.info.id, err: r }, 'unhandled error');
    }
    return h.continue;
  });
  return server;
}
