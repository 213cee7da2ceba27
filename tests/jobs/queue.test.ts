// The JobQueue on Agenda + PostgreSQL: enqueue once, priority, /status position, /admin queue, cancel, retries,
// and a graceful stop that hands running work back.
import { describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { dbWithUser, jobsOn, makeGeneration, until } from './helpers.ts';
import { GENERATE_VIDEO, retryDelay } from '../../infra/jobs/generate-video.ts';

const fx = dbWithUser();

const jobRows = () =>
  fx.db.sequelize.query<{ gen: string; locked_at: Date | null; next_run_at: Date | null; fail_count: number | null }>(
    `SELECT data->>'generationId' AS gen, locked_at, next_run_at, fail_count FROM agenda_jobs WHERE name = $1`,
    { bind: [GENERATE_VIDEO], type: QueryTypes.SELECT },
  );

describe('JobQueue (no worker running)', () => {
  it('enqueues a generation once, puts Unlimited-tier jobs first, and reports position and the queue', async () => {
    const svc = jobsOn(fx.db.url, fx.db.sequelize);
    const a = await makeGeneration(fx.db.sequelize, fx.userId, { stage: 'queued', provider: 'leonardo' });
    const b = await makeGeneration(fx.db.sequelize, fx.userId);
    const c = await makeGeneration(fx.db.sequelize, fx.userId);
    await svc.jobQueue.enqueueGeneration(a, { priority: 'normal' });
    await svc.jobQueue.enqueueGeneration(a, { priority: 'normal' }); // a retried request
    await svc.jobQueue.enqueueGeneration(b, { priority: 'normal' });
    await svc.jobQueue.enqueueGeneration(c, { priority: 'high' });
    expect((await jobRows()).filter((r) => r.gen === a)).toHaveLength(1);

    expect(await svc.jobQueue.position(c)).toEqual({ ahead: 0, running: 0 });
    expect(await svc.jobQueue.position(a)).toEqual({ ahead: 1, running: 0 });
    expect(await svc.jobQueue.position(b)).toEqual({ ahead: 2, running: 0 });
    expect(await svc.jobQueue.position('00000000-0000-0000-0000-000000000000')).toBeNull();

    const list = await svc.jobQueue.listQueue();
    expect(list.map((i) => i.generationId)).toEqual([c, a, b]);
    expect(list[1]).toMatchObject({
      userId: fx.userId,
      state: 'queued',
      priority: 'normal',
      provider: 'leonardo',
      stage: 'queued',
    });
    expect(list[1]!.ageMs).toBeGreaterThanOrEqual(0);

    await svc.jobQueue.cancelGeneration(b);
    expect(await svc.jobQueue.position(b)).toBeNull();
    await svc.agenda.cancel({ name: GENERATE_VIDEO });
    await svc.stop();
  });

  it('retry delays grow, are capped, and stop at the attempt limit or the deadline', () => {
    const o = { baseMs: 1000, maxMs: 5000, maxAttempts: 5 };
    const data = {
      generationId: 'g',
      priority: 'normal' as const,
      enqueuedAt: '',
      deadlineAt: new Date(10_000_000).toISOString(),
    };
    expect([1, 2, 3, 4].map((n) => retryDelay(n, data, o, 0))).toEqual([1000, 2000, 4000, 5000]);
    expect(retryDelay(5, data, o, 0)).toBeNull();
    expect(retryDelay(1, data, o, 10_000_000 - 500)).toBeNull();
  });
});

describe('generate-video worker', () => {
  it('runs the runner, retries after retry_later with backoff, and removes the finished job', async () => {
    const calls: string[] = [];
    const svc = jobsOn(fx.db.url, fx.db.sequelize, {
      runner: {
        async run(id, ctx) {
          calls.push(id);
          await ctx.touch();
          return calls.length === 1 ? 'retry_later' : 'done';
        },
      },
      retry: { baseMs: 300, maxMs: 1000, maxAttempts: 3 },
    });
    await svc.start();
    const g = await makeGeneration(fx.db.sequelize, fx.userId);
    await svc.jobQueue.enqueueGeneration(g, { priority: 'normal' });
    await until(async () => calls.length >= 2);
    await until(async () => (await jobRows()).every((r) => r.gen !== g));
    expect(calls).toEqual([g, g]);
    await svc.stop();
  });

  it('gives up after the attempt limit, leaving the generation to settleStuck', async () => {
    let calls = 0;
    const svc = jobsOn(fx.db.url, fx.db.sequelize, {
      runner: { run: async () => (calls++, 'retry_later' as const) },
      retry: { baseMs: 100, maxMs: 100, maxAttempts: 2 },
    });
    await svc.start();
    const g = await makeGeneration(fx.db.sequelize, fx.userId);
    await svc.jobQueue.enqueueGeneration(g, { priority: 'normal' });
    const row = await until(async () =>
      (await jobRows()).find((r) => r.gen === g && r.fail_count === 2 && !r.locked_at),
    );
    expect(row.next_run_at).toBeNull();
    expect(calls).toBe(2);
    expect(await svc.jobQueue.position(g)).toBeNull();
    await svc.stop();
  });

  it('stop() lets the running generation know, and hands it back unlocked for the next start', async () => {
    let started = 0;
    let sawAbort = false;
    const runner = {
      async run(_id: string, ctx: { signal: AbortSignal }) {
        started++;
        await new Promise<void>((resolve) =>
          ctx.signal.addEventListener('abort', () => ((sawAbort = true), resolve())),
        );
        return 'retry_later' as const;
      },
    };
    const svc = jobsOn(fx.db.url, fx.db.sequelize, { runner, graceMs: 200 });
    await svc.start();
    expect(await svc.health()).toBe('ok');
    const g = await makeGeneration(fx.db.sequelize, fx.userId);
    await svc.jobQueue.enqueueGeneration(g, { priority: 'high' });
    await until(async () => started === 1);
    expect(await svc.jobQueue.position(g)).toEqual({ ahead: 0, running: 1 });
    await svc.stop();
    expect(await svc.health()).toBe('down');
    expect(sawAbort).toBe(true);
    const row = (await jobRows()).find((r) => r.gen === g)!;
    expect(row.locked_at).toBeNull();
    expect(row.next_run_at!.getTime()).toBeLessThanOrEqual(Date.now());
    expect(row.fail_count ?? 0).toBe(0); // handed back, not counted as a failure

    let resumed = '';
    const next = jobsOn(fx.db.url, fx.db.sequelize, {
      runner: { run: async (id) => ((resumed = id), 'done' as const) },
    });
    await next.start();
    await until(async () => resumed === g);
    await next.stop();
  });

  it('re-queues what the runner reports pending at start (after a crash), once per generation', async () => {
    const g = await makeGeneration(fx.db.sequelize, fx.userId);
    const ran: string[] = [];
    const svc = jobsOn(fx.db.url, fx.db.sequelize, {
      runner: { pendingIds: async () => [g, g], run: async (id) => (ran.push(id), 'done' as const) },
    });
    await svc.jobQueue.enqueueGeneration(g, { priority: 'normal' }); // already queued before the crash
    await svc.start();
    await until(async () => (await jobRows()).every((r) => r.gen !== g));
    await new Promise((r) => setTimeout(r, 300));
    expect(ran).toEqual([g]);
    await svc.stop();
  });
});
