// The lexicon: per language, concepts (sexual, minor, group, eliminate, weapon, make, …) and the words that
// express them, compiled into matchers over a normalised prompt. The words come from the data files in
// infra/moderation/lexicon/<lang>.json and, where that file says so, from the LDNOOBW word list (npm
// naughty-words, CC BY 4.0) with each upstream word either mapped to a concept or ignored by name.
//
// Entry syntax (docs/moderation.md has examples):
//   Latin script (en, es): words compared by Snowball stem ("kill" matches kill/kills/killing/killed);
//     "word*" a prefix of the folded word (not stemmed); "=word" that exact word (not stemmed);
//     "a ... b" up to three words between a and b; "~text" anywhere in the squeezed text ("~porn" in "xxxpornxxx").
//   Japanese, Chinese: anywhere in the squeezed text; "殺す/v5" / "燃える/v1" expand to the verb's okurigana stems.
//   Korean: three or more syllables anywhere in the squeezed text; two syllables at the start of a word (성기 is not
//     found in 전성기); one syllable only as a word with its particles (총 → 총, 총을, 총으로 …); "죽이다/v" expands to
//     the verb's conjugation stems.
import { isCjk, isHangul, normalizeToken, fold, type NormalizedText, type Reading } from './normalize.ts';
import { japaneseVerbForms, koreanVerbForms, KOREAN_PARTICLES, stem, type StemLanguage } from './inflect.ts';
import { LOCALES } from '../../../core/model.ts';

export const LANGUAGES = LOCALES;
export type LexiconLanguage = (typeof LANGUAGES)[number];

export const CONCEPTS = [
  'sexual',
  'nudity',
  'suggestive',
  'sexual_violence',
  'csam',
  'minor',
  'hate',
  'group',
  'eliminate',
  'harm',
  'dehumanize',
  'advocacy',
  'gore',
  'graphic',
  'corpse',
  'kill',
  'victim',
  'attack',
  'target',
  'weapon',
  'weapon_strong',
  'make',
  'howto',
  'drug',
  'drug_generic',
  'trade',
  'crime',
  'context',
] as const;
export type Concept = (typeof CONCEPTS)[number];

export interface LexiconFile {
  language: LexiconLanguage;
  concepts: Partial<Record<Concept, string[]>>;
  /** Look-alike phrases: masked before matching (killer whale, naked mole rat, 殺人鯨). */
  allow?: string[];
  upstream?: UpstreamSelection;
}

/** How one language takes the LDNOOBW list: every word goes to `concept` unless it is mapped or ignored. */
export interface UpstreamSelection {
  source: 'ldnoobw';
  concept: Concept;
  /** Upstream words that belong to another concept ("nigger" → hate, "jailbait" → csam). */
  map?: Record<string, Concept>;
  /** Upstream words we do not use: insults that are no policy category, and benign look-alikes ("Heroína"). */
  ignore?: string[];
  /** Instead of every word: only these (languages whose upstream list is mostly insults). */
  only?: string[];
}

export interface Hit {
  concept: Concept;
  term: string;
  /** Offsets in the reading's squeezed text. */
  start: number;
  end: number;
  /** Index of the first token for word-level hits (Latin, Korean particles); -1 for substring hits. */
  token: number;
  /** Word-level hits count nearness in words, substring hits in characters. */
  words: boolean;
}

interface Compiled {
  concept: Concept | 'allow';
  term: string;
}
interface Phrase extends Compiled {
  lang: StemLanguage;
  /** Stems in order; null is a gap of up to three words. */
  parts: (string | null)[];
}

const MAX_GAP = 3;

/** Chinese entries stand for Chinese prompts: in text with kana, a Han-only word is usually Japanese. */
const hanOnly = (s: string) => isCjk(s) && !/[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(s);

export class Lexicon {
  /** Squeezed-text needles by first character. */
  private readonly needles = new Map<string, (Compiled & { needle: string; zhOnly: boolean; wordStart: boolean })[]>();
  /** Stem phrases by first stem, per stemming language. */
  private readonly phrases = { en: new Map<string, Phrase[]>(), es: new Map<string, Phrase[]>() };
  /** The first three letters of every stem the phrases hold: a word starting otherwise need not be stemmed (stemming
   * is the filter's costliest step for words it has not seen before). */
  private readonly stemHeads = { en: new Set<string>(), es: new Set<string>() };
  private readonly exact = new Map<string, Compiled[]>();
  private readonly prefixes = new Map<string, (Compiled & { prefix: string })[]>();
  /** One-syllable Korean nouns, matched per word with particles. */
  private readonly koreanWords = new Map<string, Compiled[]>();
  readonly size: Record<LexiconLanguage, number> = { en: 0, ja: 0, 'zh-TW': 0, ko: 0, es: 0 };

  constructor(files: LexiconFile[], upstream: Partial<Record<LexiconLanguage, string[]>> = {}) {
    for (const f of files) {
      for (const [concept, entries] of Object.entries(f.concepts) as [Concept, string[]][]) {
        if (!(CONCEPTS as readonly string[]).includes(concept))
          throw new Error(`${f.language}: unknown concept "${concept}"`);
        for (const e of entries) this.add(f.language, concept, e);
      }
      for (const e of f.allow ?? []) this.add(f.language, 'allow', e);
      if (f.upstream)
        for (const [concept, e] of selectUpstream(f, upstream[f.language] ?? [])) this.add(f.language, concept, e);
    }
  }

  private add(lang: LexiconLanguage, concept: Concept | 'allow', entry: string): void {
    const term = entry.trim();
    if (!term) return;
    this.size[lang]++;
    if (term.startsWith('~')) {
      this.addNeedle(concept, term, term.slice(1), false);
      return;
    }
    if (lang === 'ja' && /\/v[15]$/.test(term)) {
      for (const f of japaneseVerbForms(term)) this.addNeedle(concept, term, f, false);
      return;
    }
    if (lang === 'ko' && term.endsWith('/v')) {
      for (const f of koreanVerbForms(term)) this.addNeedle(concept, term, f, false);
      return;
    }
    if (isHangul(term)) {
      const word = squeeze(term);
      if ([...word].length === 1) {
        push(this.koreanWords, normalizeToken(word), { concept, term });
        return;
      }
      this.addNeedle(concept, term, word, false);
      return;
    }
    if (isCjk(term)) {
      this.addNeedle(concept, term, squeeze(term), lang === 'zh-TW' && hanOnly(term));
      return;
    }
    const words = fold(term).split(/\s+/).filter(Boolean);
    if (words.length === 1 && words[0]!.startsWith('=')) {
      push(this.exact, normalizeToken(letters(words[0]!)), { concept, term });
      return;
    }
    if (words.length === 1 && words[0]!.endsWith('*')) {
      const prefix = normalizeToken(letters(words[0]!));
      push(this.prefixes, prefix[0]!, { concept, term, prefix });
      return;
    }
    const slang: StemLanguage = lang === 'es' ? 'es' : 'en';
    const parts = words.flatMap((w) =>
      w === '...'
        ? [null]
        : letters(w)
            .split(/\s+/)
            .filter(Boolean)
            .map((x) => stem(slang, normalizeToken(x))),
    );
    if (!parts[0]) throw new Error(`${lang}: entry "${entry}" must start with a word`);
    push(this.phrases[slang], parts[0], { concept, term, lang: slang, parts });
    for (const p of parts) if (p) this.stemHeads[slang].add(p.slice(0, 3));
  }

  private addNeedle(concept: Concept | 'allow', term: string, text: string, zhOnly: boolean): void {
    const needle = [...text].map((c) => normalizeToken(c)).join('');
    if (!needle) return;
    // A two-syllable Korean word found inside another word is usually another word (전성기 ∌ 성기, 해야한다 ∌ 야한).
    const wordStart = !term.startsWith('~') && isHangul(needle) && [...needle].length === 2;
    push(this.needles, needle[0]!, { concept, term, needle, zhOnly, wordStart });
  }

  /** Every concept hit in one reading, look-alike phrases masked out. */
  match(text: NormalizedText, reading: Reading): Hit[] {
    const found: Found[] = [];
    const { squeezed, tokens } = reading;
    const starts = new Uint8Array(squeezed.length + 1);
    for (const t of tokens) starts[t.start] = 1;
    for (let i = 0; i < squeezed.length; i++) {
      const bucket = this.needles.get(squeezed[i]!);
      if (!bucket) continue;
      for (const n of bucket) {
        if ((n.zhOnly && text.kana) || (n.wordStart && !starts[i])) continue;
        if (squeezed.startsWith(n.needle, i))
          found.push({ concept: n.concept, term: n.term, start: i, end: i + n.needle.length, token: -1, words: false });
      }
    }
    const en: string[] = [];
    const es: string[] = [];
    for (const t of tokens) {
      const head = t.text.slice(0, 3);
      en.push(t.latin && this.stemHeads.en.has(head) ? stem('en', t.text) : t.text);
      es.push(t.latin && this.stemHeads.es.has(head) ? stem('es', t.text) : t.text);
    }
    for (let ti = 0; ti < tokens.length; ti++) {
      const t = tokens[ti]!;
      if (t.hangul) {
        for (const p of KOREAN_PARTICLES) {
          if (p && !t.text.endsWith(p)) continue;
          for (const c of this.koreanWords.get(t.text.slice(0, t.text.length - p.length)) ?? [])
            wordHit(found, c, tokens, ti, ti);
        }
        continue;
      }
      if (!t.latin) continue;
      for (const c of this.exact.get(t.text) ?? []) wordHit(found, c, tokens, ti, ti);
      for (const p of this.prefixes.get(t.text[0]!) ?? [])
        if (t.text.startsWith(p.prefix)) wordHit(found, p, tokens, ti, ti);
      for (const ph of this.phrases.en.get(en[ti]!) ?? []) {
        const last = matchPhrase(ph.parts, en, 0, ti);
        if (last >= 0) wordHit(found, ph, tokens, ti, last);
      }
      for (const ph of this.phrases.es.get(es[ti]!) ?? []) {
        const last = matchPhrase(ph.parts, es, 0, ti);
        if (last >= 0) wordHit(found, ph, tokens, ti, last);
      }
    }
    const hits: Hit[] = [];
    const masks = found.filter((h) => h.concept === 'allow');
    for (const h of found) {
      if (h.concept === 'allow') continue;
      let masked = false;
      for (const m of masks) if (h.start < m.end && m.start < h.end) masked = true;
      if (!masked) hits.push(h as Hit);
    }
    return hits;
  }
}

type Found = Omit<Hit, 'concept'> & { concept: Concept | 'allow' };

function wordHit(found: Found[], c: Compiled, tokens: Reading['tokens'], first: number, last: number): void {
  found.push({
    concept: c.concept,
    term: c.term,
    start: tokens[first]!.start,
    end: tokens[last]!.end,
    token: first,
    words: true,
  });
}

/** Index of the phrase's last word when its part `pi` matches at word `si`, else -1. */
function matchPhrase(parts: (string | null)[], stems: string[], pi: number, si: number): number {
  if (pi === parts.length) return si - 1;
  const p = parts[pi];
  if (p === null) {
    for (let gap = 0; gap <= MAX_GAP; gap++) {
      const r = matchPhrase(parts, stems, pi + 1, si + gap);
      if (r >= 0) return r;
    }
    return -1;
  }
  return stems[si] === p ? matchPhrase(parts, stems, pi + 1, si + 1) : -1;
}

function push<T>(m: Map<string, T[]>, k: string, v: T) {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** Letters and digits only (a word's own punctuation and the =/* markers dropped), spaces kept between words. */
const letters = (s: string) =>
  fold(s)
    .replace(/[^\p{L}\p{M}\p{N}@$\s]/gu, ' ')
    .trim();
const squeeze = (s: string) => fold(s).replace(/[^\p{L}\p{M}\p{N}]/gu, '');

/** The upstream words a language file takes, each with its concept. */
export function selectUpstream(f: LexiconFile, words: string[]): [Concept, string][] {
  const u = f.upstream!;
  const key = (w: string) => fold(w).trim();
  const ignore = new Set((u.ignore ?? []).map(key));
  const only = u.only ? new Set(u.only.map(key)) : null;
  const map = new Map(Object.entries(u.map ?? {}).map(([w, c]) => [key(w), c]));
  const out: [Concept, string][] = [];
  for (const w of words) {
    const k = key(w);
    if (ignore.has(k) || (only && !only.has(k) && !map.has(k))) continue;
    // One CJK character is far too broad to match anywhere (乳, 性, 裸 …); single words we want are our own entries.
    if (isCjk(k) && [...squeeze(k)].length < 2) continue;
    out.push([map.get(k) ?? u.concept, w]);
  }
  return out;
}
