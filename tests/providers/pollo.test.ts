import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPollo } from '../../infra/providers/pollo.ts';
import { POLLO_NO_CREDITS, startPolloFake } from '../fakes/pollo.ts';
import type { ProviderFake } from '../fakes/http.ts';
import { conformance, failureOf } from './conformance.ts';

const request = {
  generationId: 'g1',
  kind: 'video' as const,
  prompt: 'a cat surfing',
  resolution: '1080p' as const,
  fps: 24,
  durationSeconds: 5,
};

conformance(
  'pollo',
  {
    start: () => startPolloFake('pollo-key'),
    make: createPollo,
    apiKey: 'pollo-key',
    request,
    authHeader: ['x-api-key', 'pollo-key'],
  },
  ({ fake, client }) => {
    it('posts {input:{prompt,resolution,length}} to /generation/{vendor}/{model}', async () => {
      await client().submit(request);
      const post = fake()
        .requests.filter((r) => r.method === 'POST')
        .at(-1)!;
      expect(post.path).toBe('/api/platform/generation/pollo/pollo-v1-6');
      expect(post.body).toEqual({ input: { prompt: 'a cat surfing', resolution: '1080p', length: 5 } });
    });

    it('maps 403 "Not enough credits" to insufficient_credits, not retriable', async () => {
      fake().fault('submit', POLLO_NO_CREDITS);
      expect(await failureOf(client().submit(request))).toMatchObject({
        code: 'insufficient_credits',
        retriable: false,
      });
    });

    it('maps a failMsg about sensitive content to rejected_content', async () => {
      fake().plan({ pollsBeforeDone: 1, outcome: 'safety' });
      const p = client();
      const state = await p.poll(await p.submit(request));
      expect(state.state === 'failed' && state.error).toMatchObject({ code: 'rejected_content', retriable: false });
    });
  },
);

describe('pollo answers wrapped in {code, message, data}', () => {
  let fake: ProviderFake;
  beforeAll(async () => {
    fake = await startPolloFake('k', { envelope: true });
  });
  afterAll(async () => {
    await fake.close();
  });
  it('are unwrapped for submit and poll', async () => {
    const p = createPollo({ apiKey: 'k', baseUrl: fake.url });
    const job = await p.submit(request);
    expect(job.jobId).toMatch(/^job-/);
    expect(await p.poll(job)).toMatchObject({ state: 'succeeded' });
  });
});
