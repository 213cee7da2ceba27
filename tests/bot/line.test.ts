// LINE end to end: signed webhooks through hapi → real dispatcher and generation service → the real LINE SDK
// client talking to the fake LINE server.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChatWorld, LINE_SECRET, type ChatWorld } from './support/world.ts';

let w: ChatWorld;
beforeAll(async () => {
  w = await buildChatWorld();
}, 60_000);
afterAll(async () => w?.close());

let seq = 0;
const sign = (body: string, secret = LINE_SECRET) => crypto.createHmac('sha256', secret).update(body).digest('base64');
function textEvent(userId: string, text: string, extra: Record<string, unknown> = {}) {
  const n = ++seq;
  return {
    type: 'message',
    mode: 'active',
    timestamp: Date.now(),
    source: { type: 'user', userId },
    webhookEventId: `01HLINE${String(n).padStart(19, '0')}`,
    deliveryContext: { isRedelivery: false },
    replyToken: `rt-${n}`,
    message: { id: String(1000 + n), type: 'text', quoteToken: `qt${n}`, text },
    ...extra,
  };
}
async function post(events: unknown[], opts: { signature?: string; raw?: string } = {}) {
  const payload = opts.raw ?? JSON.stringify({ destination: 'Ubot', events });
  const res = await w.server.inject({
    method: 'POST',
    url: '/webhooks/line',
    payload,
    headers: { 'content-type': 'application/json', 'x-line-signature': opts.signature ?? sign(payload) },
  });
  await w.bot.background.idle();
  return res;
}
const repliesTo = (token: string) => w.line.sent.filter((s) => s.kind === 'reply' && s.replyToken === token);

describe('LINE webhook', () => {
  it('refuses a bad signature with 401 and changes nothing', async () => {
    const ev = textEvent('Ubad', 'hello');
    const payload = JSON.stringify({ destination: 'Ubot', events: [ev] });
    const res = await post([], { raw: payload, signature: sign(payload, 'wrong-secret') });
    expect(res.statusCode).toBe(401);
    expect(await w.q(`SELECT 1 FROM processed_events WHERE event_id = $1`, [ev.webhookEventId])).toHaveLength(0);
    expect(await w.q(`SELECT 1 FROM chat_identities WHERE platform_user_id = 'Ubad'`)).toHaveLength(0);
    expect(repliesTo(ev.replyToken)).toHaveLength(0);
    expect((await post([], { raw: payload, signature: '' })).statusCode).toBe(401);
  });

  it('answers malformed JSON with a valid signature with 400', async () => {
    const res = await post([], { raw: '{"events": [' });
    expect(res.statusCode).toBe(400);
  });

  it('welcomes a new follower in the language of their LINE profile', async () => {
    w.line.profiles.set('Ufollow', { displayName: 'Aki', language: 'ja' });
    const ev = { ...textEvent('Ufollow', ''), type: 'follow', message: undefined };
    expect((await post([ev])).statusCode).toBe(200);
    const [reply] = repliesTo(ev.replyToken);
    expect(w.line.texts(reply!)[0]).toContain('VidGoへようこそ');
    expect(reply!.messages.at(-1).quickReply.items.map((i: any) => i.action.data)).toContain('/status');
  });

  it('answers stickers with a short help in the user language', async () => {
    w.line.profiles.set('Usticker', { displayName: 'Ana', language: 'es' });
    const ev = {
      ...textEvent('Usticker', ''),
      message: { id: '9', type: 'sticker', packageId: '446', stickerId: '1988' },
    };
    await post([ev]);
    expect(w.line.texts(repliesTo(ev.replyToken)[0]!)).toEqual([
      'Solo puedo leer texto. Envía una descripción de tu video o escribe /help.',
    ]);
  });

  it('persists /lang and answers in the new language afterwards', async () => {
    w.line.profiles.set('Ulang', { displayName: 'Kim', language: 'en' });
    const a = textEvent('Ulang', '/lang ko');
    await post([a]);
    expect(w.line.texts(repliesTo(a.replyToken)[0]!)[0]).toBe('언어를 바꿨습니다: 한국어');
    const b = textEvent('Ulang', '/balance');
    await post([b]);
    expect(w.line.texts(repliesTo(b.replyToken)[0]!)[0]).toMatch(/^포인트: 총 0/);
  });

  it('a redelivered event makes one generation and one charge; the video arrives by push with https URLs that serve the files', async () => {
    w.line.profiles.set('Uvideo', { displayName: 'Vi', language: 'en' });
    const first = textEvent('Uvideo', '/balance');
    await post([first]);
    const userId = await w.userOf('line', 'Uvideo');
    await w.subscribe(userId, 'starter');
    await w.q(`UPDATE users SET auto_pay = true WHERE id = $1`, [userId]);
    await w.ledger.credit(userId, 'purchased', 30, 'purchase', `test:${userId}:buy`);
    await w.setDown('leonardo', 'runway'); // only Pollo is left: charged in points

    const ev = textEvent('Uvideo', 'a cat surfing at sunset');
    expect((await post([ev])).statusCode).toBe(200);
    const again = { ...ev, deliveryContext: { isRedelivery: true } };
    expect((await post([again])).statusCode).toBe(200);

    expect(await w.q(`SELECT id FROM generations WHERE user_id = $1`, [userId])).toHaveLength(1);
    expect((await w.ledger.balance(userId)).purchased).toBe(25);
    const [reply, ...more] = repliesTo(ev.replyToken);
    expect(more).toHaveLength(0);
    expect(reply!.messages.at(-1).quickReply.items.some((i: any) => i.action.label === 'Check my video')).toBe(true);
    expect(w.line.loadings).toContainEqual({ chatId: 'Uvideo', loadingSeconds: 60 });
    // The first thing the user sees is the loading animation, requested before the reply went out.
    const replyAt = w.line.sent.findIndex((s) => s.kind === 'reply' && s.replyToken === ev.replyToken);
    const early = w.line.loadings.findIndex((l) => l.chatId === 'Uvideo' && l.loadingSeconds === 20);
    expect(early).toBeGreaterThanOrEqual(0);
    expect(w.line.loadingsAt[early]).toBeLessThanOrEqual(replyAt);

    await w.runQueued();
    const pushes = w.line.sent.filter((s) => s.kind === 'push' && s.to === 'Uvideo');
    expect(pushes).toHaveLength(1);
    const video = pushes[0]!.messages.find((m) => m.type === 'video');
    expect(video.originalContentUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/media\/.+\.mp4$/);
    expect(video.previewImageUrl).toMatch(/^https:\/\/.+\.jpg$/);
    expect(pushes[0]!.retryKey).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    const got = w.line.fetched.filter((f) => f.url === video.originalContentUrl || f.url === video.previewImageUrl);
    expect(got.map((f) => [f.status, f.contentType])).toEqual([
      [200, 'video/mp4'],
      [200, 'image/jpeg'],
    ]);
    expect(got[0]!.size).toBeGreaterThan(1000);
    await w.runQueued();
    expect(w.line.sent.filter((s) => s.kind === 'push' && s.to === 'Uvideo')).toHaveLength(1);
    expect((await w.ledger.balance(userId)).purchased).toBe(25);
    await w.setUp('leonardo', 'runway');
  });

  it('a push refused for quota (429) is kept and delivered with the next reply', async () => {
    w.line.profiles.set('Uquota', { displayName: 'Q', language: 'en' });
    await post([textEvent('Uquota', '/help')]);
    const userId = await w.userOf('line', 'Uquota');
    const [target] = await w.bot.accounts.targets(userId);
    w.line.ctl.quotaExceeded = true;
    await w.hub.push(target!, [{ kind: 'text', message: { key: 'bot.link.done' } }], {
      idempotencyKey: 'quota-test-1',
    });
    w.line.ctl.quotaExceeded = false;
    expect(w.line.sent.filter((s) => s.kind === 'push' && s.to === 'Uquota')).toHaveLength(0);
    const next = textEvent('Uquota', '/balance');
    await post([next]);
    const texts = w.line.texts(repliesTo(next.replyToken)[0]!);
    expect(texts[0]).toBe('Done: your accounts are joined. They now share one balance and one gallery.');
    expect(texts[1]).toMatch(/^Points: /);
    const after = textEvent('Uquota', '/balance');
    await post([after]);
    expect(w.line.texts(repliesTo(after.replyToken)[0]!)).toHaveLength(1);
  });

  it('a retried push with the same key is sent once (X-Line-Retry-Key, 409 counts as sent)', async () => {
    const target = { platform: 'line' as const, chatId: 'Uretry', platformUserId: 'Uretry', locale: 'en' as const };
    await w.bot.platforms.line!.sender.push(target, [{ kind: 'text', message: { key: 'bot.help' } }], {
      idempotencyKey: 'same-key',
    });
    await w.bot.platforms.line!.sender.push(target, [{ kind: 'text', message: { key: 'bot.help' } }], {
      idempotencyKey: 'same-key',
    });
    expect(w.line.sent.filter((s) => s.to === 'Uretry')).toHaveLength(1);
  });
});
