// watermarkWithPreview: one ffmpeg run yields what watermark() then preview() did in two — the same marked video
// and a still under 1 MB taken from the marked frames (the watermark is on it).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMediaTools } from '../../infra/media/ffmpeg-tools.ts';
import { PREVIEW_MAX_BYTES } from '../../infra/media/limits.ts';
import { diffByRegion, frameAt, imagePixels, runFfmpeg } from './frames.ts';

const W = 1280,
  H = 720;
const corner = { x0: W - 720, y0: H - 110, x1: W, y1: H };

describe('watermark and preview in one pass', () => {
  let dir: string;
  let video: string;
  const tools = () => createMediaTools({ tmpDir: path.join(dir, 'tmp') });

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vidgo-onepass-'));
    video = path.join(dir, 'in.mp4');
    await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=${W}x${H}:rate=30:duration=3`,
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-crf',
      '20',
      '-pix_fmt',
      'yuv420p',
      video,
    ]);
  }, 60_000);
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('gives the same marked video and a marked still as the two-step path', async () => {
    const [one, oneStill, two, twoStill, plainStill] = ['one.mp4', 'one.jpg', 'two.mp4', 'two.jpg', 'plain.jpg'].map(
      (f) => path.join(dir, f),
    ) as [string, string, string, string, string];
    await tools().watermarkWithPreview(video, one, oneStill, "VidGo: Demo's 100% [free]");
    await tools().watermark(video, two, "VidGo: Demo's 100% [free]");
    await tools().preview(two, twoStill);
    await tools().preview(video, plainStill);
    expect(await tools().probe(one)).toMatchObject({ codec: 'h264', width: W, height: H, durationMs: 3000 });
    // Same frames as the two-step video (same filter, same encoder settings).
    const [a, b] = await Promise.all([frameAt(one, 1.5), frameAt(two, 1.5)]);
    expect(diffByRegion(a, b, W, H, corner).inside).toBeLessThan(1.5);
    expect(diffByRegion(a, b, W, H, corner).outside).toBeLessThan(1.5);
    // The still: a JPEG under 1 MB, the same frame as the two-step still, with the watermark on it.
    const bytes = await fs.readFile(oneStill);
    expect(bytes.length).toBeLessThan(PREVIEW_MAX_BYTES);
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    const [s1, s2, plain] = await Promise.all([imagePixels(oneStill), imagePixels(twoStill), imagePixels(plainStill)]);
    const same = diffByRegion(s1, s2, W, H, corner);
    expect(same.inside).toBeLessThan(3);
    expect(same.outside).toBeLessThan(3);
    const marked = diffByRegion(s1, plain, W, H, corner);
    expect(marked.inside).toBeGreaterThan(8);
    expect(marked.outside).toBeLessThan(3);
  }, 120_000);
});
