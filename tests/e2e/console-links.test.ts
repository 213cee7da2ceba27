// `npm run chat` serves what it prints. Real processes, one data folder: `npm start` holds PORT, the chat started
// with the same PORT links to its own server, a free port; its video URL and its /gallery sign-in link open while
// `npm start` runs and still open after `npm start` has stopped (the chat alone).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, runApp, waitForHttp, type RunningApp } from '../helpers/spawn-app.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vidgo-chat-links-'));
let chat: ChildProcess | undefined;
let app: RunningApp | undefined;
afterAll(async () => {
  if (chat && chat.exitCode === null) chat.kill('SIGKILL');
  await app?.stop('SIGTERM');
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

async function opens(url: string) {
  const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(20_000) });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: Buffer.from(await res.arrayBuffer()) };
}

describe('npm run chat links', () => {
  it('point at the chat’s own server, which answers them beside npm start and alone', async () => {
    const port = await freePort();
    const env = {
      PATH: process.env.PATH!, HOME: process.env.HOME ?? os.tmpdir(), DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(await freePort()), PORT: String(port),
    };
    app = runApp(env, port);
    await waitForHttp(`http://127.0.0.1:${port}/health`, 120_000);

    chat = spawn(process.execPath, ['--import', 'tsx', 'app/chat.ts'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    chat.stdout!.on('data', (d) => (out += d));
    chat.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => chat!.on('exit', (code) => r(code)));
    const waitFor = async (re: RegExp, what: string) => {
      const end = Date.now() + 120_000;
      while (!re.test(out) && Date.now() < end && chat!.exitCode === null) await new Promise((r) => setTimeout(r, 100));
      if (!re.test(out)) throw new Error(`no ${what} in the chat output:\n${out}`);
      return re.exec(out)!;
    };

    const [, base] = await waitFor(/VidGo console.*\n.*?(http:\/\/127\.0\.0\.1:\d+)/, 'the chat’s own address');
    expect(new URL(base!).port).not.toBe(String(port)); // npm start holds PORT
    chat.stdin!.write('/video a lighthouse at night\n');
    const [, video] = await waitFor(/🎬 .*\n\s+(http\S+\.mp4)/, 'finished video');
    chat.stdin!.write('/gallery\n');
    const [, link] = await waitFor(/\n\s+(http\S+\/auth\/link\?token=\S+)/, 'gallery sign-in link');
    expect(video!.startsWith(`${base}/`)).toBe(true);
    expect(link!.startsWith(`${base}/`)).toBe(true);

    const check = async () => {
      const v = await opens(video!);
      expect(v.status).toBe(200);
      expect(v.body.subarray(4, 8).toString('latin1')).toBe('ftyp');
      const l = await opens(link!);
      expect(l.status).toBe(200);
      expect(l.type).toMatch(/text\/html/);
      expect(l.body.toString('utf8')).toMatch(/<form/);
    };
    await check(); // beside npm start

    expect(await app.stop('SIGTERM')).toBe(0);
    await check(); // the chat alone

    chat.stdin!.end();
    expect(await exited).toBe(0);
  }, 300_000);
});
