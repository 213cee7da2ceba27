// Providers and media: the four provider slots (real or local), the media store and tools, and /media.
import path from 'node:path';
import type { Server } from '@hapi/hapi';
import type { MediaStore, MediaTools } from '../core/ports.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { createProviders, PROVIDER_SLOTS, type ProviderDeps, type Providers } from '../infra/providers/index.ts';
import { createMediaStore, createMediaTools } from '../infra/media/index.ts';
import { mediaBinariesAvailable, useMediaBinaries } from '../infra/media/binaries.ts';
import { mediaRoutes } from '../web/routes/media.ts';
import { contentTypeFor, isValidKey } from '../infra/media/keys.ts';
import { claimDiskMedia } from '../infra/media/disk-hosts.ts';
import type { Sequelize } from 'sequelize';

export interface MediaWiring {
  providers: Providers;
  mediaStore: MediaStore;
  mediaTools: MediaTools;
  /**
   * Disk media (no S3) is per machine: said at start-up, and with a shared database a second machine keeping its
   * own disk media is refused (MediaOnAnotherMachine). Returns the stop of the hostname renewal.
   */
  claimDisk(db: Sequelize, sharedDatabase: boolean): Promise<() => void>;
  /** For /health: each slot's cheap probe (local slots report whether ffmpeg is there). */
  providerHealth(): Promise<Record<string, boolean>>;
}

/** `jwtSecret` keys the signed /media URLs (the signer derives its own key from it). */
export async function wireMedia(
  config: Config,
  log: Logger,
  server: Server,
  jwtSecret: string,
  deps: Pick<ProviderDeps, 'callbackUrl'> = {},
): Promise<MediaWiring> {
  useMediaBinaries({ ffmpeg: config.ffmpeg.ffmpegPath, ffprobe: config.ffmpeg.ffprobePath });
  // Checked beside start-up, not before it: without ffmpeg the web app and payments still work, videos do not.
  void mediaBinariesAvailable().then((ok) => {
    if (!ok)
      log.warn(
        'ffmpeg/ffprobe not found: local renders, watermarks and previews will fail (apt-get install ffmpeg, or set FFMPEG_PATH and FFPROBE_PATH)',
      );
  });
  const providers = createProviders(config, deps);
  const mediaStore = createMediaStore(config, jwtSecret);
  const mediaTools = createMediaTools({ tmpDir: path.join(config.dataDir, 'tmp') });
  await mediaRoutes(server, mediaStore, { isValidKey, contentTypeFor });

  const real = PROVIDER_SLOTS.filter((s) => !providers[s].local);
  const local = PROVIDER_SLOTS.filter((s) => providers[s].local);
  log.info(
    { real, local, media: config.s3 ? 's3' : 'disk' },
    `providers: ${real.length ? real.join(', ') : 'none'} real; ${local.length ? local.join(', ') : 'none'} local renderer`,
  );

  // /health may be polled often: real probes are API calls, so one answer serves for 30 s.
  let cached: { at: number; value: Promise<Record<string, boolean>> } | undefined;
  const probeAll = async () => {
    const entries = await Promise.all(
      PROVIDER_SLOTS.map(
        async (s) => [s, await providers[s].probe(AbortSignal.timeout(5000)).catch(() => false)] as const,
      ),
    );
    return Object.fromEntries(entries);
  };
  return {
    providers,
    mediaStore,
    mediaTools,
    async claimDisk(db: Sequelize, sharedDatabase: boolean) {
      if (config.s3) return () => {};
      const dir = path.join(config.dataDir, 'media');
      log.info(
        { dir },
        "media on this machine's disk: instances on this machine share it; for several machines set S3_BUCKET",
      );
      // An embedded database is this machine's own: only a shared DATABASE_URL can have another machine behind it.
      return sharedDatabase ? claimDiskMedia(db, dir) : () => {};
    },
    providerHealth() {
      if (!cached || Date.now() - cached.at > 30_000) cached = { at: Date.now(), value: probeAll() };
      return cached.value;
    },
  };
}
