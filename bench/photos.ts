// Times photo intake (magic bytes, header check, full decode, EXIF orientation applied, metadata dropped, JPEG
// re-encode, store on disk) for phone-sized photos, next to a bare sharp decode + JPEG re-encode of the same photo in
// the same run (the baseline: what any re-encode costs on this machine). Records go to a no-op, not the database.
// Run: npx tsx bench/photos.ts   (or npm run bench:photos)
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { createDiskStore } from '../infra/media/disk-store.ts';
import { createPhotoIntake } from '../infra/media/photo-intake.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vidgo-bench-photos-'));
const intake = createPhotoIntake({
  store: createDiskStore({ root: dir, publicBaseUrl: 'http://bench.invalid' }),
  records: { add: async () => {} },
});

/** A photo-like JPEG (noise over a gradient, so the encoder has real work) with EXIF GPS and orientation 6. */
async function photo(width: number, height: number): Promise<Buffer> {
  const noise = await sharp(crypto.randomBytes(width * height * 3), { raw: { width, height, channels: 3 } })
    .blur(2)
    .png({ compressionLevel: 0 })
    .toBuffer();
  return sharp(noise)
    .jpeg({ quality: 88 })
    .withMetadata({ orientation: 6 })
    .withExifMerge({ IFD0: { Make: 'Bench' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '25/1 2/1 3/1' } })
    .toBuffer();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

try {
  console.log(
    `photo intake bench: ${RUNS} runs each, median ms (${os.cpus().length} CPUs, ${os.cpus()[0]?.model ?? '?'})`,
  );
  console.log('photo                size      bare decode+JPEG   intake   overhead vs bare');
  await intake.accept('warm', await photo(64, 64)); // loads sharp once, outside the figures
  for (const [w, h] of [
    [1280, 960],
    [2048, 1536],
    [4000, 3000],
  ] as const) {
    const input = await photo(w, h);
    const bare: number[] = [];
    const full: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      bare.push(await time(() => sharp(input).jpeg({ quality: 90 }).toBuffer()));
      full.push(
        await time(async () => {
          const r = await intake.accept('bench', input);
          if (!r.ok) throw new Error(r.reason);
        }),
      );
    }
    const b = median(bare);
    const f = median(full);
    console.log(
      `${`${w}×${h}`.padEnd(20)} ${`${(input.length / 1e6).toFixed(1)} MB`.padEnd(9)} ${b.toFixed(0).padStart(16)}   ${f.toFixed(0).padStart(6)}   ${`${f - b >= 0 ? '+' : ''}${(f - b).toFixed(0)} ms (${((f / b - 1) * 100).toFixed(0)} %)`.padStart(16)}`,
    );
  }
} finally {
  await fs.rm(dir, { recursive: true, force: true });
}
