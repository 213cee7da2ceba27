// Agenda pickup latency and throughput on PostgreSQL, with the settings the app runs (infra/jobs/jobs-service.ts).
//   - pickup latency: enqueue → generate-video handler start, one job at a time on an idle worker, p50/p99
//     over BENCH_JOBS jobs (default 1000); baselines measured in the same run: a bare `SELECT 1` round trip and a
//     bare NOTIFY → LISTEN delivery (the floor any LISTEN/NOTIFY wake-up can reach), and the same pickup with
//     notifications off (polling only, processEvery 200 ms) on a tenth of the jobs, to show what NOTIFY buys;
//   - throughput: BENCH_LOAD jobs (default 2000) queued at once, jobs/s until all are done (no-op runner); then
//     the same with real generation rows routed to one provider, so every job takes and releases a provider slot
//     (infra/jobs/provider-slots.ts) under a cap equal to the worker's concurrency.
//
//   npx tsx bench/jobs.ts          (npm run bench:jobs)
//
// BENCH_DATABASE_URL: an admin connection (default postgres://postgres@127.0.0.1:5432/postgres); the bench makes
// its own database there and drops it afterwards.
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { PostgresBackend } from '@agendajs/postgres-backend';
import { createSequelize } from '../infra/db/sequelize.ts';
import { migrateUp } from '../infra/db/migrate.ts';
import { selectBackend, type SelectedBackend } from '../infra/jobs/backend.ts';
import { createJobsService } from '../infra/jobs/jobs-service.ts';
import { createLogger } from '../app/logger.ts';
import { ADMIN_URL, admin, percentile } from './support.ts';

const JOBS = Number(process.env.BENCH_JOBS ?? 1000);
const LOAD = Number(process.env.BENCH_LOAD ?? 2000);
const log = createLogger('silent', false);

const fmt = (xs: number[]) =>
  `p50 ${percentile(xs, 50).toFixed(1)} ms  p99 ${percentile(xs, 99).toFixed(1)} ms  max ${Math.max(...xs).toFixed(1)} ms  (n=${xs.length})`;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function baselines(url: string) {
  const c = new pg.Client({ connectionString: url });
  const l = new pg.Client({ connectionString: url });
  await c.connect();
  await l.connect();
  const rt: number[] = [];
  for (let i = 0; i < 500; i++) {
    const t = performance.now();
    await c.query('SELECT 1');
    rt.push(performance.now() - t);
  }
  await l.query('LISTEN bench');
  const notify: number[] = [];
  for (let i = 0; i < 500; i++) {
    const got = new Promise<void>((r) => l.once('notification', () => r()));
    const t = performance.now();
    await c.query(`NOTIFY bench, 'x'`);
    await got;
    notify.push(performance.now() - t);
  }
  await c.end();
  await l.end();
  return { rt, notify };
}

async function pickup(
  url: string,
  sequelize: ReturnType<typeof createSequelize>,
  n: number,
  selected: SelectedBackend,
  processEveryMs?: number,
) {
  const started = new Map<string, number>();
  let wake: (() => void) | undefined;
  const svc = createJobsService({
    selected,
    sequelize,
    tasks: {},
    timezone: 'UTC',
    demoRetentionDays: 30,
    log,
    schedule: false,
    processEveryMs,
    runner: { run: async (id) => (started.set(id, performance.now()), wake?.(), 'done') },
  });
  await svc.start();
  const lat: number[] = [];
  for (let i = 0; i < n; i++) {
    const id = crypto.randomUUID();
    const seen = new Promise<void>((r) => (wake = r));
    const t = performance.now();
    await svc.jobQueue.enqueueGeneration(id, { priority: 'normal' });
    await seen;
    lat.push(started.get(id)! - t);
    await pause(5 + Math.random() * 15); // idle between jobs
  }
  await svc.stop();
  void url;
  return lat;
}

async function routedGenerations(sequelize: ReturnType<typeof createSequelize>, n: number): Promise<string[]> {
  const [rows] = await sequelize.query(
    `WITH u AS (INSERT INTO users (display_name) VALUES ('bench') RETURNING id)
    INSERT INTO generations (user_id, prompt, route) SELECT u.id, 'bench', '[{"provider":"leonardo","charged":false,"cost":0,"pool":"pollo"}]'
    FROM u, generate_series(1, $1) RETURNING id`,
    { bind: [n] },
  );
  return (rows as { id: string }[]).map((r) => r.id);
}

async function throughput(url: string, sequelize: ReturnType<typeof createSequelize>, n: number, ids?: string[]) {
  let done = 0;
  let finished!: () => void;
  const all = new Promise<void>((r) => (finished = r));
  const svc = createJobsService({
    selected: selectBackend({ databaseUrl: url, poolMax: 10 }),
    sequelize,
    tasks: {},
    concurrency: Number(process.env.BENCH_CONCURRENCY ?? 4),
    timezone: 'UTC',
    demoRetentionDays: 30,
    log,
    schedule: false,
    runner: { run: async () => (++done === n && finished(), 'done') },
  });
  // Queue everything first (worker not started), then time the drain.
  for (let i = 0; i < n; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, n - i) }, (_, k) =>
        svc.jobQueue.enqueueGeneration(ids?.[i + k] ?? crypto.randomUUID(), { priority: 'normal' }),
      ),
    );
  }
  const t = performance.now();
  await svc.start();
  await all;
  const secs = (performance.now() - t) / 1000;
  await svc.stop();
  return { secs, perSec: n / secs };
}

const name = `vidgo_bench_jobs_${crypto.randomBytes(4).toString('hex')}`;
await admin(`CREATE DATABASE ${name}`);
const u = new URL(ADMIN_URL);
u.pathname = `/${name}`;
const url = u.toString();
const sequelize = createSequelize(url, { poolMax: 10 });
try {
  await migrateUp(sequelize, url);
  const base = await baselines(url);
  console.log(`baseline  SELECT 1 round trip         ${fmt(base.rt)}`);
  console.log(`baseline  NOTIFY → LISTEN delivery     ${fmt(base.notify)}`);

  const lat = await pickup(url, sequelize, JOBS, selectBackend({ databaseUrl: url }));
  console.log(
    `pickup    LISTEN/NOTIFY (app setting)  ${fmt(lat)}   target p99 < 250 ms: ${percentile(lat, 99) < 250 ? 'met' : 'MISSED'}`,
  );

  const pool = new pg.Pool({ connectionString: url, max: 6 });
  const polling: SelectedBackend = {
    kind: 'postgres',
    where: 'polling',
    close: () => pool.end(),
    backend: new PostgresBackend({ pool, ensureSchema: false, disableNotifications: true }),
  };
  const poll = await pickup(url, sequelize, Math.max(20, Math.floor(JOBS / 10)), polling, 200);
  console.log(`pickup    polling only, every 200 ms   ${fmt(poll)}`);

  const c = process.env.BENCH_CONCURRENCY ?? 4;
  const tp = await throughput(url, sequelize, LOAD);
  console.log(
    `load      ${LOAD} queued jobs, concurrency ${c}  ${tp.perSec.toFixed(0)} jobs/s (${tp.secs.toFixed(1)} s)`,
  );
  const capped = await throughput(url, sequelize, LOAD, await routedGenerations(sequelize, LOAD));
  console.log(
    `load      same, each job holding a leonardo slot (cap 4)  ${capped.perSec.toFixed(0)} jobs/s (${capped.secs.toFixed(1)} s)`,
  );
} finally {
  await sequelize.close();
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
