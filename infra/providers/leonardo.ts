// Leonardo.Ai text-to-video and image-to-video (leonardo-image.ts) (primary provider).
// Sources (see docs/providers.md): official SDK Leonardo-Interactive/leonardo-ts-sdk (src/lib/config.ts,
// docs/sdks/motion/README.md, createtexttovideogenerationrequestbody.md, getgenerationbyid, shared/jobstatus.md);
// docs.leonardo.ai/docs/generate-with-kling-2-5-turbo-using-text-prompts (headers); GET /me (getUserSelf).
import {
  ProviderError,
  type ProviderJob,
  type ProviderJobState,
  type VideoProvider,
  type VideoRequest,
} from '../../core/ports.ts';
import { httpOptions, pick, probeGet, requestJson, requireString, trimBase, type ClientOptions } from './http.ts';
import { submitImageToVideo } from './leonardo-image.ts';

const LEONARDO_MAX_SEED = 2_147_483_637;
const RESOLUTION = { '720p': 'RESOLUTION_720', '1080p': 'RESOLUTION_1080', '4k': 'RESOLUTION_1080' } as const;

export function createLeonardo(o: ClientOptions): VideoProvider {
  const http = httpOptions('leonardo', o);
  const base = trimBase(o.baseUrl);
  const headers = { authorization: `Bearer ${o.apiKey}` };

  return {
    name: 'leonardo',
    async submit(req: VideoRequest, signal?: AbortSignal): Promise<ProviderJob> {
      if (req.kind === 'style' || req.kind === 'upscale') {
        throw new ProviderError('leonardo', 'bad_request', `leonardo: ${req.kind} is not offered`, false);
      }
      if (req.kind === 'image')
        return { provider: 'leonardo', jobId: await submitImageToVideo(http, base, headers, req, signal) };
      // Motion 2.0 is the SDK's default text-to-video model; 4K is made by upscaling a 1080p result elsewhere.
      // A seed (retry, variation) within Motion 2.0's documented maximum (SDK createtexttovideogeneration.ts).
      const seed = req.seed !== undefined ? { seed: req.seed % LEONARDO_MAX_SEED } : {};
      const body = {
        prompt: req.prompt,
        model: 'MOTION2',
        resolution: RESOLUTION[req.resolution],
        isPublic: false,
        ...seed,
      };
      const res = await requestJson(http, {
        method: 'POST',
        url: `${base}/generations-text-to-video`,
        headers,
        body,
        signal,
      });
      const id = requireString(
        'leonardo',
        pick(res, 'motionVideoGenerationJob', 'generationId'),
        'motionVideoGenerationJob.generationId',
      );
      return { provider: 'leonardo', jobId: id };
    },
    async poll(job: ProviderJob, signal?: AbortSignal): Promise<ProviderJobState> {
      const res = await requestJson(http, {
        method: 'GET',
        url: `${base}/generations/${encodeURIComponent(job.jobId)}`,
        headers,
        signal,
      });
      const gen = pick(res, 'generations_by_pk');
      const status = pick(gen, 'status');
      if (status === 'PENDING') return { state: 'running' };
      if (status === 'FAILED') {
        return {
          state: 'failed',
          error: new ProviderError('leonardo', 'job_failed', `leonardo: generation ${job.jobId} FAILED`, true),
        };
      }
      if (status === 'COMPLETE') {
        const first = pick(gen, 'generated_images', 0);
        if (pick(first, 'nsfw') === true) {
          return {
            state: 'failed',
            error: new ProviderError('leonardo', 'rejected_content', 'leonardo: result flagged nsfw', false),
          };
        }
        return {
          state: 'succeeded',
          videoUrl: requireString('leonardo', pick(first, 'motionMP4URL'), 'generated_images[0].motionMP4URL'),
        };
      }
      throw new ProviderError('leonardo', 'bad_response', `leonardo: unknown status ${JSON.stringify(status)}`, true);
    },
    // No documented cancel for motion jobs: a started generation runs to its end and is simply not collected.
    async cancel() {},
    probe: (signal?: AbortSignal) => probeGet(http, `${base}/me`, headers, signal),
  };
}
