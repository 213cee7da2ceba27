// Builds the production artifact under dist/: the web app (Vite) and the server (tsc to plain JavaScript, with
// `.ts` import specifiers rewritten to `.js`), plus the files the server reads at run time (locales, fonts, the
// built web app), so that dist/ runs with plain `node` on Node 20.19+ and 24 and needs no TypeScript loader.
// `node scripts/build.mjs` builds what is stale; `--force` rebuilds everything.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const DIST = path.join(root, 'dist');
const STAMP = path.join(DIST, '.built');
const SERVER_SOURCES = [
  'app',
  'core',
  'bot',
  'web',
  'infra',
  'migrations',
  'locales',
  'assets',
  'tsconfig.json',
  'tsconfig.build.json',
  'package.json',
];
/** Copied beside the compiled code at the same relative paths the code resolves from import.meta.url. */
const RUNTIME_FILES = ['locales', 'assets', 'web/app/dist'];
/** Compiled by tsc; any other file in them (data such as JSON lexicons) is copied to the same place in dist/. */
const CODE_DIRS = ['app', 'core', 'bot', 'web', 'infra', 'migrations'];

function copyDataFiles(from, to) {
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, e.name);
    if (e.isDirectory()) {
      if (src !== path.join(root, 'web', 'app')) copyDataFiles(src, path.join(to, e.name));
    } else if (!e.name.endsWith('.ts')) {
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(src, path.join(to, e.name));
    }
  }
}

/** The newest modification time under a file or folder (build outputs and dependencies skipped). */
function newest(p) {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = st.mtimeMs;
  for (const e of fs.readdirSync(p, { withFileTypes: true })) {
    if (e.name === 'dist' || e.name === 'node_modules') continue;
    t = Math.max(t, newest(path.join(p, e.name)));
  }
  return t;
}
const mtime = (f) => (fs.existsSync(f) ? fs.statSync(f).mtimeMs : 0);

const APP_DIR = path.join(root, 'web', 'app');
function webAppStale() {
  if (!fs.existsSync(path.join(APP_DIR, 'vite.config.ts'))) return false;
  return (
    mtime(path.join(APP_DIR, 'dist', 'index.html')) < Math.max(newest(APP_DIR), newest(path.join(root, 'locales')))
  );
}

function buildWebApp(force) {
  const appDir = APP_DIR;
  if (!fs.existsSync(path.join(appDir, 'vite.config.ts'))) return false;
  if (!force && !webAppStale()) return false;
  console.log('building the web app…');
  const vite = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  execFileSync(
    process.execPath,
    [vite, 'build', '--config', path.join(appDir, 'vite.config.ts'), '--logLevel', 'warn'],
    { stdio: 'inherit', cwd: root },
  );
  return true;
}

function buildServer() {
  console.log('building the server (tsc → dist/)…');
  // Into a fresh folder, then swapped in, so that an interrupted build never leaves a half-written dist/.
  const tmp = path.join(root, `dist.tmp-${process.pid}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  const tsc = path.join(path.dirname(require.resolve('@typescript/native/package.json')), 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--outDir', tmp], {
    stdio: 'inherit',
    cwd: root,
  });
  for (const dir of CODE_DIRS) copyDataFiles(path.join(root, dir), path.join(tmp, dir));
  for (const rel of RUNTIME_FILES) {
    const src = path.join(root, rel);
    if (fs.existsSync(src)) fs.cpSync(src, path.join(tmp, rel), { recursive: true, preserveTimestamps: true });
  }
  fs.writeFileSync(path.join(tmp, '.built'), `${new Date().toISOString()}\n`);
  const old = path.join(root, `dist.old-${process.pid}`);
  if (fs.existsSync(DIST)) fs.renameSync(DIST, old);
  fs.renameSync(tmp, DIST);
  fs.rmSync(old, { recursive: true, force: true });
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
};
/** One build at a time in a checkout (two `npm start`s, or a test beside one): the others wait, then find it fresh. */
function withBuildLock(fn) {
  const lock = path.join(root, '.build.lock');
  const started = Date.now();
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const holder = Number.parseInt(fs.readFileSync(lock, 'utf8'), 10);
      if (!holder || !alive(holder)) fs.rmSync(lock, { force: true });
      else if (Date.now() - started > 300_000) throw new Error(`${lock} held by pid ${holder} for 5 minutes`);
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

/** Builds whatever is older than its sources (everything with force); returns whether anything was built. */
export function build({ force = false } = {}) {
  if (!force && !isStale() && !webAppStale()) return false;
  return withBuildLock(() => {
    const web = buildWebApp(force);
    if (!force && !web && !isStale()) return false;
    buildServer();
    return true;
  });
}

/** Builds only the web app, when it is missing or older than its sources (`npm run chat` serves it from web/app/dist). */
export function buildWeb() {
  if (!webAppStale()) return false;
  return withBuildLock(() => buildWebApp(false));
}

/** Whether dist/ is missing or older than its sources (what `npm start` checks before building). */
export function isStale() {
  return mtime(STAMP) < Math.max(...SERVER_SOURCES.map((s) => newest(path.join(root, s))));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--web')) buildWeb();
  else build({ force: process.argv.includes('--force') });
}
