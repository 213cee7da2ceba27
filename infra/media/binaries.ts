// ffmpeg/ffprobe from the npm packages that ship static binaries, made executable when npm held back their install
// scripts (as scripts/prestart.mjs does), and one promise-based runner with cancellation.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function binary(pkg: string): string {
  const file = (require(pkg) as { path: string }).path;
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    try { fs.chmodSync(file, 0o755); } catch { /* read-only install: spawn will report it */ }
  }
  return file;
}

let ffmpeg: string | undefined;
let ffprobe: string | undefined;
export const ffmpegPath = () => (ffmpeg ??= binary('@ffmpeg-installer/ffmpeg'));
export const ffprobePath = () => (ffprobe ??= binary('@ffprobe-installer/ffprobe'));

export class MediaCommandError extends Error {
  constructor(readonly command: string, readonly exitCode: number | null, readonly stderrTail: string) {
    super(`${command} exited with ${exitCode}: ${stderrTail}`);
    this.name = 'MediaCommandError';
  }
}

/** Runs a binary to completion; rejects with the last lines of stderr. Aborting the signal kills the process. */
export function run(bin: string, args: string[], opts: { signal?: AbortSignal } = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], signal: opts.signal });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => { err.push(c); if (err.length > 200) err.splice(0, 100); });
    child.on('error', reject);
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 0) resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr });
      else reject(new MediaCommandError(bin.split('/').pop()!, code, stderr.trim().split('\n').slice(-4).join(' | ')));
    });
  });
}

export const runFfmpeg = (args: string[], signal?: AbortSignal) =>
  run(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args], { signal });

/**
 * Escapes a value (a path or text) for a filter option inside -vf/-filter_complex: once for the option parser
 * (\\ ' :) and once more for the filtergraph parser (\\ ' [ ] , ;), as the ffmpeg-filters manual ("Notes on
 * filtergraph escaping") describes.
 */
export const filterQuote = (v: string) => v.replace(/[\\':]/g, '\\$&').replace(/[\\'[\],;]/g, '\\$&');
