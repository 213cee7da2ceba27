// The per-IP limit counts only requests that fail verification; verified platform traffic (LINE's, Telegram's,
// Discord's own servers, all users at once) is limited per chat user instead. Real routes, Redis and PostgreSQL.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChatWorld, LINE_SECRET, TG_SECRET, type ChatWorld } from './support/world.ts';

let w: ChatWorld;
beforeAll(async () => {
  w = await buildChatWorld({ env: { RATE_LIMIT_IP_PER_MIN: '3', RATE_LIMIT_CHAT_PER_MIN: '4' } });
}, 60_000);
afterAll(async () => w?.close());

let seq = 0;
const sign = (body: string, secret = LINE_SECRET) => crypto.createHmac('sha256', secret).update(body).digest('base64');
function lineBody(userId: string, text: string) {
  const n = ++seq;
  const ev = {
    type: 'message',
    mode: 'active',
    timestamp: Date.now(),
    source: { type: 'user', userId },
    webhookEventId: `01LIMIT${String(n).padStart(19, '0')}`,
    deliveryContext: { isRedelivery: false },
    replyToken: `lim-${n}`,
    message: { id: String(n), type: 'text', quoteToken: 'q', text },
  };
  return { payload: JSON.stringify({ destination: 'Ubot', events: [ev] }), token: ev.replyToken };
}
async function line(ip: string, payload: string, signature = sign(payload)) {
  const res = await w.server.inject({
    method: 'POST',
    url: '/webhooks/line',
    payload,
    remoteAddress: ip,
    headers: { 'content-type': 'application/json', 'x-line-signature': signature },
  });
  await w.bot.background.idle();
  return res.statusCode;
}
const replyText = (token: string) =>
  w.line.texts(w.line.sent.find((s) => s.kind === 'reply' && s.replyToken === token)!)[0];

describe('webhook rate limits', () => {
  it('verified traffic from one platform IP is never throttled per IP (8 requests over a budget of 3)', async () => {
    const sent = Array.from({ length: 8 }, (_, i) => lineBody(`Uplat${i}`, '/help'));
    const codes: number[] = [];
    for (const b of sent) codes.push(await line('203.0.113.10', b.payload));
    expect(codes).toEqual(Array(8).fill(200));
    for (const b of sent) expect(replyText(b.token)).toMatch(/\/video/);
  });

  it('requests failing verification count per IP: 401 up to the budget, then 429; the IP budget is shared by all routes', async () => {
    const ip = '198.51.100.7';
    const b = lineBody('Uattack', '/help');
    const codes = [await line(ip, b.payload, sign(b.payload, 'wrong')), await line(ip, b.payload, 'x')];
    const tg = await w.server.inject({
      method: 'POST',
      url: '/webhooks/telegram',
      payload: '{}',
      remoteAddress: ip,
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': `${TG_SECRET}-no` },
    });
    codes.push(tg.statusCode, await line(ip, b.payload, ''));
    const dc = await w.server.inject({
      method: 'POST',
      url: '/webhooks/discord',
      payload: '{"type":1}',
      remoteAddress: ip,
      headers: {
        'content-type': 'application/json',
        'x-signature-ed25519': '00'.repeat(64),
        'x-signature-timestamp': '1',
      },
    });
    codes.push(dc.statusCode);
    expect(codes).toEqual([401, 401, 401, 429, 429]);
    expect(
      await w.q(
        `SELECT 1 FROM processed_events WHERE event_id LIKE '01LIMIT%' AND payload->'source'->>'userId' = 'Uattack'`,
      ),
    ).toHaveLength(0);
    // Another IP is not affected, and a verified request from the throttled IP still goes through.
    expect(await line('198.51.100.8', b.payload, 'x')).toBe(401);
    expect(await line(ip, b.payload)).toBe(200);
    expect(replyText(b.token)).toMatch(/\/video/);
  });

  it('verified traffic is limited per chat user (RATE_LIMIT_CHAT_PER_MIN = 4): the fifth command is refused politely, others pass', async () => {
    const mine = Array.from({ length: 5 }, () => lineBody('Uchatty', '/help'));
    for (const b of mine) expect(await line('203.0.113.10', b.payload)).toBe(200);
    expect(mine.slice(0, 4).map((b) => replyText(b.token))).toEqual(Array(4).fill(expect.stringMatching(/\/video/)));
    expect(replyText(mine[4]!.token)).toBe("You're sending commands too fast. Please wait a minute and try again.");
    const other = lineBody('Uquiet', '/help');
    expect(await line('203.0.113.10', other.payload)).toBe(200);
    expect(replyText(other.token)).toMatch(/\/video/);
  });
});
