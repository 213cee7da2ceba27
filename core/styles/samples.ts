// Sample clips for the showcase: each style's clip is rendered once by the local renderer (the style's name drawn
// on moving colour), stored in the media store under styles/<id>-sample.mp4, and recorded in the catalogue.
// Started from the first showcase request, in the background (the request never waits for a render); a claim in
// the table makes it once across instances.
import fs from 'node:fs/promises';
import type { MediaStore, MediaTools, VideoProvider } from '../ports.ts';
import type { Style, StyleCatalog, StyleSampleStore } from './catalog.ts';

export interface StyleSamplesDeps {
  catalog: Pick<StyleCatalog, 'list'>;
  store: StyleSampleStore;
  /** The local ffmpeg renderer (infra/providers/local.ts createLocalRenderer). */
  renderer: VideoProvider;
  media: Pick<MediaStore, 'put' | 'publicUrl'>;
  tools: Pick<MediaTools, 'download'>;
  log?: { warn(obj: object, msg: string): void };
  pollMs?: number;
  /** A render taking longer is given up (and retried on a later showcase request). */
  timeoutMs?: number;
}

export const sampleKeyOf = (styleId: string) => `styles/${styleId.replace(/[^A-Za-z0-9_-]/g, '_')}-sample.mp4`;

export class StyleSamples {
  private running: Promise<number> | null = null;
  constructor(private readonly d: StyleSamplesDeps) {}

  /** Starts rendering missing samples unless that is already under way; returns at once. */
  kick(): void {
    if (this.running) return;
    this.running = this.renderMissing()
      .catch((err) => {
        this.d.log?.warn({ err: String(err) }, 'style samples: rendering failed');
        return 0;
      })
      .finally(() => {
        this.running = null;
      });
  }

  /** Resolves when the current background run (if any) is over. */
  async idle(): Promise<void> {
    await this.running;
  }

  /** Renders every missing sample this instance can claim, one after another; how many it made. */
  async renderMissing(): Promise<number> {
    let made = 0;
    const timeout = this.d.timeoutMs ?? 120_000;
    for (const style of await this.d.catalog.list()) {
      if (style.sampleKey || !(await this.d.store.claimSample(style.id, timeout * 2))) continue;
      try {
        await this.renderOne(style, timeout);
        made++;
      } catch (err) {
        await this.d.store.releaseClaim(style.id);
        this.d.log?.warn({ err: String(err), style: style.id }, 'style samples: one sample failed');
      }
    }
    return made;
  }

  private async renderOne(style: Style, timeoutMs: number): Promise<void> {
    const { renderer, media, tools } = this.d;
    const job = await renderer.submit({
      generationId: `style-sample-${style.id}`,
      kind: 'video',
      prompt: style.name,
      resolution: '720p',
      fps: 24,
      durationSeconds: 4,
    });
    const until = Date.now() + timeoutMs;
    for (;;) {
      const s = await renderer.poll(job);
      if (s.state === 'failed') throw s.error;
      if (s.state === 'succeeded') {
        const file = await tools.download(s.videoUrl);
        try {
          const key = sampleKeyOf(style.id);
          await media.put(key, file, 'video/mp4');
          await this.d.store.saveSample(style.id, key, await media.publicUrl(key));
        } finally {
          await fs.rm(file, { force: true });
        }
        return;
      }
      if (Date.now() > until) {
        await renderer.cancel(job).catch(() => {});
        throw new Error(`sample render for ${style.id} timed out`);
      }
      await new Promise((r) => setTimeout(r, this.d.pollMs ?? 200));
    }
  }
}
