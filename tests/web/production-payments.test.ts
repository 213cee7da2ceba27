// Production refuses ECPay's published stage merchant at start-up (the real process, docker-compose's variables),
// and a production app with its own merchant refuses a callback signed with the stage keys at the route: anyone
// can sign with those, so such a callback must never pay an order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runApp } from '../helpers/spawn-app.ts';
import { checkMacValue } from '../../infra/payments/ecpay.ts';
import { STAGE_ECPAY, startWorld, type World } from './support/world.ts';
import { Client } from './support/browserless.ts';

const OWN = { merchantId: '3219876', hashKey: 'Qx8vR2mK7pL4nT9w', hashIv: 'Hb3Zc6Yd1Fe5Gg0j' };

describe('production start-up', () => {
  it('exits naming each ECPay variable left at the stage default, as docker-compose starts it', async () => {
    const app = runApp({
      NODE_ENV: 'production',
      JWT_SECRET: 'j'.repeat(40),
      DATABASE_URL: 'postgres://127.0.0.1:1/none',
      PUBLIC_BASE_URL: 'https://vidgo.example',
      ECPAY_MERCHANT_ID: '',
      ECPAY_HASH_KEY: '',
      ECPAY_HASH_IV: '',
      PADDLE_API_KEY: 'pdl_live_apikey_01abc',
      PADDLE_WEBHOOK_SECRET: 'pdl_ntfset_x',
    });
    expect(await app.exited).toBe(1);
    const lines = app.output().trim().split('\n');
    expect(lines).toEqual([
      "config error: ECPAY_MERCHANT_ID: ECPay's published stage value (the default) is refused when NODE_ENV=production; set your own",
      "config error: ECPAY_HASH_KEY: ECPay's published stage value (the default) is refused when NODE_ENV=production; set your own",
      "config error: ECPAY_HASH_IV: ECPay's published stage value (the default) is refused when NODE_ENV=production; set your own",
      "config error: ECPAY_BASE_URL: ECPay's stage server is refused when NODE_ENV=production (use https://payment.ecpay.com.tw)",
      'config error: PADDLE_ENV: required with PADDLE_API_KEY when NODE_ENV=production (sandbox or live)',
    ]);
  });
});

describe('a production app with its own ECPay merchant', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({
      ecpay: OWN,
      env: { NODE_ENV: 'production', PADDLE_ENV: 'sandbox', RATE_LIMIT_IP_PER_MIN: '100000' },
    });
  });
  afterAll(async () => {
    await w?.close();
  });

  const callback = async (body: string) =>
    (
      await fetch(`${w.baseUrl}/api/v1/payments/ecpay/callback`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      })
    ).text();
  const forged = (form: Record<string, string>, merchantId: string) => {
    const p: Record<string, string> = {
      MerchantID: merchantId,
      MerchantTradeNo: form.MerchantTradeNo!,
      StoreID: '',
      RtnCode: '1',
      RtnMsg: '交易成功',
      TradeNo: '2511000000000999',
      TradeAmt: form.TotalAmount!,
      PaymentDate: form.MerchantTradeDate!,
      PaymentType: 'Credit_CreditCard',
      PaymentTypeChargeFee: '5',
      TradeDate: form.MerchantTradeDate!,
      SimulatePaid: '0',
      CustomField1: '',
      CustomField2: '',
      CustomField3: '',
      CustomField4: '',
    };
    p.CheckMacValue = checkMacValue(p, STAGE_ECPAY.hashKey, STAGE_ECPAY.hashIv);
    return new URLSearchParams(p).toString();
  };

  it('refuses callbacks signed with the published stage keys and pays only the genuine one', async () => {
    const userId = await w.newUser('prod');
    const c = new Client(w.baseUrl);
    await c.signIn(await w.web.links.linkFor(userId, '/plans'));
    await c.json('/api/v1/me');
    const r = await c.json('/api/v1/checkout', {
      method: 'POST',
      json: { kind: 'plan', slug: 'unlimited', method: 'ecpay' },
    });
    expect(r.status).toBe(200);
    expect(r.body.next.fields.MerchantID).toBe(OWN.merchantId);
    expect(
      await (await fetch(r.body.next.action, { method: 'POST', body: new URLSearchParams(r.body.next.fields) })).status,
    ).toBe(200);
    const form = w.ecpay.orders.get(r.body.orderNumber)!;

    expect(await callback(forged(form, STAGE_ECPAY.merchantId))).toBe('0|CheckMacValue error');
    expect(await callback(forged(form, OWN.merchantId))).toBe('0|CheckMacValue error');
    expect((await c.json(`/api/v1/orders/${r.body.orderNumber}`)).body.status).toBe('pending');
    expect((await c.json('/api/v1/me')).body.tier).toBe('demo');

    expect(await callback(w.ecpay.callbackBody(form))).toBe('1|OK');
    expect((await c.json('/api/v1/me')).body.tier).toBe('unlimited');
  });
});
