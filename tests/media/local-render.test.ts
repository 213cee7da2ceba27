// The local renderer makes a playable H.264 MP4; MediaTools probe, preview, watermark and transcode it.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalRenderer } from '../../infra/providers/local.ts';
import { waitForJob } from '../../core/generation/run/wait-for-job.ts';
import { createMediaTools, MediaTooLargeError } from '../../infra/media/ffmpeg-tools.ts';
import { fontFor, FALLBACK_TITLE, BASE_FONT } from '../../infra/media/fonts.ts';
import { PREVIEW_MAX_BYTES } from '../../infra/media/limits.ts';
import { startHttp } from '../fakes/http.ts';
import { diffByRegion, frameAt } from './frames.ts';

const req = {
  generationId: 'gen-1',
  kind: 'video' as const,
  prompt: 'a red fox running through snow',
  resolution: '720p' as const,
  fps: 24,
  durationSeconds: 4,
};

describe('local renderer and media tools', () => {
  let dir: string;
  let video: string;
  const tools = () => createMediaTools({ tmpDir: path.join(dir, 'tmp') });

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vidgo-media-test-'));
    const r = createLocalRenderer('leonardo', { dir: path.join(dir, 'renders') });
    const job = await r.submit(req);
    expect((await r.poll(job)).state).toBe('running'); // submit returns before the render is done
    const end = await waitForJob(r, job, { intervalMs: 100, deadline: Date.now() + 60_000, now: Date.now });
    const url = end.state === 'succeeded' ? end.videoUrl : String(end.error);
    expect(url).toMatch(/^file:\/\//);
    video = await tools().download(url);
  }, 90_000);
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('renders an H.264 1280×720 video of about 4 s', async () => {
    const info = await tools().probe(video);
    expect(info).toMatchObject({ codec: 'h264', width: 1280, height: 720 });
    expect(Math.abs(info.durationMs - 4000)).toBeLessThan(250);
    expect(info.sizeBytes).toBeGreaterThan(10_000);
  });

  it('is labelled local and named for its slot', () => {
    const r = createLocalRenderer('pollo', { dir });
    expect(r).toMatchObject({ name: 'pollo', local: true });
  });

  it('makes a JPEG preview under 1 MB', async () => {
    const out = path.join(dir, 'preview.jpg');
    await tools().preview(video, out);
    const bytes = await fs.readFile(out);
    expect(bytes.length).toBeLessThan(PREVIEW_MAX_BYTES);
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
  });

  it('watermarks the bottom-right corner and leaves the rest of the frame alone', async () => {
    const marked = path.join(dir, 'marked.mp4');
    await tools().watermark(video, marked, "VidGo: Demo's 100% [free]"); // ffmpeg-special characters on purpose
    expect(await tools().probe(marked)).toMatchObject({ codec: 'h264', width: 1280, height: 720 });
    const [a, b] = await Promise.all([frameAt(video, 1.5), frameAt(marked, 1.5)]);
    const d = diffByRegion(a, b, 1280, 720, { x0: 1280 - 720, y0: 720 - 110, x1: 1280, y1: 720 });
    expect(d.inside).toBeGreaterThan(8);
    expect(d.outside).toBeLessThan(1.5);
  }, 60_000);

  it('transcodes to a lower height and under a byte limit', async () => {
    const small = path.join(dir, 'small.mp4');
    await tools().transcode(video, small, { maxHeight: 480 });
    expect(await tools().probe(small)).toMatchObject({ height: 480, width: 854, codec: 'h264' });
    const tiny = path.join(dir, 'tiny.mp4');
    await tools().transcode(video, tiny, { maxHeight: 720, maxBytes: 60_000 });
    expect((await fs.stat(tiny)).size).toBeLessThanOrEqual(60_000);
  }, 60_000);

  it('downloads over HTTP and refuses files over the cap', async () => {
    const bytes = await fs.readFile(video);
    const srv = await startHttp(() => ({ body: bytes }));
    try {
      const got = await tools().download(`${srv.url}/v.mp4`);
      expect((await fs.readFile(got)).equals(bytes)).toBe(true);
      const capped = createMediaTools({ tmpDir: path.join(dir, 'tmp'), maxDownloadBytes: 1000 });
      await expect(capped.download(`${srv.url}/v.mp4`)).rejects.toBeInstanceOf(MediaTooLargeError);
    } finally {
      await srv.close();
    }
  });

  it('lets ffmpeg open local files only: a URL, or a playlist pointing at one, is refused', async () => {
    let fetched = 0;
    const bytes = await fs.readFile(video);
    const srv = await startHttp(() => ((fetched += 1), { body: bytes }));
    try {
      await expect(tools().probe(`${srv.url}/v.mp4`)).rejects.toThrow(/not on whitelist/);
      const playlist = path.join(dir, 'evil.m3u8');
      await fs.writeFile(playlist, `#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\n${srv.url}/v.mp4\n#EXT-X-ENDLIST\n`);
      await expect(tools().transcode(playlist, path.join(dir, 'evil.mp4'), { maxHeight: 480 })).rejects.toThrow();
      expect(fetched).toBe(0);
    } finally {
      await srv.close();
    }
  });

  it('cancels a render', async () => {
    const r = createLocalRenderer('runway', { dir: path.join(dir, 'renders') });
    const job = await r.submit({ ...req, generationId: 'gen-cancel' });
    await r.cancel(job);
    const state = await r.poll(job);
    expect(state.state === 'failed' && state.error.code).toBe('canceled');
  });
});

describe('prompt text for drawtext', () => {
  it('keeps Latin prompts as they are', () => {
    expect(fontFor('a café in Paris', null)).toEqual({ font: BASE_FONT, text: 'a café in Paris' });
  });
  it('keeps the drawable words of a mixed CJK prompt when no CJK font exists', () => {
    expect(fontFor('一隻貓 surfing 在海上', null).text).toBe('surfing');
  });
  it('falls back to a fixed title for an all-CJK prompt without a CJK font', () => {
    expect(fontFor('一隻貓在海上衝浪', null)).toEqual({ font: BASE_FONT, text: FALLBACK_TITLE });
  });
  it('uses a CJK font when the machine has one', () => {
    expect(fontFor('一隻貓在海上衝浪', '/fonts/cjk.ttc')).toEqual({ font: '/fonts/cjk.ttc', text: '一隻貓在海上衝浪' });
  });
});
