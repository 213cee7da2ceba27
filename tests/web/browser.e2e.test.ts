// End to end in a real browser (Debian's chromium through playwright-core): magic link → plans → ECPay at the
// fake gateway (which posts the signed callback and sends the browser back) → result → account with the new
// plan and balance. Leaves a screenshot in tests/artifacts/.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { buildWebApp, launchChromium } from '../helpers/browser.ts';
import { startWorld, type World } from './support/world.ts';

let w: World;
let browser: Browser;
let dist: string;

beforeAll(async () => {
  dist = await buildWebApp('vidgo-web-');
  w = await startWorld({ appDist: dist, env: { RATE_LIMIT_IP_PER_MIN: '100000' } });
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await w?.close();
  fs.rmSync(dist, { recursive: true, force: true });
});

describe('web app in a browser', () => {
  it('signs in from a magic link, buys Pro through ECPay and sees the new plan and balance', async () => {
    const userId = await w.newUser('kim');
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'ja-JP' }); // a phone, as in chat in-app browsers
    // The link shows a sign-in page in the user's language; the button signs in and opens /plans.
    await page.goto(await w.web.links.linkFor(userId, '/plans'));
    expect(await page.locator('h1').textContent()).toBe('VidGoにログイン');
    await page.locator('button[type=submit]').click();
    await page.waitForURL(`${w.baseUrl}/plans`);
    await page.locator('[data-plan="demo"] .badge').waitFor();
    await page.locator('[data-plan="pro"] button').click();
    page.on('console', (m) => console.log('[browser]', m.text()));
    page.on('response', (r) => {
      if (r.status() >= 400) console.log('[browser]', r.status(), r.url());
    });
    await page.locator('#pay-ecpay').click();

    // The fake ECPay page (another origin), then back to our result page.
    await page.waitForURL(`${w.ecpay.url}/**`);
    expect(await page.locator('#amount').textContent()).toContain('599');
    await page.locator('#pay').click();
    await page.waitForURL(`${w.baseUrl}/result?order=*`);
    await page.locator('#result .ok').waitFor({ timeout: 15_000 });
    expect(w.ecpay.replies.at(-1)).toBe('1|OK');

    await page.locator('nav a[href="/account"]').click();
    await page.locator('#balance').waitFor();
    expect(await page.locator('#plan').textContent()).toContain('Pro');
    const balance = await page.locator('#balance').textContent();
    expect(balance).toContain('100');
    expect(balance).toContain('150');
    await page.locator('nav a[href="/plans"]').click();
    await page.locator('[data-plan="pro"] .badge').waitFor();
    fs.mkdirSync('tests/artifacts', { recursive: true });
    await page.screenshot({ path: 'tests/artifacts/web-plans-after-payment.png', fullPage: true });
    await page.locator('nav a[href="/account"]').click();
    await page.locator('#balance').waitFor();
    await page.screenshot({ path: 'tests/artifacts/web-account-after-payment.png', fullPage: true });
  }, 60_000);

  it('says before payment that a plan renews, offers one month without renewal, and cancels renewal from the account page', async () => {
    const userId = await w.newUser('ren');
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'ja-JP' });
    await page.goto(await w.web.links.linkFor(userId, '/plans'));
    await page.locator('button[type=submit]').click(); // the sign-in page's button
    await page.waitForURL(`${w.baseUrl}/plans`);
    await page.locator('[data-plan="starter"] .renews').waitFor();
    expect(await page.locator('[data-plan="starter"] .renews').textContent()).toMatch(/^解約するまで毎月 NT\$299$/);

    // The one-off month: ECPay with every method, nothing periodic in the form.
    await page.locator('[data-plan="starter"] button').click();
    expect(await page.locator('#monthly').textContent()).toContain(
      '解約するまで毎月 NT$299(または $9.99)。カード払いのみ。',
    );
    expect(await page.locator('#once').textContent()).toContain('1か月分 NT$299 を1回だけお支払い。');
    await page.locator('#pay-ecpay-once').click();
    await page.waitForURL(`${w.ecpay.url}/**`);
    const once = [...w.ecpay.orders.values()].at(-1)!;
    expect(once).toMatchObject({ ChoosePayment: 'ALL', TotalAmount: '299' });
    expect(once.PeriodType).toBeUndefined();

    // The monthly card schedule, paid.
    await page.goto(`${w.baseUrl}/checkout?kind=plan&slug=starter`);
    await page.locator('#pay-ecpay').click();
    await page.waitForURL(`${w.ecpay.url}/**`);
    const monthly = [...w.ecpay.orders.values()].at(-1)!;
    expect(monthly).toMatchObject({ ChoosePayment: 'Credit', PeriodType: 'M', PeriodAmount: '299' });
    await page.locator('#pay').click();
    await page.waitForURL(`${w.baseUrl}/result?order=*`);
    await page.locator('#result .ok').waitFor({ timeout: 15_000 });
    expect(await page.locator('#result').textContent()).toContain('解約するまで毎月自動更新されます。');

    await page.locator('nav a[href="/account"]').click();
    await page.locator('#renewal').waitFor();
    expect(await page.locator('#renewal').textContent()).toBe('自動更新:解約するまで毎月 NT$299。');
    await page.locator('#cancel-renewal').click();
    await page.locator('#renewal-notice').waitFor();
    // The day in the reader's locale (Intl's Japanese medium date), not ISO.
    expect(await page.locator('#renewal-notice').textContent()).toMatch(
      /^自動更新を解約しました。プランは \d{4}\/\d{2}\/\d{2} まで有効です。$/,
    );
    expect(w.ecpay.terminated.has(monthly.MerchantTradeNo!)).toBe(true);
    await page.locator('#cancel-renewal').waitFor({ state: 'detached' });
    expect(await page.locator('#renewal').textContent()).toBe('自動更新されません。');
    expect(await page.locator('#plan').textContent()).toContain('Starter');
    await page.screenshot({ path: 'tests/artifacts/web-account-renewal-canceled.png', fullPage: true });
  }, 60_000);
});
