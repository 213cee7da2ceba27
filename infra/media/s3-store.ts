// MediaStore on S3 or any S3-protocol server (SeaweedFS in docker-compose). Public URL = S3_PUBLIC_BASE_URL + key when
// the bucket is public behind it, else a presigned GET (7 days, the SigV4 maximum). A presigned URL signs its host,
// so URLs for the outside (browsers, chat platforms, providers) are signed for S3_PUBLIC_ENDPOINT — in
// docker-compose the app talks to http://seaweedfs:8333 while browsers reach http://localhost:8333 — and private keys
// (clean masters) are only ever handed out that way, for minutes, never as S3_PUBLIC_BASE_URL + key.
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type * as S3Sdk from '@aws-sdk/client-s3';
import type * as Presigner from '@aws-sdk/s3-request-presigner';
import type { S3Client } from '@aws-sdk/client-s3';
import { lazyRequire } from '../lazy-require.ts';
import { PRIVATE_MEDIA_PREFIX, type MediaStore } from '../../core/ports.ts';
import { assertKey } from './keys.ts';

export interface S3Settings {
  bucket: string;
  endpoint?: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  publicBaseUrl?: string;
  forcePathStyle: boolean;
  /** The S3 endpoint as browsers and providers reach it (presigned URLs are signed for this host). */
  publicEndpoint?: string;
}

export const PRESIGN_SECONDS = 7 * 24 * 3600;

const s3Sdk = lazyRequire<typeof S3Sdk>('@aws-sdk/client-s3');
const presignerSdk = lazyRequire<typeof Presigner>('@aws-sdk/s3-request-presigner');

export function createS3Store(
  s3: S3Settings,
  opts: { tmpDir?: string; presignSeconds?: number } = {},
): MediaStore & { client: S3Client } {
  const { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } = s3Sdk();
  const { getSignedUrl } = presignerSdk();
  const clientFor = (endpoint: string | undefined) =>
    new S3Client({
      region: s3.region,
      endpoint,
      forcePathStyle: s3.forcePathStyle,
      // Checksums only when an operation requires them: streamed bodies otherwise go out aws-chunked with trailing
      // CRC32, which S3-protocol servers other than AWS (s3rver, older MinIO) store verbatim.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      credentials:
        s3.accessKeyId && s3.secretAccessKey
          ? { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }
          : undefined,
    });
  const client = clientFor(s3.endpoint);
  // Signing needs no network: this client only presigns, for the host the outside reaches.
  const presigner = s3.publicEndpoint && s3.publicEndpoint !== s3.endpoint ? clientFor(s3.publicEndpoint) : client;
  const Bucket = s3.bucket;
  const tmpDir = opts.tmpDir ?? path.join(os.tmpdir(), 'vidgo-s3');
  const notFound = (err: unknown) => {
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
  };

  return {
    client,
    async put(key, file, contentType) {
      assertKey(key);
      const size = typeof file === 'string' ? (await fs.stat(file)).size : file.length;
      const Body = typeof file === 'string' ? createReadStream(file) : file;
      await client.send(
        new PutObjectCommand({ Bucket, Key: key, Body, ContentType: contentType, ContentLength: size }),
      );
      return { key, sizeBytes: size };
    },
    async getFile(key) {
      assertKey(key);
      const res = await client.send(new GetObjectCommand({ Bucket, Key: key }));
      await fs.mkdir(tmpDir, { recursive: true });
      const out = path.join(tmpDir, `${randomUUID()}${path.extname(key)}`);
      await pipeline(res.Body as Readable, createWriteStream(out));
      return out;
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: assertKey(key) }));
    },
    async publicUrl(key) {
      assertKey(key);
      if (key.startsWith(PRIVATE_MEDIA_PREFIX)) throw new Error('private media has no public URL: use signedUrl');
      if (s3.publicBaseUrl)
        return `${s3.publicBaseUrl.replace(/\/+$/, '')}/${key.split('/').map(encodeURIComponent).join('/')}`;
      return getSignedUrl(presigner, new GetObjectCommand({ Bucket, Key: key }), {
        expiresIn: opts.presignSeconds ?? PRESIGN_SECONDS,
      });
    },
    async signedUrl(key, ttlSeconds, o = {}) {
      const disposition = o.downloadName
        ? `attachment; filename="${o.downloadName.replace(/[^A-Za-z0-9._-]/g, '_')}"`
        : undefined;
      const command = new GetObjectCommand({
        Bucket,
        Key: assertKey(key),
        ...(disposition ? { ResponseContentDisposition: disposition } : {}),
      });
      return getSignedUrl(presigner, command, {
        expiresIn: Math.min(PRESIGN_SECONDS, Math.max(1, Math.round(ttlSeconds))),
      });
    },
    async exists(key) {
      try {
        await client.send(new HeadObjectCommand({ Bucket, Key: assertKey(key) }));
        return true;
      } catch (err) {
        if (notFound(err)) return false;
        throw err;
      }
    },
  };
}
