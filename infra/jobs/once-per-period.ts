// Calendar work that must happen once per period however often its job fires (two instances, a re-run after a
// lock takeover, a restart): a row per task and period in maintenance_runs, claimed in one statement.
import { QueryTypes, type Sequelize } from 'sequelize';

export type PeriodOutcome = { ran: true; result: number } | { ran: false };

/**
 * Runs `work` unless this task already finished (or is being run) for `period`. A claim left by a process that
 * died is taken over after `staleMs`. A failure gives the claim back so the next firing retries.
 */
export async function oncePerPeriod(
  sequelize: Sequelize,
  task: string,
  period: string,
  work: () => Promise<number>,
  staleMs = 60 * 60_000,
): Promise<PeriodOutcome> {
  const claimed = await sequelize.query(
    `INSERT INTO maintenance_runs (task, period) VALUES ($1, $2)
     ON CONFLICT (task, period) DO UPDATE SET claimed_at = now()
       WHERE maintenance_runs.finished_at IS NULL AND maintenance_runs.claimed_at < now() - make_interval(secs => $3)
     RETURNING task`,
    { bind: [task, period, staleMs / 1000], type: QueryTypes.SELECT },
  );
  if (claimed.length === 0) return { ran: false };
  let result: number;
  try {
    result = await work();
  } catch (err) {
    await sequelize.query(`DELETE FROM maintenance_runs WHERE task = $1 AND period = $2 AND finished_at IS NULL`, {
      bind: [task, period],
    });
    throw err;
  }
  await sequelize.query(
    `UPDATE maintenance_runs SET finished_at = now(), result = $3 WHERE task = $1 AND period = $2`,
    {
      bind: [task, period, result],
    },
  );
  return { ran: true, result };
}
