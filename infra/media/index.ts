// Picks the MediaStore from config: S3 when S3_BUCKET is set, else the local disk under DATA_DIR/media.
import path from 'node:path';
import type { MediaStore } from '../../core/ports.ts';
import { createDiskStore } from './disk-store.ts';
import { createS3Store, type S3Settings } from './s3-store.ts';

/** `mediaSecret` signs the disk store's /media URLs of private keys (every replica must share it). */
export function createMediaStore(
  config: { s3?: S3Settings | undefined; dataDir: string; publicBaseUrl: string },
  mediaSecret?: string,
): MediaStore {
  if (config.s3) return createS3Store(config.s3, { tmpDir: path.join(config.dataDir, 'tmp') });
  return createDiskStore({
    root: path.join(config.dataDir, 'media'),
    publicBaseUrl: config.publicBaseUrl,
    signingSecret: mediaSecret,
  });
}

export { createDiskStore } from './disk-store.ts';
export { createS3Store } from './s3-store.ts';
export { createMediaTools } from './ffmpeg-tools.ts';
export { PLATFORM_MAX_BYTES, PREVIEW_MAX_BYTES, TIER_MAX_HEIGHT } from './limits.ts';
