// Signed, real-format webhook deliveries for the chat world: LINE events (HMAC-SHA256 over the raw body), Telegram
// updates (secret-token header) and Discord interactions (Ed25519 over timestamp + raw body), each posted through
// the real routes with server.inject, waiting for the after-answer work.
import crypto from 'node:crypto';
import { DISCORD_APP, LINE_SECRET, TG_SECRET, type ChatWorld } from './world.ts';

let seq = 0;
const next = () => ++seq;

export type LineSource =
  | { type: 'user'; userId: string }
  | { type: 'group'; groupId: string; userId: string }
  | { type: 'room'; roomId: string; userId: string };

export function lineText(source: LineSource, text: string) {
  const n = next();
  return {
    type: 'message',
    mode: 'active',
    timestamp: Date.now(),
    source,
    webhookEventId: `01HSIGNED${String(n).padStart(17, '0')}`,
    deliveryContext: { isRedelivery: false },
    replyToken: `rt-signed-${n}`,
    message: { id: String(90_000 + n), type: 'text', quoteToken: `q${n}`, text },
  };
}

export async function postLine(w: ChatWorld, events: unknown[]) {
  const payload = JSON.stringify({ destination: 'Ubot', events });
  const signature = crypto.createHmac('sha256', LINE_SECRET).update(payload).digest('base64');
  const res = await w.server.inject({
    method: 'POST',
    url: '/webhooks/line',
    payload,
    headers: { 'content-type': 'application/json', 'x-line-signature': signature },
  });
  await w.bot.background.idle();
  return res;
}

export type TgChat = { id: number; type: 'private' | 'group' | 'supergroup'; title?: string };

export function tgMessage(from: number, chat: TgChat, text: string, name = 'Tess') {
  const n = next();
  return {
    update_id: 700_000 + n,
    message: {
      message_id: n,
      date: Math.floor(Date.now() / 1000),
      chat,
      from: { id: from, is_bot: false, first_name: name, language_code: 'en' },
      text,
    },
  };
}

export function tgButton(from: number, chat: TgChat, data: string, name = 'Tess') {
  const n = next();
  return {
    update_id: 700_000 + n,
    callback_query: {
      id: `cb${n}`,
      from: { id: from, is_bot: false, first_name: name, language_code: 'en' },
      chat_instance: 'ci',
      data,
      message: { message_id: 10 + n, date: Math.floor(Date.now() / 1000), chat, text: 'question' },
    },
  };
}

export async function postTelegram(w: ChatWorld, update: unknown) {
  const res = await w.server.inject({
    method: 'POST',
    url: '/webhooks/telegram',
    payload: JSON.stringify(update),
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TG_SECRET },
  });
  await w.bot.background.idle();
  return res;
}

/** A slash command (type 2) or a button press (type 3, `custom_id`); `guildId` puts it in a server channel. */
export function discordCommand(
  userId: string,
  name: string,
  opts: { guildId?: string; channelId?: string; value?: string; custom?: string; userName?: string } = {},
) {
  const n = next();
  const user = {
    id: userId,
    username: opts.userName ?? `u${userId}`,
    global_name: opts.userName ?? null,
    discriminator: '0',
    avatar: null,
  };
  return {
    id: `33${String(n).padStart(16, '0')}`,
    application_id: DISCORD_APP,
    type: opts.custom ? 3 : 2,
    token: `itok-signed-${n}-${'x'.repeat(40)}`,
    version: 1,
    locale: 'en-US',
    channel_id: opts.channelId ?? `9${userId}`,
    app_permissions: '0',
    ...(opts.guildId
      ? { guild_id: opts.guildId, member: { user, roles: [], joined_at: '2026-01-01T00:00:00Z' } }
      : { user }),
    data: opts.custom
      ? { custom_id: opts.custom, component_type: 2 }
      : {
          id: '77',
          name,
          type: 1,
          options: opts.value !== undefined ? [{ name: 'code', type: 3, value: opts.value }] : [],
        },
  };
}

export async function postDiscord(w: ChatWorld, body: unknown, opts: { timestamp?: number } = {}) {
  const raw = JSON.stringify(body);
  const ts = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const sig = crypto.sign(null, Buffer.from(ts + raw), w.discordKeys.privateKey).toString('hex');
  const res = await w.server.inject({
    method: 'POST',
    url: '/webhooks/discord',
    payload: raw,
    headers: { 'content-type': 'application/json', 'x-signature-ed25519': sig, 'x-signature-timestamp': ts },
  });
  await w.bot.background.idle();
  return res;
}

/** Every string a fake platform was sent, flattened (texts, captions, button labels and URLs). */
export const allText = (x: unknown): string => JSON.stringify(x);
