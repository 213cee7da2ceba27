// Durable delivery through the job store. A finished generation's final message is a `deliver-<platform>` job
// (one per generation) and a keyed notice for a platform this process cannot reach is a `notify-<platform>` job
// (one per idempotency key). Each process defines the jobs only for the platforms it has a sender for, and Agenda
// locks only jobs whose name is defined here (node_modules/agenda/dist/JobProcessor.js: process() walks
// agenda.definitions), so a delivery waits in the database, across restarts, until a process that can send it
// runs; a failed send is retried with backoff. Which process made the video does not matter.
import type { Agenda, Job } from 'agenda';
import type { Platform, Reply, ReplyTarget } from '../../core/model.ts';
import type { DeliveryQueue } from '../../core/ports.ts';
import { logContext, withLogContext } from '../log/context.ts';

export const deliverJob = (platform: Platform) => `deliver-${platform}`;
export const noticeJob = (platform: Platform) => `notify-${platform}`;

/** reqId: the request the generation came from, for the delivery's log lines. */
interface FinalData {
  generationId: string;
  enqueuedAt: string;
  reqId?: string;
}
/** dedupe: chat and key (one notice may go to several chats of a user under one key). */
interface NoticeData {
  key: string;
  dedupe: string;
  target: ReplyTarget;
  replies: Reply[];
  enqueuedAt: string;
}

/** Retries: 5 s doubling to 10 min between attempts, for up to 7 days (then logged and left undelivered). */
export const DELIVERY_RETRY = { baseMs: 5_000, maxMs: 10 * 60_000, giveUpAfterMs: 7 * 24 * 3600_000 };

export function deliveryDelay(
  attempt: number,
  enqueuedAt: string | undefined,
  now = Date.now(),
  o = DELIVERY_RETRY,
): number | null {
  if (enqueuedAt && now - Date.parse(enqueuedAt) > o.giveUpAfterMs) return null;
  return Math.min(o.maxMs, o.baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 20)));
}

export class AgendaDeliveryQueue implements DeliveryQueue {
  constructor(
    private readonly agenda: Agenda,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async scheduleFinal(generationId: string, platform: Platform): Promise<void> {
    const reqId = logContext()?.reqId;
    await saveOnce(
      this.agenda
        .create(deliverJob(platform), {
          generationId,
          enqueuedAt: this.now().toISOString(),
          ...(reqId ? { reqId } : {}),
        } satisfies FinalData)
        .schedule(this.now())
        .unique({ 'data.generationId': generationId }, { insertOnly: true }),
    );
  }

  async scheduleNotice(target: ReplyTarget, replies: Reply[], key: string): Promise<void> {
    const dedupe = `${target.chatId}:${key}`;
    await saveOnce(
      this.agenda
        .create(noticeJob(target.platform), {
          key,
          dedupe,
          target,
          replies,
          enqueuedAt: this.now().toISOString(),
        } satisfies NoticeData)
        .schedule(this.now())
        .unique({ 'data.dedupe': dedupe }, { insertOnly: true }),
    );
  }
}

async function saveOnce(job: Job): Promise<void> {
  try {
    await job.save();
  } catch (err) {
    // Two instances raced past the unique lookup: the unique index (migration 20261126-0101) kept one job.
    if ((err as { code?: string }).code !== '23505') throw err;
  }
}

export interface DeliveryHandlers {
  /** Platforms this process has a sender for. */
  platforms: Platform[];
  /** GenerationRunner.deliver; throws when the push failed (retried). */
  deliverFinal(generationId: string, platform: Platform): Promise<unknown>;
  /** Pushes a parked notice through this process's sender. */
  pushNotice(target: ReplyTarget, replies: Reply[], key: string): Promise<void>;
  lockLifetimeMs: number;
  log: { warn(o: object, m: string): void; error(o: object, m: string): void };
}

/** Defines the delivery jobs of the platforms this process can send to (call before agenda.start()). */
export function defineDeliveries(agenda: Agenda, h: DeliveryHandlers): string[] {
  const names: string[] = [];
  const backoff = (ctx: { attempt: number; jobData: unknown; error: Error }) => {
    const delay = deliveryDelay(ctx.attempt, (ctx.jobData as { enqueuedAt?: string } | undefined)?.enqueuedAt);
    if (delay === null)
      h.log.error({ data: ctx.jobData, err: ctx.error.message }, 'delivery given up after 7 days of retries');
    return delay;
  };
  for (const platform of h.platforms) {
    agenda.define<FinalData>(
      deliverJob(platform),
      async (job) => {
        const { generationId, reqId } = job.attrs.data;
        await withLogContext({ reqId, generationId }, () =>
          h.deliverFinal(generationId, platform).catch((err: Error) => {
            h.log.warn(
              { platform, attempt: (job.attrs.failCount ?? 0) + 1, err: err.message },
              'final message not delivered; retrying',
            );
            throw err;
          }),
        );
      },
      { concurrency: 8, lockLifetime: h.lockLifetimeMs, removeOnComplete: true, backoff },
    );
    agenda.define<NoticeData>(
      noticeJob(platform),
      async (job) => {
        const { target, replies, key } = job.attrs.data;
        await h.pushNotice(target, replies, key);
      },
      { concurrency: 4, lockLifetime: h.lockLifetimeMs, removeOnComplete: true, backoff },
    );
    names.push(deliverJob(platform), noticeJob(platform));
  }
  return names;
}
