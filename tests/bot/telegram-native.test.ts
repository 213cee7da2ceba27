// Telegram the way its users expect, against the fake Bot API speaking Telegram's failures: an unchanged edit
// ("message is not modified") is success and never a second status message; a 429 retry_after is waited out; the
// webhook and command menus are set at start-up; a pressed question loses its buttons; no loopback URL is handed over.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from 'grammy';
import { buildChatWorld, TG_SECRET, TG_TOKEN, type ChatWorld } from './support/world.ts';
import { installFloodControl, TELEGRAM_LIMITS } from '../../bot/telegram/flood-control.ts';
import { renderTelegram } from '../../bot/telegram/render.ts';

let w: ChatWorld;
beforeAll(async () => {
  w = await buildChatWorld();
  await w.bot.ready;
}, 60_000);
afterAll(async () => w?.close());

let updateId = 9000;
let messageId = 1;
const from = (id: number, lang = 'en') => ({ id, is_bot: false, first_name: 'T', language_code: lang });
const message = (userId: number, text: string, lang = 'en') => ({
  update_id: ++updateId,
  message: {
    message_id: ++messageId,
    date: Math.floor(Date.now() / 1000),
    chat: { id: userId, type: 'private' },
    from: from(userId, lang),
    text,
  },
});
async function post(update: unknown) {
  const res = await w.server.inject({
    method: 'POST',
    url: '/webhooks/telegram',
    payload: JSON.stringify(update),
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TG_SECRET },
  });
  await w.bot.background.idle();
  return res;
}
const sentTo = (chat: number, method = 'sendMessage') =>
  w.telegram.of(method).filter((c) => Number(c.params.chat_id) === chat);

async function payingUser(tgId: number) {
  await post(message(tgId, '/help'));
  const userId = await w.userOf('telegram', String(tgId));
  await w.subscribe(userId, 'starter');
  await w.q(`UPDATE users SET auto_pay = true WHERE id = $1`, [userId]);
  await w.ledger.credit(userId, 'purchased', 30, 'purchase', `test:${userId}:buy`);
  return userId;
}

describe('Telegram status message and flood control', () => {
  it('"message is not modified" is success and a 429 retry_after is waited out: one status message, the wait honoured', async () => {
    const userId = await payingUser(51);
    await post(message(51, '/video a paper boat on a canal'));
    const [gen] = await w.q<{ id: string }>(`SELECT id FROM generations WHERE user_id = $1`, [userId]);
    const before = sentTo(51).length;
    const target = { platform: 'telegram' as const, chatId: '51', platformUserId: '51', locale: 'en' as const };
    const progress = (percent: number) => ({
      kind: 'progress' as const,
      generationId: gen!.id,
      stage: 'render',
      percent,
      message: { key: 'core.progress.rendering' },
    });

    await w.hub.push(target, [progress(40)]);
    await w.hub.push(target, [progress(40)]); // the same text again: Telegram answers 400 "message is not modified"
    const edits = sentTo(51, 'editMessageText');
    expect(edits.map((e) => e.status)).toEqual([200, 400]);

    w.telegram.ctl.flood = { method: 'editMessageText', times: 1, retryAfter: 1 };
    await w.hub.push(target, [progress(70)]);
    const flooded = sentTo(51, 'editMessageText').slice(2);
    expect(flooded.map((e) => e.status)).toEqual([429, 200]);
    expect(flooded[1]!.at - flooded[0]!.at).toBeGreaterThanOrEqual(1_000); // retry_after: 1 second
    expect(flooded[1]!.params.text).toMatch(/70%/);

    await w.runQueued();
    expect(
      sentTo(51)
        .slice(before)
        .filter((c) => /%/.test(c.params.text)),
    ).toHaveLength(0); // never a second status message
    expect(new Set(sentTo(51, 'editMessageText').map((e) => Number(e.params.message_id))).size).toBe(1);
    expect(sentTo(51, 'sendVideo')).toHaveLength(1);
    // A progress push arriving after the video is ignored, not a new message.
    await w.hub.push(target, [progress(99)]);
    expect(
      sentTo(51)
        .slice(before)
        .filter((c) => /%/.test(c.params.text)),
    ).toHaveLength(0);
  }, 30_000);

  it('progress without a queued answer creates one status message even when pushes race', async () => {
    const target = { platform: 'telegram' as const, chatId: '52', platformUserId: '52', locale: 'en' as const };
    const p = {
      kind: 'progress' as const,
      generationId: '00000000-0000-4000-8000-000000000052',
      stage: 'render',
      percent: 10,
      message: { key: 'core.progress.rendering' },
    };
    await Promise.all([w.hub.push(target, [p]), w.hub.push(target, [p]), w.hub.push(target, [{ ...p, percent: 20 }])]);
    expect(sentTo(52)).toHaveLength(1);
  });

  it('the throttler spaces calls into one private chat and auto-retry gives up on a wait longer than allowed', async () => {
    const api = new Api(TG_TOKEN, { apiRoot: w.telegram.url });
    installFloodControl(api, { ...TELEGRAM_LIMITS, privateBurst: 2, privateBurstMs: 600, maxRetryAfterSeconds: 5 });
    const start = Date.now();
    await Promise.all([1, 2, 3, 4].map((n) => api.sendMessage(53, `burst ${n}`)));
    const times = sentTo(53).map((c) => c.at - start);
    expect(times).toHaveLength(4);
    expect(times[2]!).toBeGreaterThanOrEqual(500); // the third waited for the next refill
    // A chat action posts nothing: it does not wait behind the chat's messages.
    const t0 = Date.now();
    await Promise.all([
      api.sendMessage(56, 'a'),
      api.sendMessage(56, 'b'),
      api.sendMessage(56, 'c'),
      api.sendChatAction(56, 'typing'),
    ]);
    expect(sentTo(56, 'sendChatAction')[0]!.at - t0).toBeLessThan(400);
    expect(sentTo(56)[2]!.at - t0).toBeGreaterThanOrEqual(500);
    w.telegram.ctl.flood = { method: 'sendMessage', times: 1, retryAfter: 30 };
    await expect(api.sendMessage(54, 'too long a wait')).rejects.toMatchObject({ error_code: 429 });
  });
});

describe('Telegram start-up, keyboards and URLs', () => {
  it('sets the webhook with the secret token for the https base URL', () => {
    expect(w.telegram.webhook).toMatchObject({ url: 'https://vidgo.test/webhooks/telegram', secretToken: TG_SECRET });
    expect(w.telegram.webhook.allowedUpdates).toEqual(['message', 'callback_query']);
  });

  it("sets the command menu per language, and /admin only in the admins' chats", () => {
    const menu = (scope: object, lang = '') =>
      w.telegram.commands.get(`${JSON.stringify(scope)}|${lang}`) as
        | { command: string; description: string }[]
        | undefined;
    const def = { type: 'default' };
    for (const lang of ['', 'en', 'ja', 'zh', 'ko', 'es'])
      expect(menu(def, lang)?.map((c) => c.command)).not.toContain('admin');
    expect(menu(def, 'ja')!.find((c) => c.command === 'video')!.description).not.toBe(
      menu(def, 'en')!.find((c) => c.command === 'video')!.description,
    );
    expect(menu({ type: 'chat', chat_id: 7777 }, 'ko')!.map((c) => c.command)).toContain('admin');
    expect(
      [...w.telegram.commands.keys()].filter((k) => k.includes('"chat"')).every((k) => k.includes('"chat_id":7777')),
    ).toBe(true);
  });

  it('a pressed question loses its buttons, so the same button cannot be pressed twice', async () => {
    await post(message(55, '/lang'));
    const question = sentTo(55).at(-1)!;
    const button = question.params.reply_markup.inline_keyboard.flat()[1];
    const press = (id: string) =>
      post({
        update_id: ++updateId,
        callback_query: {
          id,
          chat_instance: 'c',
          data: button.callback_data,
          from: from(55),
          message: {
            message_id: question.messageId,
            date: 1,
            chat: { id: 55, type: 'private' },
            text: question.params.text,
            reply_markup: question.params.reply_markup,
          },
        },
      });
    await press('cb55');
    const [removed] = w.telegram
      .of('editMessageReplyMarkup')
      .filter((c) => Number(c.params.message_id) === question.messageId);
    expect(removed!.status).toBe(200);
    expect(removed!.params.reply_markup).toBeUndefined();
    expect(w.telegram.shown.get(`55:${question.messageId}`)!.markup).toBe('null');
  });

  it('hands Telegram only public https URLs: a loopback or http video is uploaded, a public one goes by URL', () => {
    const t = w.bot.t;
    const video = (videoUrl: string, localPath?: string) =>
      renderTelegram(t, 'en', [
        {
          kind: 'video',
          generationId: 'g1',
          videoUrl,
          previewUrl: '',
          sizeBytes: 1000,
          caption: { key: 'core.done.caption_local' },
          galleryUrl: 'https://vidgo.test/g/1',
          ...(localPath ? { localPath } : {}),
        },
      ])[0]!;
    expect(video('https://cdn.vidgo.example/v.mp4')).toMatchObject({
      method: 'video',
      url: 'https://cdn.vidgo.example/v.mp4',
    });
    expect(video('https://localhost:3000/media/v.mp4', '/tmp/v.mp4')).toMatchObject({
      method: 'video',
      file: '/tmp/v.mp4',
    });
    expect(video('http://cdn.vidgo.example/v.mp4')).toMatchObject({
      method: 'video',
      fetch: 'http://cdn.vidgo.example/v.mp4',
    });
    expect(video('https://192.168.1.5/v.mp4')).not.toHaveProperty('url');
  });
});
