// Telegram end to end: webhook updates with the secret-token header through hapi → real core → grammY's Api
// talking to the fake Bot API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChatWorld, TG_SECRET, type ChatWorld } from './support/world.ts';

let w: ChatWorld;
beforeAll(async () => {
  w = await buildChatWorld();
}, 60_000);
afterAll(async () => w?.close());

let updateId = 5000;
let messageId = 1;
function message(userId: number, text: string | undefined, lang = 'en', extra: Record<string, unknown> = {}) {
  return {
    update_id: ++updateId,
    message: {
      message_id: ++messageId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: userId, type: 'private', first_name: 'T' },
      from: { id: userId, is_bot: false, first_name: 'T', language_code: lang },
      ...(text !== undefined ? { text } : {}),
      ...extra,
    },
  };
}
async function post(update: unknown, secret = TG_SECRET, raw?: string) {
  const res = await w.server.inject({
    method: 'POST',
    url: '/webhooks/telegram',
    payload: raw ?? JSON.stringify(update),
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
  });
  await w.bot.background.idle();
  return res;
}
const sentTo = (chat: number, method = 'sendMessage') =>
  w.telegram.of(method).filter((c) => Number(c.params.chat_id) === chat);

describe('Telegram webhook', () => {
  it('refuses a wrong secret token with 401 and changes nothing', async () => {
    const u = message(31, '/help');
    expect((await post(u, 'not-the-secret')).statusCode).toBe(401);
    expect(await w.q(`SELECT 1 FROM processed_events WHERE source LIKE 'telegram:%'`)).toHaveLength(0);
    expect(sentTo(31)).toHaveLength(0);
  });

  it('answers malformed JSON with 400', async () => {
    expect((await post(null, TG_SECRET, '{"update_id": 1, "message": {')).statusCode).toBe(400);
  });

  it('welcomes /start in the user Telegram language, with inline keyboard buttons', async () => {
    await post(message(32, '/start', 'ja'));
    const [m] = sentTo(32);
    expect(m!.params.text).toContain('VidGoへようこそ');
    expect(m!.params.reply_markup.inline_keyboard.flat().map((b: any) => b.callback_data)).toContain('/balance');
  });

  it('answers a photo with a short localized help', async () => {
    await post(message(33, undefined, 'ko', { photo: [{ file_id: 'p', file_unique_id: 'u', width: 10, height: 10 }] }));
    expect(sentTo(33).map((c) => c.params.text)).toEqual([
      '텍스트만 읽을 수 있습니다. 만들고 싶은 영상을 설명하는 프롬프트를 보내거나 /help 를 입력하세요.',
    ]);
  });

  it('a button press runs its command and answers the callback query', async () => {
    await post({
      update_id: ++updateId,
      callback_query: {
        id: 'cbq-1',
        chat_instance: 'ci',
        data: '/settings autopay on',
        from: { id: 34, is_bot: false, first_name: 'B', language_code: 'es' },
        message: { message_id: 9, date: 1, chat: { id: 34, type: 'private' } },
      },
    });
    expect(w.telegram.of('answerCallbackQuery').map((c) => c.params.callback_query_id)).toContain('cbq-1');
    expect(sentTo(34).map((c) => c.params.text)).toEqual(['Pago automático activado.']);
    expect(await w.q(`SELECT auto_pay FROM users WHERE id = $1`, [await w.userOf('telegram', '34')])).toEqual([
      { auto_pay: true },
    ]);
  });

  it('a repeated update makes one generation and one charge; one status message is edited with progress; the video is uploaded', async () => {
    await post(message(35, '/help'));
    const userId = await w.userOf('telegram', '35');
    await w.subscribe(userId, 'starter');
    await w.q(`UPDATE users SET auto_pay = true WHERE id = $1`, [userId]);
    await w.ledger.credit(userId, 'purchased', 30, 'purchase', `test:${userId}:buy`);
    await w.setDown('leonardo', 'runway');

    const u = message(35, '/video a red fox in snow');
    expect((await post(u)).statusCode).toBe(200);
    expect((await post(u)).statusCode).toBe(200);
    expect(await w.q(`SELECT id FROM generations WHERE user_id = $1`, [userId])).toHaveLength(1);
    expect((await w.ledger.balance(userId)).purchased).toBe(25);
    expect(sentTo(35, 'sendChatAction').map((c) => c.params.action)).toContain('upload_video');
    const statusCount = sentTo(35).length;

    await w.runQueued();
    const edits = sentTo(35, 'editMessageText');
    expect(edits.length).toBeGreaterThan(0);
    expect(new Set(edits.map((e) => Number(e.params.message_id))).size).toBe(1); // ONE status message
    expect(edits.at(-1)!.params.text).toMatch(/%/);
    const [video, ...more] = sentTo(35, 'sendVideo');
    expect(more).toHaveLength(0);
    // The media URL is on this machine (127.0.0.1), which Telegram cannot fetch: the file is uploaded instead.
    expect(video!.status).toBe(200);
    expect(video!.params.video.name).toMatch(/\.mp4$/);
    expect(video!.params.video.size).toBeGreaterThan(0);
    expect(w.telegram.fetched).toHaveLength(0);
    expect(sentTo(35).length).toBeGreaterThan(statusCount); // the receipt follows the video
    await w.runQueued();
    expect(sentTo(35, 'sendVideo')).toHaveLength(1);
    await w.setUp('leonardo', 'runway');
  });

  it('two videos at once: each has its own status message, edited with its own progress', async () => {
    await post(message(38, '/help'));
    const userId = await w.userOf('telegram', '38');
    await w.subscribe(userId, 'starter'); // two at a time
    await w.q(`UPDATE users SET auto_pay = true WHERE id = $1`, [userId]);
    await w.ledger.credit(userId, 'purchased', 30, 'purchase', `test:${userId}:buy2`);
    const before = sentTo(38).length;
    await post(message(38, '/video a kite over dunes'));
    await post(message(38, '/video a lantern on water'));
    const queued = sentTo(38)
      .slice(before)
      .map((c) => c.messageId!);
    expect(queued).toHaveLength(2);
    const gens = await w.q<{ id: string }>(`SELECT id FROM generations WHERE user_id = $1 ORDER BY created_at`, [
      userId,
    ]);
    expect(gens).toHaveLength(2);
    const sends = sentTo(38).length;

    await w.runQueued();
    const edits = sentTo(38, 'editMessageText');
    expect(new Set(edits.map((e) => Number(e.params.message_id)))).toEqual(new Set(queued)); // one per video, both used
    expect(
      sentTo(38)
        .slice(sends)
        .every((c) => !/%/.test(c.params.text)),
    ).toBe(true); // no extra progress messages
    expect(sentTo(38, 'sendVideo')).toHaveLength(2);
  });

  it("two /video updates from one user at the same instant: each status message is its own video's, edited with its own progress", async () => {
    await post(message(39, '/help'));
    const userId = await w.userOf('telegram', '39');
    await w.subscribe(userId, 'starter'); // two at a time
    await w.q(`UPDATE users SET auto_pay = true WHERE id = $1`, [userId]);
    await w.ledger.credit(userId, 'purchased', 30, 'purchase', `test:${userId}:buy3`);
    await w.runQueued(); // an empty queue: the two answers say "position 1" and "position 2"
    const before = sentTo(39).length;
    const updates = [message(39, '/video a heron in reeds'), message(39, '/video a tram at dawn')];
    await Promise.all(updates.map((u) => post(u)));
    const queued = sentTo(39).slice(before);
    expect(queued).toHaveLength(2);

    const gens = await Promise.all(
      updates.map(async (u) => {
        const [g] = await w.q<{ id: string; prompt: string }>(
          `SELECT id, prompt FROM generations WHERE request_key = $1`,
          [`telegram:${u.update_id}`],
        );
        const raw = await w.redis.state.get(`tg:status:39:${g!.id}`);
        return {
          ...g!,
          position: w.jobs.enqueued.findIndex((e) => e.id === g!.id) + 1,
          status: JSON.parse(raw!) as { id: number; text: string },
        };
      }),
    );
    expect(gens.map((g) => g.prompt)).toEqual(['a heron in reeds', 'a tram at dawn']);
    expect(gens.map((g) => g.position).sort()).toEqual([1, 2]);
    // Each generation's status message is the "queued" answer to its own update (its own queue position).
    expect(new Set(gens.map((g) => g.status.id))).toEqual(new Set(queued.map((c) => c.messageId!)));
    for (const g of gens) {
      const answer = queued.find((c) => c.messageId === g.status.id)!;
      expect(answer.params.text).toBe(g.status.text);
      expect(answer.params.text).toContain(`position ${g.position},`);
    }

    for (const g of gens) {
      const edits = sentTo(39, 'editMessageText').length;
      const sends = sentTo(39).length;
      w.jobs.enqueued.splice(
        w.jobs.enqueued.findIndex((e) => e.id === g.id),
        1,
      );
      await w.gen.runner.run(g.id, { signal: new AbortController().signal, touch: async () => {} });
      await w.bot.background.idle();
      const mine = sentTo(39, 'editMessageText').slice(edits);
      expect(mine.length).toBeGreaterThan(0);
      expect(new Set(mine.map((e) => Number(e.params.message_id)))).toEqual(new Set([g.status.id])); // only its own message
      expect(
        mine.every((e) => String(e.params.text).startsWith(`${g.status.text}\n\n`) && /%/.test(e.params.text)),
      ).toBe(true);
      expect(
        sentTo(39)
          .slice(sends)
          .every((c) => !/%/.test(c.params.text)),
      ).toBe(true); // no stray progress message
    }
    expect(sentTo(39, 'sendVideo')).toHaveLength(2);
  });

  it('a deep link /start p_<prompt> offers the video; its confirm button starts it for a paying user', async () => {
    await post(message(36, '/help'));
    const userId = await w.userOf('telegram', '36');
    await w.subscribe(userId, 'starter');
    await post(message(36, `/start p_${Buffer.from('a lighthouse at night').toString('base64url')}`));
    expect(await w.q(`SELECT 1 FROM generations WHERE user_id = $1`, [userId])).toHaveLength(0);
    const yes = sentTo(36).at(-1)!.params.reply_markup.inline_keyboard.flat()[0].callback_data as string;
    await post({
      update_id: ++updateId,
      callback_query: {
        id: 'cb36',
        from: { id: 36, is_bot: false, first_name: 'T', language_code: 'en' },
        chat_instance: 'c',
        data: yes,
        message: {
          message_id: ++messageId,
          date: Math.floor(Date.now() / 1000),
          chat: { id: 36, type: 'private' },
          text: 'offer',
        },
      },
    });
    const rows = await w.q<{ prompt: string }>(`SELECT prompt FROM generations WHERE user_id = $1`, [userId]);
    expect(rows.map((r) => r.prompt)).toEqual(['a lighthouse at night']);
  });

  it('long polling (no webhook configured) runs updates through the same adapter, deduplicated by update_id', async () => {
    const { Bot } = await import('grammy');
    const { startPolling } = await import('../../bot/telegram/polling.ts');
    const bot = new Bot('4242:test-telegram-token', { client: { apiRoot: w.telegram.url } });
    const u = message(37, '/help', 'zh-TW');
    w.telegram.updates.push(u, u);
    const polling = await startPolling(bot, w.bot.platforms.telegram!.inbox!.handle, w.bot.store);
    for (let i = 0; i < 200 && !sentTo(37).length; i++) await new Promise((r) => setTimeout(r, 25));
    await polling.stop();
    expect(w.telegram.of('deleteWebhook')).toHaveLength(1);
    expect(sentTo(37).map((c) => c.params.text as string)).toEqual([expect.stringContaining('傳送提示詞')]);
  });
});
