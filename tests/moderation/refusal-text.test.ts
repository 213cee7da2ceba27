// A refusal reads the same to the user whoever refused: Gemini, the keyword filter while Gemini allowed the prompt,
// or the keyword filter alone while Gemini fails. Through a Telegram webhook, with GEMINI_API_KEY set and
// GEMINI_API_BASE pointing at the fake Gemini, as app/wire-core.ts wires it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChatWorld, TG_SECRET, type ChatWorld } from '../bot/support/world.ts';
import { startGeminiFake, type GeminiFake } from '../fakes/gemini.ts';

let w: ChatWorld;
let fake: GeminiFake;
beforeAll(async () => {
  fake = await startGeminiFake();
  w = await buildChatWorld({
    env: { GEMINI_API_KEY: 'test-gemini-key', GEMINI_API_BASE: fake.url, GEMINI_TIMEOUT_MS: '3000' },
  });
}, 60_000);
afterAll(async () => {
  await w?.close();
  await fake?.close();
});

let updateId = 95_000;
async function say(userId: number, text: string) {
  const update = {
    update_id: ++updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: userId, type: 'private' },
      from: { id: userId, is_bot: false, first_name: 'R', language_code: 'zh-TW' },
      text,
    },
  };
  await w.server.inject({
    method: 'POST',
    url: '/webhooks/telegram',
    payload: JSON.stringify(update),
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TG_SECRET },
  });
  await w.bot.background.idle();
  return w.telegram
    .of('sendMessage')
    .filter((c) => Number(c.params.chat_id) === userId)
    .at(-1)!.params;
}

describe('refusal text', () => {
  it('is the same for a Gemini refusal, a keyword refusal Gemini allowed, and a keyword refusal while Gemini fails', async () => {
    const hate = w.bot.t.t('zh-TW', { key: 'moderation.refused.hate' });
    fake.mode = 'ok';
    fake.classify = (t) =>
      t.includes('草原') ? { allowed: false, category: 'hate', reason: 'coded hate symbol' } : { allowed: true };
    const byGemini = await say(5101, '一片草原上的神秘符號');
    const keptByKeywords = await say(5102, '殺光猶太人');
    fake.mode = 'error500';
    const keywordsAlone = await say(5103, '把穆斯林全部消滅');
    fake.mode = 'ok';
    for (const r of [byGemini, keptByKeywords, keywordsAlone]) {
      expect(r.text).toBe(hate);
      expect(r.text).not.toMatch(/coded|keyword|gemini/i); // never the internal reason
      expect(r.reply_markup.inline_keyboard.flat().map((b: { callback_data: string }) => b.callback_data)).toEqual([
        '/appeal',
      ]);
    }
    const sources = await w.q<{ source: string }>(
      `SELECT e.source FROM moderation_events e JOIN chat_identities c ON c.user_id = e.user_id
        WHERE c.platform = 'telegram' AND c.platform_user_id IN ('5101', '5102', '5103') ORDER BY c.platform_user_id`,
    );
    expect(sources.map((s) => s.source)).toEqual(['gemini', 'keyword', 'keyword']);
    expect(fake.requests.length).toBeGreaterThanOrEqual(3); // Gemini was asked each time
  });
});
