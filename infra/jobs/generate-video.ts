// The generate-video job: hands one generation to core's GenerationRunner and keeps Agenda's lock alive while
// the runner waits on a provider. Agenda 6 facts this relies on (docs/reliability.md, node_modules/agenda
// dist/Job.js + JobProcessor.js): a lock older than lockLifetime is taken over by another worker, so a dead
// process's job resumes after at most lockLifetime; touch() renews the lock; a thrown error plus a `backoff`
// strategy reschedules the job; a job can run more than once, so the runner itself must be idempotent.
import type { Agenda, Job, JobWithId } from 'agenda';
import type { GenerationRunner } from '../../core/api.ts';
import type { ProviderSlots } from './provider-slots.ts';
import { withLogContext } from '../log/context.ts';

export const GENERATE_VIDEO = 'generate-video';

export interface GenerateVideoData {
  generationId: string;
  userId?: string;
  priority: 'normal' | 'high';
  enqueuedAt: string;
  /** Past this the job stops retrying; GenerationRunner.settleStuck refunds what is left open. */
  deadlineAt: string;
  /** The request that enqueued it: the run's log lines carry it (infra/log/context.ts). */
  reqId?: string;
}

export interface GenerateVideoOptions {
  runner: Pick<GenerationRunner, 'run'>;
  /** Generations running at once in this process. */
  concurrency: number;
  /** A crashed worker's job is picked up again after this long. */
  lockLifetimeMs: number;
  /** Delays between attempts after 'retry_later' or an error: base * 2^(attempt-1), capped. */
  retry: { baseMs: number; maxMs: number; maxAttempts: number };
  log: { warn(o: object, m: string): void; info(o: object, m: string): void };
  /** Per-provider caps across instances; a job over its provider's cap waits slotWaitMs (not an attempt). */
  slots?: Pick<ProviderSlots, 'claim'>;
  slotWaitMs?: number;
}

/** Why a running generation's signal was aborted. */
export const ABORT = {
  handBack: 'hand-back',
  canceled: 'canceled',
  deadline: 'deadline',
  lostLock: 'lost-lock',
} as const;

export class RetryLater extends Error {
  constructor(readonly generationId: string) {
    super(`generation ${generationId} asked to be retried later`);
    this.name = 'RetryLater';
  }
}

interface RunningEntry {
  controller: AbortController;
  startedAt: Date;
}

/** In-process bookkeeping of running generations, for cancel and graceful stop. */
export class RunningGenerations {
  readonly byId = new Map<string, RunningEntry>();
  /** Resolved on Agenda's 'complete' event, i.e. after the job's state (unlocked, nextRunAt) is saved. */
  private readonly inflight = new Map<string, { done: Promise<void>; resolve: () => void }>();
  begin(generationId: string, controller: AbortController): void {
    this.byId.set(generationId, { controller, startedAt: new Date() });
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    this.inflight.set(generationId, { done, resolve });
  }
  completed(generationId: string): void {
    this.inflight.get(generationId)?.resolve();
    this.inflight.delete(generationId);
  }
  abort(generationId: string, reason: string): boolean {
    const e = this.byId.get(generationId);
    if (!e) return false;
    e.controller.abort(reason);
    return true;
  }
  abortAll(reason: string): void {
    for (const e of this.byId.values()) e.controller.abort(reason);
  }
  /** Resolves when every running handler returned, or after timeoutMs. */
  async settled(timeoutMs: number): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.inflight.values()].map((e) => e.done)),
      new Promise((r) => (timer = setTimeout(r, timeoutMs))),
    ]);
    clearTimeout(timer);
    return this.inflight.size;
  }
}

/** Next delay, or null to stop: attempts exhausted or the next try would land past the deadline. */
export function retryDelay(
  attempt: number,
  data: GenerateVideoData | undefined,
  o: GenerateVideoOptions['retry'],
  now = Date.now(),
): number | null {
  if (attempt >= o.maxAttempts) return null;
  const delay = Math.min(o.maxMs, o.baseMs * 2 ** Math.max(0, attempt - 1));
  if (data?.deadlineAt && now + delay > Date.parse(data.deadlineAt)) return null;
  return delay;
}

export function defineGenerateVideo(agenda: Agenda, o: GenerateVideoOptions, running: RunningGenerations): void {
  // Agenda zeroes failCount when a handler returns; a job that only waited (slot full, handed back) keeps its count.
  const deferred = new Map<Job, number | undefined>();
  agenda.on(`success:${GENERATE_VIDEO}`, (job: Job) => {
    if (!deferred.has(job)) return;
    job.attrs.failCount = deferred.get(job);
    deferred.delete(job);
  });
  const defer = (job: Job, inMs: number) => {
    deferred.set(job, job.attrs.failCount ?? undefined);
    job.attrs.nextRunAt = new Date(Date.now() + inMs); // saved unlocked by Agenda
  };
  agenda.on(`complete:${GENERATE_VIDEO}`, (job: JobWithId) => {
    const data = job.attrs?.data as GenerateVideoData | undefined; // remote notifications carry no attrs
    if (!data?.generationId) return;
    running.completed(data.generationId);
    // A freed slot is refilled only at the next poll (processEvery) otherwise: with lockLimit = concurrency a
    // backlog drained at concurrency/processEvery (2 jobs/s, bench/jobs.ts). Publishing the job's notification
    // (nextRunAt null) makes every instance's processor fill its free generate-video slots at once. The finished
    // row is removed here rather than by Agenda's removeOnComplete, which would hold the slot for that round trip.
    const a = job.attrs;
    const succeeded = !a.nextRunAt && a.lastFinishedAt && (!a.failedAt || a.lastFinishedAt > a.failedAt);
    setImmediate(async () => {
      if (succeeded) await job.remove().catch(() => {});
      await agenda.publishJobNotification(job).catch(() => {});
    });
  });
  agenda.define<GenerateVideoData>(
    GENERATE_VIDEO,
    async (job: Job<GenerateVideoData>) => {
      const { generationId, deadlineAt } = job.attrs.data;
      const left = Date.parse(deadlineAt) - Date.now();
      if (left <= 0) {
        o.log.warn({ generationId }, 'generation past its deadline: left for settleStuck');
        return;
      }
      const slot = o.slots ? await o.slots.claim(generationId) : null;
      if (slot === 'full') {
        const wait = o.slotWaitMs ?? 2_000;
        return defer(job, wait + Math.floor(Math.random() * wait * 0.25)); // jitter: waiters do not all wake together
      }
      const controller = new AbortController();
      running.begin(generationId, controller);
      const deadline = setTimeout(() => controller.abort(ABORT.deadline), left);
      // Heartbeat: the lock stays fresh while this process lives, whatever the runner does; once the process
      // dies the heartbeats stop and another worker takes the job over after lockLifetimeMs.
      // The lock is lost when the row is gone (canceled elsewhere) or no touch has landed for a lockLifetime
      // (another worker may have taken the job over). One failed touch (a database restart, a dropped
      // connection) is neither: aborting then would throw away a paid provider job's progress for a retry.
      let touchedAt = Date.now();
      const touch = () =>
        job.touch().then(
          () => void (touchedAt = Date.now()),
          (err: Error) => {
            // saveJobState's error for a missing row (postgres and mongo backends); touch()'s after Agenda gave up on the run.
            const gone = /does not exist anymore|canceled already/.test(err.message);
            if (gone || Date.now() - touchedAt >= o.lockLifetimeMs) return void controller.abort(ABORT.lostLock);
            o.log.warn({ generationId, err: err.message }, 'job lock not renewed; retrying at the next beat');
          },
        );
      let beating: Promise<unknown> = Promise.resolve();
      const beat = setInterval(
        () => {
          beating = Promise.allSettled([
            beating,
            touch(),
            // A lost lease is only logged: the provider job is already paid for, stopping it would waste it.
            slot?.renew().then(
              (ok) => ok || o.log.warn({ generationId, provider: slot.provider }, 'provider slot lease lost'),
              () => {},
            ),
          ]);
        },
        Math.max(50, Math.floor(o.lockLifetimeMs / 3)),
      );
      try {
        // The runner's touches go through the same tolerant touch: one failed renewal is not a reason to stop.
        // One line per run, in the generation's log context: with the runner's own lines it tells the run's story.
        const outcome = await withLogContext({ reqId: job.attrs.data.reqId, generationId }, async () => {
          const began = Date.now();
          const out = await o.runner.run(generationId, { signal: controller.signal, touch });
          o.log.info(
            { outcome: out, ms: Date.now() - began, attempt: (job.attrs.failCount ?? 0) + 1 },
            'generation run',
          );
          return out;
        });
        if (outcome === 'retry_later') {
          if (controller.signal.reason === ABORT.handBack) defer(job, 0);
          else throw new RetryLater(generationId);
        }
      } catch (err) {
        const reason = controller.signal.reason;
        if (reason === ABORT.handBack) return defer(job, 0); // the next instance picks it up at once
        if (reason === ABORT.canceled || reason === ABORT.deadline) {
          o.log.info({ generationId, reason }, 'generation stopped');
          return;
        }
        throw err;
      } finally {
        clearInterval(beat);
        clearTimeout(deadline);
        // A touch still in flight would land after Agenda's final save and lock the row again (nextRunAt lost).
        await beating;
        running.byId.delete(generationId);
        await slot?.release().catch(() => {}); // else it frees itself when the lease runs out
      }
    },
    {
      concurrency: o.concurrency,
      lockLimit: o.concurrency, // lock only what this instance can run: the rest stays for other instances
      lockLifetime: o.lockLifetimeMs,
      removeOnComplete: false, // see the 'complete' listener
      backoff: (ctx) => {
        const delay = retryDelay(ctx.attempt, ctx.jobData as GenerateVideoData, o.retry);
        if (delay === null)
          o.log.warn({ data: ctx.jobData, err: ctx.error.message }, 'generation retries over: left for settleStuck');
        return delay;
      },
    },
  );
}
