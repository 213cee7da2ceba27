// Provider result URLs are downloaded only from where that provider serves them: https from its known hosts
// (configurable), file: only from the local renderer's own directory. The real Runway client against the fake
// Runway API (which answers with http://127.0.0.1 result URLs), the real local renderer, and ffmpeg told the input
// format and protocols (an HLS playlist posing as a video cannot make it read other files).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config.ts';
import { createProviders } from '../../infra/providers/index.ts';
import { checkedResults, fileUnder, hostAllowed } from '../../infra/providers/result-urls.ts';
import { createMediaTools } from '../../infra/media/ffmpeg-tools.ts';
import { startRunwayFake } from '../fakes/runway.ts';
import type { ProviderFake } from '../fakes/http.ts';
import type { VideoProvider } from '../../core/ports.ts';

let fake: ProviderFake;
let dir: string;
beforeAll(async () => {
  fake = await startRunwayFake('rw-key');
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vidgo-results-'));
});
afterAll(async () => {
  await fake.close();
  await fs.rm(dir, { recursive: true, force: true });
});

const req = {
  generationId: 'g1',
  kind: 'video' as const,
  prompt: 'a kite',
  resolution: '720p' as const,
  fps: 24,
  durationSeconds: 1,
};
async function finish(p: VideoProvider) {
  const job = await p.submit(req);
  for (let i = 0; i < 600; i++) {
    const s = await p.poll(job);
    if (s.state === 'succeeded' || s.state === 'failed') return s;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('never finished');
}

describe('provider result URLs', () => {
  it('refuses a result on a host the provider is not known to serve from, and accepts a listed one', async () => {
    const env = { NODE_ENV: 'test', DATA_DIR: dir, RUNWAY_API_KEY: 'rw-key', RUNWAY_API_BASE: fake.url };
    const refused = await finish(createProviders(loadConfig(env)).runway);
    expect(refused).toMatchObject({
      state: 'failed',
      error: { code: 'bad_response', retriable: false, provider: 'runway' },
    });
    const allowed = await finish(
      createProviders(loadConfig({ ...env, RUNWAY_MEDIA_HOSTS: 'http://127.0.0.1' })).runway,
    );
    expect(allowed).toMatchObject({
      state: 'succeeded',
      videoUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/files\/result\.mp4$/),
    });
  });

  it('host rules: https by default, subdomains with *., plain http only when written so, no credentials', () => {
    const hosts = ['cdn.leonardo.ai', '*.pollo.ai', 'http://127.0.0.1'];
    expect(hostAllowed('https://cdn.leonardo.ai/u/x.mp4', hosts)).toBe(true);
    expect(hostAllowed('http://cdn.leonardo.ai/u/x.mp4', hosts)).toBe(false);
    expect(hostAllowed('https://videocdn.pollo.ai/x.mp4', hosts)).toBe(true);
    expect(hostAllowed('https://pollo.ai.evil.example/x.mp4', hosts)).toBe(false);
    expect(hostAllowed('https://evilpollo.ai/x.mp4', hosts)).toBe(false);
    expect(hostAllowed('http://127.0.0.1:9999/x.mp4', hosts)).toBe(true);
    expect(hostAllowed('http://169.254.169.254/latest/meta-data', hosts)).toBe(false);
    expect(hostAllowed('https://user:pw@cdn.leonardo.ai/x.mp4', hosts)).toBe(false);
    expect(hostAllowed('file:///etc/passwd', hosts)).toBe(false);
    expect(hostAllowed('ftp://cdn.leonardo.ai/x.mp4', hosts)).toBe(false);
  });

  it('file: only from the local renderer, inside its render directory', async () => {
    const local = createProviders(loadConfig({ NODE_ENV: 'test', DATA_DIR: dir })).leonardo;
    expect(local.local).toBe(true);
    const done = await finish(local);
    expect(done).toMatchObject({ state: 'succeeded', videoUrl: expect.stringMatching(/^file:/) });
    const renderDir = path.join(dir, 'local-renders');
    expect(fileUnder((done as { videoUrl: string }).videoUrl, renderDir)).toBe(true);
    // A "local" provider answering with a file elsewhere (or a real one answering file:) is refused.
    const lying: VideoProvider = {
      ...local,
      poll: async () => ({ state: 'succeeded', videoUrl: pathToFileURL('/etc/passwd').href }),
    };
    expect(
      await checkedResults(lying, (u) => fileUnder(u, renderDir)).poll({ provider: 'leonardo', jobId: 'x' }),
    ).toMatchObject({ state: 'failed', error: { code: 'bad_response' } });
    expect(fileUnder(pathToFileURL(path.join(renderDir, '..', 'secret.mp4')).href, renderDir)).toBe(false);
  });

  it('ffmpeg reads only the MP4 it is given: a concat list posing as a video cannot pull in other files', async () => {
    // Another user's video beside the download (a private master, say), and a "result" that is an ffconcat list
    // naming it: ffmpeg left to guess the format would copy that video into this user's output.
    const done = (await finish(createProviders(loadConfig({ NODE_ENV: 'test', DATA_DIR: dir })).runway)) as {
      videoUrl: string;
    };
    const downloads = path.join(dir, 'downloads');
    await fs.mkdir(downloads, { recursive: true });
    await fs.copyFile(new URL(done.videoUrl).pathname, path.join(downloads, 'someone-elses.mp4'));
    const evil = path.join(downloads, 'result.mp4');
    await fs.writeFile(evil, 'ffconcat version 1.0\nfile someone-elses.mp4\n');
    const tools = createMediaTools({ tmpDir: path.join(dir, 'tmp') });
    expect((await tools.probe(path.join(downloads, 'someone-elses.mp4'))).codec).toBe('h264'); // a real MP4 still works
    await expect(tools.probe(evil)).rejects.toThrow(/moov atom not found|Invalid data/);
    const out = path.join(dir, 'out.mp4');
    await expect(tools.transcode(evil, out, { maxHeight: 360 })).rejects.toThrow();
    await expect(tools.preview(evil, path.join(dir, 'out.jpg'))).rejects.toThrow();
  }, 60_000);
});
