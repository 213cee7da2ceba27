// Test helpers: raw RGB frames out of a video, and their per-region difference.
import { runFfmpeg, ffmpegPath } from '../../infra/media/binaries.ts';
import { execFile } from 'node:child_process';

export function frameAt(file: string, seconds: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      ffmpegPath(),
      ['-v', 'error', '-ss', String(seconds), '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
      { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
      (err, stdout) => (err ? reject(err) : resolve(stdout)),
    );
  });
}

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Mean absolute difference per channel inside and outside a box. */
export function diffByRegion(a: Buffer, b: Buffer, width: number, height: number, box: Box) {
  let inSum = 0,
    inN = 0,
    outSum = 0,
    outN = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const d = Math.abs(a[i]! - b[i]!) + Math.abs(a[i + 1]! - b[i + 1]!) + Math.abs(a[i + 2]! - b[i + 2]!);
      if (x >= box.x0 && x < box.x1 && y >= box.y0 && y < box.y1) {
        inSum += d;
        inN += 3;
      } else {
        outSum += d;
        outN += 3;
      }
    }
  }
  return { inside: inSum / inN, outside: outSum / outN };
}

export { runFfmpeg };

/** RGB pixels of a still image (a JPEG preview). */
export function imagePixels(file: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      ffmpegPath(),
      ['-v', 'error', '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
      { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
      (err, stdout) => (err ? reject(err) : resolve(stdout)),
    );
  });
}
