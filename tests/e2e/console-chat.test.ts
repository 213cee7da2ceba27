// `npm run chat` offline: app/chat.ts as a child process with no variables but a temp DATA_DIR and a free
// embedded PostgreSQL port (no Redis, no provider keys, no chat platform). A prompt typed on stdin comes back as
// progress lines, then the finished video's URL and its file on this disk; Ctrl-D leaves cleanly.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/spawn-app.ts';
import { startConsole } from '../helpers/console-process.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vidgo-chat-e2e-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('npm run chat', () => {
  it('answers "/video hello world" with progress, a video URL and a file path, then exits on end of input', async () => {
    const env = {
      PATH: process.env.PATH!,
      HOME: process.env.HOME ?? os.tmpdir(),
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(await freePort()),
    };
    const { proc, exited, waitFor, output } = startConsole(env);
    try {
      await waitFor(/VidGo console/, 'greeting');
      proc.stdin.write('/video hello world\n');
      const [, url, file] = await waitFor(
        /🎬 .*\n\s+(http\S+\/media\/\S+\.mp4)\n\s+file: (\S+\.mp4)/,
        'finished video',
      );
      const progress = output().search(/… \S.*\d+%$/m);
      expect(progress).toBeGreaterThan(-1); // a progress line came first
      expect(progress).toBeLessThan(output().indexOf('🎬'));
      expect(url).toMatch(/\/media\/demo\/[a-z-]+\/video\.mp4$/);
      expect(fs.statSync(file!).size).toBeGreaterThan(1000);
      expect(fs.readFileSync(file!).subarray(4, 8).toString('latin1')).toBe('ftyp');
      expect(file!.startsWith(path.join(dataDir, 'media'))).toBe(true);
      proc.stdin.end(); // Ctrl-D
      expect(await exited).toBe(0);
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
  }, 150_000);
});
