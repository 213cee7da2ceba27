// Shared set-up for the jobs tests: a jobs service on the test database, rows to act on, worker processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect } from 'vitest';
import { QueryTypes, type Sequelize } from 'sequelize';
import { createTestDatabase, type TestDb } from '../helpers/db.ts';
import { createLogger } from '../../app/logger.ts';
import { selectBackend } from '../../infra/jobs/backend.ts';
import { createJobsService, type JobsServiceOptions } from '../../infra/jobs/jobs-service.ts';

export const quietLog = createLogger('silent', false);

export function jobsOn(dbUrl: string, sequelize: Sequelize, o: Partial<JobsServiceOptions> = {}) {
  return createJobsService({
    selected: selectBackend({ databaseUrl: dbUrl }),
    sequelize,
    tasks: {},
    timezone: 'Asia/Taipei',
    demoRetentionDays: 30,
    log: quietLog,
    schedule: false,
    processEveryMs: 200,
    ...o,
  });
}

export async function makeUser(sequelize: Sequelize, name = 'u'): Promise<string> {
  const [row] = await sequelize.query<{ id: string }>(`INSERT INTO users (display_name) VALUES ($1) RETURNING id`, {
    bind: [name],
    type: QueryTypes.SELECT,
  });
  return row!.id;
}

export async function makeGeneration(
  sequelize: Sequelize,
  userId: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const cols = ['user_id', 'prompt', ...Object.keys(extra)];
  const vals = [userId, 'a cat surfing', ...Object.values(extra)];
  const [row] = await sequelize.query<{ id: string }>(
    `INSERT INTO generations (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
    { bind: vals, type: QueryTypes.SELECT },
  );
  return row!.id;
}

export async function until<T>(
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
  stepMs = 50,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** A fresh migrated database with one user for this test file (made in beforeAll, dropped in afterAll). */
export function dbWithUser(): { db: TestDb; userId: string } {
  const t = {} as { db: TestDb; userId: string };
  beforeAll(async () => {
    t.db = await createTestDatabase();
    t.userId = await makeUser(t.db.sequelize);
  });
  afterAll(async () => t.db.drop());
  return t;
}

/** The first row a query returns (the caller knows there is one). */
export const firstRow = async <T extends object>(sequelize: Sequelize, sql: string, bind: unknown[] = []) =>
  (await sequelize.query<T>(sql, { bind, type: QueryTypes.SELECT }))[0]!;

/**
 * Starts a worker script in its own process (tsx), kept in `children` so afterAll can kill it; resolves once it
 * prints 'ready', rejects with its stderr if it exits first.
 */
export function startWorkerProcess(
  script: string,
  env: Record<string, string>,
  children: ChildProcess[],
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => String(d).includes('ready') && resolve(child));
    child.on('exit', (code) => reject(new Error(`worker exited ${code}: ${err}`)));
  });
}

/**
 * The crash in the crash tests: SIGKILLs `first` (which holds generation `gen`), checks nothing was delivered,
 * starts a new worker and waits until it has delivered `gen` (within `deliveredWithinMs`) and no
 * generate-video job is left. Returns the new worker.
 */
export async function killAndTakeOver(
  sequelize: Sequelize,
  first: ChildProcess,
  startWorker: () => Promise<ChildProcess>,
  gen: string,
  deliveredWithinMs: number,
): Promise<ChildProcess> {
  const deliveredAt = async () =>
    (
      await firstRow<{ delivered_at: Date | null }>(sequelize, `SELECT delivered_at FROM generations WHERE id = $1`, [
        gen,
      ])
    ).delivered_at;
  first.kill('SIGKILL');
  await new Promise((r) => first.once('exit', r));
  expect(await deliveredAt()).toBeNull();

  const second = await startWorker();
  await until(deliveredAt, deliveredWithinMs);
  await until(
    async () =>
      (
        await firstRow<{ n: number }>(
          sequelize,
          `SELECT count(*)::int AS n FROM agenda_jobs WHERE name = 'generate-video'`,
        )
      ).n === 0,
  );
  return second;
}
