// Table-level housekeeping the cleanup job runs every hour. Every statement is safe to repeat (a job can run
// twice): deletes by age, and media keys are cleared only after their files are gone.
import { QueryTypes, type Sequelize } from 'sequelize';

/** Dedupe keys outlive the longest webhook retry window (Paddle live: 3 days); docs/reliability.md says ≥ 3 days. */
export const PROCESSED_EVENTS_KEEP_DAYS = 7;

export interface CleanupReport {
  usedTokens: number;
  linkCodes: number;
  processedEvents: number;
  demoMedia: number;
  demoMediaFailed: number;
}

export interface CleanupOptions {
  demoRetentionDays: number;
  processedEventsKeepDays?: number;
  /** MediaStore.delete; without it Demo media is left alone. */
  deleteMedia?: (key: string) => Promise<void>;
  /** Generations handled per run (the rest waits for the next hour). */
  batch?: number;
  log?: { warn(o: object, m: string): void };
}

const DAY_MS = 86_400_000;

async function deleteCount(sequelize: Sequelize, sql: string, bind: unknown[]): Promise<number> {
  const rows = await sequelize.query(`WITH d AS (${sql} RETURNING 1) SELECT count(*)::int AS n FROM d`, {
    bind,
    type: QueryTypes.SELECT,
  });
  return (rows[0] as { n: number }).n;
}

export async function cleanupTables(sequelize: Sequelize, now: Date, o: CleanupOptions): Promise<CleanupReport> {
  const keepDays = Math.max(3, o.processedEventsKeepDays ?? PROCESSED_EVENTS_KEEP_DAYS);
  const report: CleanupReport = {
    usedTokens: await deleteCount(sequelize, `DELETE FROM used_tokens WHERE expires_at < $1`, [now]),
    linkCodes: await deleteCount(sequelize, `DELETE FROM link_codes WHERE expires_at < $1`, [now]),
    processedEvents: await deleteCount(sequelize, `DELETE FROM processed_events WHERE received_at < $1`, [
      new Date(now.getTime() - keepDays * DAY_MS),
    ]),
    demoMedia: 0,
    demoMediaFailed: 0,
  };
  if (o.deleteMedia) Object.assign(report, await cleanupDemoMedia(sequelize, now, o));
  return report;
}

/**
 * Demo media = what the Demo tier produced: demo generations and watermarked videos. Past the retention its
 * files are deleted (MediaStore.delete), then the row's keys are cleared. A file another kept row still points
 * at is not deleted; a failed delete leaves the row for the next run.
 */
async function cleanupDemoMedia(
  sequelize: Sequelize,
  now: Date,
  o: CleanupOptions,
): Promise<Pick<CleanupReport, 'demoMedia' | 'demoMediaFailed'>> {
  const cutoff = new Date(now.getTime() - o.demoRetentionDays * DAY_MS);
  const rows = await sequelize.query<{ id: string; keys: string[] }>(
    `SELECT id, array_remove(ARRAY[media_key, preview_key, master_key], NULL) AS keys FROM generations
     WHERE (kind = 'demo' OR watermarked) AND coalesce(completed_at, created_at) < $1
       AND (media_key IS NOT NULL OR preview_key IS NOT NULL OR master_key IS NOT NULL)
     ORDER BY created_at LIMIT $2`,
    { bind: [cutoff, o.batch ?? 500], type: QueryTypes.SELECT },
  );
  let done = 0;
  let failed = 0;
  for (const row of rows) {
    try {
      for (const key of row.keys) {
        const shared = await sequelize.query(
          `SELECT 1 FROM generations WHERE id <> $1 AND $2 IN (media_key, preview_key, master_key)
             AND NOT ((kind = 'demo' OR watermarked) AND coalesce(completed_at, created_at) < $3) LIMIT 1`,
          { bind: [row.id, key, cutoff], type: QueryTypes.SELECT },
        );
        if (shared.length === 0) await o.deleteMedia!(key);
      }
      await sequelize.query(
        `UPDATE generations SET media_key = NULL, preview_key = NULL, master_key = NULL, updated_at = now() WHERE id = $1`,
        {
          bind: [row.id],
        },
      );
      done++;
    } catch (err) {
      failed++;
      o.log?.warn({ generationId: row.id, err: (err as Error).message }, 'demo media cleanup failed; retried next run');
    }
  }
  return { demoMedia: done, demoMediaFailed: failed };
}
