// Times the Demo post-processing (watermark + preview) of a 5 s 720p and a 5 s 1080p clip, next to ffmpeg's bare
// re-encode of the same clips in the same run (the baseline: what any re-encode costs on this machine).
// Run: npx tsx bench/media.ts   (or npm run bench:media)
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createMediaTools } from '../infra/media/ffmpeg-tools.ts';
import { runFfmpeg } from '../infra/media/binaries.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vidgo-bench-'));
const tools = createMediaTools({ tmpDir: dir });

async function clip(height: number): Promise<string> {
  const width = Math.round((height * 16) / 9);
  const out = path.join(dir, `clip-${height}.mp4`);
  // testsrc2 moves every frame, so the encoder has real work (a still colour would flatter every figure).
  await runFfmpeg(['-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=30:duration=5`, '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p', out]);
  return out;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  console.log(`media bench: ${RUNS} runs each, median ms (${os.cpus().length} CPUs, ${os.cpus()[0]?.model ?? '?'})`);
  console.log('clip        bare transcode   watermark   preview   watermark+preview   overhead vs bare');
  for (const h of [720, 1080]) {
    const input = await clip(h);
    const bare: number[] = [], wm: number[] = [], pv: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      bare.push(await time(() => runFfmpeg(['-i', input, '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', path.join(dir, 'bare.mp4')])));
      wm.push(await time(() => tools.watermark(input, path.join(dir, 'wm.mp4'), 'VidGo Demo')));
      pv.push(await time(() => tools.preview(path.join(dir, 'wm.mp4'), path.join(dir, 'pv.jpg'))));
    }
    const [b, w, p] = [median(bare), median(wm), median(pv)];
    const row = [`5 s ${h}p`.padEnd(12), b.toFixed(0).padStart(14), w.toFixed(0).padStart(11), p.toFixed(0).padStart(9), (w + p).toFixed(0).padStart(19), `${((w + p) / b).toFixed(2)}×`.padStart(18)];
    console.log(row.join(' '));
  }
} finally {
  await fs.rm(dir, { recursive: true, force: true });
}
