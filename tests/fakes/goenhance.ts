// Fake GoEnhance API (docs.goenhance.ai: bearerAuth, {code,msg,data} envelope, /api/v1/video2video/generate,
// /api/v1/jobs/detail?img_uuid=, status pending|processing|success|failed; GET /api/v1/user/tokens).
import { startProviderFake, type ProviderFake } from './http.ts';

export function startGoEnhanceFake(
  apiKey = 'ge-key',
  opts: { doneWord?: 'success' | 'completed' } = {},
): Promise<ProviderFake> {
  const ok = (data: unknown) => ({ code: 0, msg: 'Success', data });
  return startProviderFake({
    authorized: (h) => h.authorization === `Bearer ${apiKey}`,
    unauthorized: { status: 401, body: { code: 401, msg: 'Unauthorized' } },
    route(method, path, query) {
      if (method === 'POST' && path === '/api/v1/video2video/generate') return { endpoint: 'submit' };
      if (method === 'GET' && path === '/api/v1/user/tokens') return { endpoint: 'probe' };
      if (method === 'GET' && path === '/api/v1/jobs/detail')
        return { endpoint: 'poll', jobId: query.get('img_uuid') ?? '' };
      return undefined;
    },
    created: (id) => ok({ img_uuid: id }),
    status(id, phase, videoUrl) {
      const status = {
        pending: 'pending',
        running: 'processing',
        succeeded: opts.doneWord ?? 'success',
        failed: 'failed',
        safety: 'failed',
        canceled: 'failed',
      }[phase];
      const json =
        phase === 'succeeded'
          ? [
              { type: 'image', value: `${videoUrl}.jpg` },
              { type: 'video', value: videoUrl },
            ]
          : [];
      return ok({ img_uuid: id, status, type: 'mx-v2v', start_time: 1, model_id: 2, json });
    },
    probe: () => ok({ count: 100 }),
  });
}
