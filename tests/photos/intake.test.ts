// Photo intake on sharp with the real disk store and PostgreSQL: what passes (JPEG, PNG, WebP; rotated upright, no
// metadata, stored under private/), what is refused (by magic bytes, size, pixels, a truncated file), and the
// retention purge that deletes stored photos once they are old enough (not while a generation still animates one).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { QueryTypes } from 'sequelize';
import { createTestDatabase, type TestDb } from '../helpers/db.ts';
import { createDiskStore } from '../../infra/media/disk-store.ts';
import { createPhotoIntake, sniffImage } from '../../infra/media/photo-intake.ts';
import { SqlPhotoRecords } from '../../infra/db/photo-repo.ts';
import { exifOf, jpegWithGps, notAnImage, png } from './support/images.ts';

let db: TestDb;
let dir: string;
let userId: string;
const store = () => createDiskStore({ root: path.join(dir, 'media'), publicBaseUrl: 'https://media.test' });
const intake = () => createPhotoIntake({ store: store(), records: new SqlPhotoRecords(db.sequelize) });

beforeAll(async () => {
  db = await createTestDatabase();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vidgo-intake-'));
  const [u] = await db.sequelize.query<{ id: string }>(`INSERT INTO users DEFAULT VALUES RETURNING id`, {
    type: QueryTypes.SELECT,
  });
  userId = u!.id;
}, 60_000);
afterAll(async () => {
  await db?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('sniffImage', () => {
  it('knows JPEG, PNG and WebP by their first bytes, and nothing else', async () => {
    expect(sniffImage(await jpegWithGps(20, 20))).toBe('jpeg');
    expect(sniffImage(await png(20, 20))).toBe('png');
    expect(
      sniffImage(
        await sharp({ create: { width: 20, height: 20, channels: 3, background: '#123456' } })
          .webp()
          .toBuffer(),
      ),
    ).toBe('webp');
    expect(
      sniffImage(
        await sharp({ create: { width: 20, height: 20, channels: 3, background: '#123456' } })
          .gif()
          .toBuffer(),
      ),
    ).toBeNull();
    expect(sniffImage(notAnImage())).toBeNull();
    expect(sniffImage(Buffer.from([0xff, 0xd8]))).toBeNull();
  });
});

describe('PhotoIntake', () => {
  it('stores a rotated JPEG upright, as a JPEG without EXIF or GPS, under private/, and records it', async () => {
    const r = await intake().accept(userId, await jpegWithGps(300, 200, 6));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.photo).toMatchObject({ width: 200, height: 300 });
    expect(r.photo.key).toMatch(new RegExp(`^private/photos/${userId}/[0-9a-f-]{36}\\.jpg$`));
    const stored = fs.readFileSync(store().pathOf(r.photo.key));
    expect(sniffImage(stored)).toBe('jpeg');
    expect(await exifOf(stored)).toEqual({
      exif: false,
      gpsText: false,
      orientation: undefined,
      width: 200,
      height: 300,
    });
    await expect(store().publicUrl(r.photo.key)).rejects.toThrow(/private/);
    const [row] = await db.sequelize.query<Record<string, number>>(
      `SELECT width, height, size_bytes FROM chat_photos WHERE media_key = $1`,
      { bind: [r.photo.key], type: QueryTypes.SELECT },
    );
    expect(row).toMatchObject({ width: 200, height: 300, size_bytes: stored.length });
  });

  it('takes PNG and WebP, 4096 px a side at most', async () => {
    const webp = await sharp({
      create: { width: 64, height: 48, channels: 4, background: { r: 0, g: 0, b: 255, alpha: 0.5 } },
    })
      .webp()
      .toBuffer();
    expect(await intake().accept(userId, webp)).toMatchObject({ ok: true, photo: { width: 64, height: 48 } });
    expect(await intake().accept(userId, await png(4096, 16))).toMatchObject({
      ok: true,
      photo: { width: 4096, height: 16 },
    });
  });

  it('refuses a non-image, a truncated JPEG, a GIF, a 4097 px side and more than 10 MB, storing nothing', async () => {
    const other = '00000000-0000-4000-8000-000000000000';
    const jpeg = await jpegWithGps(400, 300);
    const gif = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#123456' } })
      .gif()
      .toBuffer();
    const big = Buffer.concat([jpeg, Buffer.alloc(10 * 1024 * 1024)]);
    expect(await intake().accept(other, notAnImage())).toEqual({ ok: false, reason: 'not_image' });
    expect(await intake().accept(other, jpeg.subarray(0, Math.floor(jpeg.length / 2)))).toEqual({
      ok: false,
      reason: 'not_image',
    });
    expect(await intake().accept(other, gif)).toEqual({ ok: false, reason: 'not_image' });
    expect(await intake().accept(other, await png(4097, 10))).toEqual({ ok: false, reason: 'too_many_pixels' });
    expect(await intake().accept(other, big)).toEqual({ ok: false, reason: 'too_large' });
    expect(fs.existsSync(path.join(dir, 'media', 'private', 'photos', other))).toBe(false);
  });
});

describe('photo retention', () => {
  it('deletes photos older than the cutoff (file and record), keeps newer ones and those an open generation animates', async () => {
    const records = new SqlPhotoRecords(db.sequelize);
    const take = async () => {
      const r = await intake().accept(userId, await png(32, 32));
      if (!r.ok) throw new Error('refused');
      return r.photo.key;
    };
    const [old, inUse, fresh] = [await take(), await take(), await take()];
    await db.sequelize.query(
      `UPDATE chat_photos SET created_at = now() - interval '2 days' WHERE media_key IN ($1, $2)`,
      { bind: [old, inUse] },
    );
    await db.sequelize.query(
      `INSERT INTO generations (user_id, reply_target, kind, prompt, resolution, fps, status, route, source_image)
      VALUES ($1, '{}', 'image', 'x', '720p', 24, 'running', '[]', $2::jsonb)`,
      { bind: [userId, JSON.stringify({ key: inUse, width: 32, height: 32 })] },
    );
    const s = store();
    const deleted: string[] = [];
    const report = await records.purge(new Date(Date.now() - 24 * 3600_000), async (k) => {
      deleted.push(k);
      await s.delete(k);
    });
    expect(report).toEqual({ deleted: 1, failed: 0 });
    expect(deleted).toEqual([old]);
    expect(fs.existsSync(s.pathOf(old))).toBe(false);
    expect(fs.existsSync(s.pathOf(inUse)) && fs.existsSync(s.pathOf(fresh))).toBe(true);
    // Run again: nothing more to do (marked deleted).
    expect(
      await records.purge(new Date(Date.now() - 24 * 3600_000), async () => {
        throw new Error('must not be called');
      }),
    ).toEqual({ deleted: 0, failed: 0 });
  });
});
