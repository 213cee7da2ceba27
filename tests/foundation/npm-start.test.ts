// `npm start` the way a supervisor runs it: npm → one node process (no shell in between), which prints its pid;
// SIGTERM to that pid or to npm's own stops everything (HTTP, jobs, pools, the embedded PostgreSQL last) with
// exit 0, a few log lines and no errors, and nothing is left running.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, isRunning as alive, waitForHttp } from '../helpers/spawn-app.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const parentOf = (pid: number) =>
  Number(
    fs
      .readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /, '')
      .split(' ')[1],
  );

async function npmStart() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vidgo-npm-start-'));
  dirs.push(dataDir);
  const port = await freePort();
  const npm = spawn('npm', ['start'], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      PORT: String(port),
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(await freePort()),
      DATABASE_URL: '',
      REDIS_URL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  npm.stdout.on('data', (d) => (out += d));
  npm.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => npm.on('exit', (code) => r(code)));
  await waitForHttp(`http://127.0.0.1:${port}/health`, 180_000);
  const pid = Number(/"pid":(\d+)[^\n]*"msg":"VidGo starting"/.exec(out)?.[1]);
  const postgres = Number.parseInt(fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8'), 10);
  return { npm, pid, postgres, exited, output: () => out };
}

function expectOrderlyStop(out: string) {
  const after = out.slice(out.indexOf('"msg":"stopping'));
  const lines = after
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'));
  expect(lines.at(-1)).toMatch(/"msg":"stopped cleanly"/);
  expect(lines.length).toBeLessThanOrEqual(6);
  expect(out).not.toMatch(/"level":(50|60)/);
  expect(out).not.toMatch(/ECONNREFUSED/);
}

describe('npm start', { timeout: 240_000 }, () => {
  it('is one node process that prints its pid and stops everything on SIGTERM to that pid', async () => {
    const app = await npmStart();
    expect(alive(app.pid)).toBe(true);
    expect(parentOf(app.pid)).toBe(app.npm.pid); // npm runs node itself: no shell in between to swallow signals
    expect(fs.readFileSync(`/proc/${app.pid}/cmdline`, 'utf8').split('\0')).toContain('dist/app/main.js');
    const t0 = Date.now();
    process.kill(app.pid, 'SIGTERM');
    expect(await app.exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(alive(app.pid)).toBe(false);
    expect(alive(app.postgres)).toBe(false);
    expectOrderlyStop(app.output());
  });

  it("stops everything on SIGTERM to npm's own pid (npm passes it on)", async () => {
    const app = await npmStart();
    app.npm.kill('SIGTERM');
    await app.exited;
    for (let i = 0; i < 300 && alive(app.pid); i++) await new Promise((r) => setTimeout(r, 100));
    expect(alive(app.pid)).toBe(false);
    expect(alive(app.postgres)).toBe(false);
    expectOrderlyStop(app.output());
  });
});
