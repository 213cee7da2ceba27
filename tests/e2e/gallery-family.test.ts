// A video's family and Remix in the running app: a Pro user on LINE presses 🔁 Retry under a delivered video (a
// signed postback), the gallery API shows the child's parent and the parent's children, Remix gives LINE
// pre-filled-message links (the user has LINE only, so no Telegram link) whose text, sent to the bot, runs that
// action; another user's video is not found. The page itself is checked in a real browser (Debian's chromium).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { buildWebApp, launchChromium } from '../helpers/browser.ts';
import { startAppWorld, type AppWorld } from './support/app-world.ts';
import { Client } from '../web/support/browserless.ts';

const BASIC_ID = '@vidgo-test';
let w: AppWorld;
let browser: Browser;
let dist: string;

beforeAll(async () => {
  dist = await buildWebApp('vidgo-family-');
  w = await startAppWorld({ redisDb: 15, env: { LINE_BOT_BASIC_ID: BASIC_ID } });
  browser = await launchChromium();
}, 150_000);
afterAll(async () => {
  await browser?.close();
  await w?.close();
  if (dist) fs.rmSync(dist, { recursive: true, force: true });
}, 30_000);

const pushesWithVideo = (to: string) =>
  w.line.sent.filter((s) => s.kind === 'push' && s.to === to && s.messages.some((m) => m.type === 'video'));
// A finished video's buttons sit in the Flex bubble beside it (bot/line/result-bubble.ts); other choices are quick replies.
const quickReplies = (s: { messages: any[] }) =>
  [
    ...s.messages.flatMap((m) => m.quickReply?.items ?? []).map((i: any) => i.action),
    ...s.messages
      .flatMap((m) => (m.type === 'flex' ? (m.contents.footer?.contents ?? []) : []))
      .map((b: any) => b.action),
  ].map((a: any) => ({ label: a.label, data: a.data }));

/** Says something on LINE and waits for the immediate reply (the webhook answers before handling it). */
async function says(lineUser: string, text: string) {
  const ask = await w.lineSays(lineUser, text);
  return w.until(
    () => w.line.sent.find((s) => s.kind === 'reply' && s.replyToken === ask.replyToken),
    `the reply to ${text}`,
  );
}

/** A fresh single-use sign-in link from the /gallery reply. */
async function galleryLink(lineUser: string): Promise<string> {
  const reply = await says(lineUser, '/gallery');
  return JSON.stringify(reply.messages).match(new RegExp(`${w.publicUrl}/auth/[^"\\\\]+`))![0];
}

async function signIn(lineUser: string): Promise<Client> {
  const link = await galleryLink(lineUser);
  const client = new Client(w.base);
  expect((await client.signIn(link.replace(w.publicUrl, w.base), new URL(w.publicUrl).origin)).status).toBe(303);
  return client;
}

describe("a video's family and Remix", () => {
  let userId = '';
  let parentId = '';
  let childId = '';

  it('🔁 Retry under a delivered video makes a child the gallery links both ways', async () => {
    w.line.profiles.set('UfamOwner', { displayName: 'Rin', language: 'en' });
    await says('UfamOwner', '/help');
    userId = await w.userOf('UfamOwner');
    await w.q(
      `INSERT INTO subscriptions (user_id, plan_id, status, start_date, end_date)
      SELECT $1, id, 'active', now(), now() + interval '30 days' FROM plans WHERE slug = 'pro'`,
      [userId],
    );
    await w.lineSays('UfamOwner', '/video a red kite over the sea');
    const first = await w.until(() => pushesWithVideo('UfamOwner')[0], 'the first video', 120_000);
    const retry = quickReplies(first).find((b) => b.label === '🔁 Retry');
    expect(retry?.data).toMatch(/^\/act [A-Za-z0-9_-]{16}$/);
    expect((await w.linePress('UfamOwner', retry!.data)).status).toBe(200);
    await w.until(() => pushesWithVideo('UfamOwner')[1], 'the retried video', 120_000);
    const rows = await w.q<{ id: string; parent_id: string | null; action: string | null }>(
      `SELECT id, parent_id, action FROM generations WHERE user_id = $1 ORDER BY created_at`,
      [userId],
    );
    expect(rows.map((r) => r.action)).toEqual([null, 'retry']);
    [parentId, childId] = [rows[0]!.id, rows[1]!.id];
    expect(rows[1]!.parent_id).toBe(parentId);

    const client = await signIn('UfamOwner');
    const child = (await client.json(`/api/v1/generations/${childId}`)).body;
    expect(child).toMatchObject({
      id: childId,
      action: 'retry',
      parentId,
      parent: { id: parentId, prompt: 'a red kite over the sea' },
      children: [],
    });
    const parent = (await client.json(`/api/v1/generations/${parentId}`)).body;
    expect(parent.parent).toBeNull();
    expect(parent.children.map((c: any) => [c.id, c.action, c.status])).toEqual([[childId, 'retry', 'succeeded']]);
  }, 300_000);

  it('Remix: LINE links carrying the same opaque ids as the chat buttons; their text runs the action in the chat', async () => {
    const client = await signIn('UfamOwner');
    const { remix } = (await client.json(`/api/v1/generations/${parentId}`)).body;
    expect(remix.platforms).toEqual(['line']);
    expect(remix.actions.map((a: any) => a.action)).toEqual(['retry', 'variation', 'extend', 'style', 'upscale']);
    // The chat's Retry button and the web's Retry link are one id: pressing either makes the one retry.
    const chatRetry = quickReplies(pushesWithVideo('UfamOwner')[0]!).find((b) => b.label === '🔁 Retry')!.data;
    expect(remix.actions[0].command).toBe(chatRetry);
    for (const a of remix.actions) {
      expect(a.telegram).toBeNull();
      expect(a.line).toBe(
        `https://line.me/R/oaMessage/${encodeURIComponent(BASIC_ID)}/?${encodeURIComponent(a.command)}`,
      );
    }
    // LINE opens the chat with the text typed in; the user sends it.
    const variation = remix.actions.find((a: any) => a.action === 'variation');
    const typed = decodeURIComponent(new URL(variation.line).search.slice(1));
    await says('UfamOwner', typed);
    const made = await w.until(
      async () =>
        (
          await w.q<{ prompt: string }>(
            `SELECT prompt FROM generations WHERE parent_id = $1 AND action = 'variation'`,
            [parentId],
          )
        )[0],
      'the variation',
    );
    expect(made.prompt).toMatch(/^a red kite over the sea, /);
    // The retry link's text is the button already pressed: still one retry.
    await says('UfamOwner', remix.actions[0].command);
    expect(await w.q(`SELECT id FROM generations WHERE parent_id = $1 AND action = 'retry'`, [parentId])).toHaveLength(
      1,
    );
  }, 120_000);

  it('another user sees neither the video nor its Remix ids', async () => {
    w.line.profiles.set('UfamOther', { displayName: 'Kai', language: 'en' });
    await says('UfamOther', '/help');
    const client = await signIn('UfamOther');
    expect((await client.json(`/api/v1/generations/${parentId}`)).status).toBe(404);
    expect((await client.json(`/api/v1/generations/${childId}`)).status).toBe(404);
  }, 60_000);

  it('the video page shows the parent, the children and Remix links (real browser)', async () => {
    const link = await galleryLink('UfamOwner');
    const ctx = await browser.newContext({
      viewport: { width: 390, height: 844 },
      locale: 'en-US',
      ignoreHTTPSErrors: true,
    });
    await ctx.route(`${w.publicUrl}/**`, async (route) => {
      const p = new URL(route.request().url()).pathname;
      if (p.startsWith('/assets/') && fs.existsSync(path.join(dist, p)))
        return route.fulfill({ path: path.join(dist, p) });
      if (p === '/gallery' || p.startsWith('/gallery/')) return route.fulfill({ path: path.join(dist, 'index.html') });
      return route.continue();
    });
    const page = await ctx.newPage();
    await page.goto(link);
    const answer = page.waitForResponse(
      (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/auth/link',
    );
    await page.click('button[type=submit]');
    expect((await answer).status()).toBe(303);

    await page.goto(`${w.publicUrl}/gallery/${parentId}`);
    await page.locator('#children [data-gen]').first().waitFor();
    expect(
      await page.locator('#children [data-gen]').evaluateAll((els) => els.map((e) => e.getAttribute('data-gen'))),
    ).toContain(childId);
    expect(await page.locator('#parent').count()).toBe(0);
    const lineLinks = await page.locator('#remix a.line').evaluateAll((els) => els.map((e) => e.getAttribute('href')));
    expect(lineLinks).toHaveLength(5);
    for (const href of lineLinks)
      expect(href).toMatch(/^https:\/\/line\.me\/R\/oaMessage\/%40vidgo-test\/\?%2Fact%20[A-Za-z0-9_-]{16}$/);
    await page.screenshot({ path: 'tests/artifacts/web-video-family.png', fullPage: true });

    // The child's page links back to its parent, labelled with the action that made it.
    await page.locator(`#children [data-gen="${childId}"]`).click();
    await page.locator('#parent').waitFor();
    expect(await page.locator('#parent').getAttribute('data-gen')).toBe(parentId);
    expect(await page.locator('#parent .badge').textContent()).toBe('🔁 Retry');
    // The gallery card of a finished video offers Remix.
    await page.goto(`${w.publicUrl}/gallery`);
    await page.locator(`[data-gen="${parentId}"] a.remix`).waitFor();
    expect(await page.locator(`[data-gen="${parentId}"] a.remix`).getAttribute('href')).toBe(`/gallery/${parentId}`);
    await ctx.close();
  }, 120_000);
});
