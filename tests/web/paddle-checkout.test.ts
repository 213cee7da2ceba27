// A whole Paddle checkout (server-created transaction via the SDK → hosted checkout → signed webhook) against the
// local fake Paddle, plus signature, staleness, event_id dedupe and concurrent deliveries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { PADDLE, startWorld, type World } from './support/world.ts';
import { Client } from './support/browserless.ts';

let w: World;
beforeAll(async () => {
  w = await startWorld({ env: { RATE_LIMIT_IP_PER_MIN: '100000' } });
});
afterAll(async () => {
  await w?.close();
});

const ledgerRows = async (userId: string) =>
  Number(
    (
      await w.db.sequelize.query<{ n: number }>('SELECT count(*) AS n FROM point_ledger WHERE user_id = $1', {
        bind: [userId],
        type: QueryTypes.SELECT,
      })
    )[0]!.n,
  );

async function signedIn(name: string) {
  const userId = await w.newUser(name);
  const c = new Client(w.baseUrl);
  await c.signIn(await w.web.links.linkFor(userId, '/packs'));
  await c.json('/api/v1/me');
  return { userId, c };
}

async function startPaddle(c: Client, kind: 'plan' | 'pack', slug: string) {
  const r = await c.json('/api/v1/checkout', { method: 'POST', json: { kind, slug, method: 'paddle' } });
  expect(r.status).toBe(200);
  expect(r.body.next.kind).toBe('redirect');
  const txId = new URL(r.body.next.url).searchParams.get('_ptxn')!;
  return { orderNumber: r.body.orderNumber as string, txId, url: r.body.next.url as string };
}

describe('Paddle checkout', () => {
  it('creates the transaction with the API key and custom_data, pays at the hosted page, fulfils from the webhook', async () => {
    const { userId, c } = await signedIn('dan');
    const { orderNumber, txId, url } = await startPaddle(c, 'pack', 'points-300');
    const req = w.paddle.requests.at(-1)!;
    expect(req.auth).toBe(`bearer ${PADDLE.apiKey}`);
    expect(req.body.custom_data).toEqual({ order_number: orderNumber, user_id: userId });
    expect(req.body.items[0].price.unit_price).toEqual({ amount: '2299', currency_code: 'USD' });

    expect((await fetch(url)).status).toBe(200);
    const paid = await fetch(`${w.paddle.url}/checkout/pay?_ptxn=${txId}`, { method: 'POST', redirect: 'manual' });
    expect(paid.headers.get('location')).toBe(`${w.baseUrl}/result?order=${orderNumber}`);
    expect((await c.json(`/api/v1/orders/${orderNumber}`)).body).toMatchObject({
      status: 'paid',
      currency: 'USD',
      amountMinor: 2299,
    });
    expect((await c.json('/api/v1/points')).body.balance.purchased).toBe(300);
  });

  it('refuses bad and stale signatures before parsing, and dedupes deliveries', async () => {
    const { userId, c } = await signedIn('eve');
    const { orderNumber, txId } = await startPaddle(c, 'plan', 'unlimited');
    const event = w.paddle.completedEvent(txId);
    expect(await w.paddle.send(event, { secret: 'pdl_ntfset_wrong' })).toBe(401);
    expect(await w.paddle.send(event, { ts: Math.floor(Date.now() / 1000) - 60 })).toBe(401);
    expect(await w.paddle.send(event, { raw: '{not json', secret: 'pdl_ntfset_wrong' })).toBe(401);
    expect((await c.json(`/api/v1/orders/${orderNumber}`)).body.status).toBe('pending');

    // Wrong amount with a valid signature: nothing changes.
    const cheap = w.paddle.completedEvent(txId, { details: { totals: { subtotal: '100', grand_total: '100' } } });
    expect(await w.paddle.send(cheap)).toBe(200);
    expect((await c.json(`/api/v1/orders/${orderNumber}`)).body.status).toBe('pending');
    expect(await ledgerRows(userId)).toBe(0);

    // The same event 10 times at once plus 10 different deliveries of the completion: one fulfilment.
    const statuses = await Promise.all([
      ...Array.from({ length: 10 }, () => w.paddle.send(event)),
      ...Array.from({ length: 10 }, () => w.paddle.send(w.paddle.completedEvent(txId))),
    ]);
    expect(statuses).toEqual(Array(20).fill(200));
    expect((await c.json('/api/v1/me')).body.tier).toBe('unlimited');
    expect(await ledgerRows(userId)).toBe(2);
    expect((await c.json('/api/v1/points')).body.balance).toMatchObject({ monthly_pollo: 300, monthly_goenhance: 150 });
    expect(w.notifier.pushed.filter((p) => p.key?.startsWith(`order-paid:${orderNumber}`))).toHaveLength(1);
  });

  it('turns a recurring renewal into its own order that extends the subscription', async () => {
    const { userId, c } = await signedIn('fay');
    const { txId } = await startPaddle(c, 'plan', 'starter');
    expect(await w.paddle.send(w.paddle.completedEvent(txId, { subscription_id: 'sub_01' }))).toBe(200);
    const before = (await c.json('/api/v1/me')).body.planEnds as string;
    const renewal = w.paddle.completedEvent(txId, {
      id: 'txn_renewal_1',
      origin: 'subscription_recurring',
      subscription_id: 'sub_01',
    });
    expect(await w.paddle.send(renewal)).toBe(200);
    expect(await w.paddle.send({ ...renewal, event_id: 'evt_again' })).toBe(200);
    const after = (await c.json('/api/v1/me')).body.planEnds as string;
    expect(new Date(after).getTime() - new Date(before).getTime()).toBeGreaterThan(27 * 86_400_000);
    const orders = await w.db.sequelize.query<{ n: number }>(
      `SELECT count(*) AS n FROM orders WHERE user_id = $1 AND status = 'paid'`,
      { bind: [userId], type: QueryTypes.SELECT },
    );
    expect(Number(orders[0]!.n)).toBe(2);
    // Paddle charges an active subscription by itself: no reminder to pay three days before the end.
    const threeDaysBefore = new Date(new Date(after).getTime() - 2 * 86_400_000);
    const pushes = w.notifier.pushed.length;
    expect(await w.web.billing.sendRenewalReminders(threeDaysBefore)).toBe(0);
    // subscription.canceled stops renewal on our side, and the reminder comes back.
    expect(
      await w.paddle.send({
        event_id: 'evt_cancel',
        event_type: 'subscription.canceled',
        occurred_at: new Date().toISOString(),
        data: { id: 'sub_01' },
      }),
    ).toBe(200);
    expect((await c.json('/api/v1/me')).body.autoRenew).toBe(false);
    expect(await w.web.billing.sendRenewalReminders(threeDaysBefore)).toBe(1);
    expect(
      w.notifier.pushed.slice(pushes).map((p) => (p.replies[0] as { message: { key: string } }).message.key),
    ).toEqual(['web.notice.renewal_reminder']);
  });
});
