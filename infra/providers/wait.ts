// Polls a provider job until it ends or the deadline passes (PROVIDER_TIMEOUT_MS). On the deadline the job is
// cancelled best-effort and a retriable `timeout` ProviderError is thrown, so failover can try the next provider.
import { ProviderError, type ProviderJob, type VideoProvider } from '../../core/ports.ts';
import { sleep as realSleep, type Sleep } from './http.ts';

export interface WaitOptions {
  deadlineMs: number;
  /** Runway asks for no more than one poll per 5 s; GoEnhance recommends 5 s. */
  intervalMs?: number;
  signal?: AbortSignal;
  sleep?: Sleep;
  onProgress?: (progress: number | undefined) => void;
}

export async function waitForJob(provider: VideoProvider, job: ProviderJob, opts: WaitOptions): Promise<string> {
  const interval = opts.intervalMs ?? 5000;
  const wait = opts.sleep ?? realSleep;
  const end = Date.now() + opts.deadlineMs;
  for (;;) {
    if (opts.signal?.aborted) {
      await provider.cancel(job).catch(() => undefined);
      throw new ProviderError(job.provider, 'canceled', `${job.provider}: canceled`, false);
    }
    const state = await provider.poll(job, opts.signal);
    if (state.state === 'succeeded') return state.videoUrl;
    if (state.state === 'failed') throw state.error;
    opts.onProgress?.(state.progress);
    const left = end - Date.now();
    if (left <= 0) {
      await provider.cancel(job).catch(() => undefined);
      throw new ProviderError(
        job.provider,
        'timeout',
        `${job.provider}: job ${job.jobId} not done within ${opts.deadlineMs} ms`,
        true,
      );
    }
    await wait(Math.min(interval, left), opts.signal).catch(() => undefined);
  }
}
