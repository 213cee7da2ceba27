// `npm run chat` offline with a photo: `/photo <path> <prompt>` animates a local JPEG with the local renderer (no
// provider key, no Gemini, so the operator's IMAGE_MODERATION=off), and the finished clip's file is printed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/spawn-app.ts';
import { startConsole } from '../helpers/console-process.ts';
import { jpegWithGps } from '../photos/support/images.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vidgo-chat-photo-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('npm run chat /photo', () => {
  it('animates a photo file offline and prints the video file; a missing file is said so', async () => {
    const photo = path.join(dataDir, 'my cat.jpg');
    fs.writeFileSync(photo, await jpegWithGps(640, 480));
    const env = {
      PATH: process.env.PATH!,
      HOME: process.env.HOME ?? os.tmpdir(),
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(await freePort()),
      IMAGE_MODERATION: 'off',
    };
    const { proc, exited, waitFor, output } = startConsole(env);
    try {
      await waitFor(/VidGo console/, 'greeting');
      proc.stdin.write('/photo /no/such/file.jpg x\n');
      await waitFor(/no such file: \/no\/such\/file\.jpg/, 'missing file notice');
      proc.stdin.write(`/photo "${photo}" the cat looks around\n`);
      const [, file] = await waitFor(/🎬 .*\n\s+http\S+\.mp4\n\s+file: (\S+\.mp4)/, 'finished video');
      expect(output()).toMatch(/Queued/);
      expect(fs.readFileSync(file!).subarray(4, 8).toString('latin1')).toBe('ftyp');
      proc.stdin.end();
      expect(await exited).toBe(0);
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
  }, 150_000);
});
