// POST /webhooks/line: signature over the raw bytes first (x-line-signature, HMAC-SHA256 with the channel
// secret, SDK validateSignature; a failure counts against the IP), then JSON, then each event into the inbox
// (deduplicated by webhookEventId, durable), then answer; the work runs after. LINE counts an answer slower than
// 2 s as failed (docs/reliability.md), so nothing slow happens here.
import type { Server } from '@hapi/hapi';
import { validateSignature, type webhook } from '@line/bot-sdk';
import { parseJson, rawBodyRoute } from '../../web/raw-body.ts';
import { refuse, routeInbox, type WebhookDeps } from '../webhook.ts';
import { acceptAndHandle, type InboxHandler } from '../inbox.ts';
import { LINE_SOURCE } from './inbound.ts';

export function lineWebhookRoute(server: Server, d: WebhookDeps & { channelSecret: string; handle: InboxHandler }) {
  const inbox = routeInbox(d);
  const handle = d.handle;
  server.route({
    method: 'POST',
    path: '/webhooks/line',
    options: rawBodyRoute,
    handler: async (request, h) => {
      const raw = request.payload as Buffer;
      const signature = request.headers['x-line-signature'];
      if (
        typeof signature !== 'string' ||
        !Buffer.isBuffer(raw) ||
        !validateSignature(raw, d.channelSecret, signature)
      ) {
        return refuse(d, request, h, 'bad signature');
      }
      const body = parseJson<webhook.CallbackRequest>(raw);
      if (body === undefined) return h.response({ error: 'malformed JSON' }).code(400);
      if (!body || !Array.isArray(body.events)) return h.response({ error: 'no events' }).code(400);
      await Promise.all(
        body.events.map(
          (ev) => ev.webhookEventId && acceptAndHandle(inbox, LINE_SOURCE, ev.webhookEventId, ev, handle),
        ),
      );
      return h.response({}).code(200);
    },
  });
}
