// The gallery with real data, in the running app: a Demo user on LINE gets a Smart Demo clip
// (watermarked), signs in from the /gallery magic link and sees it with status, 0 points, a playable watermarked
// MP4, a preview and no clean download; the clean master is reachable by no public URL. After an ECPay upgrade the
// same item offers a clean download that really has no watermark (frames compared in the watermark's corner).
// Also: pagination over more than one page, another user's id → 404, a failed / refused item without media.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppWorld, type AppWorld } from './support/app-world.ts';
import { Client } from '../web/support/browserless.ts';
import { diffByRegion, frameAt } from '../media/frames.ts';

let w: AppWorld;
beforeAll(async () => {
  w = await startAppWorld({ redisDb: 13 });
}, 90_000);
afterAll(async () => w?.close(), 30_000);

const replyTo = (token: string) =>
  w.until(() => w.line.sent.find((s) => s.kind === 'reply' && s.replyToken === token), 'the reply');

/** Signs a LINE user into the web app through the /gallery magic link the bot replies with. */
async function signIn(lineUser: string): Promise<Client> {
  const ask = await w.lineSays(lineUser, '/gallery');
  const reply = await replyTo(ask.replyToken);
  const link = JSON.stringify(reply.messages).match(new RegExp(`${w.publicUrl}/auth/[^"\\\\]+`))?.[0];
  expect(link).toBeTruthy();
  const c = new Client(w.base);
  const res = await c.signIn(link!.replace(w.publicUrl, w.base), new URL(w.publicUrl).origin);
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toMatch(/\/gallery$/);
  return c;
}

const local = (url: string) => url.replace(w.publicUrl, w.base);
async function download(c: Client | null, url: string, name: string) {
  const res = c ? await c.fetch(local(url)) : await fetch(local(url));
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('video/mp4');
  const file = path.join(w.dir, name);
  fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  return file;
}

/** Every way a user could try to reach a stored file without the API's say-so. */
async function publicStatus(key: string): Promise<number[]> {
  const urls = [
    `${w.base}/media/${key}`,
    `${w.publicUrl}/media/${key}`.replace(w.publicUrl, w.base),
    `${w.base}/media/${key.split('/').map(encodeURIComponent).join('%2F')}`,
  ];
  return Promise.all(urls.map(async (u) => (await fetch(u)).status));
}

describe('gallery with real videos', () => {
  let demoUser: string;
  let demoGenId: string;
  let c: Client;

  it("a Demo user's Smart Demo clip: status, 0 points, watermarked MP4 + preview, no clean download, master not public", async () => {
    w.line.profiles.set('UgalDemo', { displayName: 'Ana', language: 'en' });
    await w.lineSays('UgalDemo', 'a cat chasing yarn');
    const video = await w.until(
      () =>
        w.line.sent
          .filter((s) => s.kind === 'push' && s.to === 'UgalDemo')
          .flatMap((p) => p.messages)
          .find((m) => m.type === 'video'),
      'the demo video',
      120_000,
    );
    demoUser = await w.userOf('UgalDemo');
    c = await signIn('UgalDemo');
    expect((await c.json('/api/v1/me')).body).toMatchObject({ tier: 'demo' });

    const page = await c.json('/api/v1/generations');
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ total: 1, limit: 12, offset: 0 });
    const [item] = page.body.items;
    demoGenId = item.id;
    expect(item).toMatchObject({
      kind: 'demo',
      status: 'succeeded',
      pointsCost: 0,
      cleanUrl: null,
      errorMessage: null,
    });
    expect(item.videoUrl).toBe(video.originalContentUrl);
    expect(item.previewUrl).toBe(video.previewImageUrl);
    expect(JSON.stringify(page.body)).not.toMatch(/master/);
    expect((await c.json(`/api/v1/generations/${item.id}`)).body).toMatchObject({ id: item.id, cleanUrl: null });

    const marked = await download(null, item.videoUrl, 'demo-marked.mp4');
    expect(fs.readFileSync(marked).subarray(4, 8).toString('latin1')).toBe('ftyp');
    const jpg = Buffer.from(await (await fetch(local(item.previewUrl))).arrayBuffer());
    expect([...jpg.subarray(0, 2)]).toEqual([0xff, 0xd8]);

    // The clean master exists, but no public URL serves it: not the shared library's, not a per-generation guess.
    const [row] = await w.q(`SELECT master_key, media_key FROM generations WHERE id = $1`, [item.id]);
    expect(row!.master_key).toBe('private/demo/cat/master.mp4');
    expect(fs.existsSync(path.join(w.dir, 'media', row!.master_key))).toBe(true);
    for (const key of [
      row!.master_key,
      `private/generations/${item.id}/master.mp4`,
      `private/generations/${item.id}/base-master.mp4`,
      'demo/cat/master.mp4',
    ]) {
      expect(await publicStatus(key)).toEqual([404, 404, 404]);
    }
    // Nor does the clean-download route while the user is on Demo, nor without a session.
    expect((await c.fetch(`/api/v1/generations/${item.id}/clean`)).status).toBe(404);
    expect((await fetch(`${w.base}/api/v1/generations/${item.id}/clean`)).status).toBe(401);
  }, 180_000);

  it('after an ECPay upgrade the same item offers a clean download without the watermark', async () => {
    const checkout = await c.json('/api/v1/checkout', {
      method: 'POST',
      json: { kind: 'plan', slug: 'starter', method: 'ecpay' },
    });
    expect(checkout.status).toBe(200);
    const next = checkout.body.next as { action: string; fields: Record<string, string> };
    expect((await fetch(next.action, { method: 'POST', body: new URLSearchParams(next.fields) })).status).toBe(200);
    const form = w.ecpay.orders.get(checkout.body.orderNumber)!;
    const cb = await fetch(`${w.base}/api/v1/payments/ecpay/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: w.ecpay.callbackBody(form),
    });
    expect(await cb.text()).toBe('1|OK');
    expect((await c.json('/api/v1/me')).body).toMatchObject({ tier: 'starter' });

    const item = (await c.json(`/api/v1/generations/${demoGenId}`)).body;
    expect(item.cleanUrl).toBe(`/api/v1/generations/${demoGenId}/clean`);
    const listed = (await c.json('/api/v1/generations')).body.items.find((g: { id: string }) => g.id === demoGenId);
    expect(listed.cleanUrl).toBe(item.cleanUrl);

    const res = await c.fetch(item.cleanUrl);
    expect(res.headers.get('cache-control')).toMatch(/private|no-store/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename=/);
    const clean = await download(c, item.cleanUrl, 'demo-clean.mp4');
    const marked = await download(null, item.videoUrl, 'demo-marked-2.mp4');
    expect(fs.readFileSync(clean).equals(fs.readFileSync(marked))).toBe(false);
    const [a, b] = await Promise.all([frameAt(clean, 1.5), frameAt(marked, 1.5)]);
    const d = diffByRegion(a, b, 1280, 720, { x0: 1280 - 720, y0: 720 - 110, x1: 1280, y1: 720 });
    expect(d.inside).toBeGreaterThan(8); // the watermark is only in the marked copy
    expect(d.outside).toBeLessThan(1.5); // the same picture elsewhere

    // Still nothing public: the upgrade opens the session-checked route, not /media.
    expect(await publicStatus('private/demo/cat/master.mp4')).toEqual([404, 404, 404]);
    expect(await publicStatus('demo/cat/master.mp4')).toEqual([404, 404, 404]);
    // Another user (a fresh Demo user) cannot use that route or see the item.
    w.line.profiles.set('UgalOther', { displayName: 'Bo', language: 'en' });
    const other = await signIn('UgalOther');
    expect((await other.fetch(`/api/v1/generations/${demoGenId}/clean`)).status).toBe(404);
    expect((await other.json(`/api/v1/generations/${demoGenId}`)).status).toBe(404);
    expect((await other.json('/api/v1/generations')).body).toMatchObject({ items: [], total: 0 });
  }, 120_000);

  it('pages through more than one page in a stable order; failed and refused items show status and no media', async () => {
    // Seven more rows, all created in one statement (same created_at): the order must still be total.
    await w.q(
      `INSERT INTO generations (user_id, kind, prompt, status, points_cost, error_message, media_key, preview_key, created_at)
      SELECT $1, 'video', 'extra ' || n, CASE WHEN n = 1 THEN 'failed' WHEN n = 2 THEN 'refused' ELSE 'succeeded' END,
        CASE WHEN n <= 2 THEN 10 ELSE 0 END, CASE WHEN n = 1 THEN 'core.failed.generic' END,
        CASE WHEN n = 1 THEN 'generations/stray/video.mp4' END, NULL, now() + interval '1 minute'
      FROM generate_series(1, 7) n`,
      [demoUser],
    );
    const seen: string[] = [];
    let total = 0;
    for (let offset = 0; offset < 8; offset += 3) {
      const p = (await c.json(`/api/v1/generations?limit=3&offset=${offset}`)).body;
      expect(p).toMatchObject({ limit: 3, offset });
      total = p.total;
      expect(p.items.length).toBe(Math.min(3, 8 - offset));
      seen.push(...p.items.map((g: { id: string }) => g.id));
    }
    expect(total).toBe(8);
    expect(new Set(seen).size).toBe(8);
    expect(seen.at(-1)).toBe(demoGenId); // the oldest last
    expect((await c.json('/api/v1/generations?limit=3&offset=9')).body).toMatchObject({ items: [], total: 8 });
    expect((await c.json('/api/v1/generations?limit=51')).status).toBe(400);

    const all = (await c.json('/api/v1/generations?limit=50')).body.items as any[];
    const failed = all.find((g) => g.prompt === 'extra 1');
    expect(failed).toMatchObject({
      status: 'failed',
      pointsCost: 0,
      videoUrl: null,
      previewUrl: null,
      cleanUrl: null,
      errorMessage: { key: 'core.failed.generic' },
    });
    // The reason as text in the user's language, since the web app bundles only its own texts.
    expect(failed.error).toBe('Sorry, your video could not be made.');
    expect(all.find((g) => g.prompt === 'extra 2')).toMatchObject({
      status: 'refused',
      pointsCost: 0,
      videoUrl: null,
      previewUrl: null,
      cleanUrl: null,
    });

    // The Demo user's ids from another user's session, a made-up id, a malformed id.
    const other = await signIn('UgalOther');
    expect((await other.json(`/api/v1/generations/${failed.id}`)).status).toBe(404);
    expect((await other.fetch(`/api/v1/generations/${failed.id}/clean`)).status).toBe(404);
    expect((await c.json(`/api/v1/generations/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await c.json(`/api/v1/generations/not-a-uuid`)).status).toBe(400);
  }, 60_000);
});
