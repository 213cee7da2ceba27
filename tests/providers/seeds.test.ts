// A retry or variation asks the provider for a new seed: Leonardo and Runway's gen4.5 take one in the documented
// field (docs/providers.md, "Result actions"); Runway's 1080p model documents none, so none is sent there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLeonardo } from '../../infra/providers/leonardo.ts';
import { createRunway } from '../../infra/providers/runway.ts';
import { startLeonardoFake } from '../fakes/leonardo.ts';
import { startRunwayFake } from '../fakes/runway.ts';

const request = {
  generationId: 'g1',
  kind: 'video' as const,
  prompt: 'a cat surfing',
  resolution: '720p' as const,
  fps: 24,
  durationSeconds: 5,
};
const http = { requestTimeoutMs: 2000, backoffMs: 10 };

describe('provider seeds', () => {
  let leo: Awaited<ReturnType<typeof startLeonardoFake>>;
  let rw: Awaited<ReturnType<typeof startRunwayFake>>;
  beforeAll(async () => {
    [leo, rw] = await Promise.all([startLeonardoFake('leo-key'), startRunwayFake('rw-key')]);
  });
  afterAll(async () => {
    await Promise.all([leo?.close(), rw?.close()]);
  });

  it("Leonardo gets the seed, kept within Motion 2.0's maximum", async () => {
    const client = createLeonardo({ apiKey: 'leo-key', baseUrl: leo.url, http });
    await client.submit({ ...request, seed: 123_456 });
    await client.submit({ ...request, seed: 2_147_483_637 + 5 });
    const posts = leo.requests.filter((r) => r.method === 'POST').slice(-2);
    expect(posts.map((p) => (p.body as { seed?: number }).seed)).toEqual([123_456, 5]);
    await client.submit(request);
    expect(leo.requests.filter((r) => r.method === 'POST').at(-1)!.body).not.toHaveProperty('seed');
  });

  it('Runway gets it with gen4.5 at 720p, and not with veo3.1_fast at 1080p', async () => {
    const client = createRunway({ apiKey: 'rw-key', baseUrl: rw.url, http });
    await client.submit({ ...request, seed: 777 });
    await client.submit({ ...request, resolution: '1080p', seed: 777 });
    const posts = rw.requests.filter((r) => r.method === 'POST' && r.path === '/v1/text_to_video').slice(-2);
    expect(posts[0]!.body).toEqual({
      model: 'gen4.5',
      promptText: 'a cat surfing',
      ratio: '1280:720',
      duration: 5,
      seed: 777,
    });
    expect(posts[1]!.body).toMatchObject({ model: 'veo3.1_fast' });
    expect(posts[1]!.body).not.toHaveProperty('seed');
  });
});
