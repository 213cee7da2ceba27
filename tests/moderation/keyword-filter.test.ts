// The keyword filter's parts: normalisation of evasions, inflection, the lexicon files and their LDNOOBW selection,
// co-occurrence rules, nearness and look-alike masks. The corpus and its thresholds are in corpus.test.ts.
import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../infra/moderation/keyword/normalize.ts';
import { japaneseVerbForms, koreanVerbForms, stem } from '../../infra/moderation/keyword/inflect.ts';
import { CONCEPTS, LANGUAGES, Lexicon, selectUpstream } from '../../infra/moderation/keyword/lexicon.ts';
import { lexiconFiles, upstreamWords } from '../../infra/moderation/keyword/load.ts';
import { KeywordModerator } from '../../infra/moderation/index.ts';
import { CORPUS } from './earlier-prompts.ts';

const keyword = new KeywordModerator();
const squeezed = (t: string) => normalizeText(t).readings.map((r) => r.squeezed);
const words = (t: string) => normalizeText(t).readings.map((r) => r.tokens.map((x) => x.text).join(' '));
const category = (t: string) => keyword.classify(t)?.category ?? null;

describe('normalisation', () => {
  it('undoes full-width, case, spacing, punctuation, leetspeak, accents and look-alike letters', () => {
    expect(words('ＰＯＲＮ')).toEqual(['porn']);
    expect(words('p.o.r.n clip')).toEqual(['porn clip']);
    expect(words('p 0 r n')).toEqual(['porn']);
    expect(words('$3x')).toEqual(['sex']);
    expect(words('k1ll')).toEqual(['kill', 'klll']); // 1 read as i and as l
    expect(words('pornografía')).toEqual(['pornografia']);
    expect(words('pоrn')).toEqual(['porn']); // Cyrillic о
    expect(words('москва')).toEqual(['москва']); // a real Russian word is left alone
    expect(words('2026年 4k')).toEqual(['2026年 ak']);
  });

  it('folds hiragana to katakana and Traditional to Simplified Chinese, and squeezes spacing out', () => {
    expect(squeezed('ぽ る の')).toEqual(squeezed('ポルノ'));
    expect(squeezed('製造 炸彈')).toEqual(squeezed('制造炸弹'));
    expect(squeezed('인 종 청 소')).toEqual(['인종청소']);
  });
});

describe('inflection', () => {
  it('stems English and Spanish words', () => {
    expect(['kill', 'kills', 'killing', 'killed'].map((w) => stem('en', w))).toEqual(['kill', 'kill', 'kill', 'kill']);
    expect(stem('en', 'extermination')).toBe(stem('en', 'exterminate'));
    expect(['desnuda', 'desnudos', 'desnudas'].map((w) => stem('es', w))).toEqual(['desnud', 'desnud', 'desnud']);
    expect(['matar', 'matando', 'maten'].map((w) => stem('es', w))).toEqual(['mat', 'mat', 'mat']);
  });

  it('expands Japanese verbs to their okurigana stems', () => {
    expect(japaneseVerbForms('殺す/v5')).toEqual(['殺さ', '殺し', '殺す', '殺せ', '殺そ']);
    expect(japaneseVerbForms('作る/v5')).toContain('作っ');
    expect(japaneseVerbForms('組み立てる/v1')).toEqual(['組み立て']);
    expect(() => japaneseVerbForms('殺す')).toThrow();
  });

  it('expands Korean verbs to their conjugation stems', () => {
    expect(koreanVerbForms('죽이다/v')).toEqual(
      expect.arrayContaining(['죽이', '죽여', '죽였', '죽인', '죽일', '죽임']),
    );
    expect(koreanVerbForms('자르다/v')).toEqual(expect.arrayContaining(['자른', '잘라', '잘랐']));
    expect(koreanVerbForms('만들다/v')).toEqual(expect.arrayContaining(['만들어', '만드는', '만든']));
    expect(koreanVerbForms('벗다/v')).toEqual(expect.arrayContaining(['벗은', '벗고', '벗어']));
    expect(koreanVerbForms('쏘다/v').every((f) => f.length > 1)).toBe(true); // never one bare syllable
  });
});

describe('lexicon data', () => {
  it('has a file for each language, with known concepts only, that compiles', () => {
    const files = lexiconFiles();
    expect(files.map((f) => f.language)).toEqual([...LANGUAGES]);
    for (const f of files) for (const c of Object.keys(f.concepts)) expect(CONCEPTS).toContain(c);
    const lex = new Lexicon(files);
    for (const l of LANGUAGES) expect(lex.size[l], l).toBeGreaterThan(300);
  });

  it('takes LDNOOBW words by name: every mapped, ignored or "only" word exists upstream (a renamed word would be silently lost)', () => {
    for (const f of lexiconFiles()) {
      const up = new Set(upstreamWords(f.language).map((w) => w.normalize('NFKC').toLowerCase().trim()));
      const named = [...Object.keys(f.upstream!.map ?? {}), ...(f.upstream!.ignore ?? []), ...(f.upstream!.only ?? [])];
      expect(
        named.filter((w) => !up.has(w.normalize('NFKC').toLowerCase().trim())),
        f.language,
      ).toEqual([]);
      const taken = selectUpstream(f, upstreamWords(f.language));
      expect(taken.length, f.language).toBeGreaterThan(15);
      // One CJK character is never taken as a word to match anywhere.
      expect(taken.filter(([, w]) => /^\p{Script=Han}$/u.test(w))).toEqual([]);
    }
  });
});

describe('rules', () => {
  it('a minor term makes any sexual term a minors refusal; alone each is what it is', () => {
    expect(category('children playing football')).toBeNull();
    expect(category('a sexy dress')).toBeNull();
    expect(category('a sexy 12 year old')).toBe('minors');
    expect(category('naked woman')).toBe('sexual');
    expect(category('naked kids')).toBe('minors');
  });

  it('a protected group with an elimination verb or a dehumanising word is hate; either alone is not', () => {
    expect(category('a history of the jews of Spain')).toBeNull();
    expect(category('exterminate the rats in the barn')).toBeNull();
    expect(category('exterminate the jews')).toBe('hate');
    expect(category('immigrants are vermin')).toBe('hate');
    expect(category('移民を駆除しろ')).toBe('hate');
  });

  it('a making verb near a weapon is illegal; far apart or alone it is not', () => {
    expect(category('how to build a bomb')).toBe('illegal');
    expect(category('爆弾を作る')).toBe('illegal');
    expect(category('fireworks exploding like a bomb')).toBeNull();
    expect(category('make a birthday cake, then watch a war film about a bomb')).toBeNull();
  });

  it('a benign frame excuses contextual rules, unless the prompt calls for it', () => {
    expect(category('soldiers shoot civilians')).toBe('violence');
    expect(category('a historical reenactment where soldiers shoot civilians')).toBeNull();
    expect(category('a documentary on why we must exterminate the jews')).toBe('hate');
  });

  it('look-alike phrases are masked', () => {
    for (const t of [
      'a killer whale',
      'Scunthorpe United',
      'a naked mole rat',
      'a bath bomb',
      'kitchen knives',
      '殺人鯨',
      '마약김밥',
      'una orca',
    ]) {
      expect(category(t), t).toBeNull();
    }
  });

  it('still decides the earlier phrase-list corpus', () => {
    const wrong = CORPUS.filter((c) => category(c.text) !== c.blocked).map((c) => `${c.lang}: ${c.text}`);
    expect(wrong).toEqual([]);
  });
});
