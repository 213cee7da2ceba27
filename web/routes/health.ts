// GET /health: what this instance can reach. 200 while it can serve (its database answers).
import type { Server } from '@hapi/hapi';

export interface HealthSources {
  db(): Promise<boolean>;
  jobs(): Promise<'ok' | 'down' | 'off'>;
  redis(): Promise<'ok' | 'down' | 'degraded' | 'memory'>;
  providers(): Promise<Record<string, boolean>>;
}

const safely = <T,>(p: () => Promise<T>, fallback: T) => p().catch(() => fallback);

export function healthRoutes(server: Server, sources: HealthSources) {
  server.route({
    method: 'GET',
    path: '/health',
    options: { auth: false },
    handler: async (_req, h) => {
      const [db, jobs, redis, providers] = await Promise.all([
        safely(sources.db, false),
        safely(sources.jobs, 'down' as const),
        safely(sources.redis, 'down' as const),
        safely(sources.providers, {}),
      ]);
      const status = db ? (jobs === 'down' || redis === 'down' || redis === 'degraded' ? 'degraded' : 'ok') : 'down';
      return h.response({ status, db: db ? 'ok' : 'down', jobs, redis, providers }).code(db ? 200 : 503);
    },
  });
}
