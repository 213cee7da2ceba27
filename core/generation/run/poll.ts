// Waits for the stored provider job of the current step, recording progress; its end decides the next state:
// stored (or stage 1's clip stored), the next step, or canceled when the user asked meanwhile.
import { ProviderError, type ProviderJob } from '../../ports.ts';
import { stageOf } from '../two-stage.ts';
import { observeProvider, recordAttempt } from './attempts.ts';
import type { Step } from './context.ts';
import { providerFailed } from './failover.ts';
import { toCanceled } from './finished.ts';
import { Aborted, waitForJob } from './wait-for-job.ts';

export const poll: Step = async ({ d, signal, touch }, { gen, began = performance.now() }) => {
  const step = gen.route[gen.stepIndex]!;
  const provider = d.providers[step.provider]!;
  const job: ProviderJob = { provider: step.provider, jobId: gen.providerJobId! };
  let lastPush = 0;
  let end: Awaited<ReturnType<typeof waitForJob>>;
  // A provider that calls back wakes this wait at once; the slower poll only covers a callback that never came.
  const completions = d.completions?.callsBack(step.provider) ? d.completions : undefined;
  try {
    end = await waitForJob(provider, job, {
      signal,
      intervalMs: completions ? d.settings.callbackPollIntervalMs : d.settings.pollIntervalMs,
      now: () => d.clock.now().getTime(),
      ...(completions ? { pause: (ms: number, s?: AbortSignal) => completions.wait(job, gen.id, ms, s) } : {}),
      deadline: d.clock.now().getTime() + d.settings.stepTimeoutMs,
      touch,
      onProgress: async (percent) => {
        const shown = stageOf(gen, Math.round(percent));
        await d.store.update(gen.id, {
          stage: shown.stage,
          progress: Math.max(0, Math.min(99, Math.round(percent))),
        });
        const now = d.clock.now().getTime();
        if (now - lastPush < d.settings.progressEveryMs) return;
        lastPush = now;
        await d.notifier
          .push(gen.replyTarget, [
            {
              kind: 'progress',
              generationId: gen.id,
              stage: shown.stage,
              percent: Math.round(percent),
              message: shown.message,
            },
          ])
          .catch((err) => d.log.warn({ err: String(err), id: gen.id }, 'progress push failed'));
      },
      shouldStop: async () => {
        const fresh = await d.store.get(gen.id);
        return !fresh || Boolean(fresh.cancelRequestedAt) || fresh.status !== 'running';
      },
    });
  } catch (err) {
    if (err instanceof Aborted) throw err;
    if (err instanceof ProviderError) {
      observeProvider(d, step, began, err.code);
      if (err.code === 'timeout') await provider.cancel(job).catch(() => {});
      return providerFailed(d, gen, step, err);
    }
    // Our own side failed (the database while recording progress): the job is retried later and polls this
    // same provider job again; failing over would submit the video twice.
    throw err;
  }
  observeProvider(d, step, began, end.state === 'failed' ? end.error.code : 'succeeded');
  if (end.state === 'failed') {
    const fresh = (await d.store.get(gen.id))!;
    if (fresh.cancelRequestedAt || fresh.status !== 'running') {
      await provider.cancel(job).catch(() => {});
      await recordAttempt(d, fresh, step, 'canceled', 'canceled');
      return toCanceled(d, fresh, ['running']);
    }
    return providerFailed(d, gen, step, end.error);
  }
  await d.router.report(step.provider, true);
  return { to: step.stage === 'base' ? 'storing_base' : 'storing', gen, videoUrl: end.videoUrl };
};
