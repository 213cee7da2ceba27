// The disk store keeps files under its root and hapi serves them at /media/{key} with Range support.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Hapi from '@hapi/hapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiskStore, type DiskMediaStore } from '../../infra/media/disk-store.ts';
import { mediaRoutes } from '../../web/routes/media.ts';
import { contentTypeFor, isValidKey } from '../../infra/media/keys.ts';

describe('disk media store and /media route', () => {
  let dir: string;
  let store: DiskMediaStore;
  let server: Hapi.Server;
  const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vidgo-disk-'));
    store = createDiskStore({ root: path.join(dir, 'media'), publicBaseUrl: 'https://bot.example/' });
    server = Hapi.server({ port: 0, host: '127.0.0.1' });
    await mediaRoutes(server, store, { isValidKey, contentTypeFor });
    await server.start();
  });
  afterAll(async () => {
    await server.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('puts, reads, checks and deletes objects', async () => {
    expect(await store.put('videos/g1/out.mp4', bytes, 'video/mp4')).toEqual({
      key: 'videos/g1/out.mp4',
      sizeBytes: 5000,
    });
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
    for (const p of [
      '/media/..%2Fsecret.txt',
      '/media/%2E%2E/secret.txt',
      '/media/videos/missing.mp4',
      '/media/.hidden',
    ]) {
      const res = await fetch(`${server.info.uri}${p}`);
      expect(res.status, p).toBe(404);
      expect(await res.text()).not.toContain('secret');
    }
    expect(() => store.pathOf('../secret.txt')).toThrow(/invalid media key/);
    for (const k of ['a/../b', '/abs', 'a\\b', '', 'a//b', '.x']) expect(isValidKey(k), k).toBe(false);
  });

  it('serves a private master only by a signed URL; an expired, tampered or unsigned one is refused', async () => {
    const key = 'private/generations/g9/master.mp4';
    await store.put(key, bytes, 'video/mp4');
    const local = (u: string) => u.replace('https://bot.example', server.info.uri);
    const signed = await store.signedUrl(key, 60);
    expect(signed).toMatch(
      /^https:\/\/bot\.example\/media\/private\/generations\/g9\/master\.mp4\?exp=\d+&sig=[\w-]+$/,
    );
    const ok = await fetch(local(signed));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('private, no-store');
    expect(Buffer.from(await ok.arrayBuffer()).equals(bytes)).toBe(true);

    const u = new URL(local(signed));
    const exp = Number(u.searchParams.get('exp'));
    const sig = u.searchParams.get('sig')!;
    const tamperedSig = `${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`;
    const path0 = `${server.info.uri}/media/${key}`;
    for (const bad of [
      `${path0}?exp=${exp + 1}&sig=${sig}`, // a later expiry under the same signature
      `${path0}?exp=${exp}&sig=${tamperedSig}`,
      `${path0}?exp=${exp}`,
      `${path0}?sig=${sig}`,
      `${server.info.uri}/media/private/generations/g8/master.mp4?exp=${exp}&sig=${sig}`, // another key
    ])
      expect((await fetch(bad)).status, bad).toBe(403);
    // Expired: signed with a TTL already over.
    const expired = await store.signedUrl(key, 1);
    await new Promise((r) => setTimeout(r, 2100));
    expect((await fetch(local(expired))).status).toBe(403);
    // Unsigned: no public URL serves a private key or an old-style master.
    await store.put('generations/g9/master.mp4', bytes, 'video/mp4');
    expect((await fetch(path0)).status).toBe(404);
    expect((await fetch(`${server.info.uri}/media/generations/g9/master.mp4`)).status).toBe(404);
    expect((await fetch(local(await store.signedUrl('generations/g9/master.mp4', 60)))).status).toBe(200);
    // A store with another secret does not accept this one's signatures.
    const other = createDiskStore({
      root: store.root,
      publicBaseUrl: 'https://bot.example',
      signingSecret: 'another secret',
    });
    expect(other.verifySigned(key, String(exp), sig)).toBe(false);
    expect(store.verifySigned(key, String(exp), sig)).toBe(true);
  });
});
