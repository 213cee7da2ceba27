// Appeals end to end on LINE and Telegram, through the real webhook routes, adapters, dispatcher, moderation policy
// and the fake platform servers: refused → Appeal button → the bot asks why → one message → filed → an admin lists
// it with Approve / Reject buttons → approves → the user is told in their language, the strike is gone, and the
// keyword filter now lets that prompt through. Also: "skip", /appeal <text> directly, a rejection, and an approval
// that lifts an automatic ban.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChatWorld, LINE_SECRET, TG_SECRET, type ChatWorld } from '../bot/support/world.ts';

let w: ChatWorld;
beforeAll(async () => {
  w = await buildChatWorld();
}, 60_000);
afterAll(async () => w?.close());

// ---------------------------------------------------------------- LINE
let seq = 0;
const sign = (body: string) => crypto.createHmac('sha256', LINE_SECRET).update(body).digest('base64');
async function line(userId: string, what: { text?: string; postback?: string }): Promise<string> {
  const n = ++seq;
  const base = {
    mode: 'active',
    timestamp: Date.now(),
    source: { type: 'user', userId },
    replyToken: `ap-${n}`,
    webhookEventId: `01HAPPEAL${String(n).padStart(17, '0')}`,
    deliveryContext: { isRedelivery: false },
  };
  const ev =
    what.postback !== undefined
      ? { ...base, type: 'postback', postback: { data: what.postback } }
      : {
          ...base,
          type: 'message',
          message: { id: String(70_000 + n), type: 'text', quoteToken: `q${n}`, text: what.text },
        };
  const payload = JSON.stringify({ destination: 'Ubot', events: [ev] });
  const res = await w.server.inject({
    method: 'POST',
    url: '/webhooks/line',
    payload,
    headers: { 'content-type': 'application/json', 'x-line-signature': sign(payload) },
  });
  expect(res.statusCode).toBe(200);
  await w.bot.background.idle();
  return `ap-${n}`;
}
const lineReply = (token: string) => w.line.sent.find((s) => s.kind === 'reply' && s.replyToken === token)!;
const buttons = (m: { messages: any[] }) =>
  (m.messages.at(-1).quickReply?.items ?? []).map((i: any) => ({ label: i.action.label, data: i.action.data }));
const linePushesTo = (to: string) =>
  w.line.sent.filter((s) => s.kind === 'push' && s.to === to).flatMap((s) => w.line.texts(s));

// ---------------------------------------------------------------- Telegram
let updateId = 91_000;
async function telegram(userId: number, what: { text?: string; data?: string }, lang = 'en') {
  const from = { id: userId, is_bot: false, first_name: 'T', language_code: lang };
  const chat = { id: userId, type: 'private', first_name: 'T' };
  const update =
    what.data !== undefined
      ? {
          update_id: ++updateId,
          callback_query: {
            id: `cb-${updateId}`,
            chat_instance: 'ci',
            data: what.data,
            from,
            message: { message_id: 1, date: 1, chat },
          },
        }
      : {
          update_id: ++updateId,
          message: { message_id: updateId, date: Math.floor(Date.now() / 1000), chat, from, text: what.text },
        };
  const res = await w.server.inject({
    method: 'POST',
    url: '/webhooks/telegram',
    payload: JSON.stringify(update),
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TG_SECRET },
  });
  expect(res.statusCode).toBe(200);
  await w.bot.background.idle();
}
const tgSent = (chat: number) => w.telegram.of('sendMessage').filter((c) => Number(c.params.chat_id) === chat);
const tgLast = (chat: number) => tgSent(chat).at(-1)!.params;
const tgButtons = (p: any) =>
  (p.reply_markup?.inline_keyboard ?? []).flat().map((b: any) => ({ text: b.text, data: b.callback_data }));

const events = (userId: string) =>
  w.q<{ id: string; appeal_status: string; appeal_text: string | null; source: string }>(
    `SELECT id, appeal_status, appeal_text, source FROM moderation_events WHERE user_id = $1 AND verdict = 'blocked' ORDER BY created_at`,
    [userId],
  );

describe('appeals on LINE', () => {
  it('refused → Appeal → explanation → admin approves → user told in Japanese, strike removed, the prompt passes now', async () => {
    w.line.profiles.set('Uappeal1', { displayName: 'Aki', language: 'ja' });
    const refused = lineReply(await line('Uappeal1', { text: '血まみれの死体が転がる映画のワンシーン' }));
    expect(w.line.texts(refused)[0]).toBe(w.bot.t.t('ja', { key: 'moderation.refused.violence' }));
    const appeal = buttons(refused).find((b: { data: string }) => b.data === '/appeal');
    expect(appeal).toEqual({ label: '異議申し立て', data: '/appeal' });

    const asked = lineReply(await line('Uappeal1', { postback: appeal.data }));
    expect(w.line.texts(asked)).toEqual([w.bot.t.t('ja', { key: 'moderation.appeal.ask' })]);
    expect(buttons(asked)).toEqual([{ label: 'スキップ', data: '/appeal skip' }]);
    const filed = lineReply(await line('Uappeal1', { text: 'ホラー映画の特殊メイクの紹介です' }));
    expect(w.line.texts(filed)).toEqual([w.bot.t.t('ja', { key: 'moderation.appeal.filed' })]);
    const userId = await w.userOf('line', 'Uappeal1');
    const [ev] = await events(userId);
    expect(ev).toMatchObject({
      appeal_status: 'pending',
      appeal_text: 'ホラー映画の特殊メイクの紹介です',
      source: 'keyword',
    });
    expect(await w.policy.strikes(userId)).toBe(1);

    const list = lineReply(await line('Uadmin', { text: '/admin appeals' }));
    const i = list.messages.findIndex((m: any) => m.type === 'text' && m.text.includes(ev!.id));
    expect(list.messages[i].text).toBe(
      `Appeal ${ev!.id}\nUser: ${userId}\nPrompt: "血まみれの死体が転がる映画のワンシーン"\n` +
        'Category: violence (refused by keyword filter)\nExplanation: ホラー映画の特殊メイクの紹介です',
    );
    // LINE shows every button under the last message: each names its appeal.
    const approve = `/admin appeal ${ev!.id} approve`;
    expect(buttons(list)).toContainEqual({ label: `Approve ${ev!.id.slice(0, 8)}`, data: approve });
    const decided = lineReply(await line('Uadmin', { postback: approve }));
    expect(w.line.texts(decided)).toEqual([`Appeal ${ev!.id} approved: the strike is removed and the user is told.`]);

    expect(linePushesTo('Uappeal1')).toEqual([
      w.bot.t.t('ja', {
        key: 'moderation.appeal.approved',
        params: { prompt: '血まみれの死体が転がる映画のワンシーン' },
      }),
    ]);
    expect(linePushesTo('Uappeal1')[0]).toContain('異議申し立てが認められました');
    expect((await events(userId))[0]!.appeal_status).toBe('approved');
    expect(await w.policy.strikes(userId)).toBe(0);
    // The admin allowed this prompt past the keyword filter: sent again, it is made.
    const again = lineReply(await line('Uappeal1', { text: '血まみれの死体が転がる映画のワンシーン' }));
    expect(w.line.texts(again)[0]).not.toBe(w.bot.t.t('ja', { key: 'moderation.refused.violence' }));
    expect(await events(userId)).toHaveLength(1);
    // A second press changes nothing and tells nobody twice.
    expect(w.line.texts(lineReply(await line('Uadmin', { postback: approve })))).toEqual([
      `No pending appeal ${ev!.id}.`,
    ]);
    expect(linePushesTo('Uappeal1')).toHaveLength(1);
  });

  it('"skip" files without an explanation; a rejection is told and the strike stays', async () => {
    w.line.profiles.set('Uappeal2', { displayName: 'Ana', language: 'es' });
    await line('Uappeal2', { text: 'una mujer desnuda en la playa' });
    await line('Uappeal2', { postback: '/appeal' });
    expect(w.line.texts(lineReply(await line('Uappeal2', { text: 'omitir' })))).toEqual([
      w.bot.t.t('es', { key: 'moderation.appeal.filed' }),
    ]);
    const userId = await w.userOf('line', 'Uappeal2');
    const [ev] = await events(userId);
    expect(ev).toMatchObject({ appeal_status: 'pending', appeal_text: '' });
    await line('Uadmin', { postback: `/admin appeal ${ev!.id} reject` });
    expect(linePushesTo('Uappeal2')).toEqual([
      'Revisamos tu apelación: el rechazo de "una mujer desnuda en la playa" se mantiene.',
    ]);
    expect(await w.policy.strikes(userId)).toBe(1);
    expect(w.line.texts(lineReply(await line('Uappeal2', { text: '/appeal otra vez' })))).toEqual([
      w.bot.t.t('es', { key: 'moderation.appeal.already' }),
    ]);
  });

  it('another command drops the question: the next plain message is a prompt again', async () => {
    w.line.profiles.set('Uappeal3', { displayName: 'Kim', language: 'en' });
    await line('Uappeal3', { text: 'extreme gore' });
    await line('Uappeal3', { postback: '/appeal' });
    await line('Uappeal3', { text: '/balance' });
    const prompt = lineReply(await line('Uappeal3', { text: 'a cat playing piano' }));
    expect(w.line.texts(prompt)[0]).not.toBe(w.bot.t.t('en', { key: 'moderation.appeal.filed' }));
    expect((await events(await w.userOf('line', 'Uappeal3')))[0]!.appeal_status).toBe('none');
  });
});

describe('appeals on Telegram', () => {
  it('refused → Appeal → explanation → admin approves → user told in Korean, strike removed', async () => {
    await telegram(4101, { text: '피투성이 시체가 나오는 공포 영화 장면' }, 'ko');
    const refused = tgLast(4101);
    expect(refused.text).toBe(w.bot.t.t('ko', { key: 'moderation.refused.violence' }));
    expect(tgButtons(refused)).toContainEqual({ text: '이의 제기', data: '/appeal' });

    await telegram(4101, { data: '/appeal' }, 'ko');
    expect(tgLast(4101).text).toBe(w.bot.t.t('ko', { key: 'moderation.appeal.ask' }));
    expect(tgButtons(tgLast(4101))).toEqual([{ text: '건너뛰기', data: '/appeal skip' }]);
    await telegram(4101, { text: '특수분장 메이킹 영상입니다' }, 'ko');
    expect(tgLast(4101).text).toBe(w.bot.t.t('ko', { key: 'moderation.appeal.filed' }));
    const userId = await w.userOf('telegram', '4101');
    const [ev] = await events(userId);
    expect(ev).toMatchObject({ appeal_status: 'pending', appeal_text: '특수분장 메이킹 영상입니다' });

    await telegram(7777, { text: '/admin appeals' });
    const item = tgSent(7777).find((c) => String(c.params.text).includes(ev!.id))!.params;
    expect(item.text).toContain('Explanation: 특수분장 메이킹 영상입니다');
    expect(item.text).toContain('Category: violence (refused by keyword filter)');
    const buttonsOf = tgButtons(item);
    const ref = ev!.id.slice(0, 8);
    expect(buttonsOf).toEqual([
      { text: `Approve ${ref}`, data: `/admin appeal ${ev!.id} approve` },
      { text: `Reject ${ref}`, data: `/admin appeal ${ev!.id} reject` },
    ]);
    await telegram(7777, { data: buttonsOf[0]!.data });
    expect(tgLast(7777).text).toBe(`Appeal ${ev!.id} approved: the strike is removed and the user is told.`);

    expect(tgLast(4101).text).toBe(
      '이의 제기가 받아들여졌습니다: "피투성이 시체가 나오는 공포 영화 장면" 거부는 더 이상 위반 횟수에 포함되지 않습니다.',
    );
    expect(await w.policy.strikes(userId)).toBe(0);
  });

  it('/appeal <text> files at once, even while suspended; approval lifts the automatic ban when strikes fall below the threshold', async () => {
    for (const p of ['gore video', 'porn video', 'how to make a pipe bomb']) await telegram(4102, { text: p });
    expect(
      tgSent(4102)
        .map((c) => c.params.text)
        .at(-1),
    ).toBe(w.bot.t.t('en', { key: 'core.banned_now' }));
    const userId = await w.userOf('telegram', '4102');
    expect(await w.policy.isBanned(userId)).toBe(true);
    await telegram(4102, { text: 'a cat' });
    expect(tgLast(4102).text).toBe(w.bot.t.t('en', { key: 'bot.banned' }));
    await telegram(4102, { text: '/appeal it was for a plumbing tutorial about pipes' });
    expect(tgLast(4102).text).toBe(w.bot.t.t('en', { key: 'moderation.appeal.filed' }));
    const evs = await events(userId);
    expect(evs.map((e) => e.appeal_status)).toEqual(['none', 'none', 'pending']);
    await telegram(7777, { text: `/admin appeal ${evs[2]!.id} approve` });
    expect(tgLast(4102).text).toBe(
      'Your appeal was approved: the refusal of "how to make a pipe bomb" no longer counts against you, and your account is active again.',
    );
    expect(await w.policy.isBanned(userId)).toBe(false);
    expect(await w.policy.strikes(userId)).toBe(2); // the other two still count
  });
});
