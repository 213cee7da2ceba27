// POST /webhooks/telegram: the X-Telegram-Bot-Api-Secret-Token header (set with setWebhook secret_token) is
// compared in constant time before the body is parsed (a mismatch counts against the IP); updates go into the
// inbox (deduplicated by update_id, durable) and are handled after the answer (Telegram holds a chat's next update until we answer). Our equivalent of grammY's webhookCallback,
// which would wait for the handler. Source: docs/outside-contracts.md §7.
import type { Server } from '@hapi/hapi';
import type { Update } from 'grammy/types';
import crypto from 'node:crypto';
import { parseJson, rawBodyRoute } from '../../web/raw-body.ts';
import { refuse, routeInbox, type WebhookDeps } from '../webhook.ts';
import { acceptAndHandle, type InboxHandler } from '../inbox.ts';
import { telegramSource } from './inbound.ts';

/** Constant time over digests of equal length, so neither the secret's length nor where it differs leaks. */
const sameSecret = (given: string, secret: string) =>
  crypto.timingSafeEqual(
    crypto.createHash('sha256').update(given).digest(),
    crypto.createHash('sha256').update(secret).digest(),
  );

export function telegramWebhookRoute(
  server: Server,
  d: WebhookDeps & { secretToken: string; botId: string; handle: InboxHandler },
) {
  const inbox = routeInbox(d);
  const source = telegramSource(d.botId);
  const handle = d.handle;
  server.route({
    method: 'POST',
    path: '/webhooks/telegram',
    options: rawBodyRoute,
    handler: async (request, h) => {
      const header = request.headers['x-telegram-bot-api-secret-token'];
      if (typeof header !== 'string' || !sameSecret(header, d.secretToken))
        return refuse(d, request, h, 'secret token is wrong');
      const update = parseJson<Update>(request.payload as Buffer);
      if (update === undefined) return h.response({ error: 'malformed JSON' }).code(400);
      if (!update || typeof update.update_id !== 'number') return h.response({ error: 'no update_id' }).code(400);
      await acceptAndHandle(inbox, source, String(update.update_id), update, handle);
      return h.response().code(200);
    },
  });
}
