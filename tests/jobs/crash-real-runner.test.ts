// Crash acceptance on the real pipeline: a worker process running the GenerationRunner (as app/wire-core.ts
// wires it) is SIGKILLed while the Pollo job it submitted is still rendering. A new worker takes the job over
// once the Agenda lock goes stale and finishes it: one submission to Pollo, one final message, one charge, and
// the balance still equals the sum of the ledger.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { createTestDatabase, type TestDb } from '../helpers/db.ts';
import { createTestRedis } from '../helpers/redis.ts';
import { startPolloFake } from '../fakes/pollo.ts';
import type { ProviderFake } from '../fakes/http.ts';
import { firstRow, jobsOn, killAndTakeOver, startWorkerProcess, until } from './helpers.ts';
import { producerCore, renderSample, starterAutoPay } from './real-runner-world.ts';

let db: TestDb;
let redis: ReturnType<typeof createTestRedis>;
let pollo: ProviderFake;
let dir: string;
const children: ChildProcess[] = [];
beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 5 });
  redis = createTestRedis();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vidgo-jobs-crash-'));
  pollo = await startPolloFake();
  pollo.files.set('result.mp4', await renderSample(dir)); // a real MP4 for download, probe and preview
  await db.sequelize.query(
    `CREATE TABLE test_pushes (key text, replies jsonb NOT NULL, pid integer NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())`,
  );
}, 60_000);
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await pollo.close();
  await redis.close();
  await db.drop();
  await fs.rm(dir, { recursive: true, force: true });
});

const startWorker = () =>
  startWorkerProcess(
    'tests/jobs/real-runner-worker.ts',
    { DATABASE_URL: db.url, REDIS_PREFIX: redis.prefix, POLLO_URL: pollo.url, DIR: dir, LOCK_MS: '1500' },
    children,
  );
const one = <T extends object>(sql: string, bind: unknown[] = []) => firstRow<T>(db.sequelize, sql, bind);

it('a paid generation interrupted by SIGKILL finishes once after a restart: one submission, one message, one charge', {
  timeout: 90_000,
}, async () => {
  pollo.plan({ pollsBeforeDone: 3 }); // pending, running, then done: still rendering when the first worker dies
  const producer = jobsOn(db.url, db.sequelize); // the bot/web side: enqueues, does not process
  const core = producerCore(db, redis, dir, producer.jobQueue);
  // Both unlimited providers down (shared health in Redis): the route is Pollo, charged in points; auto-pay on.
  await core.providerHealth.setOverride('leonardo', 'off');
  await core.providerHealth.setOverride('runway', 'off');
  const account = await starterAutoPay(db.sequelize, core.ledger, 40);
  await core.generation.request(account, { kind: 'video', prompt: 'a lighthouse in a storm' });
  const { id: gen, route } = await one<{ id: string; route: { provider: string; charged: boolean; cost: number }[] }>(
    `SELECT id, route FROM generations WHERE user_id = $1`,
    [account.userId],
  );
  expect(route[0]).toMatchObject({ provider: 'pollo', charged: true });
  const cost = route[0]!.cost;

  const first = await startWorker();
  // Mid-generation: Pollo job submitted and polled once, points held, the job locked by the first worker.
  await until(async () => pollo.requests.some((r) => r.method === 'GET' && r.path.endsWith('/status')), 30_000);
  const mid = await one<{
    status: string;
    provider_job_id: string | null;
    reservation_id: string | null;
    locked_at: Date | null;
  }>(
    `SELECT g.status, g.provider_job_id, g.reservation_id, j.locked_at FROM generations g
     JOIN agenda_jobs j ON j.data->>'generationId' = g.id::text WHERE g.id = $1`,
    [gen],
  );
  expect(mid).toMatchObject({ status: 'running' });
  expect(mid.provider_job_id).not.toBeNull();
  expect(mid.reservation_id).not.toBeNull();
  expect(mid.locked_at).not.toBeNull();
  const second = await killAndTakeOver(db.sequelize, first, startWorker, gen, 60_000);

  // One submission: the resumed run polled the job id the first run had stored.
  expect(pollo.requests.filter((r) => r.method === 'POST').length).toBe(1);
  const g = await one<{
    status: string;
    provider: string;
    provider_job_id: string;
    media_key: string | null;
    points_cost: number;
  }>(`SELECT status, provider, provider_job_id, media_key, points_cost FROM generations WHERE id = $1`, [gen]);
  expect(g).toMatchObject({
    status: 'succeeded',
    provider: 'pollo',
    provider_job_id: mid.provider_job_id,
    points_cost: cost,
  });
  await fs.access(path.join(dir, 'media', g.media_key!)); // stored on disk by the second worker
  // One final message, sent by the worker that finished.
  const finals = await db.sequelize.query<{ pid: number }>(`SELECT pid FROM test_pushes WHERE key = $1`, {
    bind: [`generation:${gen}:final`],
    type: QueryTypes.SELECT,
  });
  expect(finals).toEqual([{ pid: second.pid }]);
  // One charge: one reservation, committed; the balance is the ledger's sum and 40 − cost.
  const res = await db.sequelize.query<{ status: string; amount: number }>(
    `SELECT status, amount FROM point_reservations WHERE user_id = $1`,
    { bind: [account.userId], type: QueryTypes.SELECT },
  );
  expect(res).toEqual([{ status: 'committed', amount: cost }]);
  const sum = await one<{ n: number }>(
    `SELECT coalesce(sum(amount), 0)::int AS n FROM point_ledger WHERE user_id = $1`,
    [account.userId],
  );
  const balance = await core.ledger.balance(account.userId);
  expect(balance.total).toBe(sum.n);
  expect(balance.total).toBe(40 - cost);
  expect(await one<{ n: number }>(`SELECT count(*)::int AS n FROM provider_slots`)).toEqual({ n: 0 }); // the slot went back

  second.kill('SIGTERM');
  expect(await new Promise((r) => second.once('exit', r))).toBe(0);
  await producer.stop();
});
