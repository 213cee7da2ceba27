import { expect, it } from 'vitest';
import { createRunway } from '../../infra/providers/runway.ts';
import { startRunwayFake } from '../fakes/runway.ts';
import { conformance } from './conformance.ts';

const request = {
  generationId: 'g1',
  kind: 'video' as const,
  prompt: 'a cat surfing',
  resolution: '720p' as const,
  fps: 24,
  durationSeconds: 5,
};

conformance(
  'runway',
  {
    start: () => startRunwayFake('rw-key'),
    make: createRunway,
    apiKey: 'rw-key',
    request,
    authHeader: ['authorization', 'Bearer rw-key'],
  },
  ({ fake, client }) => {
    it('sends X-Runway-Version and the documented bodies per resolution', async () => {
      await client().submit(request);
      await client().submit({ ...request, resolution: '1080p', durationSeconds: 7 });
      const posts = fake()
        .requests.filter((r) => r.method === 'POST' && r.path === '/v1/text_to_video')
        .slice(-2);
      expect(posts[0]!.headers['x-runway-version']).toBe('2024-11-06');
      expect(posts[0]!.body).toEqual({ model: 'gen4.5', promptText: 'a cat surfing', ratio: '1280:720', duration: 5 });
      expect(posts[1]!.body).toMatchObject({ model: 'veo3.1_fast', ratio: '1920:1080', duration: 6 });
    });

    it('reports RUNNING progress', async () => {
      fake().plan({ pollsBeforeDone: 3, outcome: 'succeeded' });
      const p = client();
      const job = await p.submit(request);
      await p.poll(job);
      expect(await p.poll(job)).toEqual({ state: 'running', progress: 0.42 });
    });

    it('maps a SAFETY.* failure to rejected_content, not retriable', async () => {
      fake().plan({ pollsBeforeDone: 1, outcome: 'safety' });
      const p = client();
      const state = await p.poll(await p.submit(request));
      expect(state.state === 'failed' && state.error).toMatchObject({ code: 'rejected_content', retriable: false });
    });

    it('cancels with DELETE /v1/tasks/{id}; the task then reads CANCELLED', async () => {
      fake().plan({ pollsBeforeDone: 5 });
      const p = client();
      const job = await p.submit(request);
      await p.cancel(job);
      expect(fake().requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/v1/tasks/${job.jobId}` });
      const state = await p.poll(job);
      expect(state.state === 'failed' && state.error.code).toBe('canceled');
    });
  },
);
