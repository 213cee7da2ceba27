// A demo clip is rendered once by the local renderer (never a paid provider) and cached in the media store:
// the watermarked copy Demo users get, a private unwatermarked master, and a preview still.
import os from 'node:os';
import path from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { PRIVATE_MEDIA_PREFIX, type MediaStore, type MediaTools, type VideoProvider } from '../ports.ts';
import type { DemoEntry } from './library.ts';
import { waitForJob } from '../generation/run/wait-for-job.ts';

export interface DemoClip {
  mediaKey: string;
  previewKey: string;
  masterKey: string;
  sizeBytes: number;
}

export interface DemoDeps {
  renderer: VideoProvider;
  store: MediaStore;
  tools: MediaTools;
  watermarkText: string;
  pollIntervalMs: number;
  timeoutMs: number;
  signal?: AbortSignal;
  touch?: () => Promise<void>;
  /** The store's own file for a key when it is on this disk (no temp copy to clean up). */
  localFile?: (key: string) => string;
}

export const demoKeys = (slug: string) => ({
  mediaKey: `demo/${slug}/video.mp4`,
  previewKey: `demo/${slug}/preview.jpg`,
  masterKey: `${PRIVATE_MEDIA_PREFIX}demo/${slug}/master.mp4`,
});

export async function ensureDemoClip(entry: DemoEntry, d: DemoDeps): Promise<DemoClip> {
  if (!d.renderer.local) throw new Error(`demo renderer ${d.renderer.name} is not the local renderer`);
  const keys = demoKeys(entry.slug);
  if (
    (await d.store.exists(keys.mediaKey)) &&
    (await d.store.exists(keys.previewKey)) &&
    (await d.store.exists(keys.masterKey))
  ) {
    const own = d.localFile?.(keys.mediaKey);
    const file = own ?? (await d.store.getFile(keys.mediaKey));
    try {
      return { ...keys, sizeBytes: (await d.tools.probe(file)).sizeBytes };
    } finally {
      if (!own) await rm(file, { force: true }); // a remote store's temp copy
    }
  }
  const job = await d.renderer.submit(
    {
      generationId: `demo-${entry.slug}`,
      kind: 'demo',
      prompt: entry.prompt,
      resolution: '720p',
      fps: 30,
      durationSeconds: 5,
    },
    d.signal,
  );
  const end = await waitForJob(d.renderer, job, {
    signal: d.signal,
    intervalMs: d.pollIntervalMs,
    deadline: Date.now() + d.timeoutMs,
    now: Date.now,
    touch: d.touch,
  });
  if (end.state === 'failed') throw end.error;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vidgo-demo-'));
  let master: string | undefined;
  try {
    master = await d.tools.download(end.videoUrl, d.signal);
    const marked = path.join(dir, 'video.mp4');
    const still = path.join(dir, 'preview.jpg');
    await d.tools.watermarkWithPreview(master, marked, still, d.watermarkText);
    await d.store.put(keys.masterKey, master, 'video/mp4');
    await d.store.put(keys.previewKey, still, 'image/jpeg');
    const stored = await d.store.put(keys.mediaKey, marked, 'video/mp4'); // last: its presence marks the cache complete
    return { ...keys, sizeBytes: stored.sizeBytes };
  } finally {
    await rm(dir, { recursive: true, force: true });
    if (master) await rm(master, { force: true });
  }
}
