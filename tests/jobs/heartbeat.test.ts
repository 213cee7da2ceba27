// The generate-video heartbeat (lock touch + provider-slot renewal) against a slow database: a beat still in
// flight when the run ends must land before the job's final state, not after it.
import { expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { dbWithUser, jobsOn, makeGeneration, quietLog, until } from './helpers.ts';
import { GENERATE_VIDEO } from '../../infra/jobs/generate-video.ts';

const fx = dbWithUser();

type SaveJobState = (job: { lockedAt?: Date }, opts?: object) => Promise<void>;

it('a late heartbeat neither re-locks the finished attempt nor takes its provider slot back', async () => {
  const g = await makeGeneration(fx.db.sequelize, fx.userId, { kind: 'demo' }); // capped under 'local'
  let runnerStarted = false;
  const svc = jobsOn(fx.db.url, fx.db.sequelize, {
    // A beat every ~670 ms; the lifetime leaves Agenda's own expiry check (every lockLifetime / 2) well clear of
    // the held-up touches below even on a loaded machine (at 600 ms it fired first, and re-locked the row itself).
    lockLifetimeMs: 2_000,
    retry: { baseMs: 60_000, maxMs: 60_000, maxAttempts: 3 },
    runner: {
      async run() {
        runnerStarted = true;
        await new Promise((r) => setTimeout(r, 1_000));
        return 'retry_later' as const; // Agenda saves the attempt unlocked with nextRunAt = now + 60 s
      },
    },
  });
  // Slow every heartbeat query (touch 700 ms, renewal 500 ms), as on a loaded database: the beat at ~670 ms
  // lands after the run has ended.
  let pending = 0;
  const slow = async <T>(ms: number, q: () => Promise<T>): Promise<T> => {
    pending++;
    try {
      await new Promise((r) => setTimeout(r, ms));
      return await q();
    } finally {
      pending--;
    }
  };
  const repo = (svc.agenda as unknown as { db: { saveJobState: SaveJobState } }).db;
  const save = repo.saveJobState.bind(repo);
  repo.saveJobState = (job, opts) => {
    if (!(runnerStarted && job.lockedAt)) return save(job, opts);
    const values = { ...job }; // the pg driver takes the values when the query is issued
    return slow(700, () => save(values, opts)); // touch()
  };
  const acquire = svc.slots!.acquire.bind(svc.slots);
  svc.slots!.acquire = (p, h) => (runnerStarted ? slow(500, () => acquire(p, h)) : acquire(p, h)); // renew()

  const row = async () =>
    (
      await fx.db.sequelize.query<{ locked_at: Date | null; next_run_at: Date | null; fail_count: number | null }>(
        `SELECT locked_at, next_run_at, fail_count FROM agenda_jobs WHERE name = $1 AND data->>'generationId' = $2`,
        { bind: [GENERATE_VIDEO, g], type: QueryTypes.SELECT },
      )
    )[0];
  try {
    await svc.start();
    await svc.jobQueue.enqueueGeneration(g, { priority: 'normal' });
    await until(async () => (await row())?.fail_count === 1);
    await until(async () => pending === 0); // every delayed beat has reached the database
    const r = (await row())!;
    expect(r.locked_at).toBeNull(); // not locked again by a touch that came late
    expect(r.next_run_at!.getTime()).toBeGreaterThan(Date.now() + 30_000); // the retry time survived
    expect(await svc.slots!.inUse('local')).toBe(0); // the late renewal did not re-take the slot
  } finally {
    await svc.stop();
  }
});

it('one failed lock renewal (a dropped connection) does not stop the generation; its row removed elsewhere does', async () => {
  const aborted: unknown[] = [];
  const finished: string[] = [];
  let hold = true;
  let runnerStarted = false;
  const warned: string[] = [];
  const svc = jobsOn(fx.db.url, fx.db.sequelize, {
    // A beat every ~670 ms; the lifetime leaves Agenda's own expiry check (every lockLifetime / 2) well clear of
    // the held-up touches below even on a loaded machine (at 600 ms it fired first, and re-locked the row itself).
    lockLifetimeMs: 2_000,
    providerConcurrency: false,
    log: { ...quietLog, warn: (_o: object, m: string) => void warned.push(m) } as typeof quietLog,
    runner: {
      async run(id: string, ctx: { signal: AbortSignal }) {
        runnerStarted = true;
        while (hold && !ctx.signal.aborted) await new Promise((r) => setTimeout(r, 20));
        if (ctx.signal.aborted) aborted.push(ctx.signal.reason);
        else finished.push(id);
        return 'done' as const;
      },
    },
  });
  let failNext = 0;
  let touchesAfterFailure = 0;
  const repo = (svc.agenda as unknown as { db: { saveJobState: SaveJobState } }).db;
  const save = repo.saveJobState.bind(repo);
  repo.saveJobState = async (job, opts) => {
    if (runnerStarted && job.lockedAt && failNext > 0) {
      failNext--;
      throw new Error('Connection terminated unexpectedly');
    }
    await save(job, opts);
    if (runnerStarted && job.lockedAt && warned.length) touchesAfterFailure++;
  };
  try {
    await svc.start();
    const g = await makeGeneration(fx.db.sequelize, fx.userId);
    await svc.jobQueue.enqueueGeneration(g, { priority: 'normal' });
    await until(async () => runnerStarted);
    failNext = 1;
    await until(async () => warned.includes('job lock not renewed; retrying at the next beat'));
    await until(async () => touchesAfterFailure >= 2); // the run goes on through two more beats
    hold = false;
    await until(async () => finished.includes(g));
    expect(aborted).toEqual([]);

    // Canceled on another instance: the row is gone, the next beat stops the run.
    runnerStarted = false;
    hold = true;
    const h = await makeGeneration(fx.db.sequelize, fx.userId);
    await svc.jobQueue.enqueueGeneration(h, { priority: 'normal' });
    await until(async () => runnerStarted);
    await fx.db.sequelize.query(`DELETE FROM agenda_jobs WHERE data->>'generationId' = $1`, { bind: [h] });
    await until(async () => aborted.length === 1);
    expect(aborted).toEqual(['lost-lock']);
  } finally {
    hold = false;
    await svc.stop();
  }
});
