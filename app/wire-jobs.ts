// Wires the jobs in two halves, in dependency order: the job store first (Agenda on the app's PostgreSQL, or
// JOBS_URL: postgres or MongoDB; the JobQueue and DeliveryQueue core enqueues into), the workers last, given every
// part they run (core's runner, the maintenance tasks of core, media and billing, the chat senders).
import type { Config } from './config.ts';
import type { Infra } from './infra-setup.ts';
import type { Logger } from './logger.ts';
import type { JobQueue } from '../core/ports.ts';
import type { AgendaDeliveryQueue } from '../infra/jobs/deliveries.ts';
import { selectBackend } from '../infra/jobs/backend.ts';
import {
  createJobWorkers,
  openJobStore,
  type DeliveryParts,
  type JobStore,
  type JobWorkerOptions,
} from '../infra/jobs/jobs-service.ts';
import type { QueueItem } from '../infra/jobs/job-queue.ts';
import type { MaintenanceTasks } from '../infra/jobs/maintenance.ts';
import { parseProviderConcurrency } from '../infra/jobs/provider-slots.ts';
import type { Agenda } from 'agenda';
import { jobStats } from '../infra/metrics/job-stats.ts';
import type { JobStat } from '../infra/metrics/registry.ts';

export interface JobStoreWiring {
  store: JobStore;
  jobQueue: JobQueue;
  /** Final messages and parked notices wait here for a process with the user's platform. */
  deliveries: AgendaDeliveryQueue;
  /** For /admin queue: queued and running generation jobs (id, user, provider/stage, age). */
  listQueue(): Promise<QueueItem[]>;
  /** The Agenda instance (the admin job dashboard reads and requeues through it). */
  agenda: Agenda;
  /** Per job name: due, running, failed, retrying, oldest due age (the job gauges of /metrics). */
  stats(): Promise<JobStat[]>;
}

export interface JobWorkersWiring {
  start(): Promise<void>;
  /** Drains running generations for a few seconds, then hands the rest back to the queue (unlocked). */
  stop(): Promise<void>;
  health(): Promise<'ok' | 'down'>;
}

export function wireJobStore(config: Config, infra: Infra, log: Logger): JobStoreWiring {
  const selected = selectBackend({ jobsUrl: config.jobsUrl, databaseUrl: infra.databaseUrl });
  const store = openJobStore({
    selected,
    sequelize: infra.sequelize,
    lockLifetimeMs: config.jobsLockLifetimeMs,
    concurrency: config.jobsConcurrency,
    log: log.child({ part: 'jobs' }),
    // Per-provider caps over PROVIDER_CONCURRENCY_DEFAULTS: "leonardo=4,runway=2" (JOBS_PROVIDER_CONCURRENCY).
    providerConcurrency: parseProviderConcurrency(config.jobsProviderConcurrency),
  });
  return {
    store,
    jobQueue: store.jobQueue,
    deliveries: store.deliveries,
    listQueue: () => store.jobQueue.listQueue(),
    agenda: store.agenda,
    stats: jobStats({ agenda: store.agenda, query: selected.query, lockLifetimeMs: config.jobsLockLifetimeMs }),
  };
}

export function wireJobWorkers(
  config: Config,
  jobs: JobStoreWiring,
  parts: { runner: JobWorkerOptions['runner']; tasks: MaintenanceTasks; delivery: DeliveryParts },
): JobWorkersWiring {
  return createJobWorkers(jobs.store, {
    ...parts,
    timezone: config.timezone,
    demoRetentionDays: config.demoMediaRetentionDays,
  });
}
