// A worker process for crash-real-runner.test.ts: the app's own wiring of the GenerationRunner (app/wire-core.ts
// wireCore: SqlGenerationStore, SqlLedger behind the PointCharger, FailoverRouter on the Redis ProviderHealth), the
// real Pollo client pointed at the test's fake Pollo server, the disk media store and ffmpeg tools, and the jobs
// service (Agenda on PostgreSQL, provider caps on). Every Notifier push is written as a row the test reads.
// Run as `node --import tsx tests/jobs/real-runner-worker.ts` with DATABASE_URL, REDIS_PREFIX, POLLO_URL, DIR, LOCK_MS.
import path from 'node:path';
import { Redis } from 'ioredis';
import { QueryTypes } from 'sequelize';
import { loadConfig } from '../../app/config.ts';
import { createLogger } from '../../app/logger.ts';
import { wireCore } from '../../app/wire-core.ts';
import type { Infra } from '../../app/infra-setup.ts';
import { systemClock, type Notifier } from '../../core/ports.ts';
import { createSequelize } from '../../infra/db/sequelize.ts';
import { RedisState } from '../../infra/state/redis-state.ts';
import { createPollo } from '../../infra/providers/pollo.ts';
import { createDiskStore } from '../../infra/media/disk-store.ts';
import { createMediaTools } from '../../infra/media/ffmpeg-tools.ts';
import { selectBackend } from '../../infra/jobs/backend.ts';
import { createJobWorkers, openJobStore } from '../../infra/jobs/jobs-service.ts';
import { TEST_REDIS_URL } from '../helpers/redis.ts';

const env = process.env as Record<string, string>;
const log = createLogger('silent', false);
const sequelize = createSequelize(env.DATABASE_URL!, { poolMax: 5 });
const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 2 });
const infra: Infra = {
  databaseUrl: env.DATABASE_URL!,
  sequelize,
  redis,
  state: new RedisState(redis, env.REDIS_PREFIX!),
  close: async () => {
    await sequelize.close();
    redis.disconnect();
  },
};
const config = loadConfig({ DATABASE_URL: env.DATABASE_URL, DATA_DIR: path.join(env.DIR!, 'data') });

const notifier: Notifier = {
  async push(target, replies, opts) {
    await sequelize.query(`INSERT INTO test_pushes (key, replies, pid) VALUES ($1, $2::jsonb, $3)`, {
      bind: [opts?.idempotencyKey ?? null, JSON.stringify(replies), process.pid],
      type: QueryTypes.INSERT,
    });
  },
};
const store = openJobStore({
  selected: selectBackend({ databaseUrl: env.DATABASE_URL! }),
  sequelize,
  log,
  lockLifetimeMs: Number(env.LOCK_MS ?? 1500),
  processEveryMs: 300,
});
const core = wireCore({
  config,
  infra,
  log,
  clock: systemClock,
  providers: { pollo: createPollo({ apiKey: 'pollo-key', baseUrl: env.POLLO_URL! }) },
  mediaStore: createDiskStore({ root: path.join(env.DIR!, 'media'), publicBaseUrl: 'https://vidgo.test/media' }),
  mediaTools: createMediaTools({ tmpDir: path.join(env.DIR!, 'tmp') }),
  jobQueue: store.jobQueue,
  notifier,
  magicLinks: {
    linkFor: async (u, p) => `https://vidgo.test/l/${u}?to=${p}`,
    galleryUrl: (id) => `https://vidgo.test/g/${id}`,
  },
});
const svc = createJobWorkers(store, {
  runner: core.runner,
  tasks: {},
  timezone: 'Asia/Taipei',
  demoRetentionDays: 30,
  schedule: false,
  graceMs: 100,
});
await svc.start();
process.stdout.write('ready\n');
process.on('SIGTERM', async () => {
  await svc.stop();
  await infra.close();
  process.exit(0);
});
