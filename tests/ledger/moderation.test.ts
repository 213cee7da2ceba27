// Moderation corpus in all five languages, through Gemini (a local fake speaking the REST API) with the keyword
// filter as fallback: Gemini available, failing (500), slow (hangs past the timeout), malformed, and absent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FallbackModerator, KeywordModerator, normalizeText } from '../../core/moderation/index.ts';
import { GeminiModerator } from '../../infra/moderation/gemini.ts';
import { createModerator } from '../../infra/moderation/index.ts';
import { startGeminiFake, type GeminiFake } from '../fakes/gemini.ts';
import { CORPUS } from './moderation-corpus.ts';

const keyword = new KeywordModerator();
let fake: GeminiFake;
let gemini: GeminiModerator;

/** The fake's Gemini "knows" the corpus: it answers each prompt with the corpus verdict. */
const corpusClassifier = (userText: string) => {
  const item = [...CORPUS].sort((a, b) => b.text.length - a.text.length).find((c) => userText.includes(`<prompt>${c.text}</prompt>`));
  return item?.blocked ? { allowed: false, category: item.blocked, reason: 'corpus' } : { allowed: true, category: 'none', reason: '' };
};

beforeAll(async () => {
  fake = await startGeminiFake({ classify: corpusClassifier });
  gemini = new GeminiModerator({ apiKey: 'test-key', baseUrl: fake.url, model: 'gemini-2.5-flash', timeoutMs: 5_000 });
});
afterAll(() => fake.close());

describe('keyword filter', () => {
  it('normalises evasions: full-width, case, spacing, punctuation, leetspeak, accents', () => {
    expect(normalizeText('ＰＯＲＮ').words).toContain(' porn ');
    expect(normalizeText('p.o.r.n').words).toContain(' porn ');
    expect(normalizeText('p 0 r n').words).toContain(' porn ');
    expect(normalizeText('$3x').words).toContain(' sex ');
    expect(normalizeText('k1ll').words).toContain(' kill '); // 1 read as i and as l
    expect(normalizeText('pornografía').words).toContain(' pornografia ');
    expect(normalizeText('色 情').squeezed).toContain('色情');
    expect(normalizeText('2026年 4k').words).toContain(' 2026年 ak ');
  });

  for (const lang of ['en', 'ja', 'zh-TW', 'ko', 'es'] as const) {
    it(`decides the ${lang} corpus: allowed prompts pass, refused ones carry their category`, async () => {
      const items = CORPUS.filter((c) => c.lang === lang);
      expect(items.filter((c) => c.blocked).length).toBeGreaterThanOrEqual(8);
      expect(items.filter((c) => !c.blocked).length).toBeGreaterThanOrEqual(5);
      for (const c of items) {
        const v = await keyword.check(c.text);
        expect({ text: c.text, allowed: v.allowed, category: v.category ?? null }).toEqual({ text: c.text, allowed: !c.blocked, category: c.blocked });
        expect(v.source).toBe('keyword');
      }
    });
  }

  it('covers all five categories in every language', () => {
    for (const lang of ['en', 'ja', 'zh-TW', 'ko', 'es'] as const) {
      expect(new Set(CORPUS.filter((c) => c.lang === lang && c.blocked).map((c) => c.blocked))).toEqual(new Set(['sexual', 'minors', 'violence', 'illegal', 'hate']));
    }
  });
});

describe('Gemini with the keyword fallback', () => {
  const modes = [
    { name: 'Gemini available', mode: 'ok', source: 'gemini' },
    { name: 'Gemini failing (500)', mode: 'error500', source: 'keyword' },
    { name: 'Gemini slow (hangs past the timeout)', mode: 'hang', source: 'keyword' },
    { name: 'Gemini answering malformed JSON', mode: 'malformed', source: 'keyword' },
    { name: 'Gemini answering text that is not JSON', mode: 'not_json', source: 'keyword' },
  ] as const;

  for (const m of modes) {
    it(`${m.name}: the whole corpus is decided, by ${m.source}`, async () => {
      fake.mode = m.mode;
      const fallbacks: string[] = [];
      // a generous timeout except where the hang is the point (134 requests at once on a busy 2-core machine)
      const moderator = new FallbackModerator(gemini, keyword, m.mode === 'hang' ? 300 : 4_000, { onFallback: (why) => fallbacks.push(why) });
      const started = Date.now();
      const verdicts = await Promise.all(CORPUS.map((c) => moderator.check(c.text)));
      verdicts.forEach((v, i) => {
        const c = CORPUS[i]!;
        expect({ text: c.text, allowed: v.allowed, category: v.category ?? null, source: v.source })
          .toEqual({ text: c.text, allowed: !c.blocked, category: c.blocked, source: m.source });
      });
      if (m.mode === 'ok') expect(fallbacks).toEqual([]);
      else expect(new Set(fallbacks)).toEqual(new Set([m.mode === 'hang' ? 'timeout' : 'error']));
      if (m.mode === 'hang') expect(Date.now() - started).toBeLessThan(3_000); // the timeout, not the SDK's 5 s
    });
  }

  it('Gemini absent (no key): the keyword filter decides alone', async () => {
    const fallbacks: string[] = [];
    const moderator = new FallbackModerator(undefined, keyword, 300, { onFallback: (why) => fallbacks.push(why) });
    for (const c of CORPUS) expect((await moderator.check(c.text)).allowed).toBe(!c.blocked);
    expect(new Set(fallbacks)).toEqual(new Set(['absent']));
  });

  it("Gemini's own blocks are refusals, not failures", async () => {
    const moderator = new FallbackModerator(gemini, keyword, 2_000);
    fake.mode = 'block_prompt';
    expect(await moderator.check('a cat playing piano')).toMatchObject({ allowed: false, category: 'sexual', source: 'gemini' });
    fake.mode = 'finish_safety';
    expect(await moderator.check('a cat playing piano')).toMatchObject({ allowed: false, category: 'sexual', source: 'gemini', reason: 'gemini stopped: SAFETY' });
  });

  it('Gemini can allow what the keyword list would refuse, and refuse what it would allow (its judgement stands)', async () => {
    fake.mode = 'ok';
    const moderator = new FallbackModerator(gemini, keyword, 2_000);
    fake.classify = (t) => (t.includes('shooting star') ? { allowed: false, category: 'violence', reason: 'x' } : { allowed: true });
    expect(await moderator.check('a shooting star over the mountains')).toMatchObject({ allowed: false, category: 'violence', source: 'gemini' });
    expect(await moderator.check('school shooting')).toMatchObject({ allowed: true, source: 'gemini' });
    fake.classify = corpusClassifier;
  });

  it('sends what the Gemini REST API expects: path, key header, system instruction, safety settings, JSON schema', async () => {
    fake.mode = 'ok';
    fake.requests.length = 0;
    await gemini.check('a cat playing piano');
    const r = fake.requests[0]!;
    expect(r.method).toBe('POST');
    expect(r.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(r.headers['x-goog-api-key']).toBe('test-key');
    expect(r.body!.contents).toEqual([{ role: 'user', parts: [{ text: '<prompt>a cat playing piano</prompt>' }] }]);
    expect(r.body!.systemInstruction!.parts![0]!.text).toMatch(/moderate prompts/);
    expect(r.body!.safetySettings).toContainEqual({ category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', threshold: 'BLOCK_LOW_AND_ABOVE' });
    expect(r.body!.generationConfig).toMatchObject({
      responseMimeType: 'application/json', temperature: 0,
      responseSchema: { type: 'OBJECT', required: ['allowed', 'category', 'reason'] },
    });
  });

  it('createModerator: Gemini first when a key is configured, keywords alone without one', async () => {
    fake.mode = 'ok';
    fake.classify = () => ({ allowed: false, category: 'hate', reason: 'x' });
    const withKey = createModerator({ apiKey: 'k', baseUrl: fake.url, model: 'gemini-2.5-flash', timeoutMs: 2_000 });
    expect(await withKey.check('a cat playing piano')).toMatchObject({ allowed: false, category: 'hate', source: 'gemini' });
    fake.classify = corpusClassifier;
    const warned: object[] = [];
    fake.mode = 'error500';
    const logged = createModerator({ apiKey: 'k', baseUrl: fake.url, model: 'gemini-2.5-flash', timeoutMs: 2_000 }, { warn: (o) => warned.push(o) });
    expect(await logged.check('gore')).toMatchObject({ allowed: false, source: 'keyword' });
    expect(warned).toHaveLength(1);
    fake.mode = 'ok';
    const without = createModerator({ model: 'gemini-2.5-flash', timeoutMs: 2_000 });
    expect(await without.check('a cat playing piano')).toEqual({ allowed: true, source: 'keyword' });
  });

  it('a caller that aborts gets an abort, not a fallback verdict', async () => {
    fake.mode = 'hang';
    const moderator = new FallbackModerator(gemini, keyword, 5_000);
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('client went away')), 50);
    await expect(moderator.check('a cat', ac.signal)).rejects.toThrow();
    fake.mode = 'ok';
  });
});
