// The job gauges' numbers per job name, read at scrape time. On PostgreSQL one grouped statement over the job
// table (the same notions of "due", "running" and "stale lock" as job-store-sql.ts's position query); on MongoDB
// Agenda's backend-neutral overview, which has no ages.
import type { Agenda } from 'agenda';
import type { SqlQuery } from '../jobs/job-store-sql.ts';
import type { JobStat } from './registry.ts';

/**
 * $1 now, $2 lock-stale cutoff. A high-priority generation is dated ten minutes early (job-queue.ts), so a job's
 * wait is counted from whichever is later, its due time or its creation.
 */
export const JOB_STATS_SQL = `SELECT name,
     count(*) FILTER (WHERE next_run_at <= $1 AND (locked_at IS NULL OR locked_at <= $2))::int AS queued,
     count(*) FILTER (WHERE locked_at > $2)::int AS running,
     count(*) FILTER (WHERE next_run_at IS NULL AND locked_at IS NULL AND failed_at IS NOT NULL
       AND (last_finished_at IS NULL OR failed_at >= last_finished_at))::int AS failed,
     count(*) FILTER (WHERE coalesce(fail_count, 0) > 0 AND next_run_at > $1 AND (locked_at IS NULL OR locked_at <= $2))::int AS retrying,
     coalesce(extract(epoch FROM $1 - min(greatest(next_run_at, created_at))
       FILTER (WHERE next_run_at <= $1 AND (locked_at IS NULL OR locked_at <= $2))), 0)::float8 AS oldest
   FROM agenda_jobs WHERE disabled IS NOT TRUE GROUP BY name`;

interface Row {
  name: string;
  queued: number;
  running: number;
  failed: number;
  retrying: number;
  oldest: number;
}

export function jobStats(o: {
  agenda: Agenda;
  query?: SqlQuery;
  lockLifetimeMs: number;
  now?: () => Date;
}): () => Promise<JobStat[]> {
  return async () => {
    const now = o.now?.() ?? new Date();
    if (o.query) {
      const rows = await o.query<Row>(JOB_STATS_SQL, [now, new Date(now.getTime() - o.lockLifetimeMs)]);
      return rows.map((r) => ({
        name: r.name,
        queued: r.queued,
        running: r.running,
        failed: r.failed,
        retrying: r.retrying,
        oldestQueuedSeconds: Math.max(0, r.oldest),
      }));
    }
    const overview = await o.agenda.getJobsOverview();
    return overview.map((v) => ({
      name: v.name,
      queued: v.queued,
      running: v.running,
      failed: v.failed,
      retrying: 0,
      oldestQueuedSeconds: 0,
    }));
  };
}
