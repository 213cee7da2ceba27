// README "Try it": `npm start` in one terminal, `npm run chat` in another, one data folder (they share the
// embedded PostgreSQL). The console is a platform only the chat process can send to, so a video for it must reach
// the chat whichever process made it, and the `npm start` process never takes its delivery. Then the chat leaves
// before its video is ready: the video waits in the database (ready, not yet delivered) and arrives when the next
// `npm run chat` starts.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, runApp, waitForHttp, type RunningApp } from '../helpers/spawn-app.ts';
import { startConsole } from '../helpers/console-process.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vidgo-two-procs-'));
const running: ChildProcess[] = [];
let app: RunningApp | undefined;
afterAll(async () => {
  for (const p of running) if (p.exitCode === null) p.kill('SIGKILL');
  await app?.stop('SIGTERM');
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

function startChat(env: Record<string, string>) {
  const chat = startConsole(env);
  running.push(chat.proc);
  return chat;
}

describe('npm start beside npm run chat, one data folder', () => {
  it('the chat gets its videos, also one finished while no chat was running; npm start never delivers them', async () => {
    const pgPort = await freePort();
    const env = {
      PATH: process.env.PATH!,
      HOME: process.env.HOME ?? os.tmpdir(),
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(pgPort),
      RATE_LIMIT_CHAT_PER_MIN: '100',
    };
    const port = await freePort();
    app = runApp(env, port);
    await waitForHttp(`http://127.0.0.1:${port}/health`, 120_000);

    const first = startChat(env);
    await first.waitFor(/VidGo console/, 'greeting');
    first.proc.stdin!.write('a cat surfing at sunset\n');
    const [, url] = await first.waitFor(/🎬 .*\n\s+(http\S+\.mp4)/, 'first video');
    expect(url).toMatch(/\/media\/demo\/[a-z-]+\/video\.mp4$/);

    // The second prompt: the chat leaves at once (Ctrl-D), before its video can be ready.
    first.proc.stdin!.write('a dog on a beach\n');
    await first.waitFor(/Demo|デモ|示範|데모|demostración/i, 'the queued answer to the second prompt', 60_000);
    first.proc.stdin!.end();
    expect(await first.exited).toBe(0);

    // The npm start process (the only one left) makes it; nobody here can send to the console: it waits.
    const db = new pg.Client({ connectionString: `postgres://vidgo:vidgo-local@127.0.0.1:${pgPort}/vidgo` });
    await db.connect();
    try {
      const end = Date.now() + 120_000;
      let row: { status: string; delivered_at: Date | null } | undefined;
      while (Date.now() < end) {
        ({
          rows: [row],
        } = await db.query(`SELECT status, delivered_at FROM generations WHERE prompt = 'a dog on a beach'`));
        if (row?.status === 'succeeded') break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(row).toMatchObject({ status: 'succeeded', delivered_at: null });
      const { rows: waiting } = await db.query(
        `SELECT count(*)::int AS n FROM agenda_jobs WHERE name = 'deliver-console' AND locked_at IS NULL`,
      );
      expect(waiting[0].n).toBe(1);

      // The next chat session: /history says it is ready but not delivered, then the video itself arrives.
      const second = startChat(env);
      await second.waitFor(/VidGo console/, 'greeting');
      const [, url2] = await second.waitFor(/🎬 .*\n\s+(http\S+\.mp4)/, 'the video made while no chat ran');
      expect(url2).toMatch(/\/media\/demo\/[a-z-]+\/video\.mp4$/);
      // The delivery is confirmed once the push returned, a moment after the console printed it.
      let after: { delivered_at: Date | null } | undefined;
      for (let i = 0; i < 100; i++) {
        ({
          rows: [after],
        } = await db.query(`SELECT delivered_at FROM generations WHERE prompt = 'a dog on a beach'`));
        if (after?.delivered_at) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(after?.delivered_at).not.toBeNull();
      second.proc.stdin!.write('/history\n');
      await second.waitFor(/· done ·.*a dog on a beach/, '/history with the delivered video');
      expect(second.output()).not.toMatch(/not yet delivered/);
      second.proc.stdin!.end();
      expect(await second.exited).toBe(0);
    } finally {
      await db.end();
    }
    // npm start never tried to push to the console (it has no sender: nothing dropped, nothing claimed).
    expect(app.output()).not.toMatch(/dropped|not configured/);
    expect(app.proc.exitCode).toBeNull();
  }, 420_000);
});
