// PostgreSQL and Redis of a test's own, for fault tests that restart or kill them: a fresh `initdb` cluster in a
// temp directory on a free port (run as the `postgres` user when we are root: PostgreSQL refuses to run as root)
// and a `redis-server` without persistence on a free port. The machine's own services are never touched.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './spawn-app.ts';

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

function asPostgres(cmd: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
}

function run(cmd: string, args: string[]): string {
  const [c, a] = asPostgres(cmd, args);
  return execFileSync(c, a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface OwnPostgres {
  port: number;
  /** postgres://postgres@127.0.0.1:<port>/<db> */
  url(db?: string): string;
  /** `pg_ctl restart -m immediate`: every connection is cut, the server comes back after crash recovery. */
  restartImmediate(): Promise<void>;
  stop(): void;
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vidgo-own-pg-'));
  const data = path.join(dir, 'data');
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres', dir]);
  const port = await freePort();
  run(path.join(PG_BIN, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  // Socket in the cluster's own directory (no /var/run/postgresql needed); fsync off: nothing here survives a
  // machine crash anyway, and crash recovery after `-m immediate` works the same.
  const opts = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c max_connections=200`;
  const ctl = (args: string[]) =>
    run(path.join(PG_BIN, 'pg_ctl'), ['-D', data, '-o', opts, '-l', path.join(dir, 'log'), '-w', '-t', '60', ...args]);
  ctl(['start']);
  const url = (db = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${db}`;
  return {
    port,
    url,
    async restartImmediate() {
      const [c, a] = asPostgres(path.join(PG_BIN, 'pg_ctl'), [
        '-D',
        data,
        '-o',
        opts,
        '-l',
        path.join(dir, 'log'),
        '-w',
        '-t',
        '60',
        'restart',
        '-m',
        'immediate',
      ]);
      await promisify(execFile)(c, a);
    },
    stop() {
      try {
        ctl(['stop', '-m', 'immediate']);
      } catch {
        /* already down */
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface OwnRedis {
  port: number;
  url: string;
  /** SIGKILL: the data is gone with it (no persistence). */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let proc: ChildProcess | undefined;
  const start = async () => {
    proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    const end = Date.now() + 10_000;
    for (;;) {
      try {
        execFileSync('redis-cli', ['-p', String(port), 'ping'], { stdio: 'pipe' });
        return;
      } catch {
        if (Date.now() > end) throw new Error('own redis-server did not start');
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  const kill = async () => {
    const p = proc;
    if (!p || p.exitCode !== null) return;
    const gone = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await gone;
  };
  await start();
  return { port, url: `redis://127.0.0.1:${port}`, kill, start, stop: kill };
}
