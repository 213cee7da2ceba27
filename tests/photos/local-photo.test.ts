// The offline renderer animates the photo itself: a real H.264 clip whose frames show the photo's colours and
// move (pan and zoom), and `/photo <path> [prompt]` of `npm run chat` reads a local file as the photo.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { createLocalRenderer } from '../../infra/providers/local.ts';
import { runFfmpeg, runFfprobe } from '../../infra/media/binaries.ts';
import { filePhoto, parsePhotoCommand } from '../../bot/console/photo.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vidgo-local-photo-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function frameAt(video: string, seconds: number): Promise<{ r: number; g: number; b: number; raw: Buffer }> {
  const out = path.join(dir, `f-${seconds}.png`);
  await runFfmpeg(['-ss', String(seconds), '-i', video, '-frames:v', '1', out]);
  const { channels } = await sharp(out).stats();
  return { r: channels[0]!.mean, g: channels[1]!.mean, b: channels[2]!.mean, raw: await sharp(out).raw().toBuffer() };
}

describe('local renderer from a photo', () => {
  it('renders a moving clip of the photo (left half red, right half blue), labelled local', async () => {
    const photo = await sharp({ create: { width: 800, height: 450, channels: 3, background: '#ff0000' } })
      .composite([
        {
          input: await sharp({ create: { width: 400, height: 450, channels: 3, background: '#0000ff' } })
            .png()
            .toBuffer(),
          left: 400,
          top: 0,
        },
      ])
      .jpeg()
      .toBuffer();
    const r = createLocalRenderer('local', { dir, durationSeconds: 2, width: 320, height: 180 });
    expect(r.local).toBe(true);
    const job = await r.submit({
      generationId: 'g-photo',
      kind: 'image',
      prompt: 'drift',
      resolution: '720p',
      fps: 24,
      durationSeconds: 2,
      image: {
        url: 'https://unused.test/p.jpg',
        width: 800,
        height: 450,
        contentType: 'image/jpeg',
        bytes: async () => photo,
      },
    });
    let state = await r.poll(job);
    for (let i = 0; state.state === 'running' && i < 400; i++) {
      await new Promise((res) => setTimeout(res, 25));
      state = await r.poll(job);
    }
    expect(state.state).toBe('succeeded');
    const file = fileURLToPath((state as { videoUrl: string }).videoUrl);
    const probe = JSON.parse(
      (
        await runFfprobe([
          '-v',
          'error',
          '-show_entries',
          'stream=codec_name,width,height,nb_frames',
          '-of',
          'json',
          file,
        ])
      ).stdout,
    ).streams[0];
    expect(probe).toMatchObject({ codec_name: 'h264', width: 320, height: 180, nb_frames: '48' });
    const first = await frameAt(file, 0);
    const last = await frameAt(file, 1.9);
    // The photo's own colours, not the prompt card's blue-purple: mostly red and blue, little green.
    expect(first.r).toBeGreaterThan(80);
    expect(first.b).toBeGreaterThan(60);
    expect(first.g).toBeLessThan(60);
    // It moves: the pan towards the right shows more blue at the end.
    expect(last.b - last.r).toBeGreaterThan(first.b - first.r);
  }, 60_000);
});

describe('/photo in npm run chat', () => {
  it('parses a path (quoted when it has spaces) and the prompt, and reads the file within the limit', async () => {
    expect(parsePhotoCommand('/photo ./cat.jpg the cat yawns')).toEqual({ path: './cat.jpg', prompt: 'the cat yawns' });
    expect(parsePhotoCommand('/photo "/tmp/my cat.png"')).toEqual({ path: '/tmp/my cat.png', prompt: '' });
    expect(parsePhotoCommand('/photo')).toEqual({ path: '', prompt: '' });
    expect(parsePhotoCommand('/photograph x')).toBeNull();
    expect(parsePhotoCommand('a photo of a cat')).toBeNull();
    const file = path.join(dir, 'p.bin');
    fs.writeFileSync(file, Buffer.alloc(2048, 7));
    expect(Buffer.from((await filePhoto(file).read(4096))!).length).toBe(2048);
    expect(await filePhoto(file).read(1024)).toBeNull();
  });
});
