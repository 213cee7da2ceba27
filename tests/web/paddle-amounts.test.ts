// What a Paddle payment must come to before it fulfils: the grand total at the full price (docs/payments.md).
// A 100%-off or any other discount code buys nothing (the user is told, once; the payment is kept for a refund);
// tax is handled on purpose: inside our ad-hoc prices (tax_mode internal), or on top of a tax-exclusive catalog
// price, whose id is sent to Paddle instead of an ad-hoc price.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { startWorld, type World } from './support/world.ts';
import { Client } from './support/browserless.ts';

let w: World;
beforeAll(async () => {
  w = await startWorld({ env: { RATE_LIMIT_IP_PER_MIN: '100000' } });
});
afterAll(async () => {
  await w?.close();
});

const count = async (sql: string, bind: unknown[]) =>
  Number((await w.db.sequelize.query<{ n: number }>(sql, { bind, type: QueryTypes.SELECT }))[0]!.n);

async function buy(name: string, kind: 'plan' | 'pack', slug: string) {
  const userId = await w.newUser(name);
  const c = new Client(w.baseUrl);
  await c.signIn(await w.web.links.linkFor(userId, '/plans'));
  await c.json('/api/v1/me');
  const r = await c.json('/api/v1/checkout', { method: 'POST', json: { kind, slug, method: 'paddle' } });
  expect(r.status).toBe(200);
  return {
    userId,
    c,
    orderNumber: r.body.orderNumber as string,
    txId: new URL(r.body.next.url).searchParams.get('_ptxn')!,
    request: w.paddle.requests.at(-1)!,
  };
}

describe('Paddle payments settle only at the full price', () => {
  it('a 100%-off code fulfils nothing: no plan, no points, one notice, the order shows why', async () => {
    const { userId, c, orderNumber, txId } = await buy('free', 'plan', 'unlimited');
    w.paddle.discount(txId, 100);
    expect(w.paddle.transactions.get(txId).details.totals).toMatchObject({ discount: '3299', grand_total: '0' });
    await w.paddle.pay(txId);
    await w.paddle.send(w.paddle.completedEvent(txId)); // a redelivery with another event id
    expect((await c.json(`/api/v1/orders/${orderNumber}`)).body).toMatchObject({
      status: 'pending',
      problem: 'amount_mismatch',
    });
    expect((await c.json('/api/v1/me')).body).toMatchObject({ tier: 'demo', renewal: null });
    expect(await count('SELECT count(*) AS n FROM point_ledger WHERE user_id = $1', [userId])).toBe(0);
    expect(await count('SELECT count(*) AS n FROM subscriptions WHERE user_id = $1', [userId])).toBe(0);
    expect(await count('SELECT count(*) AS n FROM invoices WHERE user_id = $1', [userId])).toBe(0);
    const notices = w.notifier.pushed.filter((p) => p.key?.startsWith(`order-mismatch:${orderNumber}:`));
    expect(notices).toHaveLength(1);
    expect(notices[0]!.replies[0]).toMatchObject({
      message: {
        key: 'web.notice.payment_mismatch',
        params: { paid: 'US$0.00', price: 'US$32.99', item: 'Unlimited' },
      },
    });
  });

  it('a partial discount on a point pack fulfils nothing either', async () => {
    const { userId, c, orderNumber, txId } = await buy('half', 'pack', 'points-300');
    w.paddle.discount(txId, 50);
    await w.paddle.pay(txId);
    expect((await c.json(`/api/v1/orders/${orderNumber}`)).body.status).toBe('pending');
    expect((await c.json('/api/v1/points')).body.balance.purchased).toBe(0);
    expect(
      await count(`SELECT count(*) AS n FROM orders WHERE order_number = $1 AND payment_data->'problems' IS NOT NULL`, [
        orderNumber,
      ]),
    ).toBe(1);
    void userId;
  });

  it('tax inside our ad-hoc price: the customer pays the shown price and it fulfils', async () => {
    w.paddle.setTaxRate(0.1);
    try {
      const { c, orderNumber, txId, request } = await buy('taxin', 'pack', 'points-120');
      expect(request.body.items[0].price).toMatchObject({
        tax_mode: 'internal',
        unit_price: { amount: '999', currency_code: 'USD' },
      });
      expect(w.paddle.transactions.get(txId).details.totals).toMatchObject({ grand_total: '999', tax: '91' });
      await w.paddle.pay(txId);
      expect((await c.json(`/api/v1/orders/${orderNumber}`)).body).toMatchObject({ status: 'paid', amountMinor: 999 });
      expect((await c.json('/api/v1/points')).body.balance.purchased).toBe(120);
    } finally {
      w.paddle.setTaxRate(0);
    }
  });

  it('sends the catalog price id; a tax-exclusive catalog price fulfils with the tax on top, not with less', async () => {
    await w.db.sequelize.query(`UPDATE point_packs SET paddle_price_id = 'pri_01pack50excl' WHERE slug = 'points-50'`);
    w.paddle.addPrice('pri_01pack50excl', { amount: 499, recurring: false, taxMode: 'external' });
    w.paddle.setTaxRate(0.1);
    try {
      const { c, orderNumber, txId, request } = await buy('catalog', 'pack', 'points-50');
      expect(request.body.items).toEqual([{ price_id: 'pri_01pack50excl', quantity: 1 }]);
      expect(w.paddle.transactions.get(txId).details.totals).toMatchObject({
        subtotal: '499',
        tax: '50',
        grand_total: '549',
      });
      // Paid less than the price, with or without its tax (a credit, a mispriced catalog entry): refused.
      const short = w.paddle.completedEvent(txId, {
        details: { totals: { subtotal: '413', discount: '0', tax: '41', grand_total: '454', grand_total_tax: '41' } },
      });
      expect(await w.paddle.send(short)).toBe(200);
      expect((await c.json(`/api/v1/orders/${orderNumber}`)).body.status).toBe('pending');
      await w.paddle.pay(txId);
      expect((await c.json(`/api/v1/orders/${orderNumber}`)).body).toMatchObject({ status: 'paid' });
      expect((await c.json('/api/v1/points')).body.balance.purchased).toBe(50);
    } finally {
      w.paddle.setTaxRate(0);
      await w.db.sequelize.query(`UPDATE point_packs SET paddle_price_id = NULL WHERE slug = 'points-50'`);
    }
  });

  it("a plan's catalog price is sent too; an unknown one at Paddle fails the checkout cleanly", async () => {
    await w.db.sequelize.query(`UPDATE plans SET paddle_price_id = 'pri_01starter' WHERE slug = 'starter'`);
    try {
      w.paddle.addPrice('pri_01starter', { amount: 999, recurring: true });
      const ok = await buy('catplan', 'plan', 'starter');
      expect(ok.request.body.items).toEqual([{ price_id: 'pri_01starter', quantity: 1 }]);
      const { subscriptionId } = await w.paddle.pay(ok.txId);
      expect(subscriptionId).toMatch(/^sub_/);
      expect((await ok.c.json('/api/v1/me')).body).toMatchObject({
        tier: 'starter',
        renewal: { method: 'paddle', amountMinor: 999, currency: 'USD' },
      });

      await w.db.sequelize.query(`UPDATE plans SET paddle_price_id = 'pri_01missing' WHERE slug = 'starter'`);
      const c = new Client(w.baseUrl);
      await c.signIn(await w.web.links.linkFor(await w.newUser('missing'), '/plans'));
      await c.json('/api/v1/me');
      const r = await c.json('/api/v1/checkout', {
        method: 'POST',
        json: { kind: 'plan', slug: 'starter', method: 'paddle' },
      });
      expect(r.status).toBe(502);
      expect(r.body).toMatchObject({ code: 'gateway_failed' });
      expect(r.body.message).toBe('決済会社から応答がありませんでした。もう一度お試しください。');
    } finally {
      await w.db.sequelize.query(`UPDATE plans SET paddle_price_id = NULL WHERE slug = 'starter'`);
    }
  });
});
