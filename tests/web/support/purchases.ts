// Buying through the real routes in the web tests: sign in from a magic link, start an ECPay or Paddle checkout,
// pay at the fake gateway, and read what the database holds.
import { expect } from 'vitest';
import { QueryTypes } from 'sequelize';
import type { World } from './world.ts';
import { Client } from './browserless.ts';

export async function signedIn(w: World, name: string) {
  const userId = await w.newUser(name);
  const c = new Client(w.baseUrl);
  expect((await c.signIn(await w.web.links.linkFor(userId, '/plans'))).status).toBe(303);
  await c.json('/api/v1/me'); // picks up the CSRF cookie like the app's first call
  return { userId, c };
}

/** Starts an ECPay checkout and posts its form to the fake (which checks the CheckMacValue like ECPay). */
export async function ecpayCheckout(
  w: World,
  c: Client,
  kind: 'plan' | 'pack',
  slug: string,
  extra: Record<string, unknown> = {},
) {
  const r = await c.json('/api/v1/checkout', { method: 'POST', json: { kind, slug, method: 'ecpay', ...extra } });
  expect(r.status).toBe(200);
  const page = await fetch(r.body.next.action, { method: 'POST', body: new URLSearchParams(r.body.next.fields) });
  expect(page.status).toBe(200);
  return { orderNumber: r.body.orderNumber as string, form: w.ecpay.orders.get(r.body.orderNumber)! };
}

/** ECPay checkout paid at the fake's pay page (the signed ReturnURL callback, retried until `1|OK`). */
export async function ecpayBuy(
  w: World,
  c: Client,
  kind: 'plan' | 'pack',
  slug: string,
  extra: Record<string, unknown> = {},
) {
  const o = await ecpayCheckout(w, c, kind, slug, extra);
  await fetch(`${w.ecpay.url}/fake/pay`, {
    method: 'POST',
    body: new URLSearchParams({ MerchantTradeNo: o.orderNumber }),
  });
  expect(w.ecpay.replies.at(-1)).toBe('1|OK');
  return o;
}

/** Paddle checkout paid at the fake's checkout page; a plan starts a Paddle subscription. */
export async function paddleBuy(w: World, c: Client, kind: 'plan' | 'pack', slug: string) {
  const r = await c.json('/api/v1/checkout', { method: 'POST', json: { kind, slug, method: 'paddle' } });
  expect(r.status).toBe(200);
  const txId = new URL(r.body.next.url).searchParams.get('_ptxn')!;
  const { subscriptionId } = await w.paddle.pay(txId);
  return { orderNumber: r.body.orderNumber as string, txId, subscriptionId };
}

export const rows = <T = Record<string, any>>(w: World, sql: string, bind: unknown[] = []) =>
  w.db.sequelize.query(sql, { bind, type: QueryTypes.SELECT }) as Promise<T[]>;
export const count = async (w: World, sql: string, bind: unknown[] = []) =>
  Number((await rows<{ n: number }>(w, sql, bind))[0]!.n);

/** Waits for something the app does after answering (a webhook the fake sends back, a push). */
export async function until<T>(
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as T;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A clock the test moves forward (a renewal a month later); back to now with later(0). */
export function movableClock() {
  let offset = 0;
  return {
    clock: { now: () => new Date(Date.now() + offset) },
    later: (ms: number) => {
      offset = ms;
    },
  };
}
