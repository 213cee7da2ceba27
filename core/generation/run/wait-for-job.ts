// Waits for a provider job to end, with a deadline, keeping the job lock alive and reporting progress.
import { ProviderError, type ProviderJob, type ProviderJobState, type VideoProvider } from '../../ports.ts';
import { sleep } from '../../sleep.ts';

export class Aborted extends Error {
  constructor() {
    super('run aborted');
    this.name = 'Aborted';
  }
}

export interface WaitOptions {
  signal?: AbortSignal;
  intervalMs: number;
  deadline: number; // epoch ms
  now: () => number;
  touch?: () => Promise<void>;
  onProgress?: (percent: number) => Promise<void>;
  /** Checked every round: true stops waiting (user asked to cancel). */
  shouldStop?: () => Promise<boolean>;
  /** Waits between polls (default a plain sleep); a provider that calls back ends it early. */
  pause?: (ms: number, signal?: AbortSignal) => Promise<unknown>;
}

/**
 * Resolves with the job's final state; a deadline becomes a retriable timeout error. Throws Aborted on shutdown.
 * Provider trouble is always a ProviderError; anything else thrown comes from our side (the hooks) and is not a
 * reason to leave this provider.
 */
export async function waitForJob(
  provider: VideoProvider,
  job: ProviderJob,
  o: WaitOptions,
): Promise<Exclude<ProviderJobState, { state: 'pending' | 'running' }>> {
  let hiccups = 0;
  for (;;) {
    if (o.signal?.aborted) throw new Aborted();
    let s: ProviderJobState;
    try {
      s = await provider.poll(job, o.signal);
      hiccups = 0;
    } catch (thrown) {
      // Whatever the provider client throws is the provider's; errors of our own hooks below are not caught here,
      // so a database blip while recording progress never looks like a failed provider.
      const err =
        thrown instanceof ProviderError ? thrown : new ProviderError(provider.name, 'network', String(thrown), true);
      // A failed status check is not a failed job: a few retriable errors in a row are waited out, so a network
      // blip never makes us submit the same video to the next provider while this one is still rendering.
      if (o.signal?.aborted) throw new Aborted();
      if (!(err instanceof ProviderError && err.retriable) || ++hiccups > 3 || o.now() >= o.deadline) throw err;
      await sleep(o.intervalMs * hiccups, o.signal);
      continue;
    }
    if (s.state === 'succeeded' || s.state === 'failed') return s;
    if (s.progress !== undefined) await o.onProgress?.(s.progress);
    if (o.now() >= o.deadline)
      throw new ProviderError(provider.name, 'timeout', `job ${job.jobId} passed its deadline`, true);
    if (await o.shouldStop?.())
      return { state: 'failed', error: new ProviderError(provider.name, 'canceled', 'canceled by the user', false) };
    await o.touch?.();
    await (o.pause ?? sleep)(o.intervalMs, o.signal);
  }
}
