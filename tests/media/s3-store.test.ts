// The S3 store against a real S3-protocol server (s3rver) started here: put, get, exists, delete, and URLs
// fetched over HTTP (presigned and public base), plus /media redirecting to them.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import Hapi from '@hapi/hapi';
// @ts-expect-error s3rver ships no types
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Store } from '../../infra/media/s3-store.ts';
import { mediaRoutes } from '../../web/routes/media.ts';
import { contentTypeFor, isValidKey } from '../../infra/media/keys.ts';

describe('S3 media store on s3rver', () => {
  let dir: string;
  let s3: { run(): Promise<AddressInfo>; close(): Promise<void> };
  let endpoint: string;
  const settings = () => ({
    bucket: 'vidgo',
    endpoint,
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
  });
  const bytes = Buffer.from('0123456789'.repeat(300));

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vidgo-s3-'));
    s3 = new S3rver({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory: path.join(dir, 'data'),
      configureBuckets: [{ name: 'vidgo' }],
    });
    const addr = await s3.run();
    endpoint = `http://127.0.0.1:${addr.port}`;
  });
  afterAll(async () => {
    await s3.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('puts, gets, checks and deletes', async () => {
    const store = createS3Store(settings(), { tmpDir: path.join(dir, 'tmp') });
    const src = path.join(dir, 'v.mp4');
    await fs.writeFile(src, bytes);
    expect(await store.put('videos/g1.mp4', src, 'video/mp4')).toEqual({
      key: 'videos/g1.mp4',
      sizeBytes: bytes.length,
    });
    expect(await store.exists('videos/g1.mp4')).toBe(true);
    expect(await store.exists('videos/none.mp4')).toBe(false);
    expect((await fs.readFile(await store.getFile('videos/g1.mp4'))).equals(bytes)).toBe(true);
    await store.delete('videos/g1.mp4');
    expect(await store.exists('videos/g1.mp4')).toBe(false);
  });

  it('serves a presigned GET URL over HTTP', async () => {
    const store = createS3Store(settings());
    await store.put('videos/g2.mp4', bytes, 'video/mp4');
    const url = await store.publicUrl('videos/g2.mp4');
    expect(url).toContain('X-Amz-Signature=');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('uses S3_PUBLIC_BASE_URL when set', async () => {
    const store = createS3Store({ ...settings(), publicBaseUrl: `${endpoint}/vidgo/` });
    await store.put('previews/g3.jpg', Buffer.from('jpeg!'), 'image/jpeg');
    const url = await store.publicUrl('previews/g3.jpg');
    expect(url).toBe(`${endpoint}/vidgo/previews/g3.jpg`);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('jpeg!');
  });

  it('lets /media redirect to the object', async () => {
    const store = createS3Store(settings());
    await store.put('videos/g4.mp4', bytes, 'video/mp4');
    const server = Hapi.server({ port: 0, host: '127.0.0.1' });
    await mediaRoutes(server, store, { isValidKey, contentTypeFor });
    await server.start();
    try {
      const res = await fetch(`${server.info.uri}/media/videos/g4.mp4`, { redirect: 'manual' });
      expect(res.status).toBe(302);
      const followed = await fetch(res.headers.get('location')!);
      expect(Buffer.from(await followed.arrayBuffer()).equals(bytes)).toBe(true);
      expect((await fetch(`${server.info.uri}/media/videos/none.mp4`)).status).toBe(404);
    } finally {
      await server.stop();
    }
  });

  it('serves a private master by a presigned signedUrl only; /media refuses it unsigned and with a forged signature', async () => {
    const store = createS3Store(settings());
    const key = 'private/demo/cat/master.mp4';
    await store.put(key, bytes, 'video/mp4');
    const url = await store.signedUrl(key, 7200);
    expect(url).toContain('X-Amz-Signature=');
    expect(url).toContain('X-Amz-Expires=7200');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    // (s3rver does not check signatures or bucket policies, so expiry and the private prefix's anonymous 403 are
    // MinIO's part: docker-compose.yml grants anonymous download on the public prefixes only.)

    const server = Hapi.server({ port: 0, host: '127.0.0.1' });
    await mediaRoutes(server, store, { isValidKey, contentTypeFor });
    await server.start();
    try {
      expect((await fetch(`${server.info.uri}/media/${key}`, { redirect: 'manual' })).status).toBe(404);
      // Disk-style signatures mean nothing to an S3 store's /media.
      expect(
        (await fetch(`${server.info.uri}/media/${key}?exp=9999999999&sig=abc`, { redirect: 'manual' })).status,
      ).toBe(403);
    } finally {
      await server.stop();
    }
  });
});

describe('S3 presigned URLs for the outside', () => {
  let dir: string;
  let s3: { run(): Promise<AddressInfo>; close(): Promise<void> };
  let port: number;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vidgo-s3-public-'));
    s3 = new S3rver({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory: path.join(dir, 'data'),
      configureBuckets: [{ name: 'vidgo' }],
    });
    port = (await s3.run()).port;
  });
  afterAll(async () => {
    await s3.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('signs clean-master downloads for the public endpoint, for minutes, as an attachment; a master has no public URL', async () => {
    // The app reaches S3 as 127.0.0.1 (docker-compose: minio:9000); browsers as localhost (compose: localhost:9000).
    const store = createS3Store({
      bucket: 'vidgo',
      endpoint: `http://127.0.0.1:${port}`,
      publicEndpoint: `http://localhost:${port}`,
      region: 'us-east-1',
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      forcePathStyle: true,
      publicBaseUrl: `http://localhost:${port}/vidgo`,
    });
    const key = 'private/generations/g9/master.mp4';
    await store.put(key, Buffer.from('clean master'), 'video/mp4');
    const url = new URL(await store.signedUrl(key, 300, { downloadName: 'vidgo-g9.mp4' }));
    expect(url.host).toBe(`localhost:${port}`);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="vidgo-g9.mp4"');
    expect(await res.text()).toBe('clean master');
    // Never S3_PUBLIC_BASE_URL + key for a private object.
    await expect(store.publicUrl(key)).rejects.toThrow(/private media/);
    expect(await store.publicUrl('videos/g9.mp4')).toBe(`http://localhost:${port}/vidgo/videos/g9.mp4`);
  });
});
