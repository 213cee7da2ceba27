// A whole ECPay checkout through hapi on real PostgreSQL against the local fake ECPay, then the hard cases:
// replays (10 in a row, 10 at once), tampered CheckMacValue, wrong amount, SimulatePaid.
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

async function signedIn(name: string) {
  const userId = await w.newUser(name);
  const c = new Client(w.baseUrl);
  const res = await c.signIn(await w.web.links.linkFor(userId, '/plans'));
  expect(res.status).toBe(303);
  await c.json('/api/v1/me'); // picks up the CSRF cookie like the app's first call
  return { userId, c };
}

async function startEcpay(c: Client, kind: 'plan' | 'pack', slug: string) {
  const r = await c.json('/api/v1/checkout', { method: 'POST', json: { kind, slug, method: 'ecpay' } });
  expect(r.status).toBe(200);
  const next = r.body.next as { kind: 'form'; action: string; fields: Record<string, string> };
  // The browser posts the form to ECPay; the fake checks the CheckMacValue like ECPay does.
  const page = await fetch(next.action, { method: 'POST', body: new URLSearchParams(next.fields) });
  expect(page.status).toBe(200);
  return { orderNumber: r.body.orderNumber as string, form: w.ecpay.orders.get(r.body.orderNumber)! };
}

const callback = async (body: string) => {
  const r = await fetch(`${w.baseUrl}/api/v1/payments/ecpay/callback`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  return r.text();
};

describe('ECPay checkout', () => {
  it('pays a plan at the fake gateway: subscription, monthly points, invoice, chat notice', async () => {
    const { userId, c } = await signedIn('amy');
    const { orderNumber, form } = await startEcpay(c, 'plan', 'starter');
    expect(form.TotalAmount).toBe('299');
    expect(form.ReturnURL).toBe(`${w.baseUrl}/api/v1/payments/ecpay/callback`);

    const pay = await fetch(`${w.ecpay.url}/fake/pay`, {
      method: 'POST',
      body: new URLSearchParams({ MerchantTradeNo: orderNumber }),
    });
    expect(await pay.text()).toContain('/api/v1/payments/ecpay/result');
    expect(w.ecpay.replies.at(-1)).toBe('1|OK');

    const order = await c.json(`/api/v1/orders/${orderNumber}`);
    expect(order.body).toMatchObject({ status: 'paid', kind: 'plan', amountMinor: 299, currency: 'TWD' });
    expect(order.body.invoiceNumber).toMatch(/^VG\d{6}\d{6}$/);
    const me = await c.json('/api/v1/me');
    expect(me.body).toMatchObject({ tier: 'starter', linked: [{ platform: 'telegram' }] });
    const pts = await c.json('/api/v1/points');
    expect(pts.body.balance).toMatchObject({ monthly_pollo: 50, monthly_goenhance: 30, purchased: 0 });
    const notice = w.notifier.pushed.filter((p) => p.key?.startsWith(`order-paid:${orderNumber}`));
    expect(notice).toHaveLength(1);
    // A monthly plan says so in the notice: the amount and how to stop it.
    expect(notice[0]!.replies[0]).toMatchObject({
      kind: 'text',
      message: { key: 'web.notice.plan_active_renews', params: { plan: 'Starter', amount: 'NT$299' } },
    });

    // The browser's return (OrderResultURL) lands on the result page.
    const back = await fetch(`${w.baseUrl}/api/v1/payments/ecpay/result`, {
      method: 'POST',
      body: new URLSearchParams({ MerchantTradeNo: orderNumber, RtnCode: '1' }),
      redirect: 'manual',
    });
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe(`/result?order=${orderNumber}`);
    void userId;
  });

  it('fulfils once for 10 replays in a row and 10 at once', async () => {
    const { userId, c } = await signedIn('ben');
    const plan = await startEcpay(c, 'plan', 'pro');
    const body = w.ecpay.callbackBody(plan.form);
    for (let i = 0; i < 10; i++) expect(await callback(body)).toBe('1|OK');
    const pack = await startEcpay(c, 'pack', 'points-120');
    const packBody = w.ecpay.callbackBody(pack.form, { RtnMsg: 'paid' });
    const answers = await Promise.all(Array.from({ length: 10 }, () => callback(packBody)));
    expect(answers).toEqual(Array(10).fill('1|OK'));
    // … and the plan's callbacks again, concurrently with nothing left to do.
    expect(await Promise.all(Array.from({ length: 10 }, () => callback(body)))).toEqual(Array(10).fill('1|OK'));

    expect(await count(`SELECT count(*) AS n FROM subscriptions WHERE user_id = $1`, [userId])).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM point_ledger WHERE user_id = $1`, [userId])).toBe(3);
    expect(await count(`SELECT count(*) AS n FROM invoices WHERE user_id = $1`, [userId])).toBe(2);
    expect((await c.json('/api/v1/points')).body.balance).toMatchObject({
      monthly_pollo: 100,
      monthly_goenhance: 50,
      purchased: 120,
    });
    expect(w.notifier.pushed.filter((p) => p.target.platformUserId.startsWith('tg-ben'))).toHaveLength(2);
  });

  it('rejects a tampered CheckMacValue and a wrong amount, and never credits a simulated payment', async () => {
    const { userId, c } = await signedIn('cat');
    const { orderNumber, form } = await startEcpay(c, 'pack', 'points-50');
    const good = w.ecpay.callbackBody(form);
    const tampered = good.replace(/CheckMacValue=[0-9A-F]{4}/, 'CheckMacValue=0000');
    expect(await callback(tampered)).toMatch(/^0\|/);
    const forgedAmount = good.replace('TradeAmt=150', 'TradeAmt=1');
    expect(await callback(forgedAmount)).toMatch(/^0\|/);
    expect(await callback(w.ecpay.callbackBody(form, { TradeAmt: '15' }))).toBe('0|order mismatch');
    expect(await callback(w.ecpay.callbackBody(form, { MerchantID: '2000132' }))).toMatch(/^0\|/);
    expect(await callback(w.ecpay.callbackBody(form, { SimulatePaid: '1' }))).toBe('1|OK');
    expect(await callback(w.ecpay.callbackBody(form, { RtnCode: '10100058', RtnMsg: 'paid' }))).toBe('1|OK');
    expect(await callback(w.ecpay.callbackBody({ ...form, MerchantTradeNo: 'VGUNKNOWN1' }))).toBe('0|order mismatch');

    expect((await c.json(`/api/v1/orders/${orderNumber}`)).body.status).toBe('pending');
    expect(await count(`SELECT count(*) AS n FROM point_ledger WHERE user_id = $1`, [userId])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM invoices WHERE user_id = $1`, [userId])).toBe(0);
    // The genuine callback still works afterwards.
    expect(await callback(good)).toBe('1|OK');
    expect((await c.json('/api/v1/points')).body.balance.purchased).toBe(50);
  });
});
