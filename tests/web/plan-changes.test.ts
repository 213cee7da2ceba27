// Plan changes stop the old schedule at the provider: ECPay's CreditCardPeriodAction (Action=Cancel) for a periodic
// order, Paddle's subscription cancel for a subscription. Renewals only ever go through the schedule that charged
// them: an old schedule's charge arriving after the change extends nothing and grants nothing (kept for a refund,
// the user told once); the new plan's own renewals still work. Up- and downgrades, both providers, and a provider
// that fails the first stop.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyCheckMacValue } from '../../infra/payments/ecpay.ts';
import { STAGE_ECPAY, startWorld, type World } from './support/world.ts';
import { count, ecpayBuy, ecpayCheckout, movableClock, paddleBuy, rows, signedIn, until } from './support/purchases.ts';

const DAY = 86_400_000;
const time = movableClock();
let w: World;
beforeAll(async () => {
  w = await startWorld({ env: { RATE_LIMIT_IP_PER_MIN: '100000' }, clock: time.clock });
});
afterAll(async () => {
  await w?.close();
});
afterEach(() => time.later(0));

const subs = (userId: string) =>
  rows<{ plan: string; status: string; end_date: Date; auto_renew: boolean }>(
    w,
    `SELECT p.slug AS plan, s.status, s.end_date, s.auto_renew FROM subscriptions s JOIN plans p ON p.id = s.plan_id WHERE s.user_id = $1 ORDER BY s.created_at`,
    [userId],
  );
const ledger = (userId: string) => count(w, 'SELECT count(*) AS n FROM point_ledger WHERE user_id = $1', [userId]);
const schedule = async (ref: string) =>
  (
    await rows<{ status: string; stop_reason: string | null; attempts: number }>(
      w,
      'SELECT status, stop_reason, attempts FROM payment_schedules WHERE ref = $1',
      [ref],
    )
  )[0];
const staleNotices = (order: string) => w.notifier.pushed.filter((p) => p.key?.startsWith(`order-stale:${order}:`));

describe('ECPay plan changes', () => {
  it('upgrade: the Starter schedule is cancelled at ECPay; its later charge extends nothing; Pro renews on its own', async () => {
    const { userId, c } = await signedIn(w, 'up');
    const starter = await ecpayBuy(w, c, 'plan', 'starter');
    expect((await c.json('/api/v1/me')).body.renewal).toEqual({ method: 'ecpay', amountMinor: 299, currency: 'TWD' });
    const pro = await ecpayBuy(w, c, 'plan', 'pro');

    const actions = w.ecpay.periodActions.filter((a) => a.fields.MerchantTradeNo === starter.orderNumber);
    expect(actions).toHaveLength(1);
    expect(actions[0]!.fields).toMatchObject({ MerchantID: STAGE_ECPAY.merchantId, Action: 'Cancel' });
    expect(verifyCheckMacValue(actions[0]!.fields, STAGE_ECPAY)).toBe(true);
    expect(new URLSearchParams(actions[0]!.answer).get('RtnCode')).toBe('1');
    expect(w.ecpay.terminated.has(starter.orderNumber)).toBe(true);
    expect(await schedule(starter.orderNumber)).toMatchObject({ status: 'stopped', stop_reason: 'replaced' });

    const me = (await c.json('/api/v1/me')).body;
    expect(me).toMatchObject({ tier: 'pro', autoRenew: true, renewal: { method: 'ecpay', amountMinor: 599 } });
    expect((await subs(userId)).map((s) => [s.plan, s.status])).toEqual([
      ['starter', 'canceled'],
      ['pro', 'active'],
    ]);
    // Exactly Pro's allowance: Starter's leftover monthly points expired with the change.
    expect((await c.json('/api/v1/points')).body.balance).toEqual({
      monthly_pollo: 100,
      monthly_goenhance: 50,
      purchased: 0,
      total: 150,
    });
    const before = {
      subs: await subs(userId),
      ledger: await ledger(userId),
      points: (await c.json('/api/v1/points')).body.balance,
    };

    // Starter's second authorization, charged before the cancel reached ECPay, arrives afterwards (twice).
    time.later(31 * DAY);
    const late = w.ecpay.periodBody(starter.form, 2);
    expect(await w.ecpay.sendPeriod(starter.form, late)).toBe('1|OK');
    expect(await w.ecpay.sendPeriod(starter.form, late)).toBe('1|OK');
    expect(await subs(userId)).toEqual(before.subs);
    expect(await ledger(userId)).toBe(before.ledger);
    expect((await c.json('/api/v1/points')).body.balance).toEqual(before.points);
    expect((await c.json(`/api/v1/orders/${starter.orderNumber}R2`)).body).toMatchObject({
      status: 'pending',
      problem: 'stale_renewal',
    });
    expect(staleNotices(`${starter.orderNumber}R2`)).toHaveLength(1);
    expect(staleNotices(`${starter.orderNumber}R2`)[0]!.replies[0]).toMatchObject({
      message: { key: 'web.notice.stale_charge', params: { plan: 'Starter', amount: 'NT$299' } },
    });

    // Pro's own second authorization renews Pro, with the new month's allowance once.
    expect(await w.ecpay.sendPeriod(pro.form, w.ecpay.periodBody(pro.form, 2))).toBe('1|OK');
    const after = await subs(userId);
    expect(after[1]!.end_date.getTime() - before.subs[1]!.end_date.getTime()).toBeGreaterThan(27 * DAY);
    expect((await c.json('/api/v1/me')).body.tier).toBe('pro');
    expect((await c.json('/api/v1/points')).body.balance).toEqual({
      monthly_pollo: 100,
      monthly_goenhance: 50,
      purchased: 0,
      total: 150,
    });
    expect(await count(w, `SELECT count(*) AS n FROM orders WHERE user_id = $1 AND status = 'paid'`, [userId])).toBe(3);
  });

  it('downgrade to a one-off month: the Pro schedule is cancelled, old renewals change nothing, reminders come back', async () => {
    const { userId, c } = await signedIn(w, 'down');
    const pro = await ecpayBuy(w, c, 'plan', 'pro');
    const starter = await ecpayBuy(w, c, 'plan', 'starter', { autoRenew: false });
    expect(starter.form.ChoosePayment).toBe('ALL'); // card, ATM or convenience store: nothing renews
    expect(starter.form.PeriodType).toBeUndefined();
    expect(w.ecpay.terminated.has(pro.orderNumber)).toBe(true);
    expect((await c.json('/api/v1/me')).body).toMatchObject({ tier: 'starter', autoRenew: false, renewal: null });
    expect((await c.json('/api/v1/points')).body.balance).toEqual({
      monthly_pollo: 50,
      monthly_goenhance: 30,
      purchased: 0,
      total: 80,
    });
    const points = await ledger(userId);

    time.later(31 * DAY);
    for (const n of [2, 3]) expect(await w.ecpay.sendPeriod(pro.form, w.ecpay.periodBody(pro.form, n))).toBe('1|OK');
    expect((await c.json('/api/v1/me')).body.tier).toBe('starter');
    expect(await ledger(userId)).toBe(points);
    expect((await subs(userId)).filter((s) => s.status === 'active').map((s) => s.plan)).toEqual(['starter']);

    // Nothing renews the one-off Starter by itself: its owner is reminded before it ends.
    const end = (await subs(userId)).find((s) => s.status === 'active')!.end_date;
    const reminders = () =>
      w.notifier.pushed.filter((p) => p.key?.startsWith('renewal:') && p.target.platformUserId.startsWith('tg-down'));
    await w.web.billing.sendRenewalReminders(new Date(end.getTime() - DAY));
    expect(reminders()).toHaveLength(1);
  });

  it('a stop ECPay fails is retried by the hourly job until ECPay confirms', async () => {
    const { c } = await signedIn(w, 'retry');
    const starter = await ecpayBuy(w, c, 'plan', 'starter');
    w.ecpay.failActions('http');
    w.ecpay.failActions('refused');
    await ecpayBuy(w, c, 'plan', 'unlimited');
    expect(w.ecpay.terminated.has(starter.orderNumber)).toBe(false);
    expect(await schedule(starter.orderNumber)).toMatchObject({ status: 'stopping', attempts: 1 });
    await w.web.billing.expireSubscriptions(new Date());
    expect(await schedule(starter.orderNumber)).toMatchObject({ status: 'stopping', attempts: 2 });
    await w.web.billing.expireSubscriptions(new Date());
    expect(await schedule(starter.orderNumber)).toMatchObject({ status: 'stopped' });
    expect(w.ecpay.terminated.has(starter.orderNumber)).toBe(true);
    await w.web.billing.expireSubscriptions(new Date());
    expect(w.ecpay.periodActions.filter((a) => a.fields.MerchantTradeNo === starter.orderNumber)).toHaveLength(3);
  });
});

describe('Paddle plan changes', () => {
  const cancels = (sub: string) => w.paddle.requests.filter((r) => r.path === `/subscriptions/${sub}/cancel`);

  it('upgrade: the Starter subscription is cancelled at Paddle; its recurring charge never becomes a fresh plan order', async () => {
    const { userId, c } = await signedIn(w, 'pup');
    const starter = await paddleBuy(w, c, 'plan', 'starter');
    expect(starter.subscriptionId).toMatch(/^sub_/);
    expect((await c.json('/api/v1/me')).body).toMatchObject({
      tier: 'starter',
      renewal: { method: 'paddle', amountMinor: 999, currency: 'USD' },
    });
    const pro = await paddleBuy(w, c, 'plan', 'pro');

    expect(cancels(starter.subscriptionId!).map((r) => r.body)).toEqual([{ effective_from: 'immediately' }]);
    expect(w.paddle.subscriptions.get(starter.subscriptionId!).status).toBe('canceled');
    await until(
      async () => (await schedule(starter.subscriptionId!))?.status === 'ended',
      'subscription.canceled from Paddle',
    );
    expect((await c.json('/api/v1/me')).body).toMatchObject({
      tier: 'pro',
      renewal: { method: 'paddle', amountMinor: 1999 },
    });
    expect((await c.json('/api/v1/points')).body.balance).toEqual({
      monthly_pollo: 100,
      monthly_goenhance: 50,
      purchased: 0,
      total: 150,
    });
    const before = { subs: await subs(userId), ledger: await ledger(userId) };

    // Paddle bills the old subscription once more (it had started before the cancel): nothing changes.
    const old = w.paddle.renewalEvent(starter.subscriptionId!);
    expect(await w.paddle.send(old.event)).toBe(200);
    expect(await w.paddle.send({ ...old.event, event_id: 'evt_again_old_renewal' })).toBe(200);
    expect(await subs(userId)).toEqual(before.subs);
    expect(await ledger(userId)).toBe(before.ledger);
    expect((await c.json('/api/v1/me')).body.tier).toBe('pro');
    expect(await count(w, `SELECT count(*) AS n FROM orders WHERE user_id = $1 AND status = 'paid'`, [userId])).toBe(2);
    expect(
      await count(w, `SELECT count(*) AS n FROM orders WHERE user_id = $1 AND renews_order IS NULL`, [userId]),
    ).toBe(2);

    // Pro's renewal extends Pro by a month, as a renewal of the Pro order, with no extra allowance this month.
    const renewal = w.paddle.renewalEvent(pro.subscriptionId!);
    expect(await w.paddle.send(renewal.event)).toBe(200);
    const after = await subs(userId);
    expect(after[1]!.end_date.getTime() - before.subs[1]!.end_date.getTime()).toBeGreaterThan(27 * DAY);
    expect(await rows(w, `SELECT renews_order, status FROM orders WHERE external_id = $1`, [renewal.txId])).toEqual([
      { renews_order: pro.orderNumber, status: 'paid' },
    ]);
    expect(await ledger(userId)).toBe(before.ledger);
    expect((await c.json('/api/v1/points')).body.balance).toEqual({
      monthly_pollo: 100,
      monthly_goenhance: 50,
      purchased: 0,
      total: 150,
    });
  });

  it('downgrade from Paddle Pro to an ECPay Starter: Paddle stops billing Pro', async () => {
    const { c } = await signedIn(w, 'pdown');
    const pro = await paddleBuy(w, c, 'plan', 'pro');
    await ecpayBuy(w, c, 'plan', 'starter');
    expect(cancels(pro.subscriptionId!)).toHaveLength(1);
    expect(w.paddle.subscriptions.get(pro.subscriptionId!).status).toBe('canceled');
    expect((await c.json('/api/v1/me')).body).toMatchObject({
      tier: 'starter',
      renewal: { method: 'ecpay', amountMinor: 299 },
    });
    expect(await w.paddle.send(w.paddle.renewalEvent(pro.subscriptionId!).event)).toBe(200);
    expect((await c.json('/api/v1/me')).body.tier).toBe('starter');
    expect((await c.json('/api/v1/points')).body.balance).toEqual({
      monthly_pollo: 50,
      monthly_goenhance: 30,
      purchased: 0,
      total: 80,
    });
  });
});

describe('two plans paid at the same moment', () => {
  it('leave one active subscription and one running schedule', async () => {
    const { userId, c } = await signedIn(w, 'race');
    const a = await ecpayCheckout(w, c, 'plan', 'pro');
    const b = await ecpayCheckout(w, c, 'plan', 'unlimited');
    const post = (body: string) =>
      fetch(`${w.baseUrl}/api/v1/payments/ecpay/callback`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      }).then((r) => r.text());
    expect(await Promise.all([post(w.ecpay.callbackBody(a.form)), post(w.ecpay.callbackBody(b.form))])).toEqual([
      '1|OK',
      '1|OK',
    ]);
    expect(
      await count(w, `SELECT count(*) AS n FROM subscriptions WHERE user_id = $1 AND status = 'active'`, [userId]),
    ).toBe(1);
    expect(
      await count(w, `SELECT count(*) AS n FROM payment_schedules WHERE user_id = $1 AND status = 'active'`, [userId]),
    ).toBe(1);
    expect(w.ecpay.terminated.has(a.orderNumber) !== w.ecpay.terminated.has(b.orderNumber)).toBe(true);
  });
});
