// Runs one generation to its end, resumable at every point: the provider job id is stored before polling, so a
// restarted run polls the job it already has; money and delivery go through idempotent, claimed steps.
import fs from 'node:fs/promises';
import type { GenerationRunner } from '../api.ts';
import { ProviderError, type ProviderJob, type SourceImageInput, type VideoProvider } from '../ports.ts';
import { matchDemo, DEMO_LIBRARY } from '../demo/library.ts';
import { ensureDemoClip } from '../demo/clips.ts';
import { TERMINAL, msg, type GenerationRow, type RouteStep } from './types.ts';
import { consentQuestion, countConsentAsked, ensureReservation, type GenerationDeps } from './deps.ts';
import { cancelGeneration, deliverFinal, deliverNow, failGeneration, settleMoney } from './finish.ts';
import { Aborted, waitForJob } from './run/wait-for-job.ts';
import { storeResult } from './run/store-media.ts';
import { deliverBaseClip, isTwoStage, payingStep, stageOf, styleIndex, BASE_RESOLUTION } from './two-stage.ts';

/** How long a provider may fetch a source video by its signed URL (queueing included). */
export const SOURCE_URL_TTL_SECONDS = 2 * 3600;
/** How long a provider may fetch a user's photo by its signed URL: the submit fetches it at once. */
export const PHOTO_URL_TTL_SECONDS = 15 * 60;

type Ctx = { signal: AbortSignal; touch: () => Promise<void> };
type Outcome = 'done' | 'retry_later';

export class Runner implements GenerationRunner {
  constructor(private readonly d: GenerationDeps) {}

  async run(id: string, ctx: Ctx): Promise<Outcome> {
    const gen = await this.d.store.get(id);
    if (!gen) return 'done';
    if ((TERMINAL as readonly string[]).includes(gen.status)) {
      await settleMoney(this.d, gen);
      await deliverFinal(this.d, gen);
      return 'done';
    }
    if (gen.status === 'awaiting_consent') return 'done';
    try {
      return gen.kind === 'demo' ? await this.runDemo(gen, ctx) : await this.runSteps(gen, ctx);
    } catch (err) {
      if (err instanceof Aborted || ctx.signal.aborted) return 'retry_later';
      throw err;
    }
  }

  private async runSteps(gen: GenerationRow, ctx: Ctx): Promise<Outcome> {
    const d = this.d;
    for (;;) {
      if (gen.cancelRequestedAt && !gen.providerJobId) {
        await cancelGeneration(d, gen, ['queued', 'running'], true);
        return 'done';
      }
      const step = gen.route[gen.stepIndex];
      const twoStage = isTwoStage(gen);
      // Two stages (two-stage.ts): past the base steps without a base clip → every free provider failed, nothing
      // is charged; past the style steps with one → the unstyled base clip is delivered, points released.
      if (twoStage && !gen.baseClip && step?.stage !== 'base') {
        await failGeneration(d, gen, 'all_providers_failed', 'core.failed.all_providers');
        return 'done';
      }
      if (twoStage && !step) {
        await deliverBaseClip(d, gen);
        return 'done';
      }
      if (!step) {
        if (gen.consent === 'wait') {
          // The user chose to wait for the unlimited providers: start over later, until the deadline.
          await d.store.update(gen.id, { stepIndex: 0 });
          return 'retry_later';
        }
        await failGeneration(d, gen, 'all_providers_failed', 'core.failed.all_providers');
        return 'done';
      }
      if (step.charged && gen.consent === 'wait') {
        gen = await this.nextStep(gen, step);
        continue;
      }
      // A two-stage style holds its style step's points before stage 1 runs (request.ts normally did already).
      const pay = payingStep(gen);
      const reserved = await ensureReservation(d, gen, pay.step!, pay.index);
      if (reserved === 'needs_consent') return this.askConsent(gen, pay.step!);
      if (reserved === 'no_points' && step.stage === 'base') {
        await failGeneration(d, gen, 'insufficient_points', 'core.failed.generic');
        return 'done';
      }
      if (reserved === 'no_points') {
        gen = await this.nextStep(gen, step, 'insufficient_points');
        continue;
      }
      const provider = d.providers[step.provider];
      if (!provider) {
        gen = await this.nextStep(gen, step, 'not_configured');
        continue;
      }
      if (gen.status === 'queued') {
        if (
          !(await d.store.transition(gen.id, ['queued'], {
            status: 'running',
            startedAt: d.clock.now(),
            stage: 'submitting',
          }))
        ) {
          gen = (await d.store.get(gen.id))!;
          if (gen.status !== 'running') return 'done';
        } else {
          gen.status = 'running';
          await this.progress(gen, 0);
        }
      }
      const outcome = await this.attempt(gen, step, provider, ctx);
      if (outcome === 'stop') return 'done';
      if (outcome === 'base_done') {
        gen = (await d.store.get(gen.id))!;
        if (gen.status !== 'running') return 'done';
        await this.progress(gen, 0);
        continue;
      }
      if (outcome instanceof ProviderError) {
        if (outcome.code !== 'canceled' && outcome.code !== 'rejected_content')
          await d.router.report(step.provider, false);
        if (outcome.code === 'rejected_content' && twoStage && step.stage !== 'base') {
          gen = await this.nextStep(gen, step, outcome.code);
          await deliverBaseClip(d, gen);
          return 'done';
        }
        if (outcome.code === 'rejected_content') {
          await this.recordAttempt(gen, step, 'failed', outcome.code);
          await failGeneration(d, gen, 'rejected_content', 'core.failed.rejected');
          return 'done';
        }
        gen = await this.nextStep(gen, step, outcome.code);
        continue;
      }
      return 'done';
    }
  }

  /** One provider step: submit once (job id stored first), wait, finish. A ProviderError means "try the next". */
  private async attempt(
    gen: GenerationRow,
    step: RouteStep,
    provider: VideoProvider,
    ctx: Ctx,
  ): Promise<ProviderError | 'stop' | 'done' | 'base_done'> {
    const d = this.d;
    const began = performance.now();
    const providerTime = (outcome: string) =>
      d.metrics?.observe('generation_provider', (performance.now() - began) / 1000, {
        provider: step.provider,
        outcome,
      });
    let job: ProviderJob;
    if (gen.providerJobId) job = { provider: step.provider, jobId: gen.providerJobId };
    else {
      try {
        // Stage 1 of a two-stage style is a plain video from the prompt; everything else is what the row asks for.
        const base = step.stage === 'base';
        job = await provider.submit(
          base
            ? {
                generationId: gen.id,
                kind: 'video',
                prompt: gen.prompt,
                resolution: BASE_RESOLUTION,
                fps: gen.fps,
                durationSeconds: 5,
                ...(gen.seed !== null ? { seed: gen.seed } : {}),
              }
            : {
                generationId: gen.id,
                kind: gen.kind,
                prompt: gen.prompt,
                resolution: gen.resolution,
                fps: gen.fps,
                durationSeconds: 5,
                ...(gen.style ? { style: gen.style } : {}),
                ...(await this.sourceUrl(gen)),
                ...(await this.sourceImage(gen)),
                ...(gen.seed !== null ? { seed: gen.seed } : {}),
              },
          ctx.signal,
        );
      } catch (err) {
        if (ctx.signal.aborted) throw new Aborted();
        const refused =
          err instanceof ProviderError ? err : new ProviderError(step.provider, 'network', String(err), true);
        providerTime(refused.code);
        return refused;
      }
      if (!(await d.store.setProviderJob(gen.id, gen.stepIndex, step.provider, job.jobId))) {
        // Another run stored its job first: drop ours, follow theirs.
        await provider.cancel(job).catch(() => {});
        const fresh = (await d.store.get(gen.id))!;
        if (!fresh.providerJobId || fresh.stepIndex !== gen.stepIndex) return 'stop';
        job = { provider: step.provider, jobId: fresh.providerJobId };
      }
      gen.providerJobId = job.jobId;
      gen.provider = step.provider;
    }
    let lastPush = 0;
    let end: Awaited<ReturnType<typeof waitForJob>>;
    // A provider that calls back wakes this wait at once; the slower poll only covers a callback that never came.
    const completions = d.completions?.callsBack(step.provider) ? d.completions : undefined;
    const polled = job;
    try {
      end = await waitForJob(provider, job, {
        signal: ctx.signal,
        intervalMs: completions ? d.settings.callbackPollIntervalMs : d.settings.pollIntervalMs,
        now: () => d.clock.now().getTime(),
        ...(completions
          ? { pause: (ms: number, signal?: AbortSignal) => completions.wait(polled, gen.id, ms, signal) }
          : {}),
        deadline: d.clock.now().getTime() + d.settings.stepTimeoutMs,
        touch: ctx.touch,
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
        providerTime(err.code);
        if (err.code === 'timeout') await provider.cancel(job).catch(() => {});
        return err;
      }
      // Our own side failed (the database while recording progress): the job is retried later and polls this
      // same provider job again; failing over would submit the video twice.
      throw err;
    }
    providerTime(end.state === 'failed' ? end.error.code : 'succeeded');
    if (end.state === 'failed') {
      const fresh = (await d.store.get(gen.id))!;
      if (fresh.cancelRequestedAt || fresh.status !== 'running') {
        await provider.cancel(job).catch(() => {});
        await this.recordAttempt(fresh, step, 'canceled', 'canceled');
        await cancelGeneration(d, fresh, ['running'], true);
        return 'stop';
      }
      return end.error;
    }
    await d.router.report(step.provider, true);
    if (step.stage === 'base') {
      await this.baseDone(gen, step, end.videoUrl, ctx);
      return 'base_done';
    }
    await this.succeed(gen, step, end.videoUrl, ctx);
    return 'done';
  }

  /**
   * Stage 1 finished: the clip is stored, then one conditional write (still on this step) records it, its attempt
   * and the move to the first style step. A crash before that write polls the same job again (never resubmits).
   */
  private async baseDone(gen: GenerationRow, step: RouteStep, videoUrl: string, ctx: Ctx): Promise<void> {
    const d = this.d;
    const features = await d.tiers.features(await d.tiers.tierOf(gen.userId));
    const media = await storeResult(d, gen, videoUrl, features, ctx.signal, 'base');
    const fresh = (await d.store.get(gen.id))!;
    const attempt = {
      provider: step.provider,
      step: gen.stepIndex,
      outcome: 'succeeded' as const,
      at: d.clock.now().toISOString(),
      ...(gen.providerJobId ? { jobId: gen.providerJobId } : {}),
    };
    await d.store.transitionAtStep(gen.id, gen.stepIndex, ['running'], {
      baseClip: { ...media, provider: step.provider },
      attempts: [...fresh.attempts, attempt],
      stepIndex: styleIndex(gen.route),
      providerJobId: null,
      stage: 'styling',
      progress: 0,
    });
  }

  private async succeed(gen: GenerationRow, step: RouteStep, videoUrl: string, ctx: Ctx): Promise<void> {
    const d = this.d;
    await d.store.update(gen.id, { stage: 'storing', progress: 99 });
    await this.progress(gen, 99, 'storing');
    const began = performance.now();
    const features = await d.tiers.features(await d.tiers.tierOf(gen.userId));
    const media = await storeResult(d, gen, videoUrl, features, ctx.signal);
    d.metrics?.observe('generation_processing', (performance.now() - began) / 1000, { provider: step.provider });
    await this.recordAttempt(gen, step, 'succeeded');
    const won = await d.store.transition(gen.id, ['running'], {
      ...media,
      status: 'succeeded',
      stage: 'done',
      progress: 100,
      completedAt: d.clock.now(),
      provider: step.provider,
      pointsCost: step.charged ? step.cost : 0,
    });
    const fresh = (await d.store.get(gen.id))!;
    if (!won && fresh.status !== 'succeeded') return; // canceled meanwhile: the cancel released the points
    await settleMoney(d, fresh);
    await deliverFinal(d, fresh);
  }

  /** A stage change the user sees at once (the local renderer reports no percentages; LINE shows a loading dot). */
  private async progress(gen: GenerationRow, percent: number, stage?: string): Promise<void> {
    const shown = stageOf(gen, percent);
    await this.d.notifier
      .push(gen.replyTarget, [
        { kind: 'progress', generationId: gen.id, stage: stage ?? shown.stage, percent, message: shown.message },
      ])
      .catch((err) => this.d.log.warn({ err: String(err), id: gen.id }, 'progress push failed'));
  }

  /** Leaves a failed step: its points go back, the next step starts clean. */
  private async nextStep(gen: GenerationRow, step: RouteStep, code?: string): Promise<GenerationRow> {
    const d = this.d;
    if (code) await this.recordAttempt(gen, step, 'failed', code);
    if (code)
      d.metrics?.count('failover', {
        from: step.provider,
        to: gen.route[gen.stepIndex + 1]?.provider ?? 'none',
        reason: code,
      });
    if (step.stage === 'base') {
      // A failed base step keeps the style's points held: the next free provider makes the clip.
      await d.store.update(gen.id, { stepIndex: gen.stepIndex + 1, providerJobId: null, stage: 'failover' });
      return { ...gen, stepIndex: gen.stepIndex + 1, providerJobId: null };
    }
    if (gen.reservationId) await d.charger.release(gen.reservationId, 'provider_failed');
    await d.store.update(gen.id, {
      stepIndex: gen.stepIndex + 1,
      providerJobId: null,
      reservationId: null,
      pointsCost: 0,
      stage: 'failover',
    });
    return { ...gen, stepIndex: gen.stepIndex + 1, providerJobId: null, reservationId: null, pointsCost: 0 };
  }

  private async recordAttempt(
    gen: GenerationRow,
    step: RouteStep,
    outcome: 'failed' | 'succeeded' | 'canceled',
    code?: string,
  ) {
    await this.d.store.appendAttempt(gen.id, {
      provider: step.provider,
      step: gen.stepIndex,
      outcome,
      at: this.d.clock.now().toISOString(),
      ...(gen.providerJobId ? { jobId: gen.providerJobId } : {}),
      ...(code ? { code } : {}),
    });
  }

  /** Mid-run failover reached a charged step without consent: ask, and stop until the answer. */
  private async askConsent(gen: GenerationRow, step: RouteStep): Promise<Outcome> {
    const d = this.d;
    if (
      !(await d.store.transition(gen.id, ['queued', 'running'], {
        status: 'awaiting_consent',
        stage: 'awaiting_consent',
      }))
    )
      return 'done';
    countConsentAsked(d, step);
    const question = await consentQuestion(d, gen, step);
    await d.notifier.push(gen.replyTarget, [{ kind: 'text', message: msg('core.consent.failover') }, question], {
      idempotencyKey: `generation:${gen.id}:consent:${gen.stepIndex}`,
    });
    return 'done';
  }

  /**
   * The video a provider restyles: stage 2 of a two-stage style takes the stored base clip, a replied/past video its
   * generation's result; the clean master when there is one. Masters are private, so the provider always gets a
   * signed URL (never a public one), valid long enough for the job to start.
   */
  private async sourceUrl(gen: GenerationRow): Promise<{ sourceVideoUrl?: string }> {
    const signed = async (key: string) => ({
      sourceVideoUrl: await this.d.mediaStore.signedUrl(key, SOURCE_URL_TTL_SECONDS),
    });
    if (gen.baseClip) return signed(gen.baseClip.masterKey ?? gen.baseClip.mediaKey);
    if (!gen.sourceGenerationId) return {};
    const src = await this.d.store.get(gen.sourceGenerationId);
    const key = src?.masterKey ?? src?.mediaKey;
    return key ? signed(key) : {};
  }

  /**
   * The photo an 'image' generation animates: private, so a provider gets a short-lived signed URL of it or its
   * bytes (inline upload or data URI), read only when the provider asks.
   */
  private async sourceImage(gen: GenerationRow): Promise<{ image?: SourceImageInput }> {
    const photo = gen.sourceImage;
    if (gen.kind !== 'image' || !photo) return {};
    const store = this.d.mediaStore;
    return {
      image: {
        url: await store.signedUrl(photo.key, PHOTO_URL_TTL_SECONDS),
        width: photo.width,
        height: photo.height,
        contentType: 'image/jpeg',
        bytes: async () => fs.readFile(await store.getFile(photo.key)),
      },
    };
  }

  /** Smart Demo: the cached library clip, made by the local renderer once; never charged, never a paid provider. */
  private async runDemo(gen: GenerationRow, ctx: Ctx): Promise<Outcome> {
    const d = this.d;
    const entry = DEMO_LIBRARY.find((e) => e.slug === gen.demoSlug) ?? matchDemo(gen.prompt);
    const renderer = d.providers.local;
    if (!renderer?.local) {
      await failGeneration(d, gen, 'no_local_renderer', 'core.failed.generic');
      return 'done';
    }
    if (
      await d.store.transition(gen.id, ['queued'], {
        status: 'running',
        startedAt: d.clock.now(),
        stage: 'rendering',
        provider: 'local',
      })
    ) {
      await this.progress(gen, 0);
    }
    const clip = await ensureDemoClip(entry, {
      renderer,
      store: d.mediaStore,
      tools: d.mediaTools,
      watermarkText: d.settings.watermarkText,
      localFile: d.localFile,
      pollIntervalMs: d.settings.pollIntervalMs,
      timeoutMs: d.settings.stepTimeoutMs,
      signal: ctx.signal,
      touch: ctx.touch,
    });
    await d.store.transition(gen.id, ['running'], {
      ...clip,
      watermarked: true,
      status: 'succeeded',
      stage: 'done',
      progress: 100,
      completedAt: d.clock.now(),
      provider: 'local',
      pointsCost: 0,
    });
    const fresh = (await d.store.get(gen.id))!;
    if (fresh.status === 'succeeded') await deliverFinal(d, fresh);
    return 'done';
  }

  async settleStuck(now: Date): Promise<number> {
    let n = 0;
    for (const id of await this.d.store.stuckIds(now)) {
      const gen = await this.d.store.get(id);
      if (!gen) continue;
      if (gen.providerJobId && gen.provider)
        await this.d.providers[gen.provider]
          ?.cancel({ provider: gen.provider, jobId: gen.providerJobId })
          .catch(() => {});
      if (await failGeneration(this.d, gen, 'stuck', 'core.failed.timeout')) n++;
    }
    return n;
  }

  pendingIds(): Promise<string[]> {
    return this.d.store.pendingIds();
  }

  async deliver(id: string, opts: { resendAfterMs?: number } = {}): Promise<'sent' | 'nothing' | 'held'> {
    const gen = await this.d.store.get(id);
    if (!gen || !(TERMINAL as readonly string[]).includes(gen.status) || gen.deliveredAt) return 'nothing';
    return (await deliverNow(this.d, gen, opts.resendAfterMs)) ? 'sent' : 'held';
  }
}
