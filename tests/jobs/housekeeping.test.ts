// The job table's housekeeping on PostgreSQL: position() as one count query gives the row walk's answers, and
// cleanup prunes one-off jobs that are over (SQL and backend-neutral paths alike), keeping everything live.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { createTestDatabase, type TestDb } from '../helpers/db.ts';
import { jobsOn, quietLog } from './helpers.ts';
import { GENERATE_VIDEO } from '../../infra/jobs/generate-video.ts';
import { POSITION_SQL } from '../../infra/jobs/job-store-sql.ts';
import { pruneFinishedJobs } from '../../infra/jobs/prune-jobs.ts';
import { runCleanup } from '../../infra/jobs/maintenance.ts';
import { selectBackend } from '../../infra/jobs/backend.ts';

let db: TestDb;
beforeAll(async () => (db = await createTestDatabase()));
afterAll(async () => db.drop());

const NOW = new Date('2026-11-25T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const MIN = 60_000;
const DAY = 86_400_000;

async function row(name: string, gen: string | null, cols: Record<string, unknown>) {
  const all = {
    name,
    data: JSON.stringify(
      gen
        ? { generationId: gen, priority: 'normal', enqueuedAt: ago(MIN).toISOString(), deadlineAt: NOW.toISOString() }
        : {},
    ),
    ...cols,
  };
  const keys = Object.keys(all);
  await db.sequelize.query(
    `INSERT INTO agenda_jobs (${keys.join(', ')}) VALUES (${keys.map((_, i) => `$${i + 1}`).join(', ')})`,
    { bind: Object.values(all) },
  );
}

describe('position()', () => {
  it('one SQL count gives the same answers as walking the open jobs', async () => {
    await row(GENERATE_VIDEO, 'q-old', { next_run_at: ago(3 * MIN) });
    await row(GENERATE_VIDEO, 'q-high', { next_run_at: ago(3 * MIN), priority: 10 }); // ties on time: priority first
    await row(GENERATE_VIDEO, 'q-new', { next_run_at: ago(MIN) });
    await row(GENERATE_VIDEO, 'waiting', { next_run_at: new Date(NOW.getTime() + MIN) });
    await row(GENERATE_VIDEO, 'run-1', { next_run_at: null, locked_at: ago(1000) });
    await row(GENERATE_VIDEO, 'run-2', { next_run_at: null, locked_at: ago(2000) });
    await row(GENERATE_VIDEO, 'over', { next_run_at: null, failed_at: ago(DAY), fail_count: 8 });
    await row(GENERATE_VIDEO, 'off', { next_run_at: ago(MIN), disabled: true });
    const svc = jobsOn(db.url, db.sequelize, { now: () => NOW });
    const q = svc.jobQueue;
    const cases = ['q-high', 'q-old', 'q-new', 'waiting', 'run-1', 'over', 'off', 'nobody'];
    const sql = await Promise.all(cases.map((g) => q.position(g)));
    expect(sql).toEqual([
      { ahead: 0, running: 2 },
      { ahead: 1, running: 2 },
      { ahead: 2, running: 2 },
      { ahead: 3, running: 2 },
      { ahead: 0, running: 2 },
      null,
      null,
      null,
    ]);
    expect(await Promise.all(cases.map((g) => q.positionByRows(g)))).toEqual(sql);

    // A dead worker's stale lock: still in the queue (taken over after the runnable jobs), not "unknown".
    await row(GENERATE_VIDEO, 'dead', { next_run_at: null, locked_at: ago(10 * MIN) });
    expect(await q.position('dead')).toEqual({ ahead: 3, running: 2 });
    await db.sequelize.query(`DELETE FROM agenda_jobs`);
    await svc.stop();
  });

  it('runs on the indexes, not a scan of the job table', async () => {
    // A realistic table: many finished and queued rows, statistics fresh.
    await db.sequelize.query(`
      INSERT INTO agenda_jobs (name, data, next_run_at, last_finished_at)
        SELECT 'generate-video', jsonb_build_object('generationId', 'f' || i), NULL, now() - interval '1 hour' FROM generate_series(1, 5000) i;
      INSERT INTO agenda_jobs (name, data, next_run_at)
        SELECT 'generate-video', jsonb_build_object('generationId', 'q' || i), now() - i * interval '1 second' FROM generate_series(1, 300) i;
      INSERT INTO agenda_jobs (name, data, next_run_at)
        SELECT 'cleanup', '{}'::jsonb, now() + interval '1 hour' FROM generate_series(1, 3000) i;
      ANALYZE agenda_jobs;`);
    const selected = selectBackend({ databaseUrl: db.url });
    const plan = (await selected.query!<{ 'QUERY PLAN': string }>(`EXPLAIN ${POSITION_SQL}`, ['q7', ago(MIN), NOW]))
      .map((r) => r['QUERY PLAN'])
      .join('\n');
    await selected.close();
    await db.sequelize.query(`DELETE FROM agenda_jobs`);
    expect(plan).not.toMatch(/Seq Scan/);
    expect(plan).toMatch(/agenda_jobs_generation/); // this generation's row by its id
    expect(plan).toMatch(/agenda_jobs_find_and_lock_idx|agenda_jobs_next_run_at_idx/); // the runnable ones by next_run_at
  });
});

describe('pruning finished jobs', () => {
  async function seed() {
    await db.sequelize.query(`DELETE FROM agenda_jobs`);
    await row(GENERATE_VIDEO, 'failed-old', { next_run_at: null, failed_at: ago(20 * DAY), fail_count: 8 });
    await row(GENERATE_VIDEO, 'done-old', { next_run_at: null, last_finished_at: ago(20 * DAY) });
    await row(GENERATE_VIDEO, 'failed-recent', { next_run_at: null, failed_at: ago(2 * DAY), fail_count: 8 });
    await row(GENERATE_VIDEO, 'queued-old', { next_run_at: ago(20 * DAY), created_at: ago(20 * DAY) });
    await row(GENERATE_VIDEO, 'running-old', { next_run_at: null, locked_at: ago(MIN), created_at: ago(20 * DAY) });
    await row('cleanup', null, { next_run_at: null, last_finished_at: ago(20 * DAY), repeat_interval: '20 * * * *' });
  }
  const left = async () =>
    (
      await db.sequelize.query<{ k: string }>(
        `SELECT coalesce(data->>'generationId', name) AS k FROM agenda_jobs ORDER BY 1`,
        { type: QueryTypes.SELECT },
      )
    ).map((r) => r.k);
  const kept = ['cleanup', 'failed-recent', 'queued-old', 'running-old'];

  it('cleanup deletes one-off jobs over for more than the kept days (SQL path), nothing live', async () => {
    await seed();
    const selected = selectBackend({ databaseUrl: db.url });
    const svc = jobsOn(db.url, db.sequelize, { selected });
    const deps = {
      sequelize: db.sequelize,
      tasks: {},
      timezone: 'Asia/Taipei',
      demoRetentionDays: 30,
      now: () => NOW,
      log: quietLog,
      pruneJobs: (cutoff: Date) => pruneFinishedJobs(svc.agenda, selected.query, cutoff),
      jobsKeepDays: 14,
    };
    expect((await runCleanup(deps)).jobsPruned).toBe(2);
    expect(await left()).toEqual(kept);
    expect((await runCleanup(deps)).jobsPruned).toBe(0); // safe to repeat
    await selected.close();
  });

  it('the backend-neutral path (MongoDB) prunes the same rows', async () => {
    await seed();
    const svc = jobsOn(db.url, db.sequelize);
    expect(await pruneFinishedJobs(svc.agenda, undefined, ago(14 * DAY))).toBe(2);
    expect(await left()).toEqual(kept);
    await svc.stop();
  });
});
