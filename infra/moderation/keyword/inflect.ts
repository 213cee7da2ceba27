// Inflections, so that a lexicon lists a word once:
// - English and Spanish words are compared by Snowball stem (snowball-stemmers): kill/killing/killed,
//   exterminate/extermination, desnuda/desnudos, matar/matando/maten;
// - Japanese verbs in dictionary form expand to their okurigana stems (殺す → 殺さ 殺し 殺す 殺せ 殺そ);
// - Korean verbs in dictionary form expand to their conjugation stems (죽이다 → 죽이 죽여 죽였 죽인 죽일 죽임);
//   Korean one-syllable nouns match a whole word with its particles (총을, 총으로), see KOREAN_PARTICLES.
import snowball from 'snowball-stemmers';

export type StemLanguage = 'en' | 'es';

const stemmers = { en: snowball.newStemmer('english'), es: snowball.newStemmer('spanish') };
// Prompts reuse a small vocabulary; a bounded cache makes stemming a map look-up.
const cache = { en: new Map<string, string>(), es: new Map<string, string>() };
const CACHE_MAX = 50_000;

/** Forgets every cached stem (bench/moderation.ts measures a prompt whose words are all new). */
export function clearStemCache(): void {
  cache.en.clear();
  cache.es.clear();
}

export function stem(lang: StemLanguage, word: string): string {
  const c = cache[lang];
  let s = c.get(word);
  if (s === undefined) {
    s = stemmers[lang].stem(word);
    if (c.size >= CACHE_MAX) c.clear();
    c.set(word, s);
  }
  return s;
}

// ---------------------------------------------------------------- Japanese

/** Godan verb endings → the kana their stems take (a-, i-, u-, e-, o-row and the te-form sound change). */
const GODAN: Record<string, string[]> = {
  す: ['さ', 'し', 'す', 'せ', 'そ'],
  く: ['か', 'き', 'く', 'け', 'こ', 'い'],
  ぐ: ['が', 'ぎ', 'ぐ', 'げ', 'ご', 'い'],
  む: ['ま', 'み', 'む', 'め', 'も', 'ん'],
  ぶ: ['ば', 'び', 'ぶ', 'べ', 'ぼ', 'ん'],
  ぬ: ['な', 'に', 'ぬ', 'ね', 'の', 'ん'],
  る: ['ら', 'り', 'る', 'れ', 'ろ', 'っ'],
  う: ['わ', 'い', 'う', 'え', 'お', 'っ'],
  つ: ['た', 'ち', 'つ', 'て', 'と', 'っ'],
};

/** "殺す/v5" → its stems; "燃える/v1" → "燃え". Throws on an entry that is not a verb of that class. */
export function japaneseVerbForms(entry: string): string[] {
  const [verb, cls] = entry.split('/');
  if (!verb) throw new Error(`bad Japanese verb entry "${entry}"`);
  if (cls === 'v1') {
    if (!verb.endsWith('る')) throw new Error(`ichidan verb "${entry}" must end in る`);
    return [verb.slice(0, -1)];
  }
  const endings = GODAN[verb.slice(-1)];
  if (cls !== 'v5' || !endings) throw new Error(`bad Japanese verb entry "${entry}" (use /v5 or /v1)`);
  return endings.map((k) => verb.slice(0, -1) + k);
}

// ---------------------------------------------------------------- Korean

const SYLLABLE_BASE = 0xac00;
const V = { a: 0, ae: 1, ya: 2, eo: 4, e: 5, yeo: 6, o: 8, wa: 9, u: 13, wo: 14, eu: 18, i: 20 } as const;
const T = { none: 0, l: 8, n: 4, m: 16, ss: 20 } as const;

const split = (ch: string) => {
  const n = ch.charCodeAt(0) - SYLLABLE_BASE;
  return { l: Math.floor(n / 588), v: Math.floor((n % 588) / 28), t: n % 28 };
};
const join = (l: number, v: number, t: number) => String.fromCharCode(SYLLABLE_BASE + l * 588 + v * 28 + t);
const isSyllable = (ch: string | undefined) => !!ch && ch >= '가' && ch <= '힣';

/** The 아/어 form's last syllable(s) of a vowel-final stem: 이→여, 오→와, 우→워, 으→어, 르→ㄹ라/ㄹ러, 하→해. */
function infinitive(stem: string): string | null {
  const last = stem.slice(-1);
  const head = stem.slice(0, -1);
  const { l, v, t } = split(last);
  if (t !== 0) return null;
  if (last === '하') return head + '해';
  if (last === '르' && isSyllable(head.slice(-1))) {
    const p = split(head.slice(-1));
    const bright = p.v === V.a || p.v === V.o;
    return head.slice(0, -1) + join(p.l, p.v, T.l) + (bright ? '라' : '러');
  }
  const map: Partial<Record<number, number>> = { [V.i]: V.yeo, [V.o]: V.wa, [V.u]: V.wo, [V.eu]: V.eo };
  const nv = map[v];
  if (nv !== undefined) return head + join(l, nv, 0);
  return stem; // 가, 서, 내, 베: the vowel absorbs 아/어
}

/** "죽이다/v" → conjugation stems that cover its present, past, modifier and nominal forms. */
export function koreanVerbForms(entry: string): string[] {
  const verb = entry.replace(/\/v$/, '');
  if (!verb.endsWith('다') || verb.length < 2 || !isSyllable(verb.slice(-2, -1)))
    throw new Error(`bad Korean verb entry "${entry}"`);
  const stem = verb.slice(0, -1);
  const head = stem.slice(0, -1);
  const { l, v, t } = split(stem.slice(-1));
  const bright = v === V.a || v === V.o;
  const forms = new Set<string>();
  const endings = (base: string, list: string[]) => {
    for (const e of list) forms.add(base + e);
  };
  if (t === 0) {
    forms.add(stem);
    for (const f of [T.n, T.l, T.m]) forms.add(head + join(l, v, f)); // 죽인 죽일 죽임
    const inf = infinitive(stem);
    if (inf) {
      forms.add(inf);
      const end = split(inf.slice(-1));
      forms.add(inf.slice(0, -1) + join(end.l, end.v, T.ss)); // 죽였, 잘랐, 했
    }
    if (stem.length === 1) {
      // 베, 쏘: one syllable is too short to search for alone; the verb's endings say it is the verb.
      endings(stem, ['고', '는', '자', '지', '게', '기', '면', '니', '어', '아']);
      if (inf) endings(inf, ['서', '도', '라', '요', '버']);
      endings(head + join(l, v, T.n), ['다']);
    }
  } else if (t === T.l) {
    // ㄹ-final stems drop the ㄹ before ㄴ: 만들다 → 만드는 만든, 팔다 → 파는 판
    if (stem.length > 1) forms.add(stem);
    endings(stem, [bright ? '아' : '어', bright ? '았' : '었', '고', '게', '자', '지', '기', '면', '려']);
    endings(head + join(l, v, 0), ['는', '니', '세']);
    endings(head + join(l, v, T.n), ['다', ' ']);
    forms.add(head + join(l, v, T.n));
  } else {
    // A consonant-final stem alone is too short to search for: its endings are listed instead.
    endings(stem, [bright ? '아' : '어', bright ? '았' : '었', '은', '을', '고', '는', '게', '자', '지', '으', '기']);
  }
  return [...new Set([...forms].map((f) => f.trim()))].filter((f) => f.length > 1);
}

/** Particles (and common particle pairs) a Korean noun takes; a one-syllable noun matches only with these. */
export const KOREAN_PARTICLES = [
  '',
  '이',
  '가',
  '을',
  '를',
  '은',
  '는',
  '의',
  '에',
  '로',
  '으로',
  '과',
  '와',
  '도',
  '만',
  '이나',
  '으로도',
  '에서',
  '까지',
  '들',
  '들을',
  '들이',
  '들은',
];
