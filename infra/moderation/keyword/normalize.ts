// Text normalisation for the keyword filter, undoing the usual evasions before anything is matched:
// - compatibility forms (NFKC: full-width ＰＯＲＮ, half-width ｶﾀｶﾅ), case, accents on Latin letters;
// - look-alike Cyrillic and Greek letters inside Latin words ("pоrn" with a Cyrillic о);
// - letters spaced or punctuated apart ("p o r n", "s.e.x", "b-e-h-e-a-d");
// - common leetspeak (0→o 1→i/l 3→e 4→a 5→s 7→t 8→b @→a $→s; "1" is read both ways);
// - hiragana and katakana spellings of one word (ぽるの = ポルノ) and Traditional/Simplified Chinese (製造 = 制造),
//   by folding CJK text to katakana and Simplified characters (OpenCC's character table, no phrase rewriting).
// The lexicon's entries go through the same functions, so both sides always agree.
import * as OpenCC from 'opencc-js/t2cn';

const LEET: Record<string, string> = { '0': 'o', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '@': 'a', $: 's' };
const HOMOGLYPH: Record<string, string> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  ѕ: 's',
  і: 'i',
  ј: 'j',
  ԁ: 'd',
  ɡ: 'g',
  α: 'a',
  β: 'b',
  ε: 'e',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
};
const TOKEN = /[\p{L}\p{M}\p{N}@$]+/gu;
const LATIN = /[a-z]/;
const CYRILLIC_GREEK = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const HANGUL = /\p{Script=Hangul}/u;
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;
const HIRAGANA = /[\u3041-\u3096]/g;

const toSimplified = OpenCC.Converter({ from: 'tw', to: 'cn' });

/** NFKC, lower case, accents off Latin letters (ñ → n, á → a); kana voicing marks and Hangul are kept. */
export function fold(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFD')
    .replace(/([a-z])[\u0300-\u036f]+/g, '$1')
    .normalize('NFC');
}

/** Hiragana as katakana, Traditional Han as Simplified: one spelling per CJK word. */
export function foldCjk(token: string): string {
  return toSimplified(token.replace(HIRAGANA, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60)));
}

/** Look-alike letters in a word that mixes them with Latin ones; a real Russian or Greek word has no Latin letter. */
function unHomoglyph(token: string): string {
  if (!CYRILLIC_GREEK.test(token) || !LATIN.test(token)) return token;
  const mapped = [...token].map((c) => HOMOGLYPH[c] ?? c).join('');
  return CYRILLIC_GREEK.test(mapped) ? token : mapped;
}

function deLeet(token: string, one: 'i' | 'l'): string {
  if (!LATIN.test(token)) return token; // "2026", "18禁": numbers stay numbers
  return token.replace(/[0134578@$]/g, (c) => (c === '1' ? one : (LEET[c] ?? c)));
}

/** Runs of one-character Latin/digit tokens are joined: "p o r n" → "porn", "s.3.x" → "s3x" (CJK goes by `squeezed`). */
function joinSpacedLetters(tokens: string[]): string[] {
  const out: string[] = [];
  let run = '';
  const flush = () => {
    if (run) out.push(run);
    run = '';
  };
  for (const t of tokens) {
    if ([...t].length === 1 && !CJK.test(t)) run += t;
    else {
      flush();
      out.push(t);
    }
  }
  flush();
  return out;
}

export interface Token {
  text: string;
  /** Offsets of the token in `squeezed`. */
  start: number;
  end: number;
  /** Latin letters (and digits): matched word by word, by stem. */
  latin: boolean;
  hangul: boolean;
}

export interface Reading {
  tokens: Token[];
  /** Every token joined without spacing or punctuation: CJK and "anywhere" matching. */
  squeezed: string;
}

export interface NormalizedText {
  /** One reading per leet interpretation of "1" (as i and as l). */
  readings: Reading[];
  /** Folded text with its spacing, for the age pattern. */
  plain: string;
  /** Japanese kana present: Han-only entries of the Chinese lexicon are not applied (漢字 mean other things in Japanese). */
  kana: boolean;
}

/** Normalises one lexicon entry's word or a prompt's token the same way. */
export function normalizeToken(token: string, one: 'i' | 'l' = 'i'): string {
  const t = unHomoglyph(token);
  return CJK.test(t) ? foldCjk(t) : deLeet(t, one);
}

export function normalizeText(text: string): NormalizedText {
  const plain = fold(text);
  const raw = joinSpacedLetters((plain.match(TOKEN) ?? []).map(unHomoglyph));
  const readings: Reading[] = [];
  for (const one of /1/.test(plain) ? (['i', 'l'] as const) : (['i'] as const)) {
    const tokens: Token[] = [];
    let squeezed = '';
    for (const r of raw) {
      const t = CJK.test(r) ? foldCjk(r) : deLeet(r, one);
      tokens.push({
        text: t,
        start: squeezed.length,
        end: squeezed.length + t.length,
        latin: LATIN.test(t) && !CJK.test(t),
        hangul: HANGUL.test(t),
      });
      squeezed += t;
    }
    readings.push({ tokens, squeezed });
  }
  return { readings, plain, kana: KANA.test(plain) };
}

export const isCjk = (s: string) => CJK.test(s);
export const isHangul = (s: string) => HANGUL.test(s);
export const hasKana = (s: string) => KANA.test(s);
