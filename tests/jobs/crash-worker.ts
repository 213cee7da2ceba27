// A worker process for crash-resume.test.ts: the real jobs service (Agenda on PostgreSQL) with a generation
// runner built from real parts — the generations row, a point reservation in the append-only ledger and a
// "provider job" that keeps running while the worker is dead — and a notification written as a row.
// Run as `node --import tsx tests/jobs/crash-worker.ts` with DATABASE_URL, LOCK_MS and PROVIDER_MS set.
import { QueryTypes } from 'sequelize';
import type { GenerationRunner } from '../../core/api.ts';
import { createSequelize } from '../../infra/db/sequelize.ts';
import { selectBackend } from '../../infra/jobs/backend.ts';
import { createJobsService } from '../../infra/jobs/jobs-service.ts';
import { createLogger } from '../../app/logger.ts';

const url = process.env.DATABASE_URL!;
const providerMs = Number(process.env.PROVIDER_MS ?? 1500);
const sequelize = createSequelize(url, { poolMax: 4 });
const q = (sql: string, bind: unknown[]) =>
  sequelize.query(sql, { bind, type: QueryTypes.SELECT }) as Promise<Record<string, any>[]>;

const runner: Pick<GenerationRunner, 'run'> = {
  async run(id, ctx) {
    await q(`INSERT INTO test_runs (generation_id, pid) VALUES ($1, $2) RETURNING 1`, [id, process.pid]);
    const [g] = await q(`SELECT user_id, points_cost, provider_job_id, delivered_at FROM generations WHERE id = $1`, [
      id,
    ]);
    if (!g || g.delivered_at) return 'done';
    // Reserve once: the ledger's unique idempotency key makes a second insert a no-op.
    await q(
      `INSERT INTO point_ledger (user_id, bucket, amount, reason, reference, idempotency_key)
             VALUES ($1, 'purchased', $2, 'reserve', $3, $4) ON CONFLICT (idempotency_key) DO NOTHING RETURNING 1`,
      [g.user_id, -g.points_cost, id, `gen:${id}:reserve`],
    );
    // Submit once: a resumed run finds the provider job id and keeps waiting on the same job.
    let jobId: string = g.provider_job_id;
    if (!jobId) {
      const [s] = await q(
        `UPDATE generations SET provider_job_id = coalesce(provider_job_id, $2), status = 'running', stage = 'provider',
             started_at = now(), attempts = attempts || jsonb_build_array(jsonb_build_object('submit', $2::text)) WHERE id = $1 RETURNING provider_job_id`,
        [id, `sim-${Date.now() + providerMs}`],
      );
      jobId = s!.provider_job_id;
    }
    const readyAt = Number(jobId.slice(4));
    while (Date.now() < readyAt) {
      if (ctx.signal.aborted) return 'retry_later';
      await new Promise((r) => setTimeout(r, 50));
    }
    await ctx.touch();
    await q(
      `UPDATE generations SET status = 'succeeded', stage = 'done', progress = 100, media_key = $2, completed_at = coalesce(completed_at, now())
             WHERE id = $1 RETURNING 1`,
      [id, `videos/${id}.mp4`],
    );
    // Deliver once: claiming delivered_at and writing the notification commit together.
    await sequelize.transaction(async (transaction) => {
      const claimed = await sequelize.query(
        `UPDATE generations SET delivered_at = now() WHERE id = $1 AND delivered_at IS NULL RETURNING id`,
        { bind: [id], type: QueryTypes.SELECT, transaction },
      );
      if (claimed.length) {
        await sequelize.query(`INSERT INTO test_notifications (generation_id, pid) VALUES ($1, $2)`, {
          bind: [id, process.pid],
          transaction,
        });
      }
    });
    return 'done';
  },
};

const svc = createJobsService({
  selected: selectBackend({ databaseUrl: url }),
  sequelize,
  runner,
  tasks: {},
  timezone: 'Asia/Taipei',
  demoRetentionDays: 30,
  log: createLogger('silent', false),
  schedule: false,
  lockLifetimeMs: Number(process.env.LOCK_MS ?? 1500),
  processEveryMs: 300,
  graceMs: 100,
});
await svc.start();
process.stdout.write('ready\n');
process.on('SIGTERM', async () => {
  await svc.stop();
  await sequelize.close();
  process.exit(0);
});
