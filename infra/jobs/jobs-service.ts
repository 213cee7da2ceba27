// One Agenda per process: generate-video plus the maintenance jobs, on the backend selectBackend chose.
// Two halves, made in dependency order: the job store (Agenda and the queues core enqueues into) first, the workers
// (the handlers, each given the part it runs) last, once core, billing and the chat senders exist.
// Tuning (measured by bench/jobs.ts): the PostgreSQL backend wakes workers through LISTEN/NOTIFY as soon as a
// job is saved, so processEvery is only the fallback poll; MongoDB has no notifications here, so it polls faster.
import { Agenda } from 'agenda';
import type { Sequelize } from 'sequelize';
import type { GenerationRunner } from '../../core/api.ts';
import type { SelectedBackend } from './backend.ts';
import { ABORT, defineGenerateVideo, RunningGenerations, type GenerateVideoOptions } from './generate-video.ts';
import { AgendaJobQueue, type GenerationInfo } from './job-queue.ts';
import { pruneFinishedJobs } from './prune-jobs.ts';
import { withoutJobSql } from './job-store-sql.ts';
import { isInfrastructureError, outageNotice } from '../infrastructure-errors.ts';
import { AgendaDeliveryQueue, defineDeliveries, type DeliveryHandlers } from './deliveries.ts';
import { ProviderSlots, type ProviderCaps } from './provider-slots.ts';
import { defineMaintenance, scheduleMaintenance, type MaintenanceDeps, type MaintenanceTasks } from './maintenance.ts';

export interface JobStoreOptions {
  selected: SelectedBackend;
  sequelize: Sequelize;
  log: MaintenanceDeps['log'] & { error(o: object, m: string): void };
  /** Instance name stored on locks (lastModifiedBy). */
  name?: string;
  concurrency?: number;
  lockLifetimeMs?: number;
  deadlineMs?: number;
  /** Per-provider caps over PROVIDER_CONCURRENCY_DEFAULTS (shared by all instances); false turns the caps off. */
  providerConcurrency?: ProviderCaps | false;
  processEveryMs?: number;
  now?: () => Date;
}

/** The enqueue side: what core and the chat side are handed before any worker exists. */
export interface JobStore {
  agenda: Agenda;
  jobQueue: AgendaJobQueue;
  /** Durable final messages and parked notices (deliveries.ts). */
  deliveries: AgendaDeliveryQueue;
  running: RunningGenerations;
  slots: ProviderSlots | null;
  options: JobStoreOptions;
}

/** What the workers run, each part made before them. */
export interface JobWorkerOptions {
  /** GenerationRunner; without it generate-video is not processed here (jobs stay queued). */
  runner?: Pick<GenerationRunner, 'run'> & Partial<Pick<GenerationRunner, 'pendingIds'>>;
  tasks: MaintenanceTasks;
  /** The delivery jobs' senders; without them no deliver-/notify- job is processed here. */
  delivery?: DeliveryParts;
  timezone: string;
  demoRetentionDays: number;
  retry?: GenerateVideoOptions['retry'];
  /** How long a job over its provider's cap waits before it looks again. */
  slotWaitMs?: number;
  /** How often open generations without a job are looked for (default a minute). */
  orphanSweepMs?: number;
  /** How long stop() lets running generations finish before handing them back. */
  graceMs?: number;
  /** Schedule the recurring jobs at start (off in tests that fire jobs by hand). */
  schedule?: boolean;
}

export type JobsServiceOptions = JobStoreOptions & JobWorkerOptions;

/** What the delivery jobs need; `platforms` is read at start() (`npm run chat` registers its console first). */
export type DeliveryParts = Omit<DeliveryHandlers, 'platforms' | 'lockLifetimeMs' | 'log'> & {
  platforms: () => DeliveryHandlers['platforms'];
};

export interface JobsService extends Omit<JobStore, 'options'> {
  start(): Promise<void>;
  stop(): Promise<void>;
  health(): Promise<'ok' | 'down'>;
}

export const JOB_DEFAULTS = {
  concurrency: 4,
  lockLifetimeMs: 60_000, // a dead worker's generation resumes within a minute
  deadlineMs: 30 * 60_000,
  retry: { baseMs: 15_000, maxMs: 5 * 60_000, maxAttempts: 8 },
  graceMs: 8_000,
};

export function openJobStore(o: JobStoreOptions): JobStore {
  const concurrency = o.concurrency ?? JOB_DEFAULTS.concurrency;
  const lockLifetimeMs = o.lockLifetimeMs ?? JOB_DEFAULTS.lockLifetimeMs;
  const now = o.now ?? (() => new Date());
  const agenda = new Agenda({
    backend: o.selected.backend,
    name: o.name ?? `vidgo-${process.pid}`,
    processEvery: o.processEveryMs ?? (o.selected.kind === 'postgres' ? 2_000 : 500),
    maxConcurrency: concurrency + 5,
    defaultLockLifetime: lockLifetimeMs,
  });
  o.selected.setLog?.(o.log);
  // Lost database connections are weather (Agenda retries by itself, the job table is the truth): said once
  // per spell; anything else is an error.
  const outage = outageNotice();
  agenda.on('error', (err: Error) => {
    if (isInfrastructureError(err))
      outage(() => o.log.warn({ err: err.message }, 'jobs: database unavailable; Agenda keeps retrying'));
    else o.log.error({ err: err.message }, 'agenda error');
  });
  agenda.on('fail', (err: Error, job: { attrs: { name: string } }) =>
    o.log.warn({ job: job.attrs?.name, err: err?.message }, 'job failed'),
  );

  const running = new RunningGenerations();
  const slots =
    o.providerConcurrency === false ? null : new ProviderSlots(o.sequelize, o.providerConcurrency, lockLifetimeMs);
  const lookup = async (ids: string[]): Promise<Map<string, GenerationInfo>> => {
    if (ids.length === 0) return new Map();
    const [rows] = await o.sequelize.query(
      `SELECT id, user_id, provider, stage FROM generations WHERE id = ANY($1::uuid[])`,
      { bind: [ids] },
    );
    return new Map(
      (rows as { id: string; user_id: string; provider: string | null; stage: string | null }[]).map((r) => [
        r.id,
        { userId: r.user_id, provider: r.provider, stage: r.stage },
      ]),
    );
  };
  const jobQueue = new AgendaJobQueue(agenda, running, {
    deadlineMs: o.deadlineMs ?? JOB_DEFAULTS.deadlineMs,
    lockLifetimeMs,
    lookup,
    now,
    ...(o.selected.query ? { query: o.selected.query } : {}),
  });
  return { agenda, jobQueue, deliveries: new AgendaDeliveryQueue(agenda, now), running, slots, options: o };
}

/** Store and workers at once (the tests' and benches' one-part services). */
export const createJobsService = (o: JobsServiceOptions): JobsService => createJobWorkers(openJobStore(o), o);

export function createJobWorkers(store: JobStore, w: JobWorkerOptions): JobsService {
  const { agenda, jobQueue, running, slots } = store;
  const o = { ...store.options, ...w };
  const concurrency = o.concurrency ?? JOB_DEFAULTS.concurrency;
  const lockLifetimeMs = o.lockLifetimeMs ?? JOB_DEFAULTS.lockLifetimeMs;
  const now = o.now ?? (() => new Date());
  const { runner, delivery } = o;
  const deps: MaintenanceDeps = {
    sequelize: o.sequelize,
    tasks: o.tasks,
    timezone: o.timezone,
    demoRetentionDays: o.demoRetentionDays,
    now,
    log: o.log,
    pruneJobs: (cutoff) => pruneFinishedJobs(agenda, o.selected.query, cutoff),
  };

  /**
   * A generation row and its job are written by two statements (the job may live in another database, JOBS_URL),
   * so a connection lost between them, or a process killed there, leaves a queued generation with no job. The
   * sweep finds those and enqueues them (enqueue is once per generation, so racing the request path is harmless).
   * On PostgreSQL one query picks the orphans; on MongoDB every open generation is enqueued (a no-op for most).
   */
  async function requeueOrphans(): Promise<void> {
    if (!runner || !('pendingIds' in runner) || typeof runner.pendingIds !== 'function') return;
    const open = await runner.pendingIds();
    const ids = o.selected.query ? await withoutJobSql(o.selected.query, open) : open;
    for (const id of ids) await jobQueue.enqueueGeneration(id, { priority: 'normal' });
    if (ids.length && o.selected.query) o.log.info({ count: ids.length }, 're-queued generations that had no job');
  }
  let orphanSweep: NodeJS.Timeout | undefined;

  const maintenanceRuns = new Set<Promise<unknown>>();
  let state: 'idle' | 'started' | 'stopped' = 'idle';
  return {
    agenda,
    jobQueue,
    deliveries: store.deliveries,
    running,
    slots,
    async start() {
      if (state !== 'idle') return;
      if (runner) {
        defineGenerateVideo(
          agenda,
          {
            runner,
            concurrency,
            lockLifetimeMs,
            retry: o.retry ?? JOB_DEFAULTS.retry,
            log: o.log,
            ...(slots ? { slots, slotWaitMs: o.slotWaitMs } : {}),
          },
          running,
        );
      } else o.log.warn({}, 'no GenerationRunner wired: generate-video jobs wait in the queue');
      const maintenance = defineMaintenance(agenda, deps, maintenanceRuns);
      // Only the platforms this process can send to: the others' deliveries wait for a process that can.
      const deliveryJobs = delivery
        ? defineDeliveries(agenda, { ...delivery, platforms: delivery.platforms(), lockLifetimeMs, log: o.log })
        : [];
      await agenda.start();
      // After a crash, and every minute: an open generation without a job gets one (see requeueOrphans).
      await requeueOrphans();
      orphanSweep = setInterval(
        () =>
          void requeueOrphans().catch((err: Error) => {
            o.log.warn({ err: err.message }, 're-queueing generations without a job failed; next round in a minute');
          }),
        o.orphanSweepMs ?? 60_000,
      );
      orphanSweep.unref();
      if (o.schedule !== false) await scheduleMaintenance(agenda, maintenance, o.timezone);
      state = 'started';
      o.log.info(
        {
          backend: o.selected.kind,
          where: o.selected.where,
          jobs: [...(runner ? ['generate-video'] : []), ...deliveryJobs, ...maintenance],
        },
        'jobs started',
      );
    },
    async stop() {
      if (state !== 'started') return;
      state = 'stopped';
      clearInterval(orphanSweep);
      // No new work; jobs locked here but not started are unlocked at once (Agenda.stop). Running generations
      // get graceMs to finish (a drain), then are aborted and saved unlocked with nextRunAt = now, so another
      // instance, or this one after a restart, resumes them through the runner's own idempotency.
      await agenda.stop(false);
      const graceMs = o.graceMs ?? JOB_DEFAULTS.graceMs;
      // Maintenance runs in flight get the same grace: cut off, their job stays locked for its lockLifetime
      // (10 min) and the work (each task repeatable) is redone at a later firing.
      const maintenanceDone = settleWithin([...maintenanceRuns], graceMs);
      const left = await running.settled(graceMs);
      if (left > 0) {
        o.log.info({ running: left }, 'handing running generations back to the queue');
        running.abortAll(ABORT.handBack);
        await running.settled(10_000);
      }
      if (!(await maintenanceDone))
        o.log.warn({ running: maintenanceRuns.size }, 'stopping with maintenance jobs still running');
      await o.selected.backend.disconnect().catch(() => {});
      await o.selected.close().catch(() => {});
    },
    async health() {
      if (state !== 'started') return 'down';
      try {
        await Promise.race([
          agenda.queryJobs({ name: '__health', limit: 1 }),
          new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), 2_000).unref()),
        ]);
        return 'ok';
      } catch {
        return 'down';
      }
    },
  };
}

/** True when every promise settled within ms. */
async function settleWithin(runs: Promise<unknown>[], ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const done = await Promise.race([
    Promise.allSettled(runs).then(() => true),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms))),
  ]);
  clearTimeout(timer);
  return done;
}
