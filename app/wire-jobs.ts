// Wires the jobs: Agenda on the app's PostgreSQL (or JOBS_URL: postgres or MongoDB), the JobQueue core
// enqueues into, generate-video on the generation runner and the recurring jobs on other areas' work. Called from
// app/compose.ts; parts wired later (core's runner, billing) are handed in with provide().
import type { Config } from './config.ts';
import type { Infra } from './infra-setup.ts';
import type { Logger } from './logger.ts';
import type { GenerationRunner } from '../core/api.ts';
import type { JobQueue } from '../core/ports.ts';
import type { AgendaDeliveryQueue } from '../infra/jobs/deliveries.ts';
import { selectBackend } from '../infra/jobs/backend.ts';
import { createJobsService, type DeliveryParts } from '../infra/jobs/jobs-service.ts';
import type { QueueItem } from '../infra/jobs/job-queue.ts';
import type { MaintenanceTasks } from '../infra/jobs/maintenance.ts';
import { parseProviderConcurrency, type ProviderCaps } from '../infra/jobs/provider-slots.ts';
import type { Agenda } from 'agenda';
import { jobStats } from '../infra/metrics/job-stats.ts';
import type { JobStat } from '../infra/metrics/registry.ts';

export interface JobsWiring {
  jobQueue: JobQueue;
  /** Final messages and parked notices wait here for a process with the user's platform. */
  deliveries: AgendaDeliveryQueue;
  /** For /admin queue: queued and running generation jobs (id, user, provider/stage, age). */
  listQueue(): Promise<QueueItem[]>;
  /** Hand over parts wired after the job service; call before start(). */
  provide(parts: {
    runner?: Pick<GenerationRunner, 'run'> & Partial<Pick<GenerationRunner, 'pendingIds'>>;
    tasks?: MaintenanceTasks;
    delivery?: DeliveryParts;
  }): void;
  start(): Promise<void>;
  /** Drains running generations for a few seconds, then hands the rest back to the queue (unlocked). */
  stop(): Promise<void>;
  health(): Promise<'ok' | 'down'>;
  /** The Agenda instance (the admin job dashboard reads and requeues through it). */
  agenda: Agenda;
  /** Per job name: due, running, failed, retrying, oldest due age (the job gauges of /metrics). */
  stats(): Promise<JobStat[]>;
}

export function wireJobs(opts: {
  config: Config;
  infra: Infra;
  log: Logger;
  runner?: Pick<GenerationRunner, 'run'>;
  tasks?: MaintenanceTasks;
  /** Per-provider caps over PROVIDER_CONCURRENCY_DEFAULTS: "leonardo=4,runway=2" (JOBS_PROVIDER_CONCURRENCY) or an object. */
  providerConcurrency?: string | ProviderCaps;
}): JobsWiring {
  const { config, infra, log } = opts;
  const selected = selectBackend({ jobsUrl: config.jobsUrl, databaseUrl: infra.databaseUrl });
  const svc = createJobsService({
    selected,
    sequelize: infra.sequelize,
    runner: opts.runner,
    tasks: opts.tasks ?? {},
    timezone: config.timezone,
    lockLifetimeMs: config.jobsLockLifetimeMs,
    concurrency: config.jobsConcurrency,
    demoRetentionDays: config.demoMediaRetentionDays,
    log: log.child({ part: 'jobs' }),
    providerConcurrency:
      typeof opts.providerConcurrency === 'string'
        ? parseProviderConcurrency(opts.providerConcurrency)
        : opts.providerConcurrency,
  });
  return {
    jobQueue: svc.jobQueue,
    deliveries: svc.deliveries,
    listQueue: () => svc.jobQueue.listQueue(),
    provide: (parts) => svc.provide(parts),
    start: () => svc.start(),
    stop: () => svc.stop(),
    health: () => svc.health(),
    agenda: svc.agenda,
    stats: jobStats({ agenda: svc.agenda, query: selected.query, lockLifetimeMs: config.jobsLockLifetimeMs }),
  };
}
