// The durable webhook inbox: an event answered 200 whose handling failed or never ran (process death) is handled
// exactly once by resumePending; a re-handled /video makes no second generation and no second charge; attempts
// are bounded; a redelivery of a done event does nothing. Real routes, PostgreSQL, Redis, fake LINE/Telegram.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChatWorld, LINE_SECRET, TG_SECRET, type ChatWorld } from './support/world.ts';
import { createResumePending } from '../../bot/inbox-resume.ts';
import { MAX_ATTEMPTS } from '../../bot/inbox.ts';

let w: ChatWorld;
let resume: ReturnType<typeof createResumePending>;
beforeAll(async () => {
  w = await buildChatWorld();
  resume = createResumePending(w.bot);
}, 60_000);
afterAll(async () => w?.close());

let seq = 0;
function lineEvent(userId: string, text: string) {
  const n = ++seq;
  return {
    type: 'message',
    mode: 'active',
    timestamp: Date.now(),
    source: { type: 'user', userId },
    webhookEventId: `01INBOX${String(n).padStart(19, '0')}`,
    deliveryContext: { isRedelivery: false },
    replyToken: `ib-${n}`,
    message: { id: String(n), type: 'text', quoteToken: 'q', text },
  };
}
async function postLine(ev: unknown) {
  const payload = JSON.stringify({ destination: 'Ubot', events: [ev] });
  const sig = crypto.createHmac('sha256', LINE_SECRET).update(payload).digest('base64');
  const res = await w.server.inject({
    method: 'POST',
    url: '/webhooks/line',
    payload,
    headers: { 'content-type': 'application/json', 'x-line-signature': sig },
  });
  await w.bot.background.idle();
  return res.statusCode;
}
async function postTelegram(update: unknown) {
  const res = await w.server.inject({
    method: 'POST',
    url: '/webhooks/telegram',
    payload: JSON.stringify(update),
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TG_SECRET },
  });
  await w.bot.background.idle();
  return res.statusCode;
}
const row = async (eventId: string) =>
  (
    await w.q<{ status: string; attempts: number; payload: unknown; response: unknown }>(
      `SELECT status, attempts, payload, response FROM processed_events WHERE event_id = $1`,
      [eventId],
    )
  )[0];
const repliesTo = (token: string) => w.line.sent.filter((s) => s.kind === 'reply' && s.replyToken === token);

async function payingUser(platformUserId: string, first: () => Promise<unknown>, platform: string) {
  await first();
  const userId = await w.userOf(platform, platformUserId);
  await w.subscribe(userId, 'starter');
  await w.q(`UPDATE users SET auto_pay = true WHERE id = $1`, [userId]);
  await w.ledger.credit(userId, 'purchased', 30, 'purchase', `test:${userId}:buy`);
  return userId;
}

describe('webhook inbox', () => {
  it('keeps the event durably with the dedupe insert and marks it done once handled', async () => {
    const ev = lineEvent('Uok', '/help');
    expect(await postLine(ev)).toBe(200);
    expect(await row(ev.webhookEventId)).toEqual({ status: 'done', attempts: 1, payload: null, response: null });
    expect(repliesTo(ev.replyToken)).toHaveLength(1);
  });

  it('a /video whose delivery failed after the answer is handled once by resumePending: one generation, one charge, one reply', async () => {
    w.line.profiles.set('Ucrash', { displayName: 'C', language: 'en' });
    const userId = await payingUser('Ucrash', () => postLine(lineEvent('Ucrash', '/help')), 'line');
    await w.setDown('leonardo', 'runway'); // Pollo only: charged in points
    try {
      const ev = lineEvent('Ucrash', '/video a crane over a lake');
      w.line.ctl.failReplies = 1; // the reply (after core ran the command) fails: the handler throws
      expect(await postLine(ev)).toBe(200);
      const failed = await row(ev.webhookEventId);
      expect([failed!.status, failed!.attempts]).toEqual(['received', 1]);
      expect(failed!.response).not.toBeNull(); // core's answer was saved before delivery
      expect(await w.q(`SELECT id FROM generations WHERE user_id = $1`, [userId])).toHaveLength(1);

      expect(await resume(60_000)).toEqual({ resumed: 0, done: 0, failed: 0 }); // too young: may still be in hand
      expect(await resume(0)).toEqual({ resumed: 1, done: 1, failed: 0 });
      expect(await resume(0)).toEqual({ resumed: 0, done: 0, failed: 0 });
      expect(await w.q(`SELECT id FROM generations WHERE user_id = $1`, [userId])).toHaveLength(1);
      expect((await w.ledger.balance(userId)).purchased).toBe(25);
      const [reply, ...more] = repliesTo(ev.replyToken);
      expect(more).toHaveLength(0);
      expect(w.line.texts(reply!).join('\n')).toMatch(/queue/i);
      expect((await row(ev.webhookEventId))!.status).toBe('done');

      // LINE redelivers the same event: deduplicated, nothing happens.
      const sent = w.line.sent.length;
      expect(await postLine({ ...ev, deliveryContext: { isRedelivery: true } })).toBe(200);
      expect(await resume(0)).toEqual({ resumed: 0, done: 0, failed: 0 });
      expect(w.line.sent.length).toBe(sent);
      expect(await w.q(`SELECT id FROM generations WHERE user_id = $1`, [userId])).toHaveLength(1);
    } finally {
      await w.setUp('leonardo', 'runway');
    }
  });

  it('an event accepted but never handled (the process died after the 200) is handled exactly once by resumePending', async () => {
    const update = {
      update_id: 9001,
      message: {
        message_id: 1,
        date: Math.floor(Date.now() / 1000),
        chat: { id: 41, type: 'private' },
        from: { id: 41, is_bot: false, first_name: 'D', language_code: 'en' },
        text: '/help',
      },
    };
    // What the route does before answering, and nothing after: the process is gone.
    expect(await w.bot.store.accept('telegram:4242', '9001', update)).toBe(true);
    expect(w.telegram.of('sendMessage').filter((c) => Number(c.params.chat_id) === 41)).toHaveLength(0);
    expect(await resume(0)).toEqual({ resumed: 1, done: 1, failed: 0 });
    expect(await resume(0)).toEqual({ resumed: 0, done: 0, failed: 0 });
    expect(await postTelegram(update)).toBe(200); // a redelivery of the done update does nothing
    expect(
      w.telegram
        .of('sendMessage')
        .filter((c) => Number(c.params.chat_id) === 41)
        .map((c) => c.params.text),
    ).toEqual([expect.stringMatching(/\/video/)]);
    expect((await row('9001'))!.status).toBe('done');
  });

  it('a Telegram /video whose answer could not be sent: resumed once, no second generation or charge', async () => {
    const start = {
      update_id: 9100,
      message: {
        message_id: 2,
        date: 1,
        chat: { id: 42, type: 'private' },
        from: { id: 42, is_bot: false, first_name: 'E', language_code: 'en' },
        text: '/help',
      },
    };
    const userId = await payingUser('42', () => postTelegram(start), 'telegram');
    await w.setDown('leonardo', 'runway');
    try {
      const u = {
        ...start,
        update_id: 9101,
        message: { ...start.message, message_id: 3, text: '/video a paper boat' },
      };
      w.telegram.ctl.failSends = 1;
      expect(await postTelegram(u)).toBe(200);
      expect((await row('9101'))!.status).toBe('received');
      expect(await resume(0)).toEqual({ resumed: 1, done: 1, failed: 0 });
      expect(await w.q(`SELECT id FROM generations WHERE user_id = $1`, [userId])).toHaveLength(1);
      expect((await w.ledger.balance(userId)).purchased).toBe(25);
      const texts = w.telegram
        .of('sendMessage')
        .filter((c) => Number(c.params.chat_id) === 42)
        .map((c) => c.params.text as string);
      expect(texts.filter((t) => /queue/i.test(t))).toHaveLength(2); // the failed attempt (refused by Telegram) and the resumed one
    } finally {
      await w.setUp('leonardo', 'runway');
    }
  });

  it(`gives up after ${MAX_ATTEMPTS} attempts: the event is marked failed and not tried again`, async () => {
    const ev = lineEvent('Udoomed', '/help');
    const before = w.line.attempts.reply;
    w.line.ctl.failReplies = 1000;
    try {
      expect(await postLine(ev)).toBe(200);
      for (let i = 1; i < MAX_ATTEMPTS; i++) expect(await resume(0)).toEqual({ resumed: 1, done: 0, failed: 1 });
      expect(await resume(0)).toEqual({ resumed: 0, done: 0, failed: 0 });
    } finally {
      w.line.ctl.failReplies = 0;
    }
    expect(w.line.attempts.reply - before).toBe(MAX_ATTEMPTS);
    const r = await row(ev.webhookEventId);
    expect([r!.status, r!.attempts]).toEqual(['failed', MAX_ATTEMPTS]);
  });

  it('a resumed LINE event whose reply token expired gets its answer by push, keyed by the event (sent once)', async () => {
    const ev = lineEvent('Ulate', '/help');
    expect(await w.bot.store.accept('line', ev.webhookEventId, ev)).toBe(true);
    w.line.ctl.expireTokens = true;
    try {
      expect(await resume(0)).toEqual({ resumed: 1, done: 1, failed: 0 });
    } finally {
      w.line.ctl.expireTokens = false;
    }
    const pushes = w.line.sent.filter((s) => s.kind === 'push' && s.to === 'Ulate');
    expect(pushes).toHaveLength(1);
    expect(w.line.texts(pushes[0]!)[0]).toMatch(/\/video/);
    expect(pushes[0]!.retryKey).toMatch(/^[0-9a-f-]{36}$/);
  });
});
