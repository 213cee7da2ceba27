// The hapi server: security defaults, request logs with a request id, and the route plugins it is given.
import Hapi from '@hapi/hapi';
import HapiPino from 'hapi-pino';
import type { Logger } from '../app/logger.ts';
import { installRequestIds, type EnterLogContext } from './request-id.ts';

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
  /** Puts the request id into the log context of everything the request runs (app/ hands in the logger's). */
  enterLogContext?: EnterLogContext;
}

/** Liveness/readiness probes and Prometheus scrapes. */
const isProbe = (path: string) => path === '/health' || path.startsWith('/health/') || path === '/metrics';

/** Seconds a caller is asked to wait after a 503 for an infrastructure outage. */
const RETRY_AFTER_S = 5;

export async function createServer(opts: ServerOptions): Promise<Hapi.Server> {
  const server = Hapi.server({
    port: opts.port,
    host: opts.host,
    routes: {
      security: {
        hsts: { maxAge: 15_552_000, includeSubDomains: true },
        xframe: 'deny',
        noSniff: true,
        referrer: 'strict-origin-when-cross-origin',
      },
      cors: opts.corsOrigins.length ? { origin: opts.corsOrigins, credentials: true } : false,
      validate: {
        failAction: async (_req, _h, err) => {
          throw err;
        },
      },
    },
    router: { stripTrailingSlash: true },
  });

  installRequestIds(server, opts.enterLogContext);
  // Access lines through hapi-pino on the app's logger (its redaction and the request id's log context).
  // Probes and scrapes every few seconds, and the 503s of an outage (said once below), are written at debug only.
  const quiet = (request: Hapi.Request) =>
    isProbe(request.path) || (request.response as { statusCode?: number } | null)?.statusCode === 503;
  await server.register({
    plugin: HapiPino,
    options: {
      instance: opts.log,
      ignoreFunc: (_o, request) => quiet(request),
      logEvents: ['response', 'request-error'],
    },
  });
  server.events.on('response', (request) => {
    if (!quiet(request)) return;
    const status = (request.response as { statusCode?: number } | null)?.statusCode;
    opts.log.debug({ reqId: request.info.id, method: request.method, path: request.path, status }, 'request');
  });
  let outageSaidAt = 0;
  server.ext('onPreResponse', (request, h) => {
    const r = request.response;
    if (r && 'isBoom' in r && r.isBoom && r.output.statusCode >= 500) {
      if (opts.isInfrastructureError?.(r)) {
        if (Date.now() - outageSaidAt > 60_000) {
          outageSaidAt = Date.now();
          opts.log.warn(
            { err: r.message, path: request.path },
            'database or Redis unavailable: answering 503 until it is back',
          );
        }
        return h.response({ error: 'temporarily unavailable' }).code(503).header('retry-after', String(RETRY_AFTER_S));
      }
      opts.log.error({ reqId: request.info.id, err: r }, 'unhandled error');
    }
    return h.continue;
  });
  return server;
}
