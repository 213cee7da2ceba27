import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGoEnhance } from '../../infra/providers/goenhance.ts';
import { startGoEnhanceFake } from '../fakes/goenhance.ts';
import type { ProviderFake } from '../fakes/http.ts';
import { conformance, failureOf } from './conformance.ts';

const request = {
  generationId: 'g1',
  kind: 'style' as const,
  prompt: 'anime',
  resolution: '1080p' as const,
  fps: 24,
  durationSeconds: 5,
  style: '7',
  sourceVideoUrl: 'https://media.example/v.mp4',
};

conformance(
  'goenhance',
  {
    start: () => startGoEnhanceFake('ge-key'),
    make: createGoEnhance,
    apiKey: 'ge-key',
    request,
    authHeader: ['authorization', 'Bearer ge-key'],
  },
  ({ fake, client }) => {
    it('posts the mx-v2v body with the style id and source video', async () => {
      await client().submit(request);
      const post = fake()
        .requests.filter((r) => r.method === 'POST')
        .at(-1)!;
      expect(post.body).toEqual({
        type: 'mx-v2v',
        args: {
          model: 7,
          reference_video_url: 'https://media.example/v.mp4',
          duration: 5,
          resolution: '720p',
          seed: -1,
          prompt: 'anime',
        },
      });
    });

    it('treats HTTP 200 with code != 0 as an error', async () => {
      fake().fault('submit', { status: 200, body: { code: 10001, msg: 'Insufficient tokens' } });
      expect(await failureOf(client().submit(request))).toMatchObject({
        code: 'insufficient_credits',
        retriable: false,
      });
      fake().fault('submit', { status: 200, body: { code: 400, msg: 'invalid args' } });
      expect(await failureOf(client().submit(request))).toMatchObject({ code: 'bad_request', retriable: false });
    });

    it('refuses a text-only request as bad_request', async () => {
      expect(await failureOf(client().submit({ ...request, kind: 'video', sourceVideoUrl: undefined }))).toMatchObject({
        code: 'bad_request',
      });
    });
  },
);

describe('goenhance "completed" (the prose docs\' word for done)', () => {
  let fake: ProviderFake;
  beforeAll(async () => {
    fake = await startGoEnhanceFake('k', { doneWord: 'completed' });
  });
  afterAll(async () => {
    await fake.close();
  });
  it('counts as succeeded with the video item of data.json', async () => {
    const p = createGoEnhance({ apiKey: 'k', baseUrl: fake.url });
    expect(await p.poll(await p.submit(request))).toEqual({
      state: 'succeeded',
      videoUrl: `${fake.url}/files/result.mp4`,
    });
  });
});
