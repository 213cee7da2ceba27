// Gemini beside the keyword filter, through the real SDK client and a local fake of the Gemini REST API:
// Gemini answering, failing (500), slow (past the timeout), malformed and absent; a keyword refusal standing
// although Gemini allowed the prompt unless an admin allowed it; what Gemini is told.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CombinedModerator } from '../../core/moderation/index.ts';
import { CATEGORY_GUIDE, GeminiModerator } from '../../infra/moderation/gemini.ts';
import { createModerator, KeywordModerator } from '../../infra/moderation/index.ts';
import { startGeminiFake, type GeminiFake } from '../fakes/gemini.ts';
import { loadCorpus } from './corpus.ts';

const keyword = new KeywordModerator();
const corpus = loadCorpus();
let fake: GeminiFake;
let gemini: GeminiModerator;

/** The fake's Gemini "knows" the corpus: it answers each prompt with the corpus verdict. */
const corpusClassifier = (userText: string) => {
  const item = corpus.find((c) => userText === `<prompt>${c.text}</prompt>`);
  return item?.expected
    ? { allowed: false, category: item.expected, reason: 'corpus' }
    : { allowed: true, category: 'none', reason: '' };
};

beforeAll(async () => {
  fake = await startGeminiFake({ classify: corpusClassifier });
  gemini = new GeminiModerator({ apiKey: 'test-key', baseUrl: fake.url, model: 'gemini-2.5-flash', timeoutMs: 5_000 });
});
afterAll(() => fake.close());

describe('Gemini beside the keyword filter', () => {
  const modes = [
    { name: 'Gemini answering', mode: 'ok', source: 'gemini+keyword', fallback: null },
    { name: 'Gemini failing (500)', mode: 'error500', source: 'keyword', fallback: 'error' },
    { name: 'Gemini slow (hangs past the timeout)', mode: 'hang', source: 'keyword', fallback: 'timeout' },
    { name: 'Gemini answering malformed JSON', mode: 'malformed', source: 'keyword', fallback: 'error' },
    { name: 'Gemini answering text that is not JSON', mode: 'not_json', source: 'keyword', fallback: 'error' },
  ] as const;

  for (const m of modes) {
    it(`${m.name}: every refusal of the corpus is decided, by ${m.source}`, async () => {
      fake.mode = m.mode;
      const fallbacks: string[] = [];
      // a generous timeout except where the hang is the point (hundreds of requests at once on a busy machine)
      const moderator = new CombinedModerator(gemini, keyword, m.mode === 'hang' ? 300 : 20_000, undefined, {
        onFallback: (why) => fallbacks.push(why),
      });
      const started = Date.now();
      // Sixteen at a time: a busy two-core machine must not turn "Gemini answered" into "Gemini timed out".
      const verdicts: Awaited<ReturnType<typeof moderator.check>>[] = [];
      for (let i = 0; i < corpus.length; i += 16)
        verdicts.push(...(await Promise.all(corpus.slice(i, i + 16).map((c) => moderator.check(c.text)))));
      verdicts.forEach((v, i) => {
        const c = corpus[i]!;
        expect({ text: c.text, allowed: v.allowed }).toEqual({ text: c.text, allowed: !c.expected });
        // Both refused: Gemini's category, both named as the source; the keyword filter alone: its own verdict.
        if (c.expected) expect({ text: c.text, source: v.source }).toEqual({ text: c.text, source: m.source });
      });
      expect(new Set(fallbacks)).toEqual(new Set(m.fallback ? [m.fallback] : []));
      if (m.mode === 'hang') expect(Date.now() - started).toBeLessThan(Math.ceil(corpus.length / 16) * 2_000); // the timeout, not the SDK's 5 s, per round
    }, 120_000);
  }

  it('Gemini absent (no key): the keyword filter decides alone', async () => {
    const fallbacks: string[] = [];
    const moderator = new CombinedModerator(undefined, keyword, 300, undefined, {
      onFallback: (why) => fallbacks.push(why),
    });
    for (const c of corpus) expect((await moderator.check(c.text)).allowed, c.text).toBe(!c.expected);
    expect(new Set(fallbacks)).toEqual(new Set(['absent']));
  });

  it("a keyword refusal stands although Gemini allowed the prompt; Gemini's refusal stands although the keywords allowed it", async () => {
    fake.mode = 'ok';
    fake.classify = (t) =>
      t.includes('shooting star') ? { allowed: false, category: 'violence', reason: 'x' } : { allowed: true };
    const moderator = new CombinedModerator(gemini, keyword, 4_000);
    expect(await moderator.check('a shooting star over the mountains')).toMatchObject({
      allowed: false,
      category: 'violence',
      source: 'gemini',
    });
    const kept = await moderator.check('a school shooting');
    expect(kept).toMatchObject({ allowed: false, category: 'violence', source: 'keyword' });
    expect(kept.reason).toMatch(/gemini allowed it/);
    expect(await moderator.check('a cat playing piano')).toEqual({ allowed: true, source: 'gemini' });
    fake.classify = corpusClassifier;
  });

  it("an admin's override lets a keyword refusal pass; Gemini still judges the prompt", async () => {
    fake.mode = 'ok';
    const allowed = new Set(['a school shooting']);
    const asked: string[] = [];
    const overrides = { allows: async (t: string) => (asked.push(t), allowed.has(t)) };
    fake.classify = () => ({ allowed: true });
    const moderator = new CombinedModerator(gemini, keyword, 4_000, overrides);
    expect(await moderator.check('a school shooting')).toEqual({ allowed: true, source: 'gemini' });
    expect(await moderator.check('a cat playing piano')).toEqual({ allowed: true, source: 'gemini' });
    expect(asked).toEqual(['a school shooting']); // looked up only for a keyword refusal
    fake.classify = () => ({ allowed: false, category: 'violence', reason: 'gemini says no' });
    expect(await moderator.check('a school shooting')).toMatchObject({ allowed: false, source: 'gemini' });
    fake.mode = 'error500'; // Gemini down: the override alone lets it through
    expect(await moderator.check('a school shooting')).toMatchObject({ allowed: true, source: 'keyword' });
    fake.mode = 'ok';
    fake.classify = corpusClassifier;
  });

  it("Gemini's own blocks are refusals, not failures", async () => {
    const moderator = new CombinedModerator(gemini, keyword, 4_000);
    fake.mode = 'block_prompt';
    expect(await moderator.check('a cat playing piano')).toMatchObject({
      allowed: false,
      category: 'sexual',
      source: 'gemini',
    });
    fake.mode = 'finish_safety';
    expect(await moderator.check('a cat playing piano')).toMatchObject({
      allowed: false,
      category: 'sexual',
      source: 'gemini',
      reason: 'gemini stopped: SAFETY',
    });
    fake.mode = 'ok';
  });

  it('tells Gemini every category, hate with its protected groups, and sends what the REST API expects', async () => {
    fake.mode = 'ok';
    fake.requests.length = 0;
    await gemini.check('a cat playing piano');
    // (requests cancelled by an earlier test may still arrive: take ours)
    const r = fake.requests.find(
      (x) => x.body?.contents?.[0]?.parts?.[0]?.text === '<prompt>a cat playing piano</prompt>',
    )!;
    expect(r.method).toBe('POST');
    expect(r.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(r.headers['x-goog-api-key']).toBe('test-key');
    expect(r.body!.contents).toEqual([{ role: 'user', parts: [{ text: '<prompt>a cat playing piano</prompt>' }] }]);
    const instruction = r.body!.systemInstruction!.parts![0]!.text!;
    for (const [category, guide] of Object.entries(CATEGORY_GUIDE))
      expect(instruction).toContain(`- "${category}": ${guide}`);
    expect(CATEGORY_GUIDE.hate).toMatch(/ethnicity.*religion.*sexual orientation.*gender identity.*disability/);
    expect(r.body!.safetySettings).toContainEqual({
      category: 'HARM_CATEGORY_HATE_SPEECH',
      threshold: 'BLOCK_MEDIUM_AND_ABOVE',
    });
    expect(r.body!.generationConfig).toMatchObject({
      responseMimeType: 'application/json',
      temperature: 0,
      responseSchema: {
        type: 'OBJECT',
        required: ['allowed', 'category', 'reason'],
        properties: { category: { enum: expect.arrayContaining(['hate']) } },
      },
    });
  });

  it('createModerator: Gemini beside the keyword filter with a key, the keyword filter alone without one', async () => {
    fake.mode = 'ok';
    fake.classify = () => ({ allowed: false, category: 'hate', reason: 'x' });
    const withKey = createModerator({ apiKey: 'k', baseUrl: fake.url, model: 'gemini-2.5-flash', timeoutMs: 4_000 });
    expect(await withKey.check('a cat playing piano')).toMatchObject({
      allowed: false,
      category: 'hate',
      source: 'gemini',
    });
    fake.classify = corpusClassifier;
    const warned: object[] = [];
    fake.mode = 'error500';
    const logged = createModerator(
      { apiKey: 'k', baseUrl: fake.url, model: 'gemini-2.5-flash', timeoutMs: 4_000 },
      undefined,
      { warn: (o) => warned.push(o) },
    );
    expect(await logged.check('gore')).toMatchObject({ allowed: false, source: 'keyword' });
    expect(warned).toHaveLength(1);
    fake.mode = 'ok';
    const without = createModerator({ model: 'gemini-2.5-flash', timeoutMs: 2_000 });
    expect(await without.check('a cat playing piano')).toEqual({ allowed: true, source: 'keyword' });
  });

  it('a caller that aborts gets an abort, not a fallback verdict', async () => {
    fake.mode = 'hang';
    const moderator = new CombinedModerator(gemini, keyword, 5_000);
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('client went away')), 50);
    await expect(moderator.check('a cat', ac.signal)).rejects.toThrow();
    fake.mode = 'ok';
  });
});
