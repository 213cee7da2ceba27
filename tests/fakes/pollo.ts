// Fake Pollo platform API (docs.pollo.ai: x-api-key, /generation/{vendor}/{model}, /generation/{taskId}/status,
// /credit/balance; 403 {code:"FORBIDDEN", message:"Not enough credits"} as seen in client code).
import crypto from 'node:crypto';
import { startProviderFake, type FakeReply, type ProviderFake, type ProviderFakeOptions } from './http.ts';

export const POLLO_NO_CREDITS: FakeReply = { status: 403, body: { code: 'FORBIDDEN', message: 'Not enough credits' } };

/**
 * webhookSecret: like Pollo, a job submitted with a webhookUrl is posted its end there (docs.pollo.ai/webhooks:
 * X-Webhook-Id, X-Webhook-Timestamp, X-Webhook-Signature = base64 HMAC-SHA256 of "id.timestamp.body").
 */
export function startPolloFake(
  apiKey = 'pollo-key',
  opts: { envelope?: boolean; webhookSecret?: string } & ProviderFakeOptions = {},
): Promise<ProviderFake> {
  const wrap = (data: unknown) => (opts.envelope ? { code: 'SUCCESS', message: 'success', data } : data);
  return startProviderFake(
    {
      // Image-to-video (docs.pollo.ai pollo-v1-5/v2-5 "input.image"): a URL Pollo fetches itself.
      check: (_path, req) => {
        const image = (req.body as { input?: { image?: unknown } } | undefined)?.input?.image;
        if (image !== undefined && (typeof image !== 'string' || !/^https?:\/\//.test(image)))
          return { status: 400, body: { code: 'BAD_REQUEST', message: 'input.image must be an image URL' } };
        return undefined;
      },
      authorized: (h) => h['x-api-key'] === apiKey,
      unauthorized: { status: 401, body: { code: 'UNAUTHORIZED', message: 'Invalid API key' } },
      route(method, path) {
        if (method === 'POST' && /^\/generation\/[^/]+\/[^/]+$/.test(path)) return { endpoint: 'submit' };
        if (method === 'GET' && path === '/credit/balance') return { endpoint: 'probe' };
        const m = path.match(/^\/generation\/([^/]+)\/status$/);
        if (m && method === 'GET') return { endpoint: 'poll', jobId: decodeURIComponent(m[1]!) };
        return undefined;
      },
      created: (id) => wrap({ taskId: id, status: 'waiting' }),
      status(id, phase, videoUrl) {
        const status = {
          pending: 'waiting',
          running: 'processing',
          succeeded: 'succeed',
          failed: 'failed',
          safety: 'failed',
          canceled: 'failed',
        }[phase];
        const failMsg =
          phase === 'safety'
            ? 'The prompt contains sensitive content'
            : phase === 'failed'
              ? 'Generation failed, credits refunded'
              : undefined;
        const gen = {
          id: `${id}-g`,
          status,
          mediaType: 'video',
          ...(phase === 'succeeded' ? { url: videoUrl } : {}),
          ...(failMsg ? { failMsg } : {}),
        };
        return wrap({ taskId: id, credit: 10, generations: [gen] });
      },
      probe: () => ({ availableCredits: 100, totalCredits: 200 }),
      callback(id, phase, videoUrl, submitted) {
        const url = (submitted as { webhookUrl?: unknown } | undefined)?.webhookUrl;
        if (typeof url !== 'string') return undefined;
        const status = phase === 'succeeded' ? 'succeed' : 'failed';
        const body = JSON.stringify({
          taskId: id,
          status,
          generations: [
            {
              id: `${id}-g`,
              status,
              mediaType: 'video',
              ...(status === 'succeed' ? { url: videoUrl } : { failMsg: 'Generation failed' }),
            },
          ],
        });
        const webhookId = `wh_${crypto.randomUUID()}`;
        const ts = String(Math.floor(Date.now() / 1000));
        const headers: Record<string, string> = { 'x-webhook-id': webhookId, 'x-webhook-timestamp': ts };
        if (opts.webhookSecret)
          headers['x-webhook-signature'] = crypto
            .createHmac('sha256', opts.webhookSecret)
            .update(`${webhookId}.${ts}.${body}`)
            .digest('base64');
        return { url, headers, body };
      },
    },
    '/api/platform',
    opts,
  );
}
