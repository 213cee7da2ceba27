// POST /webhooks/line: signature over the raw bytes first (x-line-signature, HMAC-SHA256 with the channel
// secret, SDK validateSignature), then JSON, then dedupe by webhookEventId, then answer; the work runs after.
// LINE counts an answer slower than 2 s as failed (reliability-notes.md), so nothing slow happens here.
import type { Server } from '@hapi/hapi';
import { validateSignature, type webhook } from '@line/bot-sdk';
import type { WebhookDeps } from './common.ts';
import { clientIp } from './common.ts';
import type { LineAdapter } from '../../../bot/line/line-adapter.ts';

export function lineWebhookRoute(server: Server, d: WebhookDeps & { channelSecret: string; adapter: LineAdapter }) {
  server.route({
    method: 'POST',
    path: '/webhooks/line',
    options: { auth: false, payload: { parse: false, output: 'data', maxBytes: 1024 * 1024 } },
    handler: async (request, h) => {
      if (!(await d.ipLimiter.consume(clientIp(request)))) return h.response({ error: 'rate limited' }).code(429);
      const raw = request.payload as Buffer;
      const signature = request.headers['x-line-signature'];
      if (typeof signature !== 'string' || !Buffer.isBuffer(raw) || !validateSignature(raw, d.channelSecret, signature)) {
        return h.response({ error: 'bad signature' }).code(401);
      }
      let body: webhook.CallbackRequest;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return h.response({ error: 'malformed JSON' }).code(400);
      }
      if (!body || !Array.isArray(body.events)) return h.response({ error: 'no events' }).code(400);
      const fresh = await Promise.all(body.events.map((ev) => (ev.webhookEventId ? d.dedupe.firstDelivery('line', ev.webhookEventId) : false)));
      body.events.forEach((ev, i) => {
        if (fresh[i]) d.background.run('line event', () => d.adapter.handleEvent(ev));
      });
      return h.response({}).code(200);
    },
  });
}
