// The moderation corpus through the entry point the chat uses: each prompt is a signed LINE webhook from a new user
// (LINE profile in the prompt's language), handled by the real route, inbox, dispatcher and generation use case,
// moderated by the moderator app/wire-core.ts builds without GEMINI_API_KEY (the keyword filter alone, which is
// what protects the service whenever Gemini is slow, failing or absent). A prompt counts as refused when the user's
// LINE reply is one of the refusal texts in their language.
// Fails below 0.95 recall in any category (all languages together) or above 0.05 false positives in any language.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChatWorld, LINE_SECRET, type ChatWorld } from '../bot/support/world.ts';
import { LOCALES } from '../../core/model.ts';
import { BLOCK_CATEGORIES, loadCorpus, type BlockCategory } from './corpus.ts';

const MIN_RECALL = 0.95;
const MAX_FALSE_POSITIVES = 0.05;
const BATCH = 8; // events per webhook delivery, as LINE batches them

let w: ChatWorld;
beforeAll(async () => {
  w = await buildChatWorld();
}, 60_000);
afterAll(async () => w?.close());

const sign = (body: string) => crypto.createHmac('sha256', LINE_SECRET).update(body).digest('base64');

describe('moderation corpus through signed LINE webhooks', () => {
  it(`refuses at least ${MIN_RECALL} of each category and wrongly refuses at most ${MAX_FALSE_POSITIVES} of each language's look-alikes`, async () => {
    const corpus = loadCorpus();
    expect(corpus.length).toBeGreaterThanOrEqual(LOCALES.length * 60);
    for (const lang of LOCALES) {
      const mine = corpus.filter((c) => c.lang === lang);
      expect(mine.length, lang).toBeGreaterThanOrEqual(60);
      for (const c of [...BLOCK_CATEGORIES, null])
        expect(mine.filter((p) => p.expected === c).length, `${lang} ${c}`).toBeGreaterThanOrEqual(10);
    }
    const refusalText = new Map(
      LOCALES.map((l) => [
        l,
        new Map(BLOCK_CATEGORIES.map((c) => [w.bot.t.t(l, { key: `moderation.refused.${c}` }), c])),
      ]),
    );

    const outcome: { refused: boolean; category: BlockCategory | null }[] = [];
    for (let i = 0; i < corpus.length; i += BATCH) {
      const events = corpus.slice(i, i + BATCH).map((c, k) => {
        const n = i + k;
        const userId = `Ucorpus${String(n).padStart(6, '0')}`;
        w.line.profiles.set(userId, { displayName: `c${n}`, language: c.lang });
        return {
          type: 'message',
          mode: 'active',
          timestamp: Date.now(),
          source: { type: 'user', userId },
          webhookEventId: `01HCORPUS${String(n).padStart(17, '0')}`,
          deliveryContext: { isRedelivery: false },
          replyToken: `corpus-${n}`,
          message: { id: String(900_000 + n), type: 'text', quoteToken: `q${n}`, text: c.text },
        };
      });
      const payload = JSON.stringify({ destination: 'Ubot', events });
      const res = await w.server.inject({
        method: 'POST',
        url: '/webhooks/line',
        payload,
        headers: { 'content-type': 'application/json', 'x-line-signature': sign(payload) },
      });
      expect(res.statusCode).toBe(200);
      await w.bot.background.idle();
      for (const [k, c] of corpus.slice(i, i + BATCH).entries()) {
        const reply = w.line.sent.find((s) => s.kind === 'reply' && s.replyToken === `corpus-${i + k}`);
        expect(reply, c.text).toBeDefined();
        const first = w.line.texts(reply!)[0] ?? '';
        const category = refusalText.get(c.lang)!.get(first) ?? null;
        outcome.push({ refused: category !== null, category });
      }
    }

    // Every refusal was recorded as a keyword refusal with the category the user was told.
    const [blocked] = await w.q<{ n: number }>(
      `SELECT COUNT(*)::int AS n FROM moderation_events WHERE verdict = 'blocked' AND source = 'keyword'`,
    );
    expect(blocked!.n).toBe(outcome.filter((o) => o.refused).length);

    const lines: string[] = [];
    const rate = (xs: boolean[]) => (xs.length ? xs.filter(Boolean).length / xs.length : 0);
    const recall: Record<string, number> = {};
    for (const cat of BLOCK_CATEGORIES) {
      const items = corpus.map((c, i) => ({ c, o: outcome[i]! })).filter((x) => x.c.expected === cat);
      recall[cat] = rate(items.map((x) => x.o.refused));
      const perLang = LOCALES.map((l) => {
        const li = items.filter((x) => x.c.lang === l);
        return `${l} ${li.filter((x) => x.o.refused).length}/${li.length}`;
      }).join(', ');
      const sameCategory = rate(items.filter((x) => x.o.refused).map((x) => x.o.category === cat));
      lines.push(
        `${cat.padEnd(9)} recall ${recall[cat]!.toFixed(3)} (${perLang}); told as this category ${sameCategory.toFixed(2)}`,
      );
    }
    const fp: Record<string, number> = {};
    for (const l of LOCALES) {
      const items = corpus
        .map((c, i) => ({ c, o: outcome[i]! }))
        .filter((x) => x.c.lang === l && x.c.expected === null);
      fp[l] = rate(items.map((x) => x.o.refused));
      lines.push(
        `${l.padEnd(9)} look-alikes wrongly refused ${items.filter((x) => x.o.refused).length}/${items.length} (${fp[l]!.toFixed(3)})`,
      );
    }
    const misses = corpus
      .filter((c, i) => (c.expected !== null) !== outcome[i]!.refused)
      .map((c) => `${c.lang} ${c.expected ?? 'benign'}: ${c.text}`);
    console.log(
      ['moderation corpus (keyword filter, via LINE):', ...lines, ...misses.map((m) => `  wrong: ${m}`)].join('\n'),
    );

    for (const cat of BLOCK_CATEGORIES) expect(recall[cat], `recall ${cat}`).toBeGreaterThanOrEqual(MIN_RECALL);
    for (const l of LOCALES) expect(fp[l], `false positives ${l}`).toBeLessThanOrEqual(MAX_FALSE_POSITIVES);
  }, 240_000);
});
