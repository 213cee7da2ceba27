// Fake Runway API (shapes from runwayml/sdk-node tasks.ts and runwayml/skills rw-api-reference).
import { startProviderFake, type ProviderFake } from './http.ts';
import { runwayImageCheck, type RunwayImages } from './runway-image.ts';

export async function startRunwayFake(apiKey = 'rw-key'): Promise<ProviderFake & { images: RunwayImages }> {
  const image = runwayImageCheck();
  const fake = await startProviderFake({
    check: image.check,
    authorized: (h) => h.authorization === `Bearer ${apiKey}` && h['x-runway-version'] === '2024-11-06',
    unauthorized: { status: 401, body: { error: 'Invalid API key' } },
    route(method, path) {
      if (method === 'POST' && path === '/v1/text_to_video') return { endpoint: 'submit' };
      if (method === 'POST' && path === '/v1/image_to_video') return { endpoint: 'submit' };
      if (method === 'GET' && path === '/v1/organization') return { endpoint: 'probe' };
      const m = path.match(/^\/v1\/tasks\/([^/]+)$/);
      if (m && method === 'GET') return { endpoint: 'poll', jobId: decodeURIComponent(m[1]!) };
      if (m && method === 'DELETE') return { endpoint: 'cancel', jobId: decodeURIComponent(m[1]!) };
      return undefined;
    },
    canceled: { status: 204 },
    created: (id) => ({ id }),
    status(id, phase, videoUrl) {
      const base = { id, createdAt: new Date().toISOString() };
      switch (phase) {
        case 'pending':
          return { ...base, status: 'PENDING' };
        case 'running':
          return { ...base, status: 'RUNNING', progress: 0.42 };
        case 'succeeded':
          return { ...base, status: 'SUCCEEDED', output: [videoUrl] };
        case 'failed':
          return {
            ...base,
            status: 'FAILED',
            failure: 'An unexpected error occurred.',
            failureCode: 'INTERNAL.BAD_OUTPUT.CODE01',
          };
        case 'safety':
          return {
            ...base,
            status: 'FAILED',
            failure: 'Prompt flagged by moderation.',
            failureCode: 'SAFETY.INPUT.TEXT',
          };
        case 'canceled':
          return { ...base, status: 'CANCELLED' };
      }
    },
    probe: () => ({ tier: { maxMonthlyCreditSpend: 10000, models: {} }, creditBalance: 500, usage: { models: {} } }),
  });
  return Object.assign(fake, { images: image.images });
}
