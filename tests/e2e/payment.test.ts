// Payment in the running app: the LINE user's /plans magic link signs them in, ECPay checkout (form checked by the
// fake gateway's CheckMacValue), the signed server-to-server callback (sent twice, as ECPay retries), then the
// subscription is active, the monthly points are credited once, and the purchase notice is pushed to their LINE.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppWorld, type AppWorld } from './support/app-world.ts';
import { Client } from '../web/support/browserless.ts';

let w: AppWorld;
beforeAll(async () => {
  w = await startAppWorld({ redisDb: 12 });
}, 90_000);
afterAll(async () => w?.close(), 30_000);

describe('ECPay purchase in the running app', () => {
  it('checkout → signed callback → Starter active, 50 + 30 points once, a notice on LINE', async () => {
    w.line.profiles.set('Ue2ePayer', { displayName: 'Jun', language: 'en' });
    const plans = await w.lineSays('Ue2ePayer', '/plans');
    const reply = await w.until(
      () => w.line.sent.find((s) => s.kind === 'reply' && s.replyToken === plans.replyToken),
      'the /plans reply',
    );
    const link = JSON.stringify(reply.messages).match(new RegExp(`${w.publicUrl}/auth/[^"\\\\]+`))?.[0];
    expect(link).toBeTruthy();
    const userId = await w.userOf('Ue2ePayer');

    const c = new Client(w.base);
    const signIn = await c.signIn(link!.replace(w.publicUrl, w.base), new URL(w.publicUrl).origin);
    expect(signIn.status).toBe(303);
    expect((await c.json('/api/v1/me')).body).toMatchObject({ tier: 'demo' });
    const checkout = await c.json('/api/v1/checkout', {
      method: 'POST',
      json: { kind: 'plan', slug: 'starter', method: 'ecpay' },
    });
    expect(checkout.status).toBe(200);
    const next = checkout.body.next as { action: string; fields: Record<string, string> };
    expect(next.action).toBe(`${w.ecpay.url}/Cashier/AioCheckOut/V5`);
    expect((await fetch(next.action, { method: 'POST', body: new URLSearchParams(next.fields) })).status).toBe(200);
    const form = w.ecpay.orders.get(checkout.body.orderNumber)!;
    expect(form).toMatchObject({ TotalAmount: '299', ReturnURL: `${w.publicUrl}/api/v1/payments/ecpay/callback` });

    const body = w.ecpay.callbackBody(form);
    for (let i = 0; i < 2; i++) {
      const r = await fetch(`${w.base}/api/v1/payments/ecpay/callback`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      expect(await r.text()).toBe('1|OK');
    }

    expect((await c.json('/api/v1/me')).body).toMatchObject({ tier: 'starter' });
    expect(await w.q(`SELECT status FROM subscriptions WHERE user_id = $1`, [userId])).toEqual([{ status: 'active' }]);
    expect((await c.json('/api/v1/points')).body.balance).toMatchObject({
      monthly_pollo: 50,
      monthly_goenhance: 30,
      purchased: 0,
    });
    const credits = await w.q(
      `SELECT bucket, amount FROM point_ledger WHERE user_id = $1 AND amount > 0 ORDER BY bucket`,
      [userId],
    );
    expect(credits).toEqual([
      { bucket: 'monthly_goenhance', amount: 30 },
      { bucket: 'monthly_pollo', amount: 50 },
    ]);

    const notice = await w.until(
      () => w.line.sent.find((s) => s.kind === 'push' && s.to === 'Ue2ePayer'),
      'the purchase notice on LINE',
    );
    expect(w.line.texts(notice).join(' ')).toContain('Starter');

    // /balance on LINE now shows the credited points.
    const bal = await w.lineSays('Ue2ePayer', '/balance');
    const b = await w.until(
      () => w.line.sent.find((s) => s.kind === 'reply' && s.replyToken === bal.replyToken),
      'the /balance reply',
    );
    expect(w.line.texts(b).join(' ')).toContain(
      'Points: 80 in total (50 monthly video, 30 monthly style, 0 purchased)',
    );
    // The repeated callback sent no second notice.
    expect(w.line.sent.filter((s) => s.kind === 'push' && s.to === 'Ue2ePayer')).toHaveLength(1);
  }, 120_000);
});
