// The two questions about the PostgreSQL job table that Agenda's backend-neutral API can only answer by reading
// every row (its queryJobs computes states in JavaScript, @agendajs/postgres-backend PostgresJobRepository.js):
// a generation's place in the queue (/status, on every request), the pruning of finished rows (cleanup) and which
// open generations have no job at all (the orphan sweep).
// Both are single statements on the indexes the table already has (find_and_lock, locked_at, the
// generation-id index from migrations/20261125-0401).

export type SqlQuery = <T>(text: string, params: unknown[]) => Promise<T[]>;

/** $1 generation id, $2 lock-stale cutoff, $3 now. */
export const POSITION_SQL = `SELECT m.locked_at, m.next_run_at,
       (SELECT count(*)::int FROM agenda_jobs r WHERE r.name = 'generate-video' AND r.locked_at > $2 AND r.disabled = false) AS running,
       (SELECT count(*)::int FROM agenda_jobs a WHERE a.name = 'generate-video' AND a.disabled = false
          AND a.next_run_at <= $3 AND (a.locked_at IS NULL OR a.locked_at <= $2) AND a.id <> m.id
          AND (a.next_run_at < coalesce(m.next_run_at, 'infinity') OR (a.next_run_at = m.next_run_at AND a.priority > m.priority))) AS ahead
     FROM agenda_jobs m WHERE m.name = 'generate-video' AND m.data->>'generationId' = $1 AND m.disabled = false`;

interface PositionRow {
  locked_at: Date | null;
  next_run_at: Date | null;
  running: number;
  ahead: number;
}

/**
 * Same answer as AgendaJobQueue's row walk: running = fresh locks; ahead = runnable, unlocked (or stale-locked)
 * jobs ordered before this one by (next_run_at, priority desc), the order the backend locks them in.
 */
export async function positionSql(
  query: SqlQuery,
  generationId: string,
  now: Date,
  lockLifetimeMs: number,
): Promise<{ ahead: number; running: number } | null> {
  const stale = new Date(now.getTime() - lockLifetimeMs);
  const [row] = await query<PositionRow>(POSITION_SQL, [generationId, stale, now]);
  if (!row) return null;
  if (row.locked_at && row.locked_at > stale) return { ahead: 0, running: row.running };
  // No next run and no lock: finished, or retries over. A stale lock (dead worker) is taken over after the
  // runnable jobs: it counts them all as ahead.
  if (!row.next_run_at && !row.locked_at) return null;
  return { ahead: row.ahead, running: row.running };
}

/** Deletes one-off jobs that are over (done or retries exhausted) since before `cutoff`; recurring jobs stay. */
export async function pruneFinishedSql(query: SqlQuery, cutoff: Date): Promise<number> {
  const [row] = await query<{ n: number }>(
    `WITH d AS (DELETE FROM agenda_jobs WHERE next_run_at IS NULL AND locked_at IS NULL
       AND repeat_interval IS NULL AND repeat_at IS NULL AND coalesce(last_finished_at, failed_at, created_at) < $1 RETURNING 1)
     SELECT count(*)::int AS n FROM d`,
    [cutoff],
  );
  return row!.n;
}

/** Of these generation ids, those without a generate-video job row (any state): the ones to enqueue again. */
export async function withoutJobSql(query: SqlQuery, generationIds: string[]): Promise<string[]> {
  if (!generationIds.length) return [];
  const rows = await query<{ id: string }>(
    `SELECT g.id FROM unnest($1::text[]) AS g(id)
     WHERE NOT EXISTS (SELECT 1 FROM agenda_jobs j WHERE j.name = 'generate-video' AND j.data->>'generationId' = g.id)`,
    [generationIds],
  );
  return rows.map((r) => r.id);
}
