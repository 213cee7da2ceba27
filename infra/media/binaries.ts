// ffmpeg/ffprobe: Debian's (or any) build found on PATH, or the paths given by FFMPEG_PATH/FFPROBE_PATH through
// useMediaBinaries(); and one promise-based runner with cancellation. Every call reads local files only: each input
// and output is limited to the `file` protocol (downloads of provider results are done by our own HTTP client), so a
// crafted media file (an HLS playlist, a concat list) cannot make ffmpeg open URLs. See docs/media.md.
import { execFile, spawn } from 'node:child_process';

let ffmpeg = 'ffmpeg';
let ffprobe = 'ffprobe';
let available: Promise<boolean> | undefined;

/** Where the binaries are (unset: looked up on PATH). */
export function useMediaBinaries(paths: { ffmpeg?: string; ffprobe?: string }) {
  ffmpeg = paths.ffmpeg ?? 'ffmpeg';
  ffprobe = paths.ffprobe ?? 'ffprobe';
  available = undefined;
}
export const ffmpegPath = () => ffmpeg;
export const ffprobePath = () => ffprobe;

/** Whether both binaries run (checked once). */
export function mediaBinariesAvailable(): Promise<boolean> {
  const works = (bin: string) =>
    new Promise<boolean>((resolve) => execFile(bin, ['-version'], { timeout: 10_000 }, (err) => resolve(!err)));
  available ??= Promise.all([works(ffmpeg), works(ffprobe)]).then(([a, b]) => a && b);
  return available;
}

/** Only local files: the option precedes each input and the output it applies to (unless a caller gave it). */
const LOCAL_ONLY = ['-protocol_whitelist', 'file'];
export function localOnly(args: string[]): string[] {
  const out: string[] = [];
  let given = false; // the caller's own -protocol_whitelist for the next input or the output
  args.forEach((arg, i) => {
    if (arg === '-protocol_whitelist') given = true;
    if ((arg === '-i' || i === args.length - 1) && !given) out.push(...LOCAL_ONLY);
    if (arg === '-i') given = false;
    out.push(arg);
  });
  return out;
}

export class MediaCommandError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly stderrTail: string,
  ) {
    super(`${command} exited with ${exitCode}: ${stderrTail}`);
    this.name = 'MediaCommandError';
  }
}

/** Runs a binary to completion; rejects with the last lines of stderr. Aborting the signal kills the process. */
export function run(
  bin: string,
  args: string[],
  opts: { signal?: AbortSignal } = {},
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], signal: opts.signal });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => {
      err.push(c);
      if (err.length > 200) err.splice(0, 100);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 0) resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr });
      else reject(new MediaCommandError(bin.split('/').pop()!, code, stderr.trim().split('\n').slice(-4).join(' | ')));
    });
  });
}

export const runFfmpeg = (args: string[], signal?: AbortSignal) =>
  run(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...localOnly(args)], { signal });

export const runFfprobe = (args: string[]) =>
  run(ffprobe, args.includes('-protocol_whitelist') ? args : [...LOCAL_ONLY, ...args]);

/**
 * Escapes a value (a path or text) for a filter option inside -vf/-filter_complex: once for the option parser
 * (\\ ' :) and once more for the filtergraph parser (\\ ' [ ] , ;), as the ffmpeg-filters manual ("Notes on
 * filtergraph escaping") describes.
 */
export const filterQuote = (v: string) => v.replace(/[\\':]/g, '\\$&').replace(/[\\'[\],;]/g, '\\$&');
/** H.264 in yuv420p with the index up front: what every chat platform and browser plays, encoded quickly. */
export const H264_WEB = [
  '-c:v',
  'libx264',
  '-preset',
  'veryfast',
  '-crf',
  '23',
  '-pix_fmt',
  'yuv420p',
  '-movflags',
  '+faststart',
];
