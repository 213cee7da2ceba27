// GoEnhance video-to-video style transfer (premium, charged in points).
// Sources (see docs/providers.md): docs.goenhance.ai (/api-reference/video-effects/task-status.md, /api-reference/
// tasks/detail; bearerAuth; {code,msg,data} envelope), docs.dev.goenhance.ai/doc-703751; public client code for the
// /api/v1/video2video/generate body and GET /api/v1/user/tokens.
import { ProviderError, type ProviderJobState, type VideoProvider } from '../../core/ports.ts';
import {
  httpOptions,
  pick,
  requestJson,
  requireString,
  trimBase,
  type ClientOptions,
  type RequestSpec,
} from './http.ts';

/** Style id used when a request names none (ids come from GET /api/v1/video2video/modellist). */
export const GOENHANCE_DEFAULT_STYLE = 2;

export function createGoEnhance(o: ClientOptions): VideoProvider {
  const http = httpOptions('goenhance', o);
  const base = trimBase(o.baseUrl);
  const headers = { authorization: `Bearer ${o.apiKey}` };

  /** HTTP 200 with code != 0 is still an error. */
  async function call(spec: Omit<RequestSpec, 'headers'>, h = http): Promise<unknown> {
    const res = await requestJson(h, { ...spec, headers });
    const code = pick(res, 'code');
    if (code === 0) return pick(res, 'data');
    const msg = String(pick(res, 'msg') ?? 'error');
    if (typeof code !== 'number')
      throw new ProviderError('goenhance', 'bad_response', 'goenhance: answer lacks code', true);
    if (/token|credit|balance/i.test(msg))
      throw new ProviderError('goenhance', 'insufficient_credits', `goenhance: ${msg}`, false);
    throw new ProviderError('goenhance', 'bad_request', `goenhance: code ${code}: ${msg}`, false);
  }

  return {
    name: 'goenhance',
    async submit(req, signal) {
      if (req.kind !== 'style' || !req.sourceVideoUrl) {
        throw new ProviderError(
          'goenhance',
          'bad_request',
          `goenhance: only style transfer of a source video is offered`,
          false,
        );
      }
      const style = Number.parseInt(req.style ?? '', 10);
      const args = {
        model: Number.isFinite(style) ? style : GOENHANCE_DEFAULT_STYLE,
        reference_video_url: req.sourceVideoUrl,
        duration: Math.min(30, Math.max(3, Math.round(req.durationSeconds))),
        resolution: '720p', // the API offers 540p|720p; higher tiers are upscaled afterwards
        seed: -1,
        prompt: req.prompt || undefined,
      };
      const data = await call({
        method: 'POST',
        url: `${base}/api/v1/video2video/generate`,
        body: { type: 'mx-v2v', args },
        signal,
      });
      return { provider: 'goenhance', jobId: requireString('goenhance', pick(data, 'img_uuid'), 'data.img_uuid') };
    },
    async poll(job, signal): Promise<ProviderJobState> {
      const data = await call({
        method: 'GET',
        url: `${base}/api/v1/jobs/detail?img_uuid=${encodeURIComponent(job.jobId)}`,
        signal,
      });
      const status = pick(data, 'status');
      switch (status) {
        case 'pending':
          return { state: 'pending' };
        case 'processing':
          return { state: 'running' };
        case 'success':
        case 'completed': {
          // the OpenAPI says success, the prose says completed
          const items = pick(data, 'json');
          const video = Array.isArray(items) ? items.find((i) => pick(i, 'type') === 'video') : undefined;
          return {
            state: 'succeeded',
            videoUrl: requireString('goenhance', pick(video, 'value'), 'data.json[type=video].value'),
          };
        }
        case 'failed':
          return {
            state: 'failed',
            error: new ProviderError('goenhance', 'job_failed', `goenhance: job ${job.jobId} failed`, true),
          };
        default:
          throw new ProviderError(
            'goenhance',
            'bad_response',
            `goenhance: unknown status ${JSON.stringify(status)}`,
            true,
          );
      }
    },
    // No cancel endpoint is documented: the job runs to its end and is not collected.
    async cancel() {},
    async probe(signal) {
      try {
        await call({ method: 'GET', url: `${base}/api/v1/user/tokens`, signal }, { ...http, retries: 0 });
        return true;
      } catch {
        return false;
      }
    },
  };
}
