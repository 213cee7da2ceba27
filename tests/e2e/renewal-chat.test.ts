// Renewals in the running app, from LINE in Japanese: a monthly Starter bought through ECPay, `/plans cancel` stops
// ECPay's periodic order (CreditCardPeriodAction) and keeps the plan until its paid month ends, a late charge of
// the stopped schedule renews nothing and the user is told, and an admin records an ECPay refund (ECPay sends no
// refund notice) with `/admin revoke`, which ends the plan and tells the user, in their language.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppWorld, type AppWorld } from './support/app-world.ts';
import { Client } from '../web/support/browserless.ts';

let w: AppWorld;
beforeAll(async () => {
  w = await startAppWorld({ redisDb: 9, env: { ADMIN_IDS: 'line:Uadmin1' } });
}, 90_000);
afterAll(async () => w?.close(), 30_000);

async function say(user: string, text: string): Promise<string> {
  const { replyToken } = await w.lineSays(user, text);
  const reply = await w.until(
    () => w.line.sent.find((s) => s.kind === 'reply' && s.replyToken === replyToken),
    `the reply to ${text}`,
  );
  return w.line.texts(reply).join('\n');
}
/** ECPay's server-to-server posts, sent to the app's own port (the fake would post to the https front). */
const post = async (path: string, body: string) =>
  (
    await fetch(`${w.base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    })
  ).text();
const pushes = (user: string) =>
  w.line.sent.filter((s) => s.kind === 'push' && s.to === user).map((s) => w.line.texts(s).join('\n'));

describe('renewals from the chat', () => {
  it("/plans cancel stops ECPay's schedule and keeps the plan; a late charge renews nothing; an admin records a refund", async () => {
    w.line.profiles.set('Ujprenew', { displayName: '花子', language: 'ja' });
    w.line.profiles.set('Uadmin1', { displayName: 'Admin', language: 'en' });
    const plans = await w.lineSays('Ujprenew', '/plans');
    const reply = await w.until(
      () => w.line.sent.find((s) => s.kind === 'reply' && s.replyToken === plans.replyToken),
      'the /plans reply',
    );
    const link = JSON.stringify(reply.messages).match(new RegExp(`${w.publicUrl}/auth/[^"\\\\]+`))![0];
    const c = new Client(w.base);
    await c.signIn(link.replace(w.publicUrl, w.base), new URL(w.publicUrl).origin);
    await c.json('/api/v1/me');
    const checkout = await c.json('/api/v1/checkout', {
      method: 'POST',
      json: { kind: 'plan', slug: 'starter', method: 'ecpay' },
    });
    expect(
      (await fetch(checkout.body.next.action, { method: 'POST', body: new URLSearchParams(checkout.body.next.fields) }))
        .status,
    ).toBe(200);
    const order = checkout.body.orderNumber as string;
    const form = w.ecpay.orders.get(order)!;
    expect(await post('/api/v1/payments/ecpay/callback', w.ecpay.callbackBody(form))).toBe('1|OK');
    const active = await w.until(() => pushes('Ujprenew').find((t) => t.includes('Starter')), 'the purchase notice');
    expect(active).toContain('解約するまで毎月 NT$299 で自動更新されます(/plans cancel で解約)');
    const ends = (await c.json('/api/v1/me')).body.planEnds.slice(0, 10) as string;
    const endsShown = ends.replaceAll('-', '/'); // the chat writes the day as Japanese readers do (Intl), not ISO

    expect(await say('Ujprenew', '/plans cancel')).toBe(
      `Starter プランの自動更新を解約しました。${endsShown} まで有効です。`,
    );
    expect(w.ecpay.terminated.has(order)).toBe(true);
    expect((await c.json('/api/v1/me')).body).toMatchObject({ tier: 'starter', autoRenew: false, renewal: null });
    expect((await c.json('/api/v1/me')).body.planEnds.slice(0, 10)).toBe(ends);
    expect(await say('Ujprenew', '/plans cancel')).toBe(
      `Starter プランは自動更新されません。${endsShown} に終了します。`,
    );

    // A charge ECPay had already started arrives after the stop.
    expect(await post('/api/v1/payments/ecpay/period', w.ecpay.periodBody(form, 2))).toBe('1|OK');
    const stale = await w.until(
      () => pushes('Ujprenew').find((t) => t.includes('NT$299') && t.includes('返金')),
      'the late-charge notice',
    );
    expect(stale).toBe(
      '変更または解約した後に、以前の Starter プランで NT$299 が請求されました。何も更新されていません。その自動更新は停止し、この請求は返金されます。',
    );
    expect((await c.json('/api/v1/me')).body.planEnds.slice(0, 10)).toBe(ends);

    // ECPay sends no refund notice: the admin records the refund made in ECPay's dashboard, once.
    expect(await say('Ujprenew', `/admin revoke ${order} refund`)).toBe(
      '申し訳ありません。このコマンドは管理者専用です。',
    );
    const done = await say('Uadmin1', `/admin revoke ${order} refund`);
    expect(done).toBe(
      `Recorded for ${order}: its plan month and points were taken back (80 points, 0 already spent). The user was told.`,
    );
    expect(await say('Uadmin1', `/admin revoke ${order} refund`)).toBe(
      `${order} was already recorded (80 points taken back, 0 already spent).`,
    );
    const refund = await w.until(
      () => pushes('Ujprenew').find((t) => t.includes('返金されました')),
      'the refund notice',
    );
    expect(refund).toMatch(
      /^Starter のお支払い\(請求書番号 VG\d+\)は返金されました。\nこのお支払いによるプランは終了しました。\n80 ポイントが差し引かれました。$/,
    );
    expect((await c.json('/api/v1/me')).body.tier).toBe('demo');
    expect((await c.json('/api/v1/points')).body.balance.total).toBe(0);
    expect(await w.q(`SELECT outcome FROM admin_audit_log WHERE command = 'admin revoke' ORDER BY created_at`)).toEqual(
      [{ outcome: 'refused' }, { outcome: 'ok' }, { outcome: 'ok' }],
    );
  }, 120_000);
});
