// "Cancel renewal" from the account page (POST /api/v1/renewal/cancel): the provider stops charging — ECPay's
// periodic order is terminated, Paddle's subscription is cancelled at the end of its billing period — and the plan
// stays until the paid period ends, after which the user is reminded like any plan that does not renew. Also the
// per-user checkout limit (429, localized) and which purchases each provider offers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from './support/world.ts';
import { count, ecpayBuy, paddleBuy, rows, signedIn, until } from './support/purchases.ts';

let w: World;
beforeAll(async () => {
  w = await startWorld({ env: { RATE_LIMIT_IP_PER_MIN: '100000', RATE_LIMIT_CHECKOUT_PER_HOUR: '4' } });
});
afterAll(async () => {
  await w?.close();
});

describe('cancel renewal', () => {
  it('ECPay: terminates the periodic order, keeps the plan to its end, then reminds', async () => {
    const { userId, c } = await signedIn(w, 'acct');
    const { orderNumber } = await ecpayBuy(w, c, 'plan', 'starter');
    const before = (await c.json('/api/v1/me')).body;
    expect(before).toMatchObject({
      tier: 'starter',
      autoRenew: true,
      renewal: { method: 'ecpay', amountMinor: 299, currency: 'TWD' },
    });

    expect(
      (
        await c.fetch('/api/v1/renewal/cancel', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        })
      ).status,
    ).toBe(403); // no CSRF header
    expect(w.ecpay.terminated.has(orderNumber)).toBe(false);
    const r = await c.json('/api/v1/renewal/cancel', { method: 'POST', json: {} });
    expect(r).toEqual({ status: 200, body: { outcome: 'stopped', planName: 'Starter', planEnds: before.planEnds } });
    expect(w.ecpay.terminated.has(orderNumber)).toBe(true);
    expect((await c.json('/api/v1/me')).body).toMatchObject({
      tier: 'starter',
      autoRenew: false,
      renewal: null,
      planEnds: before.planEnds,
    });
    expect((await c.json('/api/v1/renewal/cancel', { method: 'POST', json: {} })).body.outcome).toBe('none');

    const end = new Date(before.planEnds);
    expect(await w.web.billing.sendRenewalReminders(new Date(end.getTime() - 86_400_000))).toBeGreaterThanOrEqual(1);
    expect(
      w.notifier.pushed.filter((p) => p.key?.startsWith('renewal:') && p.target.chatId.startsWith('tg-acct')),
    ).toHaveLength(1);
    void userId;
  });

  it('Paddle: cancels at the end of the billing period; the plan stays until Paddle says it ended', async () => {
    const { c } = await signedIn(w, 'pacct');
    const { subscriptionId } = await paddleBuy(w, c, 'plan', 'pro');
    const r = await c.json('/api/v1/renewal/cancel', { method: 'POST', json: {} });
    expect(r.body).toMatchObject({ outcome: 'stopped', planName: 'Pro' });
    expect(
      w.paddle.requests.filter((q) => q.path === `/subscriptions/${subscriptionId}/cancel`).map((q) => q.body),
    ).toEqual([{ effective_from: 'next_billing_period' }]);
    const sub = w.paddle.subscriptions.get(subscriptionId!);
    expect(sub).toMatchObject({ status: 'active', scheduled_change: { action: 'cancel' } });
    expect((await c.json('/api/v1/me')).body).toMatchObject({ tier: 'pro', autoRenew: false, renewal: null });
    // At the period's end Paddle cancels it and says so.
    sub.status = 'canceled';
    expect(
      await w.paddle.send({
        event_id: 'evt_period_end_cancel',
        event_type: 'subscription.canceled',
        occurred_at: new Date().toISOString(),
        notification_id: 'ntf_2',
        data: sub,
      }),
    ).toBe(200);
    await until(
      async () =>
        (await rows(w, 'SELECT status FROM payment_schedules WHERE ref = $1', [subscriptionId]))[0]?.status === 'ended',
      'the schedule ended',
    );
  });

  it('says when the provider could not be reached, and finishes the stop on the hourly retry', async () => {
    const { c } = await signedIn(w, 'down');
    const { orderNumber } = await ecpayBuy(w, c, 'plan', 'pro');
    w.ecpay.failActions('http');
    expect((await c.json('/api/v1/renewal/cancel', { method: 'POST', json: {} })).body.outcome).toBe('stopping');
    expect((await c.json('/api/v1/me')).body).toMatchObject({ autoRenew: false, renewal: null });
    expect(w.ecpay.terminated.has(orderNumber)).toBe(false);
    await w.web.billing.expireSubscriptions(new Date());
    expect(w.ecpay.terminated.has(orderNumber)).toBe(true);
  });
});

describe('checkout creation', () => {
  it("is limited per user and hour: the next one is a 429 in the user's language; others are unaffected", async () => {
    const { userId, c } = await signedIn(w, 'busy');
    const start = () =>
      c.json('/api/v1/checkout', { method: 'POST', json: { kind: 'pack', slug: 'points-50', method: 'ecpay' } });
    for (let i = 0; i < 4; i++) expect((await start()).status).toBe(200);
    const res = await c.fetch('/api/v1/checkout', {
      method: 'POST',
      json: { kind: 'pack', slug: 'points-50', method: 'ecpay' },
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3600');
    expect(await res.json()).toMatchObject({
      statusCode: 429,
      code: 'too_many_checkouts',
      message: '直近1時間のお支払い操作が多すぎます。しばらくしてからお試しください。',
    });
    expect(await count(w, 'SELECT count(*) AS n FROM orders WHERE user_id = $1', [userId])).toBe(4);
    const other = await signedIn(w, 'calm');
    expect(
      (
        await other.c.json('/api/v1/checkout', {
          method: 'POST',
          json: { kind: 'pack', slug: 'points-50', method: 'ecpay' },
        })
      ).status,
    ).toBe(200);
  });

  it('sells a one-off month through ECPay only, with every ECPay method; Paddle plans are monthly subscriptions', async () => {
    const { c } = await signedIn(w, 'oneoff');
    const once = await c.json('/api/v1/checkout', {
      method: 'POST',
      json: { kind: 'plan', slug: 'pro', method: 'ecpay', autoRenew: false },
    });
    expect(once.body).toMatchObject({ autoRenew: false, next: { fields: { ChoosePayment: 'ALL' } } });
    expect(once.body.next.fields.PeriodType).toBeUndefined();
    const monthly = await c.json('/api/v1/checkout', {
      method: 'POST',
      json: { kind: 'plan', slug: 'pro', method: 'ecpay' },
    });
    expect(monthly.body).toMatchObject({
      autoRenew: true,
      next: { fields: { ChoosePayment: 'Credit', PeriodType: 'M', PeriodAmount: '599' } },
    });
    const paddleOnce = await c.json('/api/v1/checkout', {
      method: 'POST',
      json: { kind: 'plan', slug: 'pro', method: 'paddle', autoRenew: false },
    });
    expect(paddleOnce).toMatchObject({
      status: 409,
      body: { code: 'method_unavailable', message: 'このお支払い方法はこのご購入には使えません。' },
    });
  });
});
