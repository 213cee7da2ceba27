// MediaTools.lastFrame takes the clip's very last frame (where an extension starts): checked on clips whose last
// frame alone has another colour, short and long (the seek from the end), and against the frame ffprobe counts last.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { createMediaTools } from '../../infra/media/ffmpeg-tools.ts';
import { runFfmpeg, runFfprobe } from '../../infra/media/binaries.ts';
import { imagePixels } from './frames.ts';

let dir = '';
const tools = () => createMediaTools({ tmpDir: path.join(dir, 'tmp') });
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vidgo-last-frame-'));
});
afterAll(async () => fs.rm(dir, { recursive: true, force: true }));

/** An MP4 of `seconds` of one colour followed by exactly one frame of another (25 fps, H.264 with B-frames). */
async function clip(name: string, seconds: number, body: string, last: string, size = '320x180'): Promise<string> {
  const out = path.join(dir, name);
  await runFfmpeg([
    '-f',
    'lavfi',
    '-i',
    `color=${body}:s=${size}:r=25:d=${seconds}`,
    '-f',
    'lavfi',
    '-i',
    `color=${last}:s=${size}:r=25:d=0.04`,
    '-filter_complex',
    '[0:v][1:v]concat=n=2:v=1[v]',
    '-map',
    '[v]',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-pix_fmt',
    'yuv420p',
    out,
  ]);
  return out;
}

async function meanColour(jpeg: Buffer): Promise<[number, number, number]> {
  const { channels } = await sharp(jpeg).stats();
  return [channels[0]!.mean, channels[1]!.mean, channels[2]!.mean].map(Math.round) as [number, number, number];
}

async function frameCount(file: string): Promise<number> {
  const { stdout } = await runFfprobe([
    '-v',
    'error',
    '-count_frames',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=nb_read_frames',
    '-of',
    'csv=p=0',
    file,
  ]);
  return Number(stdout.trim());
}

describe('lastFrame', () => {
  it("is the one blue frame at the end of a red clip, as a JPEG of the clip's size", async () => {
    const file = await clip('short.mp4', 1, 'red', 'blue');
    const jpeg = await tools().lastFrame(file);
    expect([...jpeg.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    expect(await sharp(jpeg).metadata()).toMatchObject({ format: 'jpeg', width: 320, height: 180 });
    const [r, g, b] = await meanColour(jpeg);
    expect(b).toBeGreaterThan(200);
    expect(r).toBeLessThan(40);
    expect(g).toBeLessThan(40);
  });

  it("is the last frame of a clip longer than the seek from the end, equal to frame N-1 by ffprobe's count", async () => {
    const file = await clip('long.mp4', 8, 'green', 'yellow');
    const n = await frameCount(file);
    expect(n).toBe(8 * 25 + 1);
    const jpeg = await tools().lastFrame(file);
    const [r, g, b] = await meanColour(jpeg);
    expect(r).toBeGreaterThan(200);
    expect(g).toBeGreaterThan(200);
    expect(b).toBeLessThan(40);
    // The reference: decode everything and keep frame number n-1 (counted from 0).
    const ref = path.join(dir, 'ref.jpg');
    await runFfmpeg([
      '-i',
      file,
      '-vf',
      `select=eq(n\\,${n - 1})`,
      '-fps_mode',
      'passthrough',
      '-frames:v',
      '1',
      '-q:v',
      '2',
      ref,
    ]);
    const got = path.join(dir, 'got.jpg');
    await fs.writeFile(got, jpeg);
    const [a, c] = await Promise.all([imagePixels(ref), imagePixels(got)]);
    expect(a.length).toBe(c.length);
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff += Math.abs(a[i]! - c[i]!);
    expect(diff / a.length).toBeLessThan(2);
  });

  it('keeps a frame larger than the photo limit within 4096 px a side, aspect kept', async () => {
    const file = await clip('wide.mp4', 0.2, 'black', 'white', '5000x1000');
    const meta = await sharp(await tools().lastFrame(file)).metadata();
    expect(meta.width).toBe(4096);
    expect(Math.abs(meta.height! - 819)).toBeLessThanOrEqual(1);
  });

  it('fails for a file that is not a video, leaving no temp file behind', async () => {
    const bad = path.join(dir, 'bad.mp4');
    await fs.writeFile(bad, 'not a video');
    await expect(tools().lastFrame(bad)).rejects.toThrow();
    expect(await fs.readdir(path.join(dir, 'tmp'))).toEqual([]);
  });
});
