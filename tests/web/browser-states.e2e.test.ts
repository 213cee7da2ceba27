// The web app's states in a real browser (Debian's chromium through playwright-core), against the real web wiring
// and database: a signed-out visitor is told how to sign in from the chat (each configured platform's deep link),
// never shown a current plan; a page whose request is slow says it is loading (the gallery does not claim to be
// empty); a failed request shows an error with a retry that recovers; the language switcher re-renders the page
// and is remembered; the active tab carries aria-current; sample clips autoplay only without reduced motion.
// Screenshots of each state land in tests/artifacts/ (git-ignored).
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildWebApp, launchChromium } from '../helpers/browser.ts';
import { startWorld, type World } from './support/world.ts';

const ARTIFACTS = 'tests/artifacts';
const DISCORD_APP = '112233445566778899';
const WEB = Object.fromEntries(
  ['ja', 'zh-TW'].map((l) => [l, JSON.parse(fs.readFileSync(`locales/${l}/web.json`, 'utf8')).web]),
);
let w: World;
let browser: Browser;
let dist: string;

beforeAll(async () => {
  dist = await buildWebApp('vidgo-web-states-');
  // Telegram (@VidGoBot) and LINE (@vidgo) come with the world; Discord is configured here too.
  w = await startWorld({
    appDist: dist,
    env: { RATE_LIMIT_IP_PER_MIN: '100000', DISCORD_APPLICATION_ID: DISCORD_APP, DISCORD_PUBLIC_KEY: 'ab'.repeat(32) },
  });
  browser = await launchChromium();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await w?.close();
  if (dist) fs.rmSync(dist, { recursive: true, force: true });
});

const shot = (page: Page, name: string) =>
  page.screenshot({ path: `${ARTIFACTS}/web-state-${name}.png`, fullPage: true });

/** A chat user (their chat language is Japanese) signed in through a magic link; the page switched to English unless asked not to. */
async function signedIn(opts: { reducedMotion?: 'reduce' | 'no-preference'; keepLanguage?: boolean } = {}) {
  const userId = await w.newUser('states');
  const ctx = await browser.newContext({
    viewport: { width: 390, height: 844 },
    locale: 'en-US',
    reducedMotion: opts.reducedMotion ?? 'no-preference',
  });
  const page = await ctx.newPage();
  await page.goto(await w.web.links.linkFor(userId, '/plans'));
  await page.locator('button[type=submit]').click();
  await page.waitForURL(`${w.baseUrl}/plans`);
  await page.locator('[data-plan] .badge').waitFor();
  if (!opts.keepLanguage) {
    await page.locator('#lang-switch').selectOption('en');
    await page.locator('h1', { hasText: 'Plans' }).waitFor();
  }
  return { ctx, page, userId };
}

describe('web app states in a browser', () => {
  it('tells a signed-out visitor how to sign in from the chat, with each configured platform’s link, and no current plan', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
    const page = await ctx.newPage();
    await page.goto(`${w.baseUrl}/plans`);
    await page.locator('[data-plan="demo"]').waitFor();
    await page.locator('#signin .chat-link').first().waitFor();
    expect(await page.locator('.badge').count()).toBe(0);
    expect(await page.locator('body').textContent()).not.toMatch(/Current plan/);
    expect(await page.locator('#signin').textContent()).toContain('Send /plans or /gallery to VidGo in your chat app');
    const links = await page
      .locator('#signin .chat-link')
      .evaluateAll((as) => as.map((a) => [a.getAttribute('data-platform'), a.getAttribute('href'), a.textContent]));
    expect(links).toEqual([
      ['telegram', 'https://t.me/VidGoBot', 'Open VidGo in Telegram'],
      ['line', 'https://line.me/R/ti/p/%40vidgo', 'Open VidGo in LINE'],
      ['discord', `https://discord.com/oauth2/authorize?client_id=${DISCORD_APP}`, 'Open VidGo in Discord'],
    ]);
    expect(await page.locator('[data-plan] button').count()).toBe(0); // nothing to buy without a session
    await shot(page, 'signed-out-plans');
    // A page that needs a session says the same instead of staying blank.
    await page.locator('nav a[href="/gallery"]').click();
    await page.locator('#signin').waitFor();
    expect(await page.locator('nav a[aria-current="page"]').getAttribute('href')).toBe('/gallery');
    await ctx.close();
  }, 60_000);

  it('says the gallery is loading while it loads, then empty only once the server said so', async () => {
    const { ctx, page } = await signedIn();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/api/v1/generations?*', async (route) => {
      await held;
      await route.continue();
    });
    await page.locator('nav a[href="/gallery"]').click();
    await page.locator('.state-loading').waitFor();
    expect(await page.locator('.state-loading').getAttribute('role')).toBe('status');
    expect(await page.locator('.state-loading').textContent()).toBe('Loading…');
    expect(await page.locator('#gallery-empty').count()).toBe(0);
    await shot(page, 'gallery-loading');
    release();
    await page.locator('#gallery-empty').waitFor();
    expect(await page.locator('.state-loading').count()).toBe(0);
    expect(await page.locator('nav a[aria-current="page"]').getAttribute('href')).toBe('/gallery');
    expect(await page.locator('nav a[aria-current]').count()).toBe(1);
    await ctx.close();
  }, 60_000);

  it('shows a failed request as an error with a retry that recovers, on the packs and the account page', async () => {
    const { ctx, page } = await signedIn();
    await page.route('**/api/v1/packs', (route) => route.abort('internetdisconnected'));
    await page.locator('nav a[href="/packs"]').click();
    await page.locator('.state-failed').waitFor();
    expect(await page.locator('.state-failed').getAttribute('role')).toBe('alert');
    expect(await page.locator('.state-failed').textContent()).toContain('This could not be loaded.');
    expect(await page.locator('[data-pack]').count()).toBe(0);
    await shot(page, 'packs-failed');
    await page.unroute('**/api/v1/packs');
    await page.locator('.state-failed .retry').click();
    await page.locator('[data-pack]').first().waitFor();
    expect(await page.locator('.state-failed').count()).toBe(0);

    // The server answering 503 to the balance: that part says so, the rest of the page still shows.
    await page.route('**/api/v1/points', (route) =>
      route.fulfill({ status: 503, contentType: 'application/json', body: '{"code":"unavailable"}' }),
    );
    await page.locator('nav a[href="/account"]').click();
    await page.locator('.state-failed').waitFor();
    await page.locator('#plan').waitFor();
    expect(await page.locator('#balance').count()).toBe(0);
    await shot(page, 'account-balance-failed');
    await page.unroute('**/api/v1/points');
    await page.locator('.state-failed .retry').click();
    await page.locator('#balance').waitFor();
    expect(await page.locator('#balance').textContent()).toContain('Total');
    await ctx.close();
  }, 60_000);

  it('shows an error, not a blank page, when the session cannot be checked', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
    const page = await ctx.newPage();
    let failing = true;
    await page.route('**/api/v1/me', (route) =>
      failing ? route.fulfill({ status: 500, contentType: 'application/json', body: '{}' }) : route.continue(),
    );
    await page.goto(`${w.baseUrl}/gallery`);
    await page.locator('.state-failed').waitFor();
    await shot(page, 'session-failed');
    failing = false;
    await page.locator('.state-failed .retry').click();
    await page.locator('#signin').waitFor(); // the retry reached the server: no session, so how to sign in
    await ctx.close();
  }, 60_000);

  it('switches language from the header, remembers it, and the page follows', async () => {
    const { ctx, page } = await signedIn({ keepLanguage: true });
    // Until one is picked here, the page speaks the chat's language (the world's users chat in Japanese).
    expect(await page.locator('#lang-switch').inputValue()).toBe('ja');
    expect(await page.locator('h1').textContent()).toBe(WEB.ja.plans.title);
    await page.locator('#lang-switch').selectOption('es');
    await page.locator('h1', { hasText: 'Planes' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('es');
    expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe('Planes');
    await shot(page, 'lang-es');
    await page.locator('#lang-switch').selectOption('zh-TW');
    await page.locator('nav a[href="/packs"]').click();
    await page.locator('[data-pack]').first().waitFor();
    expect(await page.locator('h1').textContent()).toBe(WEB['zh-TW'].packs.title);
    // Counted texts follow the language's plural rules and its number format.
    const packTitles = await page.locator('[data-pack] strong').allTextContents();
    expect(packTitles.every((s) => /^[\d,]+ 點$/.test(s))).toBe(true);
    await page.reload();
    await page.locator('[data-pack]').first().waitFor();
    expect(await page.locator('#lang-switch').inputValue()).toBe('zh-TW');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-TW');
    await shot(page, 'lang-zh-TW-after-reload');
    const names = await page.locator('#lang-switch option').allTextContents();
    expect(names).toEqual(['English', '日本語', '繁體中文', '한국어', 'Español']);
    await ctx.close();
  }, 60_000);

  it('lets showcase clips play by themselves only without reduced motion', async () => {
    await w.db.sequelize.query(`UPDATE showcase_styles SET sample_url = '${w.baseUrl}/media/sample.mp4'`);
    const clips = async (motion: 'reduce' | 'no-preference') => {
      const { ctx, page } = await signedIn({ reducedMotion: motion });
      await page.locator('nav a[href="/showcase"]').click();
      await page.locator('[data-style] video').first().waitFor({ state: 'attached' });
      const state = await page
        .locator('[data-style] video')
        .evaluateAll((vs) => (vs as HTMLVideoElement[]).map((v) => ({ autoplay: v.autoplay, controls: v.controls })));
      await shot(page, `showcase-${motion}`);
      await ctx.close();
      return state;
    };
    const reduced = await clips('reduce');
    expect(reduced.length).toBeGreaterThan(0);
    expect(reduced.every((v) => !v.autoplay && v.controls)).toBe(true);
    const moving = await clips('no-preference');
    expect(moving.length).toBe(reduced.length);
    expect(moving.every((v) => v.autoplay)).toBe(true);
  }, 90_000);
});
