// Telegram deep links (t.me/<bot>?start=p_<base64url prompt>) through the real webhook: the prompt is shown with a
// confirm button and nothing runs before the press — no generation, no moderation record (so no strike), no points
// held even with auto-pay on. The press makes the video once; "No thanks" and a second press make nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChatWorld, type ChatWorld } from './support/world.ts';
import { postTelegram, tgButton, tgMessage } from './support/signed.ts';

let w: ChatWorld;
beforeAll(async () => {
  w = await buildChatWorld();
}, 60_000);
afterAll(async () => w?.close());

const dm = (id: number) => ({ id, type: 'private' as const });
const deepLink = (prompt: string) => `/start p_${Buffer.from(prompt).toString('base64url')}`;
const sent = (chat: number) => w.telegram.of('sendMessage').filter((c) => Number(c.params.chat_id) === chat);
const buttons = (call: { params: Record<string, any> }) =>
  call.params.reply_markup.inline_keyboard.flat() as { text: string; callback_data: string }[];

describe('Telegram deep-link prompts', () => {
  it('show the prompt with a confirm button; the press makes the video once', async () => {
    await postTelegram(w, tgMessage(5201, dm(5201), deepLink('a red fox in the snow')));
    const userId = await w.userOf('telegram', '5201');
    const offer = sent(5201).at(-1)!;
    expect(offer.params.text).toBe('This link asks me to make a video of: “a red fox in the snow”. Make it?');
    const [yes, no] = buttons(offer);
    expect([yes!.text, no!.text]).toEqual(['Make this video', 'No thanks']);
    expect(yes!.callback_data).toMatch(/^\/start c_[A-Za-z0-9_-]+$/);
    expect(await w.q(`SELECT 1 FROM generations WHERE user_id = $1`, [userId])).toHaveLength(0);

    await postTelegram(w, tgButton(5201, dm(5201), yes!.callback_data));
    expect(await w.q(`SELECT prompt FROM generations WHERE user_id = $1`, [userId])).toEqual([
      { prompt: 'a red fox in the snow' },
    ]);
    await postTelegram(w, tgButton(5201, dm(5201), yes!.callback_data));
    expect(sent(5201).at(-1)!.params.text).toContain('That request has expired');
    expect(await w.q(`SELECT 1 FROM generations WHERE user_id = $1`, [userId])).toHaveLength(1);
  });

  it('a prohibited prompt in a link is no strike and spends nothing before the press, auto-pay or not', async () => {
    await postTelegram(w, tgMessage(5202, dm(5202), '/settings autopay on'));
    const userId = await w.userOf('telegram', '5202');
    await w.subscribe(userId, 'pro');
    await w.ledger.credit(userId, 'purchased', 500, 'purchase', `deeplink:${userId}`);
    await w.setDown('leonardo', 'runway'); // only point-charged providers: auto-pay would spend at once
    try {
      for (const prompt of ['porn video of my neighbour', 'a lighthouse at dawn']) {
        await postTelegram(w, tgMessage(5202, dm(5202), deepLink(prompt)));
        expect(sent(5202).at(-1)!.params.text).toContain(prompt);
      }
      expect(await w.q(`SELECT 1 FROM moderation_events WHERE user_id = $1`, [userId])).toHaveLength(0);
      expect(await w.q(`SELECT 1 FROM generations WHERE user_id = $1`, [userId])).toHaveLength(0);
      expect(await w.q(`SELECT 1 FROM point_reservations WHERE user_id = $1`, [userId])).toHaveLength(0);
      expect((await w.ledger.balance(userId)).total).toBe(500);

      // "No thanks" on the last offer: still nothing.
      const [, no] = buttons(sent(5202).at(-1)!);
      await postTelegram(w, tgButton(5202, dm(5202), no!.callback_data));
      expect(sent(5202).at(-1)!.params.text).toBe('OK, nothing was made.');
      expect(await w.q(`SELECT 1 FROM generations WHERE user_id = $1`, [userId])).toHaveLength(0);
      expect((await w.ledger.balance(userId)).total).toBe(500);
    } finally {
      await w.setUp('leonardo', 'runway');
    }
  });

  it('the same press handled again (after a crash) makes the same one video, not an "expired"', async () => {
    await postTelegram(w, tgMessage(5205, dm(5205), deepLink('a clock tower')));
    const [yes] = buttons(sent(5205).at(-1)!);
    const press = {
      platform: 'telegram' as const,
      kind: 'message' as const,
      eventId: 'u-5205-press',
      platformUserId: '5205',
      chatId: '5205',
      text: yes!.callback_data,
    };
    const first = await w.bot.dispatcher.respond(press);
    const again = await w.bot.dispatcher.respond(press);
    expect(first.generationId).toBeTruthy();
    expect(again.generationId).toBe(first.generationId);
    expect(await w.q(`SELECT 1 FROM generations WHERE prompt = 'a clock tower'`)).toHaveLength(1);
    const other = await w.bot.dispatcher.respond({ ...press, eventId: 'u-5205-second-press' });
    expect(other.replies.map((r) => (r as { message: { key: string } }).message.key)).toEqual([
      'bot.start.prompt_expired',
    ]);
  });

  it("another user cannot confirm someone else's offer", async () => {
    await postTelegram(w, tgMessage(5203, dm(5203), deepLink('a paper boat')));
    const [yes] = buttons(sent(5203).at(-1)!);
    await postTelegram(w, tgButton(5204, dm(5204), yes!.callback_data));
    expect(sent(5204).at(-1)!.params.text).toContain('That request has expired');
    expect(await w.q(`SELECT 1 FROM generations WHERE prompt = 'a paper boat'`)).toHaveLength(0);
  });
});
