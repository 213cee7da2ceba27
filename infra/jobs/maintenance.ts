// The recurring jobs. Each does its work through an injected function (Billing, Ledger, GenerationRunner and
// the provider checker belong to other areas), so they are testable and the definitions stay backend-neutral.
// Cron strings carry the configured timezone (Agenda's `every(cron, name, data, { timezone })`).
import type { Agenda } from 'agenda';
import type { Sequelize } from 'sequelize';
import { cleanupTables, type CleanupReport } from './cleanup.ts';
import { JOBS_KEEP_DAYS } from './prune-jobs.ts';
import { oncePerPeriod, type PeriodOutcome } from './once-per-period.ts';
import { periodOf } from '../../core/ledger/period.ts';

export interface MaintenanceTasks {
  /** Billing.monthlyReset; `period` is the month in the configured timezone ("2026-12"). */
  monthlyReset?: (now: Date, period: string) => Promise<number>;
  /** Billing.expireSubscriptions: ended subscriptions back to Demo. */
  expireSubscriptions?: (now: Date) => Promise<number>;
  /** Billing.sendRenewalReminders: 3 days before the end, once per subscription. */
  sendRenewalReminders?: (now: Date) => Promise<number>;
  /** Probes every provider and records the result in the shared health (ProviderHealth + provider.probe()). */
  checkProviders?: () => Promise<unknown>;
  /** SqlLedger.releaseExpired: abandoned point reservations back to the user. */
  releaseExpiredReservations?: (now: Date) => Promise<number>;
  /** GenerationRunner.settleStuck: generations past their deadline failed and refunded. */
  settleStuck?: (now: Date) => Promise<number>;
  /** MediaStore.delete, for Demo media past retention. */
  deleteMedia?: (key: string) => Promise<void>;
  /** Deletes photos sent to animate that are past PHOTO_RETENTION_HOURS; how many went. */
  purgePhotos?: (now: Date) => Promise<number>;
}

export interface MaintenanceDeps {
  sequelize: Sequelize;
  tasks: MaintenanceTasks;
  timezone: string;
  demoRetentionDays: number;
  now: () => Date;
  log: { info(o: object, m: string): void; warn(o: object, m: string): void; debug(o: object, m: string): void };
  /** Deletes job-store rows that are over since before the cutoff (prune-jobs.ts); set by the jobs service. */
  pruneJobs?: (cutoff: Date) => Promise<number>;
  jobsKeepDays?: number;
}

/** Job name → when it runs (cron in the configured timezone, or an interval). */
export const SCHEDULES = {
  // Hourly on the hour, not monthly: 00:00 on the 1st is still the month's first firing, and oncePerPeriod turns
  // the others into a no-op, but a reset that failed or was cut short (a stop or crash mid-way; it resumes per
  // user) is finished within the hour instead of waiting for next month's firing.
  'monthly-reset': '0 * * * *',
  'subscription-expiry': '5 * * * *', // hourly
  'renewal-reminders': '0 10 * * *', // daily, 10:00 local (not in the middle of the night)
  'provider-health': '1 minute',
  cleanup: '20 * * * *', // hourly
} as const;
export type MaintenanceJob = keyof typeof SCHEDULES;

export async function runMonthlyReset(d: MaintenanceDeps, now = d.now()): Promise<PeriodOutcome> {
  const period = periodOf(now, d.timezone);
  const out = await oncePerPeriod(d.sequelize, 'monthly-reset', period, () => d.tasks.monthlyReset!(now, period));
  if (out.ran) d.log.info({ period, ...out }, 'monthly reset done');
  else d.log.debug({ period }, 'monthly reset already done (or running) for this month');
  return out;
}

export interface CleanupRun extends CleanupReport {
  reservationsReleased: number;
  stuckSettled: number;
  jobsPruned: number;
  /** Photos deleted past their retention (when the task is wired). */
  photosDeleted?: number;
}

export async function runCleanup(d: MaintenanceDeps, now = d.now()): Promise<CleanupRun> {
  const tables = await cleanupTables(d.sequelize, now, {
    demoRetentionDays: d.demoRetentionDays,
    deleteMedia: d.tasks.deleteMedia,
    log: d.log,
  });
  const run: CleanupRun = {
    ...tables,
    reservationsReleased: (await d.tasks.releaseExpiredReservations?.(now)) ?? 0,
    stuckSettled: (await d.tasks.settleStuck?.(now)) ?? 0,
    jobsPruned: (await d.pruneJobs?.(new Date(now.getTime() - (d.jobsKeepDays ?? JOBS_KEEP_DAYS) * 86_400_000))) ?? 0,
    ...(d.tasks.purgePhotos ? { photosDeleted: await d.tasks.purgePhotos(now) } : {}),
  };
  d.log.info({ ...run }, 'cleanup done');
  return run;
}

const handlers: Record<MaintenanceJob, (d: MaintenanceDeps) => (() => Promise<unknown>) | undefined> = {
  'monthly-reset': (d) => (d.tasks.monthlyReset ? () => runMonthlyReset(d) : undefined),
  'subscription-expiry': (d) => (d.tasks.expireSubscriptions ? () => d.tasks.expireSubscriptions!(d.now()) : undefined),
  'renewal-reminders': (d) => (d.tasks.sendRenewalReminders ? () => d.tasks.sendRenewalReminders!(d.now()) : undefined),
  'provider-health': (d) => d.tasks.checkProviders,
  cleanup: (d) => () => runCleanup(d),
};

/** Defines the jobs whose work was provided; returns their names. `inflight` holds the runs under way (for stop). */
export function defineMaintenance(
  agenda: Agenda,
  d: MaintenanceDeps,
  inflight = new Set<Promise<unknown>>(),
): MaintenanceJob[] {
  const defined: MaintenanceJob[] = [];
  for (const name of Object.keys(SCHEDULES) as MaintenanceJob[]) {
    const work = handlers[name](d);
    if (!work) {
      d.log.debug({ job: name }, 'no work wired for this job: not scheduled');
      continue;
    }
    agenda.define(
      name,
      async () => {
        const run = work();
        inflight.add(run);
        try {
          await run;
        } finally {
          inflight.delete(run);
        }
      },
      { concurrency: 1, lockLifetime: 10 * 60_000 },
    );
    defined.push(name);
  }
  return defined;
}

/** Creates or updates the recurring entries (single per name, so every instance may call this at start). */
export async function scheduleMaintenance(agenda: Agenda, names: MaintenanceJob[], timezone: string): Promise<void> {
  for (const name of names) {
    await agenda.every(SCHEDULES[name], name, undefined, { timezone, skipImmediate: true });
  }
}
