// Prepares the media bucket on an S3-protocol server (docker-compose's one-shot `s3-setup` before the app starts):
// creates it when missing and lets anyone read the public prefixes only. Clean masters under private/ stay private
// (they are handed out as presigned URLs). Idempotent: safe on every `docker compose up`.
import { CreateBucketCommand, HeadBucketCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Settings } from './s3-store.ts';

/** Key prefixes served to anyone (videos, Demo clips, style samples); see infra/media/keys.ts for the key shapes. */
export const PUBLIC_PREFIXES = ['generations/', 'demo/', 'styles/'] as const;

export function publicReadPolicy(bucket: string) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'PublicMediaRead',
        Effect: 'Allow',
        Principal: '*',
        Action: ['s3:GetObject'],
        Resource: PUBLIC_PREFIXES.map((p) => `arn:aws:s3:::${bucket}/${p}*`),
      },
    ],
  };
}

export async function prepareBucket(s3: S3Settings, opts: { log?: (msg: string) => void; waitMs?: number } = {}) {
  const log = opts.log ?? (() => {});
  const client = new S3Client({
    region: s3.region,
    endpoint: s3.endpoint,
    forcePathStyle: s3.forcePathStyle,
    credentials:
      s3.accessKeyId && s3.secretAccessKey
        ? { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }
        : undefined,
  });
  const Bucket = s3.bucket;
  try {
    // The server may answer its health check a moment before it takes requests.
    const end = Date.now() + (opts.waitMs ?? 60_000);
    for (;;) {
      try {
        await client.send(new HeadBucketCommand({ Bucket }));
        log(`bucket ${Bucket} exists`);
        break;
      } catch (err) {
        const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
        if (e.name === 'NotFound' || e.name === 'NoSuchBucket' || e.$metadata?.httpStatusCode === 404) {
          await client.send(new CreateBucketCommand({ Bucket }));
          log(`bucket ${Bucket} created`);
          break;
        }
        if (Date.now() > end) throw err;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    await client.send(new PutBucketPolicyCommand({ Bucket, Policy: JSON.stringify(publicReadPolicy(Bucket)) }));
    log(`anonymous read on ${PUBLIC_PREFIXES.join(', ')} only`);
  } finally {
    client.destroy();
  }
}
