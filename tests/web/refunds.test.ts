// Refunds and chargebacks from Paddle (adjustment.created / adjustment.updated, action refund | chargeback) revoke
// what the order granted: points back out with reversing ledger entries, never below zero (the shortfall kept in
// point_clawbacks), a plan loses the month it paid for and its schedule stops at Paddle; the user is told in their
// language once. Pending refunds change nothing until approved; every event can be replayed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from './support/world.ts';
import { count, paddleBuy, rows, signedIn, until } from './support/purchases.ts';

let w: World;
beforeAll(async () => {
  w = await startWorld({ env: { RATE_LIMIT_IP_PER_MIN: '100000' } });
});
afterAll(async () => {
  await w?.close();
});

const keys = (p: { replies: unknown[] }) =>
  p.replies.map((r) => (r as { message: { key: string; params?: object } }).message);
const spend = async (userId: string, n: number, key: string) =>
  w.ledger.commit((await w.ledger.reserve(userId, n, 'pollo', key))!.id);

describe('Paddle refunds and chargebacks', () => {
  it("a refund takes a pack's points back once it is approved, once however often it is delivered", async () => {
    const { userId, c } = await signedIn(w, 'ref1');
    const { orderNumber, txId } = await paddleBuy(w, c, 'pack', 'points-300');
    expect((await c.json('/api/v1/points')).body.balance.purchased).toBe(300);

    const pending = w.paddle.adjustmentEvent(txId, {
      action: 'refund',
      status: 'pending_approval',
      id: 'adj_01refundpack',
    });
    expect(await w.paddle.send(pending)).toBe(200);
    expect((await c.json('/api/v1/points')).body.balance.purchased).toBe(300);

    const approved = w.paddle.adjustmentEvent(txId, {
      action: 'refund',
      status: 'approved',
      id: 'adj_01refundpack',
      eventType: 'adjustment.updated',
    });
    expect(await w.paddle.send(approved)).toBe(200);
    expect(await w.paddle.send(approved)).toBe(200); // the same delivery again
    expect(await w.paddle.send({ ...approved, event_id: 'evt_other_delivery_of_adj' })).toBe(200);
    expect((await c.json('/api/v1/points')).body.balance).toMatchObject({ purchased: 0, total: 0 });
    expect(
      await rows(w, `SELECT bucket, amount, reason, reference FROM point_ledger WHERE user_id = $1 AND amount < 0`, [
        userId,
      ]),
    ).toEqual([{ bucket: 'purchased', amount: -300, reason: 'refund_clawback', reference: orderNumber }]);
    expect((await c.json(`/api/v1/orders/${orderNumber}`)).body.status).toBe('refunded');
    const told = w.notifier.pushed.filter(
      (p) => p.key?.startsWith('order-revoked:') && p.target.chatId.startsWith('tg-ref1'),
    );
    // Replays push again under the same key (a crash before the notice heals); the chat hub delivers a key once.
    expect(new Set(told.map((p) => p.key)).size).toBe(1);
    expect(keys(told[0]!)).toEqual([
      { key: 'web.notice.refunded', params: { item: '300 points', invoice: expect.stringMatching(/^VG/) } },
      { key: 'web.notice.revoked_points', params: { taken: 300 } },
    ]);
  });

  it('never goes below zero: what was already spent is recorded as the shortfall', async () => {
    const { userId, c } = await signedIn(w, 'ref2');
    const { txId } = await paddleBuy(w, c, 'pack', 'points-120');
    await spend(userId, 100, 'spent-before-refund');
    expect(await w.paddle.send(w.paddle.adjustmentEvent(txId, { action: 'refund' }))).toBe(200);
    expect((await c.json('/api/v1/points')).body.balance).toMatchObject({ purchased: 0, total: 0 });
    expect(await rows(w, `SELECT bucket, wanted, taken FROM point_clawbacks WHERE user_id = $1`, [userId])).toEqual([
      { bucket: 'purchased', wanted: 120, taken: 20 },
    ]);
    const told = w.notifier.pushed.filter(
      (p) => p.key?.startsWith('order-revoked:') && p.target.chatId.startsWith('tg-ref2'),
    );
    expect(keys(told[0]!)[1]).toEqual({
      key: 'web.notice.revoked_points_short',
      params: { taken: 20, shortfall: 100 },
    });
    // Balance rows still equal the ledger's sums.
    expect(
      await count(
        w,
        `SELECT count(*) AS n FROM point_balances b WHERE user_id = $1 AND purchased = (SELECT COALESCE(sum(amount), 0) FROM point_ledger l WHERE l.user_id = b.user_id AND bucket = 'purchased')`,
        [userId],
      ),
    ).toBe(1);
  });

  it('partial refunds take back the same share, rounded up; the one that completes it takes the rest', async () => {
    const { userId, c } = await signedIn(w, 'ref3');
    const { orderNumber, txId } = await paddleBuy(w, c, 'pack', 'points-300');
    expect(
      await w.paddle.send(w.paddle.adjustmentEvent(txId, { action: 'refund', type: 'partial', amount: 1149 })),
    ).toBe(200);
    expect((await c.json('/api/v1/points')).body.balance.purchased).toBe(150); // ceil(300 × 1149 / 2299) = 150 back
    expect((await c.json(`/api/v1/orders/${orderNumber}`)).body.status).toBe('paid');
    expect(
      await w.paddle.send(w.paddle.adjustmentEvent(txId, { action: 'refund', type: 'partial', amount: 1150 })),
    ).toBe(200);
    expect((await c.json('/api/v1/points')).body.balance.purchased).toBe(0);
    expect((await c.json(`/api/v1/orders/${orderNumber}`)).body.status).toBe('refunded');
    expect(
      await rows(w, `SELECT amount FROM point_ledger WHERE user_id = $1 AND reason = 'refund_clawback' ORDER BY id`, [
        userId,
      ]),
    ).toEqual([{ amount: -150 }, { amount: -150 }]);
  });

  it('a chargeback on a plan ends it now, takes its monthly points back and stops the Paddle subscription', async () => {
    const { userId, c } = await signedIn(w, 'cb1');
    const { orderNumber, txId, subscriptionId } = await paddleBuy(w, c, 'plan', 'starter');
    await spend(userId, 10, 'spent-before-chargeback');
    expect(await w.paddle.send(w.paddle.adjustmentEvent(txId, { action: 'chargeback_warning' }))).toBe(200);
    expect((await c.json('/api/v1/me')).body.tier).toBe('starter');
    expect(await w.paddle.send(w.paddle.adjustmentEvent(txId, { action: 'chargeback' }))).toBe(200);

    expect((await c.json('/api/v1/me')).body).toMatchObject({ tier: 'demo', renewal: null, autoRenew: false });
    expect((await c.json('/api/v1/points')).body.balance).toEqual({
      monthly_pollo: 0,
      monthly_goenhance: 0,
      purchased: 0,
      total: 0,
    });
    expect(
      await rows(w, `SELECT bucket, wanted, taken FROM point_clawbacks WHERE user_id = $1 ORDER BY bucket`, [userId]),
    ).toEqual([
      { bucket: 'monthly_goenhance', wanted: 30, taken: 30 },
      { bucket: 'monthly_pollo', wanted: 50, taken: 40 },
    ]);
    expect(await rows(w, `SELECT status FROM subscriptions WHERE user_id = $1`, [userId])).toEqual([
      { status: 'canceled' },
    ]);
    expect((await c.json(`/api/v1/orders/${orderNumber}`)).body.status).toBe('refunded');
    expect(
      w.paddle.requests.filter((r) => r.path === `/subscriptions/${subscriptionId}/cancel`).map((r) => r.body),
    ).toEqual([{ effective_from: 'immediately' }]);
    await until(
      async () =>
        (await rows(w, `SELECT status FROM payment_schedules WHERE ref = $1`, [subscriptionId]))[0]?.status === 'ended',
      'subscription.canceled',
    );
    const told = w.notifier.pushed.filter(
      (p) => p.key?.startsWith('order-revoked:') && p.target.chatId.startsWith('tg-cb1'),
    );
    expect(keys(told[0]!).map((m) => m.key)).toEqual([
      'web.notice.charged_back',
      'web.notice.revoked_plan_ended',
      'web.notice.revoked_points_short',
    ]);
    // The subscription's next charge, had it been billed anyway, renews nothing.
    expect(await w.paddle.send(w.paddle.renewalEvent(subscriptionId!).event)).toBe(200);
    expect((await c.json('/api/v1/me')).body.tier).toBe('demo');
  });

  it("a refunded renewal takes back the month it paid for and stops the schedule; the plan runs to its first month's end", async () => {
    const { userId, c } = await signedIn(w, 'ref4');
    const { subscriptionId } = await paddleBuy(w, c, 'plan', 'pro');
    const firstEnd = new Date((await c.json('/api/v1/me')).body.planEnds);
    const renewal = w.paddle.renewalEvent(subscriptionId!);
    expect(await w.paddle.send(renewal.event)).toBe(200);
    expect(new Date((await c.json('/api/v1/me')).body.planEnds).getTime()).toBeGreaterThan(
      firstEnd.getTime() + 27 * 86_400_000,
    );

    expect(await w.paddle.send(w.paddle.adjustmentEvent(renewal.txId, { action: 'refund' }))).toBe(200);
    const me = (await c.json('/api/v1/me')).body;
    expect(me).toMatchObject({ tier: 'pro', autoRenew: false, renewal: null });
    expect(new Date(me.planEnds).getTime()).toBe(firstEnd.getTime());
    expect(w.paddle.subscriptions.get(subscriptionId!).status).toBe('canceled');
    const told = w.notifier.pushed.filter(
      (p) => p.key?.startsWith('order-revoked:') && p.target.chatId.startsWith('tg-ref4'),
    );
    expect(keys(told[0]!)).toEqual([
      { key: 'web.notice.refunded', params: { item: 'Pro', invoice: expect.any(String) } },
      { key: 'web.notice.revoked_plan_until', params: { date: firstEnd.toISOString().slice(0, 10) } },
    ]);
    void userId;
  });

  it('ignores adjustments for payments that are not ours', async () => {
    const before = await count(w, 'SELECT count(*) AS n FROM order_revocations');
    const event = {
      event_id: 'evt_foreign_adj',
      event_type: 'adjustment.created',
      occurred_at: new Date().toISOString(),
      notification_id: 'ntf_1',
      data: {
        id: 'adj_foreign',
        action: 'refund',
        type: 'full',
        status: 'approved',
        transaction_id: 'txn_not_ours',
        totals: { total: '999' },
      },
    };
    expect(await w.paddle.send(event)).toBe(200);
    expect(await count(w, 'SELECT count(*) AS n FROM order_revocations')).toBe(before);
  });
});
