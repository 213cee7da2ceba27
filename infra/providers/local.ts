// The offline stand-in for a provider without an API key: renders a real H.264 MP4 (4 s, 1280×720, yuv420p,
// +faststart) with the prompt drawn over moving colour (or, from a photo, a pan and zoom over it: local-photo.ts), asynchronously. `local = true` so replies say "local preview".
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ProviderError,
  type ProviderJob,
  type ProviderJobState,
  type VideoProvider,
  type VideoRequest,
} from '../../core/ports.ts';
import type { ProviderName } from '../../core/model.ts';
import { H264_WEB, mediaBinariesAvailable, runFfmpeg, filterQuote as q } from '../media/binaries.ts';
import { BASE_FONT, FALLBACK_TITLE, fontFor, wrap } from '../media/fonts.ts';
import { photoRenderArgs } from './local-photo.ts';

export interface LocalRendererOptions {
  /** Where finished renders are kept (DATA_DIR/local-renders). */
  dir: string;
  durationSeconds?: number;
  width?: number;
  height?: number;
}

type Entry = { state: 'running' } | { state: 'succeeded' } | { state: 'failed'; error: ProviderError };

export function renderArgs(
  textFile: string,
  font: string,
  out: string,
  o: { seconds: number; width: number; height: number },
): string[] {
  const { seconds: d, width: w, height: h } = o;
  const band = Math.round(w / 4);
  const graph = [
    `color=c=0x2d4ea8:s=${w}x${h}:r=24:d=${d},hue=H=2*PI*t/${d}:s=1.4[bg]`,
    `color=c=white:s=${band}x${h}:r=24:d=${d},format=rgba,colorchannelmixer=aa=0.22[band]`,
    `[bg][band]overlay=x='-${band}+mod(t*${Math.round((w + band) / d)}\\,${w + band})':y=0:shortest=1,` +
      `drawtext=fontfile=${q(font)}:textfile=${q(textFile)}:expansion=none:fontsize=${Math.round(h / 16)}:fontcolor=white:` +
      `line_spacing=12:box=1:boxcolor=black@0.45:boxborderw=24:x=(w-text_w)/2:y=(h-text_h)/2,` +
      `drawtext=fontfile=${q(BASE_FONT)}:text=${q(FALLBACK_TITLE)}:expansion=none:fontsize=${Math.round(h / 26)}:fontcolor=white@0.85:x=40:y=h-th-36,` +
      `format=yuv420p[v]`,
  ].join(';');
  return ['-filter_complex', graph, '-map', '[v]', '-t', String(d), ...H264_WEB, out];
}

export function createLocalRenderer(slot: ProviderName, o: LocalRendererOptions): VideoProvider {
  const jobs = new Map<string, Entry>();
  const running = new Map<string, AbortController>();
  const file = (jobId: string) => path.join(o.dir, `${jobId}.mp4`);
  // Two cores are shared by everything: one render at a time.
  let queue: Promise<unknown> = Promise.resolve();

  async function render(jobId: string, req: VideoRequest, ctl: AbortController) {
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'vidgo-render-'));
    try {
      const part = path.join(tmp, 'out.mp4');
      const size = { seconds: o.durationSeconds ?? 4, width: o.width ?? 1280, height: o.height ?? 720 };
      let args: string[];
      if (req.kind === 'image' && req.image) {
        // A photo is animated itself (pan and zoom), not replaced by the prompt card.
        const photo = path.join(tmp, 'photo.jpg');
        await fs.writeFile(photo, await req.image.bytes());
        args = photoRenderArgs(photo, part, size);
      } else {
        const { font, text } = fontFor(req.prompt);
        const textFile = path.join(tmp, 'prompt.txt');
        await fs.writeFile(textFile, wrap(text));
        args = renderArgs(textFile, font, part, size);
      }
      await runFfmpeg(args, ctl.signal);
      await fs.mkdir(o.dir, { recursive: true });
      await fs.copyFile(part, file(jobId));
      jobs.set(jobId, { state: 'succeeded' });
    } catch (err) {
      const error = ctl.signal.aborted
        ? new ProviderError(slot, 'canceled', `local: render ${jobId} canceled`, false)
        : new ProviderError(slot, 'job_failed', `local: ${(err as Error).message}`.slice(0, 300), true);
      jobs.set(jobId, { state: 'failed', error });
    } finally {
      running.delete(jobId);
      await fs.rm(tmp, { recursive: true, force: true });
    }
  }

  return {
    name: slot,
    local: true,
    // Offline there is no model: every kind (video, style, upscale, demo) yields a fresh preview with the prompt on it.
    async submit(req) {
      const jobId = `${req.generationId.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 40) || 'job'}-${randomUUID().slice(0, 8)}`;
      const ctl = new AbortController();
      jobs.set(jobId, { state: 'running' });
      running.set(jobId, ctl);
      queue = queue.then(() => (ctl.signal.aborted ? undefined : render(jobId, req, ctl)));
      return { provider: slot, jobId };
    },
    async poll(job: ProviderJob): Promise<ProviderJobState> {
      const e = jobs.get(job.jobId);
      if (e?.state === 'running') return { state: 'running' };
      if (e?.state === 'failed') return { state: 'failed', error: e.error };
      // Also after a restart: a finished render is on disk.
      const exists = await fs.stat(file(job.jobId)).then(
        () => true,
        () => false,
      );
      if (exists) return { state: 'succeeded', videoUrl: pathToFileURL(file(job.jobId)).href };
      return {
        state: 'failed',
        error: new ProviderError(slot, 'job_failed', `local: unknown render ${job.jobId}`, true),
      };
    },
    async cancel(job) {
      const ctl = running.get(job.jobId);
      if (ctl) {
        ctl.abort();
        jobs.set(job.jobId, {
          state: 'failed',
          error: new ProviderError(slot, 'canceled', `local: render ${job.jobId} canceled`, false),
        });
      }
    },
    async probe() {
      return mediaBinariesAvailable();
    },
  };
}
