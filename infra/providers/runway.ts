// Runway text-to-video and image-to-video (backup provider).
// Sources (see docs/providers.md): official SDK runwayml/sdk-node (src/client.ts: Bearer + X-Runway-Version
// 2024-11-06; src/resources/text-to-video.ts, image-to-video.ts; tasks.ts: GET/DELETE /v1/tasks/{id}); runwayml/skills
// skills/rw-api-reference/SKILL.md (status values, failure codes, HTTP errors), rw-check-org-details (GET /v1/organization).
import {
  ProviderError,
  type ProviderJob,
  type ProviderJobState,
  type VideoProvider,
  type VideoRequest,
} from '../../core/ports.ts';
import { httpOptions, pick, probeGet, requestJson, requireString, trimBase, type ClientOptions } from './http.ts';

export const RUNWAY_VERSION = '2024-11-06';

/** gen4.5 takes 2–10 s at 1280:720; 1080p needs veo3.1_fast at 1920:1080 with 4/6/8 s (SDK text-to-video.ts). */
function body(req: VideoRequest) {
  const promptText = req.prompt.slice(0, 1000);
  if (req.resolution === '720p') {
    // gen4.5 takes an optional seed; veo3.1_fast documents none, so a 1080p retry differs by chance alone.
    return {
      model: 'gen4.5',
      promptText,
      ratio: '1280:720',
      duration: Math.min(10, Math.max(2, Math.round(req.durationSeconds))),
      ...(req.seed !== undefined ? { seed: req.seed } : {}),
    };
  }
  const duration = [4, 6, 8].reduce((best, d) =>
    Math.abs(d - req.durationSeconds) < Math.abs(best - req.durationSeconds) ? d : best,
  );
  return { model: 'veo3.1_fast', promptText, ratio: '1920:1080', duration };
}

/** The ratios each image-to-video model takes (@runwayml/sdk ImageToVideoCreateParams: Gen4_5, Veo3_1Fast). */
export const RUNWAY_IMAGE_RATIOS = {
  '720p': { model: 'gen4.5', ratios: ['1280:720', '720:1280', '1104:832', '960:960', '832:1104', '1584:672'] },
  '1080p': { model: 'veo3.1_fast', ratios: ['1920:1080', '1080:1920'] },
} as const;

/** The model's ratio nearest the photo's aspect (compared as log ratios, so 2:1 and 1:2 are equally far from 1:1). */
export function nearestRatio(width: number, height: number, ratios: readonly string[]): string {
  const aspect = Math.log(width / height);
  const dist = (r: string) => {
    const [w, h] = r.split(':').map(Number);
    return Math.abs(Math.log(w! / h!) - aspect);
  };
  return ratios.reduce((best, r) => (dist(r) < dist(best) ? r : best));
}

/** POST /v1/image_to_video: the photo as an https URL when ours is one, else inline as a data URI. */
async function imageBody(req: VideoRequest) {
  const image = req.image!;
  const promptImage = image.url.startsWith('https://')
    ? image.url
    : `data:${image.contentType};base64,${Buffer.from(await image.bytes()).toString('base64')}`;
  const promptText = req.prompt.slice(0, 1000);
  if (req.resolution === '720p') {
    const { model, ratios } = RUNWAY_IMAGE_RATIOS['720p'];
    return {
      model,
      promptImage,
      promptText,
      ratio: nearestRatio(image.width, image.height, ratios),
      duration: Math.min(10, Math.max(2, Math.round(req.durationSeconds))),
    };
  }
  const { model, ratios } = RUNWAY_IMAGE_RATIOS['1080p'];
  const duration = [4, 6, 8].reduce((best, d) =>
    Math.abs(d - req.durationSeconds) < Math.abs(best - req.durationSeconds) ? d : best,
  );
  return { model, promptImage, promptText, ratio: nearestRatio(image.width, image.height, ratios), duration };
}

function failure(job: ProviderJob, res: unknown): ProviderError {
  const code = String(pick(res, 'failureCode') ?? '');
  const text = `runway: task ${job.jobId} FAILED ${code}: ${String(pick(res, 'failure') ?? '')}`.slice(0, 300);
  // SAFETY.INPUT.* = moderation, not refundable, never retry; SAFETY.OUTPUT.* = only a different prompt helps.
  if (code.startsWith('SAFETY')) return new ProviderError('runway', 'rejected_content', text, false);
  return new ProviderError('runway', 'job_failed', text, true);
}

export function createRunway(o: ClientOptions): VideoProvider {
  const http = httpOptions('runway', o);
  const base = trimBase(o.baseUrl);
  const headers = { authorization: `Bearer ${o.apiKey}`, 'x-runway-version': RUNWAY_VERSION };

  return {
    name: 'runway',
    async submit(req, signal) {
      if (req.kind === 'style' || req.kind === 'upscale') {
        throw new ProviderError('runway', 'bad_request', `runway: ${req.kind} is not offered`, false);
      }
      const res =
        req.kind === 'image' && req.image
          ? await requestJson(http, {
              method: 'POST',
              url: `${base}/v1/image_to_video`,
              headers,
              body: await imageBody(req),
              signal,
            })
          : await requestJson(http, {
              method: 'POST',
              url: `${base}/v1/text_to_video`,
              headers,
              body: body(req),
              signal,
            });
      return { provider: 'runway', jobId: requireString('runway', pick(res, 'id'), 'id') };
    },
    async poll(job, signal): Promise<ProviderJobState> {
      const res = await requestJson(http, {
        method: 'GET',
        url: `${base}/v1/tasks/${encodeURIComponent(job.jobId)}`,
        headers,
        signal,
      });
      switch (pick(res, 'status')) {
        case 'PENDING':
        case 'THROTTLED': // queued behind the tier's concurrency limit, not rejected
          return { state: 'pending' };
        case 'RUNNING': {
          const p = pick(res, 'progress');
          return { state: 'running', progress: typeof p === 'number' ? p : undefined };
        }
        case 'SUCCEEDED':
          return { state: 'succeeded', videoUrl: requireString('runway', pick(res, 'output', 0), 'output[0]') };
        case 'FAILED':
          return { state: 'failed', error: failure(job, res) };
        case 'CANCELLED':
          return {
            state: 'failed',
            error: new ProviderError('runway', 'canceled', `runway: task ${job.jobId} cancelled`, false),
          };
        default:
          throw new ProviderError(
            'runway',
            'bad_response',
            `runway: unknown status ${JSON.stringify(pick(res, 'status'))}`,
            true,
          );
      }
    },
    async cancel(job) {
      // DELETE cancels a pending/running/throttled task (or deletes a finished one); a 404 means it is already gone.
      await requestJson(http, {
        method: 'DELETE',
        url: `${base}/v1/tasks/${encodeURIComponent(job.jobId)}`,
        headers,
      }).catch((err) => {
        if (!(err instanceof ProviderError && err.code === 'bad_request')) throw err;
      });
    },
    probe: (signal) => probeGet(http, `${base}/v1/organization`, headers, signal),
  };
}
