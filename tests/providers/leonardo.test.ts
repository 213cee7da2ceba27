import { expect, it } from 'vitest';
import { createLeonardo } from '../../infra/providers/leonardo.ts';
import { startLeonardoFake } from '../fakes/leonardo.ts';
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
  'leonardo',
  {
    start: () => startLeonardoFake('leo-key'),
    make: createLeonardo,
    apiKey: 'leo-key',
    request,
    authHeader: ['authorization', 'Bearer leo-key'],
  },
  ({ fake, client }) => {
    it('posts the documented text-to-video body', async () => {
      await client().submit(request);
      const post = fake()
        .requests.filter((r) => r.method === 'POST')
        .at(-1)!;
      expect(post.path).toBe('/api/rest/v1/generations-text-to-video');
      expect(post.body).toEqual({
        prompt: 'a cat surfing',
        model: 'MOTION2',
        resolution: 'RESOLUTION_1080',
        isPublic: false,
      });
    });

    it('treats an nsfw-flagged result as rejected_content', async () => {
      fake().plan({ pollsBeforeDone: 1, outcome: 'safety' });
      const p = client();
      const state = await p.poll(await p.submit(request));
      expect(state.state === 'failed' && state.error).toMatchObject({ code: 'rejected_content', retriable: false });
    });

    it('refuses style transfer as bad_request without calling out', async () => {
      const n = fake().requests.length;
      expect(await failureOf(client().submit({ ...request, kind: 'style' }))).toMatchObject({
        code: 'bad_request',
        retriable: false,
      });
      expect(fake().requests.length).toBe(n);
    });
  },
);
