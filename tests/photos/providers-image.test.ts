// Image-to-video in each provider client against its fake, which checks the request against the documented shape
// (Leonardo: the SDK's zod schemas and the presigned form upload; Runway: the SDK's types; Pollo: input.image).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceImageInput, VideoRequest } from '../../core/ports.ts';
import { createLeonardo } from '../../infra/providers/leonardo.ts';
import { createRunway, nearestRatio } from '../../infra/providers/runway.ts';
import { createPollo } from '../../infra/providers/pollo.ts';
import { startLeonardoFake } from '../fakes/leonardo.ts';
import { startRunwayFake } from '../fakes/runway.ts';
import { startPolloFake } from '../fakes/pollo.ts';
import { failureOf } from '../providers/conformance.ts';
import { jpegWithGps } from './support/images.ts';

let leo: Awaited<ReturnType<typeof startLeonardoFake>>;
let rw: Awaited<ReturnType<typeof startRunwayFake>>;
let pollo: Awaited<ReturnType<typeof startPolloFake>>;
let photo: Buffer;
const http = { requestTimeoutMs: 2000, backoffMs: 1, retries: 0 };
beforeAll(async () => {
  [leo, rw, pollo] = await Promise.all([
    startLeonardoFake('leo-key'),
    startRunwayFake('rw-key'),
    startPolloFake('pollo-key'),
  ]);
  photo = await jpegWithGps(640, 480);
});
afterAll(async () => Promise.all([leo.close(), rw.close(), pollo.close()]));

const image = (url: string, width = 640, height = 480): SourceImageInput => ({
  url,
  width,
  height,
  contentType: 'image/jpeg',
  bytes: async () => photo,
});
const req = (img: SourceImageInput, resolution: VideoRequest['resolution'] = '720p'): VideoRequest => ({
  generationId: 'g-img',
  kind: 'image',
  prompt: 'the sea moves',
  resolution,
  fps: 24,
  durationSeconds: 5,
  image: img,
});

describe('Leonardo image-to-video', () => {
  it('uploads the init image through the presigned form (no API key there), then starts MOTION2 from it; polls to the video', async () => {
    const p = createLeonardo({ apiKey: 'leo-key', baseUrl: leo.url, http });
    const job = await p.submit(req(image('https://media.test/private/photos/p.jpg?sig=1')));
    const paths = leo.requests.filter((r) => r.method === 'POST').map((r) => r.path);
    expect(paths).toEqual(['/api/rest/v1/init-image', '/s3-upload', '/api/rest/v1/generations-image-to-video']);
    expect(leo.requests[0]!.body).toEqual({ extension: 'jpg' });
    expect(leo.requests[1]!.headers.authorization).toBeUndefined();
    const uploaded = [...leo.initImages.byId.values()][0]!;
    expect(uploaded.bytes!.equals(photo)).toBe(true);
    expect(await p.poll(job)).toMatchObject({ state: 'succeeded', videoUrl: expect.stringMatching(/result\.mp4$/) });
  });

  it('the fake refuses what the SDK schema refuses (an unknown field, a wrong type), so a drifted client fails', async () => {
    const post = (body: unknown) =>
      fetch(`${leo.url}/generations-image-to-video`, {
        method: 'POST',
        headers: { authorization: 'Bearer leo-key', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const [id] = [...leo.initImages.byId.keys()];
    expect((await post({ imageId: id, imageType: 'UPLOADED', prompt: 'x', init_strength: 0.4 })).status).toBe(400);
    expect((await post({ imageId: id, imageType: 'UPLOADED', prompt: 42 })).status).toBe(400);
    expect((await post({ imageId: 'never-uploaded', imageType: 'UPLOADED', prompt: 'x' })).status).toBe(400);
    expect((await post({ imageId: id, imageType: 'UPLOADED', prompt: 'x', model: 'MOTION2' })).status).toBe(200);
  });

  it('a server error on the generation call after the upload is retriable (failover moves on)', async () => {
    leo.fault('submit', { status: 500, body: { error: 'boom' } });
    const p = createLeonardo({ apiKey: 'leo-key', baseUrl: leo.url, http });
    const before = leo.requests.length;
    // The fault hits the generation call after a good upload.
    expect(await failureOf(p.submit(req(image('https://x/p.jpg'))))).toMatchObject({
      code: 'server_error',
      retriable: true,
    });
    expect(leo.requests.length - before).toBe(3);
  });
});

describe('Runway image_to_video', () => {
  it('sends an https photo URL as promptImage and a non-https one inline as a data URI, with the nearest ratio', async () => {
    const p = createRunway({ apiKey: 'rw-key', baseUrl: rw.url, http });
    await p.submit(req(image('https://media.test/private/photos/p.jpg?sig=1', 1080, 1920)));
    await p.submit(req(image('http://127.0.0.1:9/media/private/photos/p.jpg?sig=1', 640, 480)));
    await p.submit(req(image('https://media.test/p.jpg', 1920, 1080), '1080p'));
    const bodies = rw.requests
      .filter((r) => r.path === '/v1/image_to_video')
      .map((r) => r.body as Record<string, unknown>);
    expect(bodies.map((b) => [b.model, b.ratio, b.duration])).toEqual([
      ['gen4.5', '720:1280', 5],
      ['gen4.5', '1104:832', 5],
      ['veo3.1_fast', '1920:1080', 4],
    ]);
    expect(bodies[0]!.promptImage).toBe('https://media.test/private/photos/p.jpg?sig=1');
    expect(String(bodies[1]!.promptImage)).toMatch(/^data:image\/jpeg;base64,/);
    expect(rw.images.received[1]!.bytes!.equals(photo)).toBe(true);
  });

  it('nearestRatio compares aspect ratios fairly in both directions', () => {
    const ratios = ['1280:720', '720:1280', '1104:832', '960:960', '832:1104', '1584:672'];
    expect(
      [
        [1000, 1000],
        [4000, 3000],
        [3000, 4000],
        [2400, 1000],
        [1920, 1080],
      ].map(([w, h]) => nearestRatio(w!, h!, ratios)),
    ).toEqual(['960:960', '1104:832', '832:1104', '1584:672', '1280:720']);
  });
});

describe('Pollo image-to-video (the point service)', () => {
  it('puts the signed photo URL into input.image beside the prompt', async () => {
    const p = createPollo({ apiKey: 'pollo-key', baseUrl: pollo.url, http });
    await p.submit(req(image('https://media.test/private/photos/p.jpg?sig=2')));
    const body = pollo.requests.filter((r) => r.method === 'POST').at(-1)!.body;
    expect(body).toEqual({
      input: {
        image: 'https://media.test/private/photos/p.jpg?sig=2',
        prompt: 'the sea moves',
        resolution: '720p',
        length: 5,
      },
    });
  });
});
