// ECPay periodic card payments (定期定額) end to end on real PostgreSQL against the fake ECPay: the signed period
// fields of a plan checkout, the first payment on ReturnURL, later authorizations on PeriodReturnURL (replays in a
// row and at once, tampering, wrong amount, failed and simulated authorizations), and reminders skipping them.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { verifyCheckMacValue } from '../../infra/payments/ecpay.ts';
import { startWorld, type World } from './support/world.ts';
import { Client } from './support/browserless.ts';

const KEYS = { hashKey: 'pwFHCqoQZGmho4w6', hashIv: 'EkRm7iFT261dpevs' };
const DAY = 86_400_000;
let offset = 0;
const clock = { now: () => new Date(Date.now() + offset) };

let w: World;
beforeAll(async () => {
  w = await startWorld({ env: { RATE_LIMIT_IP_PER_MIN: '100000' }, clock });
});
afterAll(async () => {
  await w?.close();
});
afterEach(() => {
  offset = 0;
});

const one = async <T extends object>(sql: string, bind: unknown[]) =>
  (await w.db.sequelize.query<T>(sql, { bind, type: QueryTypes.SELECT }))[0]!;
const count = async (sql: string, bind: unknown[]) => Number((await one<{ n: number }>(sql, bind)).n);

async function signedIn(name: string) {
  const userId = await w.newUser(name);
  const c = new Client(w.baseUrl);
  expect((await c.signIn(await w.web.links.linkFor(userId, '/plans'))).status).toBe(303);
  await c.json('/api/v1/me');
  return { userId, c };
}

async function startEcpay(c: Client, kind: 'plan' | 'pack', slug: string, extra: Record<string, unknown> = {}) {
  const r = await c.json('/api/v1/checkout', { method: 'POST', json: { kind, slug, method: 'ecpay', ...extra } });
  expect(r.status).toBe(200);
  const next = r.body.next as { action: string; fields: Record<string, string> };
  const page = await fetch(next.action, { method: 'POST', body: new URLSearchParams(next.fields) });
  expect(page.status).toBe(200); // the fake checks the CheckMacValue and the period rules like ECPay
  return { orderNumber: r.body.orderNumber as string, form: w.ecpay.orders.get(r.body.orderNumber)! };
}

/** A starter plan bought with auto-renewal and paid at the fake gateway. */
async function subscribed(name: string) {
  const { userId, c } = await signedIn(name);
  const { orderNumber, form } = await startEcpay(c, 'plan', 'starter');
  await fetch(`${w.ecpay.url}/fake/pay`, {
    method: 'POST',
    body: new URLSearchParams({ MerchantTradeNo: orderNumber }),
  });
  expect(w.ecpay.replies.at(-1)).toBe('1|OK');
  return { userId, c, orderNumber, form };
}

const subscription = (userId: string) =>
  one<{ id: string; end_date: Date; start_date: Date; auto_renew: boolean; provider: string; status: string }>(
    `SELECT id, start_date, end_date, auto_renew, provider, status FROM subscriptions WHERE user_id = $1`,
    [userId],
  );

describe('ECPay periodic payment (monthly auto-renewal)', () => {
  it('puts the period fields into the signed form of a plan, and only there', async () => {
    const { c } = await signedIn('gus');
    const { form } = await startEcpay(c, 'plan', 'starter');
    expect(form).toMatchObject({
      ChoosePayment: 'Credit',
      TotalAmount: '299',
      PeriodAmount: '299',
      PeriodType: 'M',
      Frequency: '1',
      ExecTimes: '99',
      PeriodReturnURL: `${w.baseUrl}/api/v1/payments/ecpay/period`,
      ReturnURL: `${w.baseUrl}/api/v1/payments/ecpay/callback`,
    });
    expect(verifyCheckMacValue(form, KEYS)).toBe(true);
    expect(verifyCheckMacValue({ ...form, ExecTimes: '2' }, KEYS)).toBe(false); // the period fields are signed too
    expect(verifyCheckMacValue({ ...form, PeriodReturnURL: 'https://evil.example/p' }, KEYS)).toBe(false);

    const oneOff = await startEcpay(c, 'plan', 'starter', { autoRenew: false });
    expect(oneOff.form.ChoosePayment).toBe('ALL');
    expect(Object.keys(oneOff.form).filter((k) => k.startsWith('Period'))).toEqual([]);
    const pack = await startEcpay(c, 'pack', 'points-50');
    expect(pack.form.ChoosePayment).toBe('ALL');
    expect(pack.form.PeriodReturnURL).toBeUndefined();
  });

  it('activates on the first payment (ReturnURL) as an auto-renewing ECPay subscription', async () => {
    const { userId, c, orderNumber } = await subscribed('hal');
    expect((await c.json(`/api/v1/orders/${orderNumber}`)).body.status).toBe('paid');
    expect((await c.json('/api/v1/me')).body).toMatchObject({ tier: 'starter', autoRenew: true });
    expect(await subscription(userId)).toMatchObject({ provider: 'ecpay', auto_renew: true, status: 'active' });
    expect((await c.json('/api/v1/points')).body.balance).toMatchObject({ monthly_pollo: 50, monthly_goenhance: 30 });
  });

  it('extends once and allocates once for the second authorization, replayed 10 times in a row and 10 at once', async () => {
    const { userId, c, orderNumber, form } = await subscribed('ivy');
    const before = await subscription(userId);
    await c.json('/api/v1/points');
    offset = 32 * DAY; // next month: ECPay's second authorization, past the first month's end
    const body = w.ecpay.periodBody(form, 2);
    for (let i = 0; i < 10; i++) expect(await w.ecpay.sendPeriod(form, body)).toBe('1|OK');
    expect(await Promise.all(Array.from({ length: 10 }, () => w.ecpay.sendPeriod(form, body)))).toEqual(
      Array(10).fill('1|OK'),
    );
    // ECPay's retry of the same authorization carries RtnMsg=paid and the same key.
    expect(await w.ecpay.sendPeriod(form, w.ecpay.periodBody(form, 2, { RtnMsg: 'paid' }))).toBe('1|OK');

    const after = await subscription(userId);
    expect(after.id).toBe(before.id);
    expect(after).toMatchObject({ status: 'active', auto_renew: true });
    expect(
      await count(
        `SELECT count(*) AS n FROM subscriptions WHERE id = $1 AND end_date = start_date + interval '2 months'`,
        [after.id],
      ),
    ).toBe(1);
    const renewal = `${orderNumber}R2`;
    expect(await count(`SELECT count(*) AS n FROM orders WHERE user_id = $1 AND status = 'paid'`, [userId])).toBe(2);
    expect((await c.json(`/api/v1/orders/${renewal}`)).body).toMatchObject({
      status: 'paid',
      kind: 'plan',
      amountMinor: 299,
      currency: 'TWD',
    });
    expect(await count(`SELECT count(*) AS n FROM invoices WHERE user_id = $1`, [userId])).toBe(2);
    expect(
      await count(`SELECT count(*) AS n FROM point_ledger WHERE user_id = $1 AND reason = 'monthly_allocation'`, [
        userId,
      ]),
    ).toBe(2); // pollo + goenhance, once
    expect((await c.json('/api/v1/points')).body.balance).toMatchObject({ monthly_pollo: 50, monthly_goenhance: 30 });
    const notices = w.notifier.pushed.filter((p) => p.key?.startsWith(`order-paid:${renewal}:`));
    expect(notices.length).toBe(
      w.notifier.pushed.filter((p) => p.key?.startsWith(`order-paid:${orderNumber}:`)).length,
    );
    expect(notices.length).toBeGreaterThan(0);
    expect(notices[0]!.replies[0]).toMatchObject({ kind: 'text', message: { key: 'web.notice.plan_renewed' } });
  });

  it('refuses tampered, foreign or wrongly priced callbacks and ignores failed, simulated and first authorizations', async () => {
    const { userId, orderNumber, form } = await subscribed('jon');
    offset = 32 * DAY;
    const snapshot = async () => ({
      sub: await subscription(userId),
      paid: await count(`SELECT count(*) AS n FROM orders WHERE user_id = $1 AND status = 'paid'`, [userId]),
      ledger: await count(`SELECT count(*) AS n FROM point_ledger WHERE user_id = $1`, [userId]),
      invoices: await count(`SELECT count(*) AS n FROM invoices WHERE user_id = $1`, [userId]),
    });
    const start = await snapshot();
    const good = w.ecpay.periodBody(form, 2);
    expect(await w.ecpay.sendPeriod(form, good.replace(/CheckMacValue=[0-9A-F]{4}/, 'CheckMacValue=0000'))).toMatch(
      /^0\|/,
    );
    expect(await w.ecpay.sendPeriod(form, good.replace('TotalSuccessTimes=2', 'TotalSuccessTimes=3'))).toMatch(/^0\|/);
    expect(await w.ecpay.sendPeriod(form, good.replace('Amount=299', 'Amount=1'))).toMatch(/^0\|/);
    expect(await w.ecpay.sendPeriod(form, w.ecpay.periodBody(form, 2, { Amount: '1' }))).toBe('0|order mismatch');
    expect(await w.ecpay.sendPeriod(form, w.ecpay.periodBody(form, 2, { MerchantID: '2000132' }))).toMatch(/^0\|/);
    expect(await w.ecpay.sendPeriod(form, w.ecpay.periodBody({ ...form, MerchantTradeNo: 'VGUNKNOWN1' }, 2))).toBe(
      '0|order mismatch',
    );
    expect(await w.ecpay.sendPeriod(form, w.ecpay.periodBody(form, 2, { RtnCode: '10100058', RtnMsg: 'paid' }))).toBe(
      '1|OK',
    );
    expect(await w.ecpay.sendPeriod(form, w.ecpay.periodBody(form, 2, { SimulatePaid: '1' }))).toBe('1|OK');
    expect(await w.ecpay.sendPeriod(form, w.ecpay.periodBody(form, 1))).toBe('1|OK'); // the checkout's own authorization
    expect(await snapshot()).toEqual(start);
    expect(
      await count(`SELECT count(*) AS n FROM orders WHERE order_number = $1 AND status = 'paid'`, [`${orderNumber}R2`]),
    ).toBe(0);

    // The genuine callback still works afterwards.
    expect(await w.ecpay.sendPeriod(form, good)).toBe('1|OK');
    expect((await snapshot()).paid).toBe(2);
  });

  it('stops auto-renewal after the last of ExecTimes and does not remind auto-renewing ECPay subscribers', async () => {
    const auto = await subscribed('kim');
    const { userId: oneOffUser, c } = await signedIn('lea');
    const oneOff = await startEcpay(c, 'plan', 'starter', { autoRenew: false });
    await fetch(`${w.ecpay.url}/fake/pay`, {
      method: 'POST',
      body: new URLSearchParams({ MerchantTradeNo: oneOff.orderNumber }),
    });
    expect(await subscription(oneOffUser)).toMatchObject({ provider: 'ecpay', auto_renew: false });

    const subAuto = await subscription(auto.userId);
    const subOneOff = await subscription(oneOffUser);
    await w.web.billing.sendRenewalReminders(new Date(subOneOff.end_date.getTime() - DAY));
    const reminded = (id: string) => w.notifier.pushed.filter((p) => p.key?.startsWith(`renewal:${id}:`)).length;
    expect(reminded(subOneOff.id)).toBeGreaterThan(0);
    expect(reminded(subAuto.id)).toBe(0);

    // The 99th authorization is ECPay's last: from then on the subscriber is reminded again.
    expect(await w.ecpay.sendPeriod(auto.form, w.ecpay.periodBody(auto.form, 99))).toBe('1|OK');
    const last = await subscription(auto.userId);
    expect(last.auto_renew).toBe(false);
    await w.web.billing.sendRenewalReminders(new Date(last.end_date.getTime() - DAY));
    expect(reminded(subAuto.id)).toBeGreaterThan(0);
  });
});
