// Times the Demo post-processing (watermark + preview) of a 5 s 720p and a 5 s 1080p clip, next to ffmpeg's bare
// re-encode of the same clips in the same run (the baseline: what any re-encode costs on this machine): the
// one-pass watermarkWithPreview the generation path uses, and the former two runs (watermark, then preview).
// Runs are interleaved so a noisy neighbour on a shared machine hits every column alike.
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
  await runFfmpeg([
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${width}x${height}:rate=30:duration=5`,
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '20',
    '-pix_fmt',
    'yuv420p',
    out,
  ]);
  return out;
}

/** CPU seconds used by this process's finished children (ffmpeg), from /proc/self/stat (cutime + cstime). */
async function childCpuMs(): Promise<number> {
  const f = (await fs.readFile('/proc/self/stat', 'utf8')).split(') ')[1]!.split(' ');
  return ((Number(f[13]) + Number(f[14])) * 1000) / 100; // fields 16, 17; USER_HZ = 100 on Linux
}

/** Wall ms and ffmpeg CPU ms of one call: on a shared machine the CPU figure is the steadier one. */
async function time(fn: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const c = await childCpuMs();
  const t = performance.now();
  await fn();
  return { wall: performance.now() - t, cpu: (await childCpuMs()) - c };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  console.log(`media bench: ${RUNS} runs each, median ms (${os.cpus().length} CPUs, ${os.cpus()[0]?.model ?? '?'})`);
  console.log('median of each column; ratio = against the bare transcode of the same clip');
  console.log('clip        measure   bare transcode   one pass (wm+preview)   ratio   two runs (wm, preview)   ratio');
  const results: Record<string, unknown>[] = [];
  for (const h of [720, 1080]) {
    const input = await clip(h);
    const bare: { wall: number; cpu: number }[] = [],
      one: typeof bare = [],
      two: typeof bare = [];
    for (let i = 0; i < RUNS; i++) {
      bare.push(
        await time(() =>
          runFfmpeg([
            '-i',
            input,
            '-c:v',
            'libx264',
            '-preset',
            'veryfast',
            '-crf',
            '23',
            '-pix_fmt',
            'yuv420p',
            path.join(dir, 'bare.mp4'),
          ]),
        ),
      );
      one.push(
        await time(() =>
          tools.watermarkWithPreview(input, path.join(dir, 'one.mp4'), path.join(dir, 'one.jpg'), 'VidGo Demo'),
        ),
      );
      two.push(
        await time(async () => {
          await tools.watermark(input, path.join(dir, 'wm.mp4'), 'VidGo Demo');
          await tools.preview(path.join(dir, 'wm.mp4'), path.join(dir, 'pv.jpg'));
        }),
      );
    }
    for (const m of ['wall', 'cpu'] as const) {
      const [b, o, t] = [median(bare.map((x) => x[m])), median(one.map((x) => x[m])), median(two.map((x) => x[m]))];
      const row = [
        `5 s ${h}p`.padEnd(12),
        `${m} ms`.padEnd(9),
        b.toFixed(0).padStart(14),
        o.toFixed(0).padStart(23),
        `${(o / b).toFixed(2)}×`.padStart(7),
        t.toFixed(0).padStart(24),
        `${(t / b).toFixed(2)}×`.padStart(7),
      ];
      console.log(row.join(' '));
      results.push({
        height: h,
        measure: m,
        bareMs: Math.round(b),
        onePassMs: Math.round(o),
        onePassRatio: Number((o / b).toFixed(3)),
        twoRunsMs: Math.round(t),
        twoRunsRatio: Number((t / b).toFixed(3)),
      });
    }
  }
  console.log(JSON.stringify({ runs: RUNS, results }));
} finally {
  await fs.rm(dir, { recursive: true, force: true });
}
