// `npm run bench:startup`: how long the production artifact (node dist/app/main.js, embedded defaults) takes from
// spawn to its first 200 on /health, cold (a fresh DATA_DIR: initdb, migrations) and warm (a restart on the same
// DATA_DIR, median of 3), and the idle resident memory of the app process alone (the embedded PostgreSQL runs in
// its own processes and is not counted), beside a bare hapi server with one /health route started the same way,
// measured in the same run. Targets: warm ≤ 2 s, idle RSS ≤ 150 MB. Last line: the figures as JSON.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const IDLE_MS = 5_000;
const WARM_RUNS = 3;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rssMb = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

interface Run {
  ms: number;
  rssMb: number;
}
/** Spawns `node <script>`, times it to the first 200 on /health, optionally idles and reads its RSS, stops it. */
async function startOnce(args: string[], env: Record<string, string>, measureRss: boolean): Promise<Run> {
  const port = await freePort();
  const t0 = performance.now();
  const proc: ChildProcess = spawn(process.execPath, args, {
    env: {
      PATH: process.env.PATH!,
      HOME: os.tmpdir(),
      LOG_LEVEL: 'warn',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  proc.stderr!.on('data', (d) => (err += d));
  const exited = new Promise((r) => proc.on('exit', r));
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${args.join(' ')} exited: ${err}`);
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const ms = performance.now() - t0;
  let rss = Number.NaN;
  if (measureRss) {
    await new Promise((r) => setTimeout(r, IDLE_MS));
    rss = rssMb(proc.pid!);
  }
  proc.kill('SIGTERM');
  await exited;
  return { ms, rssMb: rss };
}

async function measure(name: string, args: string[], env: () => Record<string, string>) {
  const fixed = env();
  const cold = await startOnce(args, fixed, false);
  const warm: Run[] = [];
  for (let i = 0; i < WARM_RUNS; i++) warm.push(await startOnce(args, fixed, i === WARM_RUNS - 1));
  const result = {
    coldMs: Math.round(cold.ms),
    warmMs: Math.round(median(warm.map((w) => w.ms))),
    idleRssMb: Math.round(warm.at(-1)!.rssMb),
  };
  console.log(
    `${name.padEnd(10)} cold ${String(result.coldMs).padStart(5)} ms   warm ${String(result.warmMs).padStart(5)} ms   idle RSS ${result.idleRssMb} MB`,
  );
  return result;
}

execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vidgo-bench-startup-'));
try {
  const pgPort = await freePort();
  console.log(
    `startup to /health: node ${process.version}, ${os.cpus().length} cores; warm = median of ${WARM_RUNS}, RSS after ${IDLE_MS / 1000} s idle`,
  );
  const env = () => ({ DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort) });
  const app = await measure('app', ['dist/app/main.js'], env);
  const bare = await measure('bare hapi', ['bench/startup-baseline.mjs'], () => ({}));
  // For the record: the same sources through the tsx loader, as `npm start` ran them before the build step.
  const viaTsx = await startOnce(['--import', 'tsx', 'app/main.ts'], env(), true);
  console.log(
    `app via tsx (not used in production): warm ${Math.round(viaTsx.ms)} ms, idle RSS ${Math.round(viaTsx.rssMb)} MB`,
  );
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  console.log(
    `targets: warm ≤ 2000 ms ${verdict(app.warmMs <= 2000)}; idle RSS ≤ 150 MB ${verdict(app.idleRssMb <= 150)}`,
  );
  console.log(JSON.stringify({ ...app, baselineWarmMs: bare.warmMs, baselineIdleRssMb: bare.idleRssMb }));
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
