// Fake Leonardo REST v1 (shapes from the official SDK: motionVideoGenerationJob, generations_by_pk, JobStatus), with
// image-to-video's init image upload (leonardo-image.ts).
import { startProviderFake, type ProviderFake, type ProviderFakeOptions } from './http.ts';
import { leonardoInitImages, type InitImages } from './leonardo-image.ts';

const PREFIX = '/api/rest/v1';

/**
 * webhook: like a Leonardo production key made with a webhook callback URL and API key, every job's end is posted
 * there with `authorization: Bearer <key>` in the documented envelope { type, object, timestamp, api_version,
 * data: { object: generation } } (docs.leonardo.ai, Guide to the Webhook Callback Feature).
 */
export async function startLeonardoFake(
  apiKey = 'leo-key',
  opts: { webhook?: { url: string; apiKey: string } } & ProviderFakeOptions = {},
): Promise<ProviderFake & { initImages: InitImages }> {
  const init = leonardoInitImages(PREFIX);
  const fake = await startProviderFake(
    {
      extra: init.extra,
      check: init.check,
      authorized: (h) => h.authorization === `Bearer ${apiKey}`,
      unauthorized: { status: 401, body: { error: 'Invalid token', path: '$', code: 'invalid-jwt' } },
      route(method, path) {
        if (method === 'POST' && path === '/generations-text-to-video') return { endpoint: 'submit' };
        if (method === 'POST' && path === '/generations-image-to-video') return { endpoint: 'submit' };
        if (method === 'GET' && path === '/me') return { endpoint: 'probe' };
        const m = path.match(/^\/generations\/([^/]+)$/);
        if (m && method === 'GET') return { endpoint: 'poll', jobId: decodeURIComponent(m[1]!) };
        if (m && method === 'DELETE') return { endpoint: 'cancel', jobId: decodeURIComponent(m[1]!) };
        return undefined;
      },
      created: (id) => ({ motionVideoGenerationJob: { generationId: id, cost: { amount: 1 }, apiCreditCost: 25 } }),
      status(id, phase, videoUrl) {
        const status =
          phase === 'succeeded' || phase === 'safety'
            ? 'COMPLETE'
            : phase === 'failed' || phase === 'canceled'
              ? 'FAILED'
              : 'PENDING';
        const images =
          status === 'COMPLETE'
            ? [{ id: `${id}-img`, url: `${videoUrl}.jpg`, nsfw: phase === 'safety', motionMP4URL: videoUrl }]
            : [];
        return { generations_by_pk: { id, status, prompt: 'x', generated_images: images } };
      },
      probe: () => ({ user_details: [{ user: { id: 'u1', username: 'fake' }, apiPaidTokens: 10 }] }),
      callback(id, phase, videoUrl) {
        if (!opts.webhook) return undefined;
        const status = phase === 'succeeded' || phase === 'safety' ? 'COMPLETE' : 'FAILED';
        const images =
          status === 'COMPLETE'
            ? [
                {
                  id: `${id}-img`,
                  url: `${videoUrl}.jpg`,
                  nsfw: phase === 'safety',
                  motionMP4URL: videoUrl,
                  generationId: id,
                },
              ]
            : [];
        const body = JSON.stringify({
          type: 'video_generation.complete',
          object: 'generation',
          timestamp: Date.now(),
          api_version: 'v1',
          data: { object: { id, status, images } },
        });
        return { url: opts.webhook.url, headers: { authorization: `Bearer ${opts.webhook.apiKey}` }, body };
      },
    },
    PREFIX,
    opts,
  );
  return Object.assign(fake, { initImages: init.images });
}
