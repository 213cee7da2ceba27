// The PostgreSQL backend's LISTEN connection dropped from the server side while a worker runs (a restart,
// pg_terminate_backend, the embedded PostgreSQL stopping): no uncaught error, a log line, the channel
// reconnects (also after the library's own attempts are over), and jobs keep being picked up meanwhile by polling.
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { createTestDatabase, type TestDb } from '../helpers/db.ts';
import { makeGeneration, makeUser, quietLog, until } from './helpers.ts';
import { selectBackend } from '../../infra/jobs/backend.ts';
import { createJobsService, type JobsService } from '../../infra/jobs/jobs-service.ts';

let db: TestDb;
let userId: string;
const uncaught: unknown[] = [];
const onUncaught = (err: unknown) => void uncaught.push(err);
beforeAll(async () => {
  db = await createTestDatabase();
  userId = await makeUser(db.sequelize);
  process.on('uncaughtException', onUncaught);
});
afterAll(async () => {
  process.off('uncaughtException', onUncaught);
  await db.drop();
});
let svc: JobsService | undefined;
afterEach(async () => svc?.stop());

interface Channel {
  state: string;
  config: { reconnect: { maxAttempts: number } };
}

function worker(processEveryMs: number, channelRetryMs: number) {
  const lines: string[] = [];
  const ran: string[] = [];
  const log = {
    ...quietLog,
    warn: (_o: object, m: string) => void lines.push(m),
    info: (_o: object, m: string) => void lines.push(m),
  };
  const selected = selectBackend({ databaseUrl: db.url, channelRetryMs });
  const s = createJobsService({
    selected,
    sequelize: db.sequelize,
    tasks: {},
    timezone: 'UTC',
    demoRetentionDays: 30,
    log: log as typeof quietLog,
    schedule: false,
    processEveryMs,
    providerConcurrency: false,
    runner: { run: async (id: string) => (ran.push(id), 'done' as const) },
  });
  const channel = selected.backend.notificationChannel as unknown as Channel; // PostgresNotificationChannel
  return { s, lines, ran, channel };
}

/** The worker's LISTEN sessions on this test's database only (other test files share the server). */
const listeners = async () =>
  (
    await db.sequelize.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%' AND pid <> pg_backend_pid()`,
      { type: QueryTypes.SELECT },
    )
  ).map((r) => r.pid);
const terminateListeners = async () => {
  const pids = await listeners();
  expect(pids).toHaveLength(1);
  await db.sequelize.query(`SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid`, { bind: [pids] });
  return pids[0]!;
};

it('a terminated LISTEN connection is logged, reconnects, and notifications wake the worker again', async () => {
  const w = worker(60_000, 60_000); // polling once a minute: a pickup within seconds comes from a notification
  svc = w.s;
  await w.s.start();
  const before = await until(async () => (await listeners())[0]);
  const first = await makeGeneration(db.sequelize, userId);
  await w.s.jobQueue.enqueueGeneration(first, { priority: 'normal' });
  await until(async () => w.ran.includes(first), 10_000);

  expect(await terminateListeners()).toBe(before);
  await until(async () => w.lines.includes('jobs notification channel reconnected'), 10_000);
  expect(w.lines).toContain('jobs notification channel error: polling until LISTEN reconnects');
  expect(w.channel.state).toBe('connected');
  const after = await until(async () => (await listeners())[0]);
  expect(after).not.toBe(before); // a new LISTEN session

  const second = await makeGeneration(db.sequelize, userId);
  await w.s.jobQueue.enqueueGeneration(second, { priority: 'normal' });
  await until(async () => w.ran.includes(second), 10_000);
  expect(uncaught).toEqual([]);
});

it('while LISTEN is down jobs are still picked up by polling, and once the library gives up the channel is retried', async () => {
  const w = worker(200, 1_500);
  svc = w.s;
  await w.s.start();
  w.channel.config.reconnect.maxAttempts = 0; // the library gives up at once (as after its 10 attempts, ~50 s)
  await until(async () => (await listeners()).length === 1);
  await terminateListeners();
  await until(async () => w.channel.state === 'error');
  expect(w.lines).toContain('jobs notification channel error: polling until LISTEN reconnects');
  const g = await makeGeneration(db.sequelize, userId);
  await w.s.jobQueue.enqueueGeneration(g, { priority: 'normal' });
  await until(async () => w.ran.includes(g), 10_000); // the processEvery poll
  expect(w.channel.state).toBe('error'); // it was polling, not a notification
  await until(async () => w.channel.state === 'connected', 10_000); // our retry after channelRetryMs
  expect(await listeners()).toHaveLength(1);
  expect(uncaught).toEqual([]);
});
