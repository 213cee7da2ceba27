// Magic links, sessions, CSRF, CORS, validation, showcase deep links, the rate limit, and billing's scheduled
// work (expiry, renewal reminders, monthly reset) on real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { startWorld, type World } from './support/world.ts';
import { Client } from './support/browserless.ts';

let w: World;
beforeAll(async () => {
  w = await startWorld({ env: { RATE_LIMIT_IP_PER_MIN: '40' } });
});
afterAll(async () => {
  await w?.close();
});

describe('magic links and sessions', () => {
  it('signs in once with a link, with a safe session cookie', async () => {
    const userId = await w.newUser('gus');
    const link = await w.web.links.linkFor(userId, '/gallery');
    expect(link).toMatch(new RegExp(`^${w.baseUrl}/auth/link\\?token=`));
    const c = new Client(w.baseUrl);
    const res = await c.signIn(link);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/gallery');
    const cookie = res.headers.getSetCookie().find((s) => s.startsWith('vg_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Max-Age=604800/);
    expect((await c.json('/api/v1/me')).body).toMatchObject({ userId, tier: 'demo', locale: 'ja' });

    const again = await new Client(w.baseUrl).fetch(link);
    expect(again.headers.get('location')).toBe('/expired');
    const forged = await new Client(w.baseUrl).fetch(link.replace(/.{6}$/, 'AAAAAA'));
    expect(forged.headers.get('location')).toBe('/expired');
    expect((await new Client(w.baseUrl).json('/api/v1/me')).status).toBe(401);
    const hostile = await w.web.links.linkFor(userId, '//evil.example/x');
    expect((await new Client(w.baseUrl).signIn(hostile)).headers.get('location')).toBe('/');
  });

  it('needs the CSRF header for checkout, validates input, and allows only listed CORS origins', async () => {
    const userId = await w.newUser('hal');
    const c = new Client(w.baseUrl);
    await c.signIn(await w.web.links.linkFor(userId, '/plans'));
    await c.json('/api/v1/me');
    expect(
      (
        await c.json('/api/v1/checkout', {
          method: 'POST',
          json: { kind: 'plan', slug: 'pro', method: 'ecpay' },
          headers: { 'x-csrf-token': 'nope' },
        })
      ).status,
    ).toBe(403);
    expect(
      (await c.json('/api/v1/checkout', { method: 'POST', json: { kind: 'plan', slug: 'pro', method: 'bitcoin' } }))
        .status,
    ).toBe(400);
    expect(
      (await c.json('/api/v1/checkout', { method: 'POST', json: { kind: 'plan', slug: 'demo', method: 'ecpay' } }))
        .status,
    ).toBe(404);
    expect((await c.json('/api/v1/generations?limit=1000')).status).toBe(400);
    const ok = await c.fetch('/api/v1/plans', { headers: { origin: 'https://app.example' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const bad = await c.fetch('/api/v1/plans', { headers: { origin: 'https://evil.example' } });
    expect(bad.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lists showcase styles with chat deep links and an upgrade prompt for Demo', async () => {
    const userId = await w.newUser('ivy');
    const c = new Client(w.baseUrl);
    await c.signIn(await w.web.links.linkFor(userId, '/showcase'));
    const r = await c.json('/api/v1/showcase');
    expect(r.body.styleAccess).toBe(false);
    expect(r.body.styles[0]).toMatchObject({
      id: 'anime',
      telegram: 'https://t.me/VidGoBot?start=s_anime',
      line: 'https://line.me/R/oaMessage/%40vidgo/?%2Fstyle%20anime%20',
    });
  });
});

describe('billing schedule', () => {
  const sql = (q: string, bind: unknown[] = []) => w.db.sequelize.query<any>(q, { bind, type: QueryTypes.SELECT });

  it('resets allowances once a month, reminds 3 days before the end once, and expires', async () => {
    const userId = await w.newUser('jay');
    // A one-off payment: auto-renewing ECPay plans get no reminder (tests/web/ecpay-period.test.ts).
    const order = await w.web.billing.checkout(userId, { kind: 'plan', slug: 'starter' }, 'ecpay', {
      autoRenew: false,
    });
    expect(
      await w.web.billing.fulfilPaidOrder(order.order.orderNumber, {
        provider: 'ecpay',
        externalId: 'T1',
        amountMinor: 299,
        currency: 'TWD',
        raw: {},
      }),
    ).toBe('fulfilled');
    const now = new Date();
    // The purchase already gave this month's allowance.
    expect(await w.web.billing.monthlyReset(now)).toBe(0);
    const next = new Date(now.getTime() + 32 * 86_400_000);
    await sql(`UPDATE subscriptions SET end_date = $2 WHERE user_id = $1 RETURNING id`, [
      userId,
      new Date(next.getTime() + 20 * 86_400_000),
    ]);
    expect(await w.web.billing.monthlyReset(next)).toBe(1);
    expect(await w.web.billing.monthlyReset(next)).toBe(0);

    await sql(`UPDATE subscriptions SET end_date = $2 WHERE user_id = $1 RETURNING id`, [
      userId,
      new Date(now.getTime() + 2 * 86_400_000),
    ]);
    const before = w.notifier.pushed.length;
    expect(await w.web.billing.sendRenewalReminders(now)).toBe(1);
    expect(await w.web.billing.sendRenewalReminders(now)).toBe(0);
    const reminder = w.notifier.pushed[before]!.replies[0]!;
    expect(reminder).toMatchObject({ kind: 'link', message: { key: 'web.notice.renewal_reminder' } });
    expect((reminder as { url: string }).url).toContain('/auth/link?token=');

    expect(await w.web.billing.expireSubscriptions(new Date(now.getTime() + 3 * 86_400_000))).toBe(1);
    expect((await sql(`SELECT status FROM subscriptions WHERE user_id = $1`, [userId]))[0].status).toBe('expired');
  });
});

describe('rate limit', () => {
  it('answers 429 past the per-IP limit on the web routes, never on payment callbacks', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 45; i++) statuses.push((await fetch(`${w.baseUrl}/api/v1/plans`)).status);
    expect(statuses).toContain(429);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    const cb = await fetch(`${w.baseUrl}/api/v1/payments/ecpay/callback`, { method: 'POST', body: 'x=1' });
    expect(cb.status).toBe(200);
    expect(await cb.text()).toMatch(/^0\|/);
  });
});
