// The production artifact as it is deployed: dist/ plus a production-only `npm ci` (no tsx, no TypeScript), copied
// read-only and owned by root, run by an unprivileged user (`nobody`) with its data directory elsewhere. With
// NODE_ENV=production it makes a video for a LINE user (webhook → job → ffmpeg → push to the fake LINE, media
// fetched from the app over https) and stops on SIGTERM with exit 0; on embedded defaults it runs its own
// PostgreSQL as that user.
import crypto from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyDatabase } from '../helpers/db.ts';
import { freePort, waitForHttp } from '../helpers/spawn-app.ts';
import { startFakeLine } from '../fakes/line.ts';
import { httpsFront } from '../e2e/support/app-world.ts';

const NOBODY = 65534;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vidgo-artifact-'));
const appDir = path.join(root, 'app');
fs.chmodSync(root, 0o755);

/** A data directory owned by the unprivileged user, outside the code. */
function dataDir(name: string) {
  const d = path.join(root, name);
  fs.mkdirSync(d);
  fs.chownSync(d, NOBODY, NOBODY);
  return d;
}

/** Runs dist/app/main.js from the read-only copy as `nobody`; node itself is the spawned pid (setpriv execs it). */
function runAsNobody(env: Record<string, string>) {
  let out = '';
  const proc = spawn(
    'setpriv',
    [
      `--reuid=${NOBODY}`,
      `--regid=${NOBODY}`,
      '--clear-groups',
      process.execPath,
      '--enable-source-maps',
      'dist/app/main.js',
    ],
    {
      cwd: appDir,
      env: { PATH: process.env.PATH!, LOG_LEVEL: 'info', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return { proc, exited, output: () => out };
}

async function until<T>(
  check: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 120_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'ignore' }); // dist/ when missing or stale
  fs.mkdirSync(appDir);
  for (const f of ['dist', 'package.json', 'package-lock.json'])
    fs.cpSync(f, path.join(appDir, f), { recursive: true });
  // Install scripts run here, at install time, as root (npm's allowScripts): nothing is fixed up at run time.
  execFileSync('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], {
    cwd: appDir,
    stdio: 'ignore',
  });
  execFileSync('chmod', ['-R', 'a-w', appDir]);
}, 300_000);
afterAll(() => {
  execFileSync('chmod', ['-R', 'u+w', appDir]);
  fs.rmSync(root, { recursive: true, force: true });
});

describe('the production artifact, read-only, as an unprivileged user', { timeout: 240_000 }, () => {
  it('has no development tools in it and cannot be written by its user', () => {
    expect(fs.existsSync(path.join(appDir, 'node_modules', 'tsx'))).toBe(false);
    expect(
      fs.readdirSync(path.join(appDir, 'dist'), { recursive: true }).filter((f) => String(f).endsWith('.ts')),
    ).toEqual([]);
    expect(fs.statSync(path.join(appDir, 'dist', 'app', 'main.js')).uid).toBe(0);
    expect(() =>
      execFileSync(
        'setpriv',
        [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', 'touch', path.join(appDir, 'dist', 'x')],
        { stdio: 'ignore' },
      ),
    ).toThrow();
  });

  it('makes a video for a LINE user with NODE_ENV=production, then stops on SIGTERM with exit 0', async () => {
    const db = await createEmptyDatabase();
    const secret = crypto.randomBytes(24).toString('hex'); // LINE channel secrets are 32 characters
    const line = await startFakeLine({ accessToken: 'artifact-line-token' });
    const port = await freePort();
    const front = await httpsFront(root, port);
    const data = dataDir('data-production');
    const app = runAsNobody({
      NODE_ENV: 'production',
      PORT: String(port),
      DATABASE_URL: db.url,
      PUBLIC_BASE_URL: front.url,
      DATA_DIR: data,
      JWT_SECRET: crypto.randomBytes(24).toString('hex'),
      LINE_CHANNEL_SECRET: secret,
      LINE_CHANNEL_ACCESS_TOKEN: 'artifact-line-token',
      LINE_API_BASE: line.url,
      // Production refuses ECPay's published stage merchant: an operator's own (never called in this test).
      ECPAY_MERCHANT_ID: '3999001',
      ECPAY_HASH_KEY: crypto.randomBytes(8).toString('hex'),
      ECPAY_HASH_IV: crypto.randomBytes(8).toString('hex'),
      ECPAY_BASE_URL: 'http://127.0.0.1:9',
    });
    const base = `http://127.0.0.1:${port}`;
    const sql = new pg.Client({ connectionString: db.url });
    try {
      const health = await waitForHttp(`${base}/health`, 90_000).catch((err) => {
        throw new Error(`not serving (${err}):\n${app.output()}`);
      });
      expect(health.status).toBe(200);
      await sql.connect();
      let n = 0;
      const says = async (text: string) => {
        n += 1;
        const body = JSON.stringify({
          destination: 'Ubot',
          events: [
            {
              type: 'message',
              mode: 'active',
              timestamp: Date.now(),
              source: { type: 'user', userId: 'Uartifact' },
              webhookEventId: `01ART${crypto.randomBytes(6).toString('hex').toUpperCase()}${n}`,
              deliveryContext: { isRedelivery: false },
              replyToken: `rt-artifact-${n}`,
              message: { id: String(9000 + n), type: 'text', quoteToken: `q${n}`, text },
            },
          ],
        });
        const res = await fetch(`${base}/webhooks/line`, {
          method: 'POST',
          body,
          headers: {
            'content-type': 'application/json',
            'x-line-signature': crypto.createHmac('sha256', secret).update(body).digest('base64'),
          },
        });
        expect(res.status).toBe(200);
      };
      await says('hello');
      const user = await until(
        async () =>
          (
            await sql.query(
              `SELECT user_id FROM chat_identities WHERE platform = 'line' AND platform_user_id = 'Uartifact'`,
            )
          ).rows[0]?.user_id as string | undefined,
        'the LINE user',
      );
      await sql.query(
        `INSERT INTO subscriptions (user_id, plan_id, status, start_date, end_date)
        SELECT $1, id, 'active', now(), now() + interval '30 days' FROM plans WHERE slug = 'starter'`,
        [user],
      );
      await says('/video a lighthouse in a storm');
      const video = await until(
        () =>
          line.sent
            .filter((s) => s.kind === 'push' && s.to === 'Uartifact')
            .flatMap((p) => p.messages)
            .find((m) => m.type === 'video'),
        'the video push',
        180_000,
      );
      const mp4 = Buffer.from(await (await fetch(video.originalContentUrl.replace(front.url, base))).arrayBuffer());
      expect(mp4.subarray(4, 8).toString('latin1')).toBe('ftyp');
      // Written by the unprivileged user into its own data directory, not next to the code.
      const key = new URL(video.originalContentUrl).pathname.replace(/^\/media\//, '');
      expect(fs.statSync(path.join(data, 'media', key)).uid).toBe(NOBODY);

      app.proc.kill('SIGTERM');
      expect(await app.exited).toBe(0);
      expect(app.output()).toMatch(/"msg":"stopped cleanly"/);
      expect(app.output()).not.toMatch(/"level":(50|60)|EACCES|EROFS/);
    } finally {
      if (app.proc.exitCode === null) app.proc.kill('SIGKILL');
      await sql.end().catch(() => {});
      front.server.closeAllConnections();
      await new Promise((r) => front.server.close(r));
      await line.close();
      await db.drop();
    }
  });

  it('runs its embedded PostgreSQL as that user on embedded defaults, and stops it on SIGTERM', async () => {
    const port = await freePort();
    const data = dataDir('data-embedded');
    const app = runAsNobody({
      NODE_ENV: 'development',
      PORT: String(port),
      DATA_DIR: data,
      EMBEDDED_PG_PORT: String(await freePort()),
    });
    try {
      const res = await waitForHttp(`http://127.0.0.1:${port}/health`, 120_000);
      expect(await res.json()).toMatchObject({ status: 'ok', db: 'ok' });
      const postmaster = Number.parseInt(fs.readFileSync(path.join(data, 'pg', 'postmaster.pid'), 'utf8'), 10);
      expect(fs.statSync(`/proc/${postmaster}`).uid).toBe(NOBODY);
      app.proc.kill('SIGTERM');
      expect(await app.exited).toBe(0);
      expect(fs.existsSync(path.join(data, 'pg', 'postmaster.pid'))).toBe(false);
      expect(app.output()).not.toMatch(/"level":(50|60)/);
    } finally {
      if (app.proc.exitCode === null) app.proc.kill('SIGKILL');
    }
  });
});
