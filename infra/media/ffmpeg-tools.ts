// MediaTools on ffmpeg/ffprobe: download a provider's result, probe it, watermark Demo videos, make the JPEG
// preview LINE needs, transcode to a tier's height and a platform's size limit, and take a clip's last frame.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import type { MediaInfo, MediaTools } from '../../core/ports.ts';
import { MAX_PHOTO_SIDE } from '../../core/photos/ports.ts';
import { runFfmpeg, runFfprobe, filterQuote as q } from './binaries.ts';
import { BASE_FONT } from './fonts.ts';
import { PREVIEW_MAX_BYTES } from './limits.ts';

export interface MediaToolsOptions {
  /** Where downloads land (DATA_DIR/tmp); callers delete the files they are given. */
  tmpDir?: string;
  /** Largest accepted download (LINE's 200 MB plus headroom for a 4K source). */
  maxDownloadBytes?: number;
  downloadTimeoutMs?: number;
  /** x264 speed/size trade-off for re-encodes. */
  preset?: string;
}

export class MediaTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`media larger than ${limit} bytes`);
    this.name = 'MediaTooLargeError';
  }
}

/**
 * How ffmpeg and ffprobe open an input: as MP4 (what every provider and our renderer deliver), from a plain file.
 * Without this ffmpeg picks the format from the content, and a provider's "video" that is really an HLS playlist
 * would make it read (and put into our output) other files on this machine or URLs on our network.
 */
export const INPUT = ['-protocol_whitelist', 'file', '-f', 'mp4'];

/** Bottom-right, semi-transparent, sized to the frame; the rest of the picture is untouched (re-encoded at high quality). */
const watermarkFilter = (text: string) =>
  `drawtext=fontfile=${q(BASE_FONT)}:text=${q(text)}:expansion=none:fontsize=h/18:fontcolor=white@0.85:` +
  `box=1:boxcolor=black@0.45:boxborderw=12:x=w-tw-32:y=h-th-32`;

/** The still is taken 1 s in, or halfway through a shorter clip. */
const stillAt = (durationMs: number) => Math.min(1, durationMs / 2000);

/** LINE wants a JPEG ≤ 1 MB: start at good quality, step down until it fits. */
const STILL_STEPS = [
  [1280, 3],
  [960, 6],
  [640, 10],
  [480, 20],
] as const;

async function stillUnderLimit(input: string, output: string, at: number, firstStep: number): Promise<void> {
  for (const [width, qv] of STILL_STEPS.slice(firstStep)) {
    await runFfmpeg([
      '-ss',
      at.toFixed(2),
      ...INPUT,
      '-i',
      input,
      '-frames:v',
      '1',
      '-vf',
      `scale='min(${width},iw)':-2`,
      '-q:v',
      String(qv),
      '-f',
      'image2',
      '-c:v',
      'mjpeg',
      output,
    ]);
    if ((await fs.stat(output)).size < PREVIEW_MAX_BYTES) return;
  }
  throw new Error('preview: could not get the JPEG under 1 MB');
}

export function createMediaTools(o: MediaToolsOptions = {}): MediaTools {
  const tmpDir = o.tmpDir ?? path.join(os.tmpdir(), 'vidgo-media');
  const cap = o.maxDownloadBytes ?? 1024 * 1024 * 1024;
  const preset = o.preset ?? 'veryfast';
  const x264 = (crf: number) => [
    '-c:v',
    'libx264',
    '-preset',
    preset,
    '-crf',
    String(crf),
    '-pix_fmt',
    'yuv420p',
    '-movflags',
    '+faststart',
  ];

  async function probe(file: string): Promise<MediaInfo> {
    const { stdout } = await runFfprobe([
      '-v',
      'error',
      ...INPUT,
      '-print_format',
      'json',
      '-show_format',
      '-show_streams',
      file,
    ]);
    const j = JSON.parse(stdout) as { streams?: Record<string, unknown>[]; format?: Record<string, unknown> };
    const v = j.streams?.find((s) => s.codec_type === 'video');
    if (!v) throw new Error(`${path.basename(file)}: no video stream`);
    const duration = Number(j.format?.duration ?? v.duration ?? 0);
    return {
      width: Number(v.width),
      height: Number(v.height),
      codec: String(v.codec_name),
      durationMs: Math.round(duration * 1000),
      sizeBytes: Number(j.format?.size ?? (await fs.stat(file)).size),
    };
  }

  async function encode(input: string, output: string, vf: string, extra: string[] = [], crf = 23) {
    await runFfmpeg([
      ...INPUT,
      '-i',
      input,
      '-map',
      '0:v:0',
      '-map',
      '0:a?',
      '-vf',
      vf,
      ...x264(crf),
      ...extra,
      '-c:a',
      'aac',
      '-b:a',
      '128k',
      output,
    ]);
  }

  return {
    async download(url, signal) {
      await fs.mkdir(tmpDir, { recursive: true });
      const out = path.join(tmpDir, `${randomUUID()}.mp4`);
      if (url.startsWith('file:')) {
        const src = fileURLToPath(url);
        if ((await fs.stat(src)).size > cap) throw new MediaTooLargeError(cap);
        await fs.copyFile(src, out);
        return out;
      }
      if (!/^https?:/.test(url)) throw new Error(`download: unsupported URL scheme in ${url.slice(0, 40)}`);
      const timeout = AbortSignal.timeout(o.downloadTimeoutMs ?? 300_000);
      const res = await fetch(url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
      if (!res.ok || !res.body) throw new Error(`download: HTTP ${res.status}`);
      if (Number(res.headers.get('content-length') ?? 0) > cap) throw new MediaTooLargeError(cap);
      let seen = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          seen += chunk.length;
          cb(seen > cap ? new MediaTooLargeError(cap) : null, chunk);
        },
      });
      try {
        await pipeline(
          Readable.fromWeb(res.body as import('node:stream/web').ReadableStream),
          counter,
          createWriteStream(out),
        );
      } catch (err) {
        await fs.rm(out, { force: true });
        throw err;
      }
      return out;
    },

    probe,

    async watermark(input, output, text) {
      await encode(input, output, watermarkFilter(text), [], 18);
    },

    async preview(input, output, durationMs) {
      await stillUnderLimit(input, output, stillAt(durationMs ?? (await probe(input)).durationMs), 0);
    },

    async watermarkWithPreview(input, output, previewOutput, text, durationMs) {
      const at = stillAt(durationMs ?? (await probe(input)).durationMs);
      // One decode, one drawtext; the marked frames go to the encoder and, split off, the one at `at` to the JPEG
      // (as the two-step path took it from the marked file). Two runs cost a second process, probe and decode.
      const [width, qv] = STILL_STEPS[0];
      // trim ends the still's branch after its one frame, so the split stops feeding it (select would scale them all).
      const graph = `[0:v:0]${watermarkFilter(text)},split=2[v][s];[s]trim=start=${at.toFixed(2)},trim=end_frame=1,scale='min(${width},iw)':-2[p]`;
      await runFfmpeg([
        ...INPUT,
        '-i',
        input,
        '-filter_complex',
        graph,
        '-map',
        '[v]',
        '-map',
        '0:a?',
        ...x264(18),
        '-c:a',
        'aac',
        '-b:a',
        '128k',
        output,
        '-map',
        '[p]',
        '-frames:v',
        '1',
        '-q:v',
        String(qv),
        '-f',
        'image2',
        '-c:v',
        'mjpeg',
        previewOutput,
      ]);
      // A still over LINE's 1 MB (a very detailed 4K frame) is made again, smaller, from the marked video.
      if ((await fs.stat(previewOutput)).size >= PREVIEW_MAX_BYTES) await stillUnderLimit(output, previewOutput, at, 1);
    },

    async transcode(input, output, opts) {
      const info = await probe(input);
      const fps = opts.fps ? ['-r', String(opts.fps)] : [];
      const vf = `scale=-2:'min(${opts.maxHeight},ih)':flags=bicubic`;
      await encode(input, output, vf, fps);
      if (!opts.maxBytes) return;
      // Too big for the platform: re-encode at a bitrate that fits (95 % of the budget, minus up to a fifth for audio),
      // up to 3 tries, each aiming lower — no fixed floor, so small budgets converge instead of repeating one bitrate.
      let budget = opts.maxBytes * 0.95;
      for (let i = 0; i < 3 && (await fs.stat(output)).size > opts.maxBytes; i++) {
        const seconds = Math.max(1, info.durationMs / 1000);
        const total = Math.floor((budget * 8) / seconds / 1000);
        const kbps = Math.max(16, total - Math.min(128, Math.floor(total / 5)));
        await encode(input, output, vf, [
          ...fps,
          '-b:v',
          `${kbps}k`,
          '-maxrate',
          `${kbps}k`,
          '-bufsize',
          `${kbps * 2}k`,
        ]);
        budget *= 0.85;
      }
      if ((await fs.stat(output)).size > opts.maxBytes) throw new MediaTooLargeError(opts.maxBytes);
    },

    async lastFrame(input) {
      await fs.mkdir(tmpDir, { recursive: true });
      const out = path.join(tmpDir, `${randomUUID()}.jpg`);
      try {
        // Decode only the last seconds (a seek from the end; a shorter clip starts at 0) and let the image2 muxer
        // overwrite one file with every frame (-update 1, no frame dropped or repeated): what remains is the last.
        // It goes on as a photo would, so within the photo path's side limit.
        await runFfmpeg([
          '-sseof',
          '-3',
          ...INPUT,
          '-i',
          input,
          '-map',
          '0:v:0',
          '-fps_mode',
          'passthrough',
          '-vf',
          `scale='min(${MAX_PHOTO_SIDE},iw)':'min(${MAX_PHOTO_SIDE},ih)':force_original_aspect_ratio=decrease`,
          '-update',
          '1',
          '-q:v',
          '2',
          '-f',
          'image2',
          '-c:v',
          'mjpeg',
          out,
        ]);
        return await fs.readFile(out);
      } finally {
        await fs.rm(out, { force: true });
      }
    },
  };
}
