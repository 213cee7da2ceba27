// Cleanup of the job store: one-off jobs that are over (generate-video rows whose retries ran out, or a finished
// row whose removal failed) are deleted after JOBS_KEEP_DAYS. PostgreSQL: one DELETE (job-store-sql.ts).
// MongoDB: Agenda's backend-neutral queryJobs + cancel, in pages.
import type { Agenda } from 'agenda';
import { pruneFinishedSql, type SqlQuery } from './job-store-sql.ts';

/** Long enough to look into a failed generation's job after the fact. */
export const JOBS_KEEP_DAYS = 14;

export async function pruneFinishedJobs(
  agenda: Agenda,
  query: SqlQuery | undefined,
  cutoff: Date,
  page = 500,
): Promise<number> {
  if (query) return pruneFinishedSql(query, cutoff);
  let removed = 0;
  for (const state of ['failed', 'completed'] as const) {
    const { jobs } = await agenda.queryJobs({ state, limit: page });
    const old = jobs.filter(
      (j) =>
        !j.repeatInterval &&
        !j.repeatAt &&
        !j.nextRunAt &&
        !j.lockedAt &&
        new Date(j.lastFinishedAt ?? j.failedAt ?? 0).getTime() < cutoff.getTime(),
    );
    if (old.length) removed += await agenda.cancel({ ids: old.map((j) => String(j._id)) });
  }
  return removed;
}
