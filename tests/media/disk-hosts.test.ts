// Disk media (no S3) is per machine. Instances of one machine share the folder; a second machine keeping its own
// disk media on the same database is refused at start-up, in the real process too; a machine not seen for
// 10 minutes no longer blocks a new one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDb } from '../helpers/db.ts';
import { freePort, runApp } from '../helpers/spawn-app.ts';
import { claimDiskMedia, MediaOnAnotherMachine } from '../../infra/media/disk-hosts.ts';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDatabase();
}, 60_000);
afterAll(async () => db?.drop());

describe('disk media on one machine only', () => {
  it('one machine twice is fine; another machine is refused; a machine gone for 10 minutes is not in the way', async () => {
    const stops = [
      await claimDiskMedia(db.sequelize, '/srv/a/media', 'machine-a'),
      await claimDiskMedia(db.sequelize, '/srv/a/media', 'machine-a'),
    ];
    await expect(claimDiskMedia(db.sequelize, '/srv/b/media', 'machine-b')).rejects.toBeInstanceOf(
      MediaOnAnotherMachine,
    );
    await expect(claimDiskMedia(db.sequelize, '/srv/b/media', 'machine-b')).rejects.toThrow(/machine-a.*S3_BUCKET/);
    await db.sequelize.query(
      `UPDATE media_disk_hosts SET seen_at = now() - interval '11 minutes' WHERE hostname = 'machine-a'`,
    );
    stops.push(await claimDiskMedia(db.sequelize, '/srv/b/media', 'machine-b'));
    for (const stop of stops) stop();
  });

  it('the real process says why and exits 1 when another machine keeps disk media on its database', async () => {
    await db.sequelize.query(`DELETE FROM media_disk_hosts`);
    await db.sequelize.query(`INSERT INTO media_disk_hosts (hostname, media_dir) VALUES ('elsewhere', '/srv/x/media')
      ON CONFLICT (hostname) DO UPDATE SET seen_at = now()`);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vidgo-disk-hosts-'));
    try {
      const app = runApp(
        { DATABASE_URL: db.url, DATA_DIR: dataDir, JWT_SECRET: 'x'.repeat(40), REDIS_URL: '' },
        await freePort(),
      );
      const code = await Promise.race([app.exited, new Promise((r) => setTimeout(() => r('still running'), 60_000))]);
      if (code === 'still running') await app.stop('SIGKILL');
      expect(code).toBe(1);
      expect(app.output()).toMatch(/elsewhere.*S3_BUCKET/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
