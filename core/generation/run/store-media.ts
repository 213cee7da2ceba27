// A finished provider video into the media store: downloaded to a temp file, watermarked when the tier says so
// (the clean master kept privately), scaled down when taller than the tier allows, a preview still, and every
// temp file removed afterwards, whatever happens.
import os from 'node:os';
import path from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import type { PlanFeatures } from '../../api.ts';
import { PRIVATE_MEDIA_PREFIX } from '../../ports.ts';
import type { GenerationRow, StoredMedia } from '../types.ts';
import type { GenerationDeps } from '../deps.ts';

/** `name` keeps stage 1's clip of a two-stage style ('base') apart from the final video ('video'). */
export async function storeResult(
  d: GenerationDeps,
  gen: GenerationRow,
  videoUrl: string,
  features: PlanFeatures,
  signal: AbortSignal,
  name: 'video' | 'base' = 'video',
): Promise<StoredMedia> {
  const at = (file: string) => `generations/${gen.id}/${name === 'video' ? file : `${name}-${file}`}`;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vidgo-gen-'));
  let downloaded: string | undefined;
  try {
    downloaded = await d.mediaTools.download(videoUrl, signal);
    let file = downloaded;
    const info = await d.mediaTools.probe(file);
    const maxHeight = d.settings.maxHeight[features.max_resolution];
    if (info.height > maxHeight) {
      const scaled = path.join(dir, 'scaled.mp4');
      await d.mediaTools.transcode(file, scaled, { maxHeight, fps: features.max_fps });
      file = scaled;
    }
    let masterKey: string | null = null;
    const still = path.join(dir, 'preview.jpg');
    if (features.watermark) {
      masterKey = `${PRIVATE_MEDIA_PREFIX}${at('master.mp4')}`; // never a public object (docker-compose.yml's bucket policy)
      await d.mediaStore.put(masterKey, file, 'video/mp4');
      const marked = path.join(dir, 'marked.mp4');
      await d.mediaTools.watermarkWithPreview(file, marked, still, d.settings.watermarkText, info.durationMs);
      file = marked;
    } else {
      await d.mediaTools.preview(file, still, info.durationMs);
    }
    const previewKey = at('preview.jpg');
    await d.mediaStore.put(previewKey, still, 'image/jpeg');
    const mediaKey = at('video.mp4');
    const stored = await d.mediaStore.put(mediaKey, file, 'video/mp4');
    return {
      mediaKey,
      previewKey,
      masterKey,
      watermarked: features.watermark,
      sizeBytes: stored.sizeBytes,
      durationMs: info.durationMs,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
    if (downloaded) await rm(downloaded, { force: true });
  }
}
