// `npm start` on embedded defaults: a real PostgreSQL under DATA_DIR that keeps its data across restarts, is shared
// by a second process (npm run chat beside npm start), stops with the app, and is taken over after a crash.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, runApp, waitForHttp, type RunningApp } from '../helpers/spawn-app.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vidgo-embedded-'));
const env = (pgPort: number) => ({ DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort), DATABASE_URL: '', REDIS_URL: '' });
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
const alive = (pid?: number) => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
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
    expect(await query(pgPort, `SELECT count(*)::int AS n FROM users WHERE display_name = 'kept across restarts'`)).toEqual([{ n: 1 }]);

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
});
