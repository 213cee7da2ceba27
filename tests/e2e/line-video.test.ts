// The product end to end in the real composed app: a Starter user on LINE asks for a video; the webhook answers
// at once, the job runs on the jobs backend with the local ffmpeg renderer, and the finished video is pushed to
// LINE with URLs the app itself serves over https (the fake LINE fetches both, as LINE does).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppWorld, type AppWorld } from './support/app-world.ts';

let w: AppWorld;
beforeAll(async () => {
  w = await startAppWorld({ redisDb: 11 });
}, 90_000);
afterAll(async () => w?.close(), 30_000);

const pushesTo = (to: string) => w.line.sent.filter((s) => s.kind === 'push' && s.to === to);
const repliesTo = (token: string) => w.line.sent.filter((s) => s.kind === 'reply' && s.replyToken === token);

describe('LINE → video, in the running app', () => {
  it('a Starter user gets an immediate reply, then a pushed MP4 + JPEG served by the app, and /balance answers', async () => {
    w.line.profiles.set('Ue2eStarter', { displayName: 'Mei', language: 'en' });
    // A command, not a prompt: plain text from a Demo user would start a Smart Demo clip, whose push could be taken
    // for the Starter video below.
    const hello = await w.lineSays('Ue2eStarter', '/help');
    expect(hello.status).toBe(200);
    await w.until(() => repliesTo(hello.replyToken).length > 0, 'the /help reply');
    const userId = await w.userOf('Ue2eStarter');
    await w.q(
      `INSERT INTO subscriptions (user_id, plan_id, status, start_date, end_date)
      SELECT $1, id, 'active', now(), now() + interval '30 days' FROM plans WHERE slug = 'starter'`,
      [userId],
    );

    const ask = await w.lineSays('Ue2eStarter', '/video a cat surfing at sunset');
    expect(ask.status).toBe(200);
    const [reply] = await w.until(() => {
      const r = repliesTo(ask.replyToken);
      return r.length ? r : undefined;
    }, 'the immediate reply');
    expect(w.line.texts(reply!).join(' ')).toMatch(/queue/i);

    const video = await w.until(
      () =>
        pushesTo('Ue2eStarter')
          .flatMap((p) => p.messages)
          .find((m) => m.type === 'video'),
      'the video push',
      120_000,
    );
    expect(video.originalContentUrl).toMatch(new RegExp(`^${w.publicUrl}/media/generations/[0-9a-f-]+/video\\.mp4$`));
    expect(video.previewImageUrl).toMatch(new RegExp(`^${w.publicUrl}/media/generations/[0-9a-f-]+/preview\\.jpg$`));
    // The fake LINE fetched both through the https front from the app's /media route.
    const fetched = w.line.fetched.filter((f) => f.url === video.originalContentUrl || f.url === video.previewImageUrl);
    expect(fetched.map((f) => [f.status, f.contentType])).toEqual([
      [200, 'video/mp4'],
      [200, 'image/jpeg'],
    ]);
    expect(fetched[0]!.size).toBeGreaterThan(1000);
    // Real bytes: an MP4 box header and a JPEG start-of-image marker, straight from the app.
    const mp4 = Buffer.from(await (await fetch(video.originalContentUrl.replace(w.publicUrl, w.base))).arrayBuffer());
    expect(mp4.subarray(4, 8).toString('latin1')).toBe('ftyp');
    const jpg = Buffer.from(await (await fetch(video.previewImageUrl.replace(w.publicUrl, w.base))).arrayBuffer());
    expect([...jpg.subarray(0, 2)]).toEqual([0xff, 0xd8]);

    const [gen] = await w.q(`SELECT status, provider, points_cost FROM generations WHERE user_id = $1`, [userId]);
    expect(gen).toMatchObject({ status: 'succeeded', provider: 'leonardo', points_cost: 0 });

    const bal = await w.lineSays('Ue2eStarter', '/balance');
    const [b] = await w.until(() => {
      const r = repliesTo(bal.replyToken);
      return r.length ? r : undefined;
    }, 'the /balance reply');
    expect(w.line.texts(b!).join(' ')).toContain('Points: 0 in total (0 monthly video, 0 monthly style, 0 purchased)');
  }, 180_000);

  it('/health reports provider health from the shared ProviderHealth (Redis), as another instance set it', async () => {
    expect((await (await fetch(`${w.base}/health`)).json()).providers).toEqual({
      leonardo: true,
      runway: true,
      pollo: true,
      goenhance: true,
    });
    // Another instance's admin turned Runway off (/admin provider runway off writes this shared key).
    await w.app.infra.redis!.set('vidgo:health:runway:override', 'off');
    expect((await (await fetch(`${w.base}/health`)).json()).providers).toMatchObject({ leonardo: true, runway: false });
    await w.app.infra.redis!.del('vidgo:health:runway:override');
  });
});
