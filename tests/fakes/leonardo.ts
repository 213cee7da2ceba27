// Fake Leonardo REST v1 (shapes from the official SDK: motionVideoGenerationJob, generations_by_pk, JobStatus), with
// image-to-video's init image upload (leonardo-image.ts).
import { startProviderFake, type ProviderFake } from './http.ts';
import { leonardoInitImages, type InitImages } from './leonardo-image.ts';

const PREFIX = '/api/rest/v1';

export async function startLeonardoFake(apiKey = 'leo-key'): Promise<ProviderFake & { initImages: InitImages }> {
  const init = leonardoInitImages(PREFIX);
  const fake = await startProviderFake({
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
      const status = phase === 'succeeded' || phase === 'safety' ? 'COMPLETE' : phase === 'failed' || phase === 'canceled' ? 'FAILED' : 'PENDING';
      const images = status === 'COMPLETE' ? [{ id: `${id}-img`, url: `${videoUrl}.jpg`, nsfw: phase === 'safety', motionMP4URL: videoUrl }] : [];
      return { generations_by_pk: { id, status, prompt: 'x', generated_images: images } };
    },
    probe: () => ({ user_details: [{ user: { id: 'u1', username: 'fake' }, apiPaidTokens: 10 }] }),
  }, PREFIX);
  return Object.assign(fake, { initImages: init.images });
}
