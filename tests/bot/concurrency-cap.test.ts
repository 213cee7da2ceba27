// The per-user cap on open generations holds under parallel requests: it is checked and taken by the INSERT itself.
// Five prompts from one Demo user (cap 1) in one signed LINE delivery, handled in parallel, make one generation;
// the others are told the limit. Ten parallel inserts against a cap of 2 write exactly 2 rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChatWorld, type ChatWorld } from './support/world.ts';
import { lineText, postLine } from './support/signed.ts';

let w: ChatWorld;
beforeAll(async () => {
  w = await buildChatWorld();
}, 60_000);
afterAll(async () => w?.close());

describe('concurrency cap', () => {
  it('parallel messages cannot both pass: one generation for a cap of 1', async () => {
    await postLine(w, [lineText({ type: 'user', userId: 'Ucap1' }, '/help')]);
    const events = ['a cat', 'a dog', 'a fox', 'an owl', 'a bee'].map((p) =>
      lineText({ type: 'user', userId: 'Ucap1' }, p),
    );
    expect((await postLine(w, events)).statusCode).toBe(200);
    const userId = await w.userOf('line', 'Ucap1');
    expect(await w.q(`SELECT 1 FROM generations WHERE user_id = $1`, [userId])).toHaveLength(1);
    const answers = events.map((e) => w.line.texts(w.line.sent.find((s) => s.replyToken === e.replyToken)!).join(' '));
    expect(answers.filter((a) => a.includes('at a time'))).toHaveLength(4);
  });

  it('ten parallel inserts against a cap of 2 write exactly 2', async () => {
    await postLine(w, [lineText({ type: 'user', userId: 'Ucap2' }, '/help')]);
    const userId = await w.userOf('line', 'Ucap2');
    const row = (i: number) => ({
      userId,
      replyTarget: { platform: 'line' as const, chatId: 'Ucap2', platformUserId: 'Ucap2', locale: 'en' as const },
      kind: 'video' as const,
      prompt: `p${i}`,
      resolution: '720p' as const,
      fps: 24,
      status: 'queued' as const,
      route: [],
      priority: 'normal' as const,
      deadlineAt: new Date(Date.now() + 60_000),
      requestKey: `cap-test:${i}`,
    });
    const made = await Promise.all(Array.from({ length: 10 }, (_, i) => w.store.insert(row(i), { maxOpen: 2 })));
    expect(made.filter(Boolean)).toHaveLength(2);
    expect(await w.q(`SELECT 1 FROM generations WHERE user_id = $1`, [userId])).toHaveLength(2);
  });
});
