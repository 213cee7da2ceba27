// Submits the current route step once. Its job id is stored before any poll (one conditional write per step),
// so a resumed run polls the job it already has and never submits the video twice.
import fs from 'node:fs/promises';
import { ProviderError, type ProviderJob, type SourceImageInput, type VideoRequest } from '../../ports.ts';
import type { GenerationDeps } from '../deps.ts';
import type { GenerationRow, RouteStep } from '../types.ts';
import { BASE_RESOLUTION } from '../two-stage.ts';
import { observeProvider } from './attempts.ts';
import type { Step } from './context.ts';
import { providerFailed } from './failover.ts';
import { Aborted } from './wait-for-job.ts';

/** How long a provider may fetch a source video by its signed URL (queueing included). */
export const SOURCE_URL_TTL_SECONDS = 2 * 3600;
/** How long a provider may fetch a user's photo by its signed URL: the submit fetches it at once. */
export const PHOTO_URL_TTL_SECONDS = 15 * 60;

export const submit: Step = async ({ d, signal }, { gen }) => {
  const step = gen.route[gen.stepIndex]!;
  const provider = d.providers[step.provider]!;
  const began = performance.now();
  let job: ProviderJob;
  try {
    job = await provider.submit(await requestFor(d, gen, step), signal);
  } catch (err) {
    if (signal.aborted) throw new Aborted();
    const refused = err instanceof ProviderError ? err : new ProviderError(step.provider, 'network', String(err), true);
    observeProvider(d, step, began, refused.code);
    return providerFailed(d, gen, step, refused);
  }
  if (!(await d.store.setProviderJob(gen.id, gen.stepIndex, step.provider, job.jobId))) {
    // Another run stored its job first: drop ours, follow theirs.
    await provider.cancel(job).catch(() => {});
    const fresh = (await d.store.get(gen.id))!;
    if (!fresh.providerJobId || fresh.stepIndex !== gen.stepIndex) return { to: 'done', gen };
    job = { provider: step.provider, jobId: fresh.providerJobId };
  }
  gen.providerJobId = job.jobId;
  gen.provider = step.provider;
  return { to: 'polling', gen, began };
};

/** Stage 1 of a two-stage style is a plain video from the prompt; everything else is what the row asks for. */
async function requestFor(d: GenerationDeps, gen: GenerationRow, step: RouteStep): Promise<VideoRequest> {
  const seed = gen.seed !== null ? { seed: gen.seed } : {};
  if (step.stage === 'base')
    return {
      generationId: gen.id,
      kind: 'video',
      prompt: gen.prompt,
      resolution: BASE_RESOLUTION,
      fps: gen.fps,
      durationSeconds: 5,
      ...seed,
    };
  return {
    generationId: gen.id,
    kind: gen.kind,
    prompt: gen.prompt,
    resolution: gen.resolution,
    fps: gen.fps,
    durationSeconds: 5,
    ...(gen.style ? { style: gen.style } : {}),
    ...(await sourceUrl(d, gen)),
    ...(await sourceImage(d, gen)),
    ...seed,
  };
}

/**
 * The video a provider restyles: stage 2 of a two-stage style takes the stored base clip, a replied/past video its
 * generation's result; the clean master when there is one. Masters are private, so the provider always gets a
 * signed URL (never a public one), valid long enough for the job to start.
 */
async function sourceUrl(d: GenerationDeps, gen: GenerationRow): Promise<{ sourceVideoUrl?: string }> {
  const signed = async (key: string) => ({
    sourceVideoUrl: await d.mediaStore.signedUrl(key, SOURCE_URL_TTL_SECONDS),
  });
  if (gen.baseClip) return signed(gen.baseClip.masterKey ?? gen.baseClip.mediaKey);
  if (!gen.sourceGenerationId) return {};
  const src = await d.store.get(gen.sourceGenerationId);
  const key = src?.masterKey ?? src?.mediaKey;
  return key ? signed(key) : {};
}

/**
 * The photo an 'image' generation animates: private, so a provider gets a short-lived signed URL of it or its
 * bytes (inline upload or data URI), read only when the provider asks.
 */
async function sourceImage(d: GenerationDeps, gen: GenerationRow): Promise<{ image?: SourceImageInput }> {
  const photo = gen.sourceImage;
  if (gen.kind !== 'image' || !photo) return {};
  const store = d.mediaStore;
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
