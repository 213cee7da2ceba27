// Wires what an operator watches: the Prometheus registry (made first, so the other areas' wiring can count
// through it), GET /metrics behind METRICS_TOKEN with its scrape-time gauges, and the admin job dashboard.
// Called from app/compose.ts. Without METRICS_TOKEN there is no registry and nothing is counted.
import type { Server } from '@hapi/hapi';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { JobStoreWiring } from './wire-jobs.ts';
import type { PromMetrics } from '../infra/metrics/registry.ts';
import { metricsRoutes } from '../web/routes/metrics.ts';
import { safeEqual } from '../infra/crypto/safe-equal.ts';
import { adminJobsRoutes } from '../web/routes/admin-jobs.ts';

/** prom-client loads only when metrics are on (CONTRIBUTING: SDKs some instances use load when configured). */
export async function createMetrics(config: Pick<Config, 'metricsToken'>): Promise<PromMetrics | undefined> {
  if (!config.metricsToken) return undefined;
  const { PromMetrics } = await import('../infra/metrics/registry.ts');
  return new PromMetrics();
}

export async function wireOps(p: {
  config: Config;
  server: Server;
  log: Logger;
  metrics?: PromMetrics;
  jobs: Pick<JobStoreWiring, 'agenda' | 'stats'>;
  providerHealth: () => Promise<Record<string, boolean>>;
  /** Whether a web session's user is an admin; without it the job dashboard is not mounted. */
  isAdmin?: (userId: string) => Promise<boolean>;
}): Promise<void> {
  const { config, server, metrics } = p;
  if (metrics && config.metricsToken) {
    metrics.watch({ jobs: () => p.jobs.stats(), providers: p.providerHealth });
    metricsRoutes(server, { metrics, token: config.metricsToken, safeEqual });
  }
  if (p.isAdmin) {
    await adminJobsRoutes(server, {
      agenda: p.jobs.agenda,
      isAdmin: p.isAdmin,
      origin: new URL(config.publicBaseUrl).origin,
    });
  } else p.log.warn('admin job dashboard off: no accounts wired');
}
