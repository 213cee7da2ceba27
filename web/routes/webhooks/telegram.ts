// POST /webhooks/telegram: the X-Telegram-Bot-Api-Secret-Token header (set with setWebhook secret_token) is
// compared in constant time before the body is parsed (a mismatch counts against the IP); updates go into the
// inbox (deduplicated by update_id, durable) and are handled after the answer (Telegram holds a chat's next update until we answer). Our equivalent of grammY's webhookCallback,
// which would wait for the handler. Source: docs/outside-contracts.md §7.
import type { Server } from '@hapi/hapi';
import type { Update } from 'grammy/types';
import type { TelegramAdapter } from '../../../bot/telegram/telegram-adapter.ts';
import { parseJson, rawBodyRoute, refuse, routeInbox, type WebhookDeps } from './common.ts';
import { acceptAndHandle } from '../../../bot/inbox.ts';
import { telegramHandler, telegramSource } from '../../../bot/inbox-resume.ts';
import { safeEqual } from '../../../infra/crypto/safe-equal.ts';

export function telegramWebhookRoute(
  server: Server,
  d: WebhookDeps & { secretToken: string; botId: string; adapter: TelegramAdapter },
) {
  const inbox = routeInbox(d);
  const source = telegramSource(d.botId);
  const handle = telegramHandler(d.adapter);
  server.route({
    method: 'POST',
    path: '/webhooks/telegram',
    options: rawBodyRoute,
    handler: async (request, h) => {
      const header = request.headers['x-telegram-bot-api-secret-token'];
      if (typeof header !== 'string' || !safeEqual(header, d.secretToken))
        return refuse(d, request, h, 'secret token is wrong');
      const update = parseJson<Update>(request.payload as Buffer);
      if (update === undefined) return h.response({ error: 'malformed JSON' }).code(400);
      if (!update || typeof update.update_id !== 'number') return h.response({ error: 'no update_id' }).code(400);
      await acceptAndHandle(inbox, source, String(update.update_id), update, handle);
      return h.response().code(200);
    },
  });
}
