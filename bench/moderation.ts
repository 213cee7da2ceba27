// Keyword filter speed: decisions per second on BENCH_PROMPTS prompts (default 10,000) in all five languages,
// beside a baseline measured in the same run, the normalisation alone (full-width, leet, spacing, kana and
// Traditional/Simplified folding: what any keyword filter must do first). Also the latency the filter adds to one
// prompt over the normalisation, p50/p99 (target: p99 < 1 ms), and the lexicon's one-time compile at start-up.
// Exits 1 when the p99 target is missed.
//
//   npx tsx bench/moderation.ts          (npm run bench:moderation)
//
// Prompts: the test corpus (tests/data/moderation) and the earlier regression prompts, each varied with style
// words of its language, so the run sees thousands of distinct texts, refused and benign mixed.
import { performance } from 'node:perf_hooks';
import { normalizeText } from '../infra/moderation/keyword/normalize.ts';
import { clearStemCache } from '../infra/moderation/keyword/inflect.ts';
import { Lexicon } from '../infra/moderation/keyword/lexicon.ts';
import { lexiconFiles, upstreamWords } from '../infra/moderation/keyword/load.ts';
import { KeywordModerator } from '../infra/moderation/index.ts';
import { LANGUAGES } from '../infra/moderation/keyword/lexicon.ts';
import { loadCorpus } from '../tests/moderation/corpus.ts';
import { CORPUS as EARLIER } from '../tests/moderation/earlier-prompts.ts';
import { percentile } from './support.ts';

const N = Number(process.env.BENCH_PROMPTS ?? 10_000);

const STYLE: Record<string, string[]> = {
  en: [
    'cinematic, 4k',
    'in anime style',
    'slow motion',
    'at golden hour',
    'shot on 35mm film',
    'watercolor look',
    'drone shot',
    'hyperrealistic',
  ],
  ja: [
    'アニメ風',
    '映画のように',
    'スローモーションで',
    '夕暮れの光で',
    '4K高画質',
    '水彩画風',
    'ドローン撮影',
    'リアルな質感で',
  ],
  'zh-TW': ['電影感', '動畫風格', '慢動作', '黃昏光線', '4K畫質', '水彩風格', '空拍鏡頭', '超寫實'],
  ko: ['시네마틱', '애니메이션 스타일', '슬로모션', '노을빛', '4K 화질', '수채화 느낌', '드론 촬영', '극사실적'],
  es: [
    'estilo cine',
    'estilo anime',
    'cámara lenta',
    'luz del atardecer',
    'en 4k',
    'estilo acuarela',
    'toma con dron',
    'hiperrealista',
  ],
};

/** Deterministic variety: the same prompts every run. */
function prompts(n: number): string[] {
  const base = [
    ...loadCorpus().map((c) => ({ lang: c.lang, text: c.text })),
    ...EARLIER.map((c) => ({ lang: c.lang, text: c.text })),
  ];
  let seed = 42;
  const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const b = base[i % base.length]!;
    const styles = STYLE[b.lang]!;
    const a = styles[Math.floor(rand() * styles.length)]!;
    const c = styles[Math.floor(rand() * styles.length)]!;
    const sep = b.lang === 'en' || b.lang === 'es' || b.lang === 'ko' ? ', ' : '、';
    out.push(rand() < 0.5 ? `${b.text}${sep}${a}` : `${a}${sep}${b.text}${sep}${c}`);
  }
  return out;
}

const t0 = performance.now();
const lexicon = new Lexicon(lexiconFiles(), Object.fromEntries(LANGUAGES.map((l) => [l, upstreamWords(l)])));
const compileMs = performance.now() - t0;
const filter = new KeywordModerator(lexicon);
const all = prompts(N);
console.log(`keyword filter bench: ${all.length} prompts (${new Set(all).size} distinct), five languages`);
console.log(
  `lexicon: ${Object.entries(lexicon.size)
    .map(([l, n]) => `${l} ${n}`)
    .join(', ')} entries; compiled once in ${compileMs.toFixed(0)} ms`,
);

// Each pass times every prompt. The first filter pass sees every word for the first time (its stems are computed
// then, as for a new user's prompt); the second runs with them cached.
function pass(fn: (p: string) => unknown): { ms: number; each: number[] } {
  const each: number[] = [];
  const start = performance.now();
  for (const p of all) {
    const t = performance.now();
    fn(p);
    each.push(performance.now() - t);
  }
  return { ms: performance.now() - start, each };
}
/** The best of three passes (the least disturbed by other work on the machine); `before` runs ahead of each. */
function best(fn: (p: string) => unknown, before = () => {}) {
  let out: { ms: number; each: number[] } | undefined;
  for (let r = 0; r < 3; r++) {
    before();
    const x = pass(fn);
    if (!out || x.ms < out.ms) out = x;
  }
  return out!;
}
for (const p of all.slice(0, 500)) normalizeText(p); // JIT warm-up of the normalisation only
const base = best((p) => normalizeText(p));
const cold = best((p) => filter.classify(p), clearStemCache);
const warm = best((p) => filter.classify(p));
const refused = all.filter((p) => filter.classify(p)).length;

const perSec = (ms: number) => Math.round((all.length / ms) * 1000).toLocaleString('en-US');
const us = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;
const line = (name: string, r: { ms: number; each: number[] }, unit: string) =>
  console.log(
    `${name.padEnd(34)} ${perSec(r.ms).padStart(7)} ${unit}  per prompt p50 ${us(percentile(r.each, 50))}  p99 ${us(percentile(r.each, 99))}`,
  );
line('baseline: normalisation only', base, 'prompts/s  ');
line('filter, words seen the first time', cold, 'decisions/s');
line('filter, words seen before', warm, 'decisions/s');

// The latency one prompt costs, without the scheduler's noise (two cores shared with other work preempt a pass
// for milliseconds at a time): the fastest of three runs of the normalisation, and of the filter with every
// cached stem forgotten first, so each run sees all its words for the first time (the worst case).
const REPS = 3;
const added: number[] = [];
for (const p of all) {
  let n = Infinity;
  let f = Infinity;
  for (let r = 0; r < REPS; r++) {
    let t = performance.now();
    normalizeText(p);
    n = Math.min(n, performance.now() - t);
    clearStemCache();
    t = performance.now();
    filter.classify(p);
    f = Math.min(f, performance.now() - t);
  }
  added.push(Math.max(0, f - n));
}
console.log(
  `added over the normalisation per prompt, all its words new: p50 ${us(percentile(added, 50))}  p99 ${us(percentile(added, 99))}  max ${us(Math.max(...added))}  (target p99 < 1000 µs)`,
);
console.log(
  `throughput ratio filter/baseline: ${(base.ms / cold.ms).toFixed(2)} first sight, ${(base.ms / warm.ms).toFixed(2)} seen before; refused ${refused} of ${all.length}`,
);
if (percentile(added, 99) >= 1) process.exitCode = 1;
