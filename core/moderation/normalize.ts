// Text normalisation for the keyword filter, undoing the simple evasions: full-width and other compatibility
// forms (NFKC), case, accents on Latin letters, letters spaced or punctuated apart ("p o r n", "s.e.x"), and
// common leetspeak (0→o 1→i/l 3→e 4→a 5→s 7→t @→a $→s).

const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', '$': 's' };
const TOKEN = /[\p{L}\p{N}@$]+/gu;
const LATIN = /[a-z]/;
const CJK_OR_HANGUL = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

export interface NormalizedText {
  /** Whole-word form for Latin-script matching: " w1 w2 w3 " (leading and trailing space), one per leet reading. */
  words: string[];
  /** Everything with all spacing and punctuation removed, for CJK/Korean and "anywhere" matching. */
  squeezed: string[];
  /** NFKC-lowercased text with accents removed (for the age pattern). */
  plain: string;
}

/** NFKC, lower case, accents off Latin letters (ñ → n, á → a); kana voicing marks and Hangul are kept. */
export function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase().normalize('NFD').replace(/([a-z])[\u0300-\u036f]+/g, '$1').normalize('NFC');
}

function deLeet(token: string, one: 'i' | 'l'): string {
  if (!LATIN.test(token)) return token; // "2026", "18禁": numbers stay numbers
  return token.replace(/[0134578@$]/g, (c) => (c === '1' ? one : LEET[c] ?? c));
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
    if ([...t].length === 1 && !CJK_OR_HANGUL.test(t)) {
      run += t;
    } else {
      flush();
      out.push(t);
    }
  }
  flush();
  return out;
}

export function normalizeText(text: string): NormalizedText {
  const plain = fold(text);
  const tokens = joinSpacedLetters(plain.match(TOKEN) ?? []);
  const readings = /1/.test(plain) ? (['i', 'l'] as const) : (['i'] as const);
  const words: string[] = [];
  const squeezed: string[] = [];
  for (const one of readings) {
    const t = tokens.map((tok) => deLeet(tok, one));
    words.push(` ${t.join(' ')} `);
    squeezed.push(t.join(''));
  }
  return { words, squeezed, plain };
}

/** True for terms written in Japanese, Chinese or Korean (matched anywhere, without spacing). */
export function isCjkTerm(term: string): boolean {
  return CJK_OR_HANGUL.test(term);
}
