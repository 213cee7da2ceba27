// `npm run chat` serves what it prints. Real processes, one data folder: `npm start` holds PORT, `npm run chat`
// started with the same PORT links to its own server, a free port; its video URL and its /gallery sign-in link
// (the sign-in page, the signed-in landing page of the web app, which the chat builds when missing) open while
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
  if (chat?.pid && chat.exitCode === null) process.kill(-chat.pid, 'SIGKILL');
  await app?.stop('SIGTERM');
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

async function opens(url: string) {
  const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(20_000) });
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    body: Buffer.from(await res.arrayBuffer()),
  };
}

describe('npm run chat links', () => {
  it('point at the chat’s own server, which answers them beside npm start and alone', async () => {
    const port = await freePort();
    const env = {
      PATH: process.env.PATH!,
      HOME: process.env.HOME ?? os.tmpdir(),
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(await freePort()),
      PORT: String(port),
    };
    app = runApp(env, port);
    await waitForHttp(`http://127.0.0.1:${port}/health`, 120_000);

    // Through npm, as a person types it (its own process group, so a failed run leaves nothing behind).
    chat = spawn('npm', ['run', '--silent', 'chat'], { env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
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
    // A sign-in link works once: each check asks for its own.
    const links = () => [...out.matchAll(/\n\s+(http\S+\/auth\/link\?token=\S+)/g)].map((m) => m[1]!);
    const signInLink = async () => {
      const before = links().length;
      chat!.stdin!.write('/gallery\n');
      const end = Date.now() + 60_000;
      while (links().length === before && Date.now() < end && chat!.exitCode === null)
        await new Promise((r) => setTimeout(r, 100));
      expect(links().length, out).toBe(before + 1);
      const link = links().at(-1)!;
      expect(link.startsWith(`${base}/`)).toBe(true);
      return link;
    };
    expect(video!.startsWith(`${base}/`)).toBe(true);

    const check = async () => {
      const link = await signInLink();
      const v = await opens(video!);
      expect(v.status).toBe(200);
      expect(v.body.subarray(4, 8).toString('latin1')).toBe('ftyp');
      // The link shows the sign-in page; its form signs in and lands on the web app's gallery.
      const res = await fetch(link, { signal: AbortSignal.timeout(20_000) });
      expect(res.status).toBe(200);
      const html = await res.text();
      const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)![1]!;
      const nonce = res.headers
        .getSetCookie()
        .find((c) => c.startsWith('vg_link='))!
        .split(';')[0]!;
      const signIn = await fetch(`${base}/auth/link`, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(20_000),
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base!, cookie: nonce },
        body: new URLSearchParams({ token: field('token'), nonce: field('nonce') }),
      });
      expect(signIn.status).toBe(303);
      expect(signIn.headers.get('location')).toBe('/gallery');
      const session = signIn.headers
        .getSetCookie()
        .find((c) => c.startsWith('vg_session='))!
        .split(';')[0]!;
      const landing = await fetch(`${base}/gallery`, {
        headers: { cookie: session },
        signal: AbortSignal.timeout(20_000),
      });
      expect(landing.status).toBe(200);
      const app = await landing.text();
      expect(app).toContain('<div id="app"></div>');
      const script = /src="(\/assets\/index-[\w-]+\.js)"/.exec(app)![1]!;
      expect((await fetch(`${base}${script}`, { signal: AbortSignal.timeout(20_000) })).status).toBe(200);
      const me = await fetch(`${base}/api/v1/me`, {
        headers: { cookie: session },
        signal: AbortSignal.timeout(20_000),
      });
      expect(me.status).toBe(200);
    };
    await check(); // beside npm start

    expect(await app.stop('SIGTERM')).toBe(0);
    await check(); // the chat alone

    chat.stdin!.end();
    expect(await exited).toBe(0);
  }, 300_000);
});
