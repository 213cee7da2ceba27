// The disk store keeps files under its root and hapi serves them at /media/{key} with Range support.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Hapi from '@hapi/hapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiskStore, type DiskMediaStore } from '../../infra/media/disk-store.ts';
import { isValidKey } from '../../infra/media/keys.ts';
import { mediaRoutes } from '../../web/routes/media.ts';

describe('disk media store and /media route', () => {
  let dir: string;
  let store: DiskMediaStore;
  let server: Hapi.Server;
  const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vidgo-disk-'));
    store = createDiskStore({ root: path.join(dir, 'media'), publicBaseUrl: 'https://bot.example/' });
    server = Hapi.server({ port: 0, host: '127.0.0.1' });
    await mediaRoutes(server, store);
    await server.start();
  });
  afterAll(async () => {
    await server.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('puts, reads, checks and deletes objects', async () => {
    expect(await store.put('videos/g1/out.mp4', bytes, 'video/mp4')).toEqual({ key: 'videos/g1/out.mp4', sizeBytes: 5000 });
    expect(await store.exists('videos/g1/out.mp4')).toBe(true);
    expect((await fs.readFile(await store.getFile('videos/g1/out.mp4'))).equals(bytes)).toBe(true);
    const src = path.join(dir, 'src.jpg');
    await fs.writeFile(src, 'jpeg');
    await store.put('previews/g1.jpg', src, 'image/jpeg');
    await store.delete('previews/g1.jpg');
    expect(await store.exists('previews/g1.jpg')).toBe(false);
  });

  it('builds public URLs from PUBLIC_BASE_URL', async () => {
    expect(await store.publicUrl('videos/g1/out.mp4')).toBe('https://bot.example/media/videos/g1/out.mp4');
  });

  it('serves the whole file, and a byte range with 206', async () => {
    await store.put('videos/g2.mp4', bytes, 'video/mp4');
    const url = `${server.info.uri}/media/videos/g2.mp4`;
    const full = await fetch(url);
    expect(full.status).toBe(200);
    expect(full.headers.get('content-type')).toBe('video/mp4');
    expect(full.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await full.arrayBuffer()).equals(bytes)).toBe(true);
    const part = await fetch(url, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 100-199/5000');
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);
  });

  it('refuses traversal and unknown keys with 404', async () => {
    await fs.writeFile(path.join(dir, 'secret.txt'), 'secret');
    for (const p of ['/media/..%2Fsecret.txt', '/media/%2E%2E/secret.txt', '/media/videos/missing.mp4', '/media/.hidden']) {
      const res = await fetch(`${server.info.uri}${p}`);
      expect(res.status, p).toBe(404);
      expect(await res.text()).not.toContain('secret');
    }
    expect(() => store.pathOf('../secret.txt')).toThrow(/invalid media key/);
    for (const k of ['a/../b', '/abs', 'a\\b', '', 'a//b', '.x']) expect(isValidKey(k), k).toBe(false);
  });
});
