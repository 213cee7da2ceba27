// `npm start` on embedded defaults: a real PostgreSQL under DATA_DIR that keeps its data across restarts, is shared
// by a second process (npm run chat beside npm start), stops with the app, and is taken over after a crash.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, isRunning as alive, runApp, waitForHttp, type RunningApp } from '../helpers/spawn-app.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vidgo-embedded-'));
const env = (pgPort: number) => ({
  DATA_DIR: dataDir,
  EMBEDDED_PG_PORT: String(pgPort),
  DATABASE_URL: '',
  REDIS_URL: '',
});
const running: RunningApp[] = [];
const start = async (pgPort: number) => {
  const port = await freePort();
  const app = runApp(env(pgPort), port);
  running.push(app);
  const res = await waitForHttp(`http://127.0.0.1:${port}/health`, 60_000);
  expect(res.status).toBe(200);
  return { app, port };
};
const postmasterPid = () => {
  const f = path.join(dataDir, 'pg', 'postmaster.pid');
  return fs.existsSync(f) ? Number.parseInt(fs.readFileSync(f, 'utf8'), 10) : undefined;
};
async function query(pgPort: number, sql: string) {
  const c = new pg.Client({ connectionString: `postgres://vidgo:vidgo-local@127.0.0.1:${pgPort}/vidgo` });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

afterAll(async () => {
  for (const a of running) await a.stop('SIGINT');
  const pid = postmasterPid();
  if (alive(pid)) process.kill(pid!, 'SIGINT');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('embedded PostgreSQL', { timeout: 120_000 }, () => {
  it('keeps data across restarts, is shared, stops with its owner and is taken over after a crash', async () => {
    const pgPort = await freePort();
    const first = await start(pgPort);
    await query(pgPort, `INSERT INTO users (display_name) VALUES ('kept across restarts')`);

    // A second process in the same folder uses the running server instead of killing it.
    const second = await start(pgPort);
    expect(second.app.output()).toMatch(/using the embedded PostgreSQL of the VidGo process already running here/);
    expect(await second.app.stop('SIGINT')).toBe(0);
    expect((await fetch(`http://127.0.0.1:${first.port}/health`)).status).toBe(200);

    // Ctrl-C: the app exits cleanly and leaves no PostgreSQL behind.
    const pid = postmasterPid();
    expect(alive(pid)).toBe(true);
    expect(await first.app.stop('SIGINT')).toBe(0);
    expect(alive(pid)).toBe(false);

    // A second start keeps the data.
    const third = await start(pgPort);
    expect(
      await query(pgPort, `SELECT count(*)::int AS n FROM users WHERE display_name = 'kept across restarts'`),
    ).toEqual([{ n: 1 }]);

    // A crash (SIGKILL) leaves PostgreSQL running; the next start takes it over.
    const orphan = postmasterPid();
    await third.app.stop('SIGKILL');
    expect(alive(orphan)).toBe(true);
    const fourth = await start(pgPort);
    expect(fourth.app.output()).toMatch(/left running by an earlier process/);
    expect(alive(orphan)).toBe(false);
    expect(await fourth.app.stop('SIGINT')).toBe(0);
    expect(alive(postmasterPid())).toBe(false);
  });

  it('outlives `npm start` for the `npm run chat` sharing it, which then answers and leaves on Ctrl-D', async () => {
    const pgPort = await freePort();
    const server = await start(pgPort);
    const chat = spawn(process.execPath, ['--import', 'tsx', 'app/chat.ts'], {
      env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'info', ...env(pgPort) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    chat.stdout.on('data', (d) => (out += d));
    chat.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => chat.on('exit', (code) => r(code)));
    const waitFor = async (re: RegExp) => {
      for (let i = 0; i < 600 && !re.test(out) && chat.exitCode === null; i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(out).toMatch(re);
    };
    try {
      await waitFor(/VidGo console/);
      expect(fs.readdirSync(path.join(dataDir, 'pg-clients'))).toContain(String(chat.pid)); // it shares the server
      const pid = postmasterPid();
      // `npm start` stops; the database stays for the chat, which still answers from it.
      expect(await server.app.stop('SIGTERM')).toBe(0);
      expect(server.app.output()).toMatch(/embedded PostgreSQL left running for the other VidGo process using it/);
      expect(alive(pid)).toBe(true);
      chat.stdin.write('/balance\n');
      await waitFor(/Points: \d+ in total/);
      chat.stdin.end(); // Ctrl-D
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('hung'), 20_000))]);
      expect(code).toBe(0);
      expect(alive(pid)).toBe(false); // the last one out stopped it
    } finally {
      if (chat.exitCode === null) chat.kill('SIGKILL');
    }
  });
});
