// The gallery page in a real browser (Debian's chromium through playwright-core) against the running app with real
// data: a Demo user's Smart Demo clip made from LINE, then upgraded (the ECPay path itself is in gallery.test.ts),
// plus failed, refused and older items past the first page. The app's API, media and sign-in are the composed app's;
// only the built Svelte files come from a fresh Vite build (served to the browser from a temp folder, so the build
// never races another test reading web/app/dist). Leaves tests/artifacts/web-gallery.png.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { buildWebApp, launchChromium } from '../helpers/browser.ts';
import { startAppWorld, type AppWorld } from './support/app-world.ts';

let w: AppWorld;
let browser: Browser;
let dist: string;

beforeAll(async () => {
  dist = await buildWebApp('vidgo-gallery-');
  w = await startAppWorld({ redisDb: 14 });
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await w?.close();
  if (dist) fs.rmSync(dist, { recursive: true, force: true });
}, 30_000);

describe('gallery page in a browser', () => {
  it('shows player, status, points, clean download after an upgrade, and pages', async () => {
    w.line.profiles.set('UgalWeb', { displayName: 'Lia', language: 'en' });
    await w.lineSays('UgalWeb', 'my dog in the park');
    await w.until(
      () =>
        w.line.sent.some(
          (s) =>
            s.kind === 'push' && s.to === 'UgalWeb' && s.messages.some((m: { type: string }) => m.type === 'video'),
        ),
      'the demo video',
      120_000,
    );
    const userId = await w.userOf('UgalWeb');
    const [demo] = await w.q<{ id: string; media_key: string; preview_key: string }>(
      `SELECT id, media_key, preview_key FROM generations WHERE user_id = $1`,
      [userId],
    );
    // Older history: finished videos (the same stored clip), one failed, one refused — 9 items, two pages of 6.
    await w.q(
      `INSERT INTO generations (user_id, kind, prompt, status, points_cost, error_message, media_key, preview_key, resolution, created_at)
      SELECT $1, 'video', CASE n WHEN 1 THEN 'a storm over the sea' WHEN 2 THEN 'something not allowed' ELSE 'older clip ' || n END,
        CASE n WHEN 1 THEN 'failed' WHEN 2 THEN 'refused' ELSE 'succeeded' END, CASE WHEN n = 3 THEN 10 ELSE 0 END,
        CASE n WHEN 1 THEN 'core.failed.generic' END, CASE WHEN n > 2 THEN $2 END, CASE WHEN n > 2 THEN $3 END,
        CASE WHEN n = 3 THEN '1080p' ELSE '720p' END, now() - n * interval '1 hour'
      FROM generate_series(1, 8) n`,
      [userId, demo!.media_key, demo!.preview_key],
    );
    // Upgraded (the checkout itself is proven in gallery.test.ts).
    await w.q(
      `INSERT INTO subscriptions (user_id, plan_id, status, start_date, end_date)
      SELECT $1, id, 'active', now(), now() + interval '30 days' FROM plans WHERE slug = 'starter'`,
      [userId],
    );

    const ask = await w.lineSays('UgalWeb', '/gallery');
    const reply = await w.until(
      () => w.line.sent.find((s) => s.kind === 'reply' && s.replyToken === ask.replyToken),
      'the /gallery reply',
    );
    const link = JSON.stringify(reply.messages).match(new RegExp(`${w.publicUrl}/auth/[^"\\\\]+`))![0];

    const ctx = await browser.newContext({
      viewport: { width: 390, height: 844 },
      locale: 'en-US',
      ignoreHTTPSErrors: true,
    });
    // The browser uses the app's public https origin (as a user would: page and /media on one origin, secure cookies).
    // The app's HTML and assets from the fresh build; everything else (auth, API, media) from the running app.
    await ctx.route(`${w.publicUrl}/**`, async (route) => {
      const p = new URL(route.request().url()).pathname;
      if (p.startsWith('/assets/') && fs.existsSync(path.join(dist, p)))
        return route.fulfill({ path: path.join(dist, p) });
      if (['/gallery', '/plans', '/packs', '/showcase', '/account', '/'].includes(p))
        return route.fulfill({ path: path.join(dist, 'index.html') });
      return route.continue();
    });
    const page = await ctx.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') console.log('[browser]', m.text());
    });
    // Sign in as a person does: the link shows a page, the button signs in (its POST answers 303 → /gallery; a
    // redirected navigation is not re-routed, so load /gallery again).
    await page.goto(link);
    const answer = page.waitForResponse(
      (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/auth/link',
    );
    await page.click('button[type=submit]');
    const signIn = await answer;
    expect(signIn.status()).toBe(303);
    expect(signIn.headers().location).toMatch(/\/gallery$/);
    await page.goto(`${w.publicUrl}/gallery`);

    const card = page.locator(`[data-gen="${demo!.id}"]`);
    await card.waitFor();
    expect(await page.locator('#gallery [data-gen]').count()).toBe(6);
    expect(await page.locator('#page').textContent()).toBe('1–6 of 9');
    expect(await card.locator('.status').textContent()).toBe('Done');
    expect(await card.locator('.points').textContent()).toBe('No points spent');
    expect(await card.locator('a.clean').getAttribute('href')).toBe(`/api/v1/generations/${demo!.id}/clean`);
    expect(await card.locator('a.download').count()).toBe(0);
    // The player plays the (watermarked) copy: metadata loads from the app's /media over https.
    const video = card.locator('video');
    expect(await video.getAttribute('src')).toMatch(new RegExp(`^${w.publicUrl}/media/demo/dog/video\\.mp4$`));
    await page.waitForFunction(
      (id) => ((document.querySelector(`[data-gen="${id}"] video`) as HTMLVideoElement | null)?.readyState ?? 0) >= 1,
      demo!.id,
      { timeout: 15_000 },
    );
    expect(await video.evaluate((v: HTMLVideoElement) => [v.videoWidth, v.videoHeight])).toEqual([1280, 720]);
    // The clean link works with the browser's session cookie and is an MP4 attachment.
    const clean = await page.evaluate(async (href) => {
      const r = await fetch(href);
      return [r.status, r.headers.get('content-type'), (await r.arrayBuffer()).byteLength];
    }, `/api/v1/generations/${demo!.id}/clean`);
    expect(clean[0]).toBe(200);
    expect(clean[1]).toBe('video/mp4');
    expect(clean[2] as number).toBeGreaterThan(1000);

    const failed = page.locator('[data-status="failed"]');
    expect(await failed.locator('.status').textContent()).toBe('Failed (not charged)');
    expect(await failed.locator('video').count()).toBe(0);
    expect(await failed.locator('a').count()).toBe(0);
    const refused = page.locator('[data-status="refused"]');
    expect(await refused.locator('.status').textContent()).toBe('Refused (not charged)');
    expect(await refused.locator('video, a').count()).toBe(0);
    expect(await page.locator('[data-gen]', { hasText: 'older clip 3' }).locator('.points').textContent()).toBe(
      '10 points',
    );

    fs.mkdirSync('tests/artifacts', { recursive: true });
    await page.screenshot({ path: 'tests/artifacts/web-gallery.png', fullPage: true });

    await page.locator('#older').click();
    await page.locator('#page', { hasText: '7–9 of 9' }).waitFor();
    expect(await page.locator('#gallery [data-gen]').count()).toBe(3);
    expect(await page.locator('#older').isDisabled()).toBe(true);
    // Older items without a master (not Demo-made) offer the plain download, not a clean one.
    expect(await page.locator('#gallery a.download').count()).toBe(3);
    expect(await page.locator('#gallery a.clean').count()).toBe(0);
    await page.screenshot({ path: 'tests/artifacts/web-gallery-page2.png', fullPage: true });
    await page.locator('#newer').click();
    await page.locator('#page', { hasText: '1–6 of 9' }).waitFor();
    await ctx.close();
  }, 180_000);
});
