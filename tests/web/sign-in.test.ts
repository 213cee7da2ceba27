// Sign-in links against link previews and login CSRF, and sessions that end: a preview fetcher's GET of a magic link
// uses nothing up and the user's click still works; a form posted from another site (or without this page's nonce
// cookie) signs nobody in and leaves the link usable; sign-out ends that session only; a ban ends every session,
// also after it is lifted. Through the real routes on a real server (HTTP over a socket), real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from './support/world.ts';
import { Client } from './support/browserless.ts';

let w: World;
beforeAll(async () => {
  w = await startWorld({ env: { RATE_LIMIT_IP_PER_MIN: '100000' } });
});
afterAll(async () => {
  await w?.close();
});

const PREVIEW_AGENTS = [
  'facebookexternalhit/1.1;line-poker/1.0',
  'TelegramBot (like TwitterBot)',
  'Mozilla/5.0 (compatible; Discordbot/2.0)',
];
const form = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';

describe('sign-in links', () => {
  it("a preview fetcher's GET shows a page and uses nothing up; the user's click still signs in", async () => {
    const userId = await w.newUser('pia');
    const link = await w.web.links.linkFor(userId, '/plans');
    for (const agent of PREVIEW_AGENTS) {
      const preview = await fetch(link, { headers: { 'user-agent': agent }, redirect: 'manual' });
      expect(preview.status).toBe(200);
      expect(preview.headers.get('cache-control')).toBe('no-store');
      expect(preview.headers.get('x-robots-tag')).toContain('noindex');
      expect(preview.headers.get('content-security-policy')).toContain("form-action 'self'");
      expect(preview.headers.getSetCookie().some((c) => c.startsWith('vg_session='))).toBe(false);
      const html = await preview.text();
      expect(html).toContain('<form method="post" action="/auth/link">');
      expect(html).toContain('VidGoにログイン'); // the account's language
      expect(html).toContain('Telegram'); // the chat app the account is used on
    }
    expect(await w.db.sequelize.query(`SELECT 1 FROM used_tokens`, { type: 'SELECT' as never })).toHaveLength(0);
    const c = new Client(w.baseUrl);
    const res = await c.signIn(link);
    expect([res.status, res.headers.get('location')]).toEqual([303, '/plans']);
    expect((await c.json('/api/v1/me')).body).toMatchObject({ userId });
    expect((await new Client(w.baseUrl).signIn(link)).headers.get('location')).toBe('/expired');
  });

  it('refuses a form posted from another site or without the page cookie (login CSRF), and keeps the link usable', async () => {
    const userId = await w.newUser('leo');
    const link = await w.web.links.linkFor(userId, '/gallery');
    const token = new URL(link).searchParams.get('token')!;
    // The attacker fetched the page themselves: a valid nonce, but the victim's browser has no matching cookie.
    const attackerPage = await (await fetch(link)).text();
    const nonce = form(attackerPage, 'nonce');
    const victim = new Client(w.baseUrl);
    const post = (origin: string) =>
      victim.fetch('/auth/link', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
        body: new URLSearchParams({ token, nonce }).toString(),
      });
    const crossSite = await post('https://evil.example');
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.getSetCookie().some((c) => c.startsWith('vg_session='))).toBe(false);
    const noCookie = await post(w.baseUrl);
    expect(noCookie.status).toBe(403);
    expect((await victim.json('/api/v1/me')).status).toBe(401);
    // The victim's browser now holds a fresh page cookie, but a cross-site post still fails on the Origin.
    expect((await post('https://evil.example')).status).toBe(403);
    expect((await victim.json('/api/v1/me')).status).toBe(401);
    // The owner's own click still works.
    const owner = new Client(w.baseUrl);
    expect((await owner.signIn(link)).headers.get('location')).toBe('/gallery');
    expect((await owner.json('/api/v1/me')).body).toMatchObject({ userId });
  });
});

describe('sessions end', () => {
  it('sign-out ends that session (the same cookie is refused afterwards); another session stays', async () => {
    const userId = await w.newUser('max');
    const phone = new Client(w.baseUrl);
    const laptop = new Client(w.baseUrl);
    await phone.signIn(await w.web.links.linkFor(userId, '/plans'));
    await laptop.signIn(await w.web.links.linkFor(userId, '/plans'));
    const stolen = phone.cookies.get('vg_session')!;
    await phone.json('/api/v1/me'); // crumb cookie
    expect((await phone.json('/api/v1/logout', { method: 'POST', json: {} })).status).toBe(200);
    const replay = new Client(w.baseUrl);
    replay.cookies.set('vg_session', stolen);
    expect((await replay.json('/api/v1/me')).status).toBe(401);
    expect((await laptop.json('/api/v1/me')).body).toMatchObject({ userId });
  });

  it('a ban ends every session and sign-in link of the user, also after it is lifted', async () => {
    const userId = await w.newUser('ned');
    const c = new Client(w.baseUrl);
    await c.signIn(await w.web.links.linkFor(userId, '/plans'));
    const pending = await w.web.links.linkFor(userId, '/gallery');
    expect((await c.json('/api/v1/me')).status).toBe(200);
    await w.db.sequelize.query(
      `INSERT INTO bans (user_id, reason, source, created_by) VALUES ($1, 'test', 'admin', 'telegram:1')`,
      { bind: [userId] },
    );
    expect((await c.json('/api/v1/me')).status).toBe(401);
    expect((await new Client(w.baseUrl).fetch(pending)).headers.get('location')).toBe('/expired');
    await w.db.sequelize.query(`UPDATE bans SET lifted_at = now() WHERE user_id = $1`, { bind: [userId] });
    expect((await c.json('/api/v1/me')).status).toBe(401);
    const fresh = new Client(w.baseUrl);
    expect((await fresh.signIn(await w.web.links.linkFor(userId, '/plans'))).headers.get('location')).toBe('/plans');
    expect((await fresh.json('/api/v1/me')).body).toMatchObject({ userId });
  });
});
