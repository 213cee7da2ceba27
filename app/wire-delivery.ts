// Durable delivery (README "Durable delivery"): a final message waits in the job store for a process with the
// user's platform's sender (the console of `npm run chat`, a platform configured elsewhere); the platforms are read
// at start, so `npm run chat` can register its console first. Keyed notices for absent platforms park there too.
// LINE deduplicates a resent push by its retry key, so a claim whose sender died mid-push is taken over after a
// while and resent; elsewhere a claim is final (at most once).
import type { Config } from './config.ts';
import type { JobStoreWiring } from './wire-jobs.ts';
import type { DeliveryParts } from '../infra/jobs/jobs-service.ts';
import type { GenerationRunner } from '../core/api.ts';
import type { NotifierHub, Parker } from '../bot/notifier-hub.ts';
import type { PromMetrics } from '../infra/metrics/registry.ts';
import type { Platform, Reply, ReplyTarget } from '../core/model.ts';

/** Runs a delivery attempt; a failure (retried by the job's backoff) is counted when metrics are on. */
const counted = <A extends unknown[]>(
  m: PromMetrics | undefined,
  kind: string,
  platformOf: NoInfer<(...a: A) => string>,
  fn: (...a: A) => Promise<void>,
) =>
  !m
    ? fn
    : async (...a: A) => {
        try {
          await fn(...a);
        } catch (err) {
          m.deliveryRetries.inc({ platform: platformOf(...a), kind });
          throw err;
        }
      };

/** Notices for platforms this process cannot reach park in the job store. */
export const parkedNotices =
  (jobs: JobStoreWiring): Parker =>
  (target, replies, key) =>
    jobs.deliveries.scheduleNotice(target, replies, key);

/** The delivery jobs' work: the final message through the runner, a parked notice through the hub. */
export function deliveryWork(p: {
  config: Config;
  hub: NotifierHub;
  runner: Pick<GenerationRunner, 'deliver'>;
  metrics?: PromMetrics;
}): DeliveryParts {
  const { hub } = p;
  const resendAfterMs = Math.max(2 * p.config.jobsLockLifetimeMs, 120_000);
  return {
    platforms: () => hub.platforms(),
    deliverFinal: counted(
      p.metrics,
      'final',
      (_id: string, platform: Platform) => platform,
      async (id: string, platform: Platform) => {
        const resendable = hub.dedupesByKey(platform);
        const outcome = await p.runner.deliver(id, resendable ? { resendAfterMs } : {});
        // Another sender's claim, not confirmed: it may have died mid-push. Retried until the claim is old enough.
        if (outcome === 'held' && resendable)
          throw new Error(`delivery of ${id} held by a sender that has not confirmed yet`);
      },
    ),
    pushNotice: counted(
      p.metrics,
      'notice',
      (target: ReplyTarget) => target.platform,
      (target: ReplyTarget, replies: Reply[], key: string) => hub.push(target, replies, { idempotencyKey: key }),
    ),
  };
}
