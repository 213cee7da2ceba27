// Keyword filter speed: decisions per second on BENCH_PROMPTS prompts (default 10,000) in all five languages,
// beside a baseline measured in the same run, the normalisation alone (full-width, leet, spacing, kana and
// Traditional/Simplified folding: what any keyword filter must do first). Also the latency the filter adds to one
// prompt over the normalisation, p50/p99 (target: p99 < 1 ms), and the lexicon's one-time compile at start-up.
//
//   npx tsx bench/moderation.ts          (npm run bench:moderation)
//
// Prompts: the test corpus (tests/data/moderation) and the earlier regression prompts, each varied with style
// words of its language, so the run sees thousands of distinct texts, refused and benign mixed.
import { performance } from 'node:perf_hooks';
import { normalizeText } from '../infra/moderation/keyword/normalize.ts';
import { Lexicon } from '../infra/moderation/keyword/lexicon.ts';
import { lexiconFiles, upstreamWords } from '../infra/moderation/keyword/load.ts';
import { KeywordModerator } from '../infra/moderation/index.ts';
import { LANGUAGES } from '../infra/moderation/keyword/lexicon.ts';
import { loadCorpus } from '../tests/moderation/corpus.ts';
import { CORPUS as EARLIER } from '../tests/moderation/earlier-prompts.ts';
import { percentile } from './support.ts';

const N = Number(process.env.BENCH_PROMPTS ?? 10_000);

const STYLE: Record<string, string[]> = {
  en: ['cinematic, 4k', 'in anime style', 'slow motion', 'at golden hour', 'shot on 35mm film', 'watercolor look', 'drone shot', 'hyperrealistic'],
  ja: ['アニメ風', '映画のように', 'スローモーションで', '夕暮れの光で', '4K高画質', '水彩画風', 'ドローン撮影', 'リアルな質感で'],
  'zh-TW': ['電影感', '動畫風格', '慢動作', '黃昏光線', '4K畫質', '水彩風格', '空拍鏡頭', '超寫實'],
  ko: ['시네마틱', '애니메이션 스타일', '슬로모션', '노을빛', '4K 화질', '수채화 느낌', '드론 촬영', '극사실적'],
  es: ['estilo cine', 'estilo anime', 'cámara lenta', 'luz del atardecer', 'en 4k', 'estilo acuarela', 'toma con dron', 'hiperrealista'],
};

/** Deterministic variety: the same prompts every run. */
function prompts(n: number): string[] {
  const base = [...loadCorpus().map((c) => ({ lang: c.lang, text: c.text })), ...EARLIER.map((c) => ({ lang: c.lang, text: c.text }))];
  let seed = 42;
  const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
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
console.log(`lexicon: ${Object.entries(lexicon.size).map(([l, n]) => `${l} ${n}`).join(', ')} entries; compiled once in ${compileMs.toFixed(0)} ms`);

// Warm up both paths (JIT, stem cache), then time whole passes for throughput.
for (const p of all.slice(0, 2000)) filter.classify(p);

function pass(fn: (p: string) => unknown): number {
  const start = performance.now();
  for (const p of all) fn(p);
  return performance.now() - start;
}
const baseMs = pass((p) => normalizeText(p));
let refused = 0;
const filterMs = pass((p) => {
  if (filter.classify(p)) refused++;
});

// Per prompt: the filter's time and the normalisation's time for the same text, back to back.
const added: number[] = [];
const whole: number[] = [];
const norm: number[] = [];
for (const p of all) {
  const a = performance.now();
  normalizeText(p);
  const b = performance.now();
  filter.classify(p);
  const c = performance.now();
  norm.push(b - a);
  whole.push(c - b);
  added.push(Math.max(0, c - b - (b - a)));
}

const perSec = (ms: number) => Math.round((all.length / ms) * 1000).toLocaleString('en-US');
const us = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;
console.log(`baseline  normalisation only: ${perSec(baseMs)} prompts/s   per prompt p50 ${us(percentile(norm, 50))}  p99 ${us(percentile(norm, 99))}`);
console.log(`filter    full decision:      ${perSec(filterMs)} decisions/s per prompt p50 ${us(percentile(whole, 50))}  p99 ${us(percentile(whole, 99))}`);
console.log(`added by the filter over normalisation: p50 ${us(percentile(added, 50))}  p99 ${us(percentile(added, 99))}  max ${us(Math.max(...added))}  (target p99 < 1000 µs)`);
console.log(`ratio filter/baseline throughput: ${(baseMs / filterMs).toFixed(2)}; refused ${refused} of ${all.length}`);
if (percentile(added, 99) >= 1) process.exitCode = 1;
