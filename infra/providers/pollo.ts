// Pollo AI text-to-video and image-to-video (premium, charged in points).
// Sources (see docs/providers.md): docs.pollo.ai (x-api-key curl samples; /task/get-task-status.md OpenAPI
// generation-queryGeneratingVideo; /webhooks for succeed/failed; /credits/balance for GET /credit/balance);
// public client code for the waiting|processing|succeed|failed enum and the 403 "Not enough credits" answer.
import { ProviderError, type ProviderJobState, type VideoProvider } from '../../core/ports.ts';
import { httpOptions, pick, probeGet, requestJson, requireString, trimBase, type ClientOptions } from './http.ts';

/** The model route used for text-to-video; its `input` takes prompt, resolution and length (seconds). */
export const POLLO_MODEL = 'pollo/pollo-v1-6';

/** Some answers come wrapped as {code:"SUCCESS", message, data:{…}}: unwrap defensively. */
const unwrap = (res: unknown) => (pick(res, 'data') && typeof pick(res, 'data') === 'object' ? pick(res, 'data') : res);

const SAFETY = /sensitive|nsfw|moderat|safety|inappropriate|violat/i;

export function createPollo(o: ClientOptions): VideoProvider {
  const http = httpOptions('pollo', o, (status, body, text) => {
    if (status === 403 && /not enough credits/i.test(String(pick(body, 'message') ?? text))) {
      return new ProviderError('pollo', 'insufficient_credits', 'pollo: Not enough credits', false);
    }
    return undefined;
  });
  const base = trimBase(o.baseUrl);
  const headers = { 'x-api-key': o.apiKey };

  return {
    name: 'pollo',
    async submit(req, signal) {
      if (req.kind === 'style' || req.kind === 'upscale') {
        throw new ProviderError('pollo', 'bad_request', `pollo: ${req.kind} is not offered`, false);
      }
      // Image-to-video on the same model: input.image is a URL Pollo fetches (our short-lived signed one).
      const input = {
        ...(req.kind === 'image' && req.image ? { image: req.image.url } : {}),
        prompt: req.prompt,
        resolution: req.resolution === '720p' ? '720p' : '1080p',
        length: req.durationSeconds <= 5 ? 5 : 10,
      };
      // webhookUrl (docs.pollo.ai/webhooks): Pollo posts the task's end there; polling stays the fallback.
      const webhookUrl = o.callbackUrl?.(req.generationId);
      const body = webhookUrl ? { input, webhookUrl } : { input };
      const res = unwrap(
        await requestJson(http, { method: 'POST', url: `${base}/generation/${POLLO_MODEL}`, headers, body, signal }),
      );
      return { provider: 'pollo', jobId: requireString('pollo', pick(res, 'taskId'), 'taskId') };
    },
    async poll(job, signal): Promise<ProviderJobState> {
      const url = `${base}/generation/${encodeURIComponent(job.jobId)}/status`;
      const res = unwrap(await requestJson(http, { method: 'GET', url, headers, signal }));
      const gen = pick(res, 'generations', 0);
      switch (pick(gen, 'status')) {
        case 'waiting':
          return { state: 'pending' };
        case 'processing':
          return { state: 'running' };
        case 'succeed':
          return { state: 'succeeded', videoUrl: requireString('pollo', pick(gen, 'url'), 'generations[0].url') };
        case 'failed': {
          const msg = String(pick(gen, 'failMsg') ?? 'failed');
          // Pollo reports moderation only as text in failMsg: matched by words, documented in docs/providers.md.
          return SAFETY.test(msg)
            ? { state: 'failed', error: new ProviderError('pollo', 'rejected_content', `pollo: ${msg}`, false) }
            : { state: 'failed', error: new ProviderError('pollo', 'job_failed', `pollo: ${msg}`, true) };
        }
        default:
          throw new ProviderError(
            'pollo',
            'bad_response',
            `pollo: unknown status ${JSON.stringify(pick(gen, 'status'))}`,
            true,
          );
      }
    },
    // Pollo documents no cancel endpoint: the task runs to its end and is not collected.
    async cancel() {},
    probe: (signal) => probeGet(http, `${base}/credit/balance`, headers, signal),
  };
}
