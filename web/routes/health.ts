// GET /health: what this instance can reach. 200 while it can serve (its database answers).
// GET /health/live: the process answers (a liveness probe restarts it otherwise; nothing outside is checked, so
// an outage of the database never restarts every instance at once).
// GET /health/ready: this instance should get traffic: its database and job store answer, and Redis when one is
// configured (without REDIS_URL the in-process state is the design, not a fault).
import type { Server } from '@hapi/hapi';

export interface HealthSources {
  db(): Promise<boolean>;
  jobs(): Promise<'ok' | 'down' | 'off'>;
  redis(): Promise<'ok' | 'down' | 'degraded' | 'memory'>;
  providers(): Promise<Record<string, boolean>>;
}

const safely = <T>(p: () => Promise<T>, fallback: T) => p().catch(() => fallback);

/** Probes answer within this, whatever hangs behind them (a probe that times out counts as down anyway). */
const PROBE_TIMEOUT_MS = 2_000;
const within =
  <T>(p: () => Promise<T>, fallback: T) =>
  () => {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      safely(p, fallback),
      new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), PROBE_TIMEOUT_MS))),
    ]).finally(() => clearTimeout(timer));
  };

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
  server.route({
    method: 'GET',
    path: '/health/live',
    options: { auth: false },
    handler: (_req, h) => h.response({ status: 'live' }).header('cache-control', 'no-store'),
  });
  server.route({
    method: 'GET',
    path: '/health/ready',
    options: { auth: false },
    handler: async (_req, h) => {
      const [db, jobs, redis] = await Promise.all([
        within(sources.db, false)(),
        within(sources.jobs, 'down' as const)(),
        within(sources.redis, 'down' as const)(),
      ]);
      const checks = { db: db ? 'ok' : 'down', jobs, redis };
      const ready = db && jobs !== 'down' && (redis === 'ok' || redis === 'memory');
      return h
        .response({ status: ready ? 'ready' : 'not_ready', ...checks })
        .code(ready ? 200 : 503)
        .header('cache-control', 'no-store');
    },
  });
}
