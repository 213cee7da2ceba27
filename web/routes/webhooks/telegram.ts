// POST /webhooks/telegram: the X-Telegram-Bot-Api-Secret-Token header (set with setWebhook secret_token) is
// compared in constant time before the body is parsed; updates are deduplicated by update_id and handled after
// the answer (Telegram holds a chat's next update until we answer). Our equivalent of grammY's webhookCallback,
// which would wait for the handler. Source: api-contracts.md §7.
import crypto from 'node:crypto';
import type { Server } from '@hapi/hapi';
import type { Update } from 'grammy/types';
import type { TelegramAdapter } from '../../../bot/telegram/telegram-adapter.ts';
import { clientIp, type WebhookDeps } from './common.ts';

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
};

export function telegramWebhookRoute(server: Server, d: WebhookDeps & { secretToken: string; botId: string; adapter: TelegramAdapter }) {
  server.route({
    method: 'POST',
    path: '/webhooks/telegram',
    options: { auth: false, payload: { parse: false, output: 'data', maxBytes: 1024 * 1024 } },
    handler: async (request, h) => {
      if (!(await d.ipLimiter.consume(clientIp(request)))) return h.response({ error: 'rate limited' }).code(429);
      const header = request.headers['x-telegram-bot-api-secret-token'];
      if (typeof header !== 'string' || !same(header, d.secretToken)) return h.response({ error: 'secret token is wrong' }).code(401);
      let update: Update;
      try {
        update = JSON.parse((request.payload as Buffer).toString('utf8'));
      } catch {
        return h.response({ error: 'malformed JSON' }).code(400);
      }
      if (!update || typeof update.update_id !== 'number') return h.response({ error: 'no update_id' }).code(400);
      if (await d.dedupe.firstDelivery(`telegram:${d.botId}`, String(update.update_id))) {
        d.background.run('telegram update', () => d.adapter.handleUpdate(update));
      }
      return h.response().code(200);
    },
  });
}
