// Crash acceptance: the worker PROCESS is killed (SIGKILL) in the middle of a generation; a new worker takes
// the job over once its lock expires and finishes it once: one notification, one submit, one reservation.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { createTestDatabase, type TestDb } from '../helpers/db.ts';
import { firstRow, jobsOn, killAndTakeOver, makeGeneration, makeUser, startWorkerProcess, until } from './helpers.ts';

let db: TestDb;
const children: ChildProcess[] = [];
beforeAll(async () => {
  db = await createTestDatabase();
  await db.sequelize.query(`
    CREATE TABLE test_runs (generation_id uuid NOT NULL, pid integer NOT NULL, at timestamptz NOT NULL DEFAULT now());
    CREATE TABLE test_notifications (generation_id uuid NOT NULL, pid integer NOT NULL);`);
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await db.drop();
});

const startWorker = () =>
  startWorkerProcess(
    'tests/jobs/crash-worker.ts',
    { DATABASE_URL: db.url, LOCK_MS: '1500', PROVIDER_MS: '2500' },
    children,
  );
const one = <T extends object>(sql: string, bind: unknown[] = []) => firstRow<T>(db.sequelize, sql, bind);

it('a generation interrupted by SIGKILL finishes once after a restart', { timeout: 60_000 }, async () => {
  const userId = await makeUser(db.sequelize);
  await db.sequelize.query(
    `INSERT INTO point_ledger (user_id, bucket, amount, reason, idempotency_key) VALUES ($1, 'purchased', 20, 'purchase', $2)`,
    { bind: [userId, `buy:${userId}`] },
  );
  const gen = await makeGeneration(db.sequelize, userId, { points_cost: 5 });

  const first = await startWorker();
  const producer = jobsOn(db.url, db.sequelize); // the web/bot side: enqueues, does not process
  await producer.jobQueue.enqueueGeneration(gen, { priority: 'normal' });

  // Mid-generation: points reserved, provider job submitted, the job locked by the first worker.
  await until(
    async () =>
      (await one<{ stage: string | null }>(`SELECT stage FROM generations WHERE id = $1`, [gen])).stage === 'provider',
  );
  const locked = await one<{ locked_at: Date | null }>(
    `SELECT locked_at FROM agenda_jobs WHERE data->>'generationId' = $1`,
    [gen],
  );
  expect(locked.locked_at).not.toBeNull();
  const second = await killAndTakeOver(db.sequelize, first, startWorker, gen, 30_000);

  const runs = await db.sequelize.query<{ pid: number }>(
    `SELECT pid FROM test_runs WHERE generation_id = $1 ORDER BY at`,
    { bind: [gen], type: QueryTypes.SELECT },
  );
  expect(runs.map((r) => r.pid)).toEqual([first.pid, second.pid]); // resumed by the new process, not re-run twice after
  const notes = await db.sequelize.query<{ pid: number }>(
    `SELECT pid FROM test_notifications WHERE generation_id = $1`,
    { bind: [gen], type: QueryTypes.SELECT },
  );
  expect(notes).toEqual([{ pid: second.pid }]);
  const g = await one<{ status: string; attempts: unknown[] }>(
    `SELECT status, attempts FROM generations WHERE id = $1`,
    [gen],
  );
  expect(g.status).toBe('succeeded');
  expect(g.attempts).toHaveLength(1); // the provider job was submitted once, and waited on after the crash
  const ledger = await one<{ balance: number; reserves: number }>(
    `SELECT sum(amount)::int AS balance, count(*) FILTER (WHERE reason = 'reserve')::int AS reserves FROM point_ledger WHERE user_id = $1`,
    [userId],
  );
  expect(ledger).toEqual({ balance: 15, reserves: 1 });

  second.kill('SIGTERM');
  expect(await new Promise((r) => second.once('exit', r))).toBe(0);
});
