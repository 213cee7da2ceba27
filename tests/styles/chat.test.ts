// /style and /start s_<style> through the real dispatcher (app/wire-bot.ts wireBot with the style catalogue) on
// The generation service from the core test world (real PostgreSQL, Redis, ledger, failover), the GoEnhance slot
// wrapped by withStyleModels as app/wire-core.ts does: the provider receives the table's model id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { buildWorld, type World } from '../core/support/build.ts';
import { wireStyleBot, type StyleBot } from './support/style-bot.ts';
import { createGeneration } from '../../core/generation/service.ts';
import { SqlStyleCatalog } from '../../infra/db/styles-repo.ts';
import { withStyleModels } from '../../core/styles/provider.ts';
import { createTranslator } from '../../infra/i18n.ts';
import type { ChatEvent, Reply } from '../../core/model.ts';
import type { Account } from '../../core/api.ts';

let w: World;
let bot: StyleBot;
let gen: ReturnType<typeof createGeneration>;
let seq = 0;

beforeAll(async () => {
  w = await buildWorld();
  const catalog = new SqlStyleCatalog(w.db.sequelize);
  gen = createGeneration({
    ...w.deps,
    providers: { ...w.deps.providers, goenhance: withStyleModels(w.paid.goenhance, catalog) },
  });
  bot = await wireStyleBot(w, gen, catalog);
}, 60_000);
afterAll(async () => {
  await bot?.stop();
  await w?.close();
});

/** Sends one console message as the account's chat identity. */
async function say(a: Account, text: string, extra: Partial<ChatEvent> = {}) {
  return bot.dispatcher.respond({
    platform: 'console',
    eventId: `e${++seq}`,
    platformUserId: a.target.platformUserId,
    chatId: a.target.chatId,
    text,
    kind: 'message',
    ...extra,
  });
}
const keys = (rs: Reply[]) => rs.map((r) => ('message' in r ? r.message.key : r.kind));
const runAll = async () => {
  for (const { id } of w.jobs.enqueued.splice(0))
    await gen.runner.run(id, { signal: new AbortController().signal, touch: async () => {} });
};
const gens = (userId: string) =>
  w.db.sequelize.query<{ kind: string; style: string | null; prompt: string; status: string }>(
    'SELECT kind, style, prompt, status FROM generations WHERE user_id = $1 ORDER BY created_at',
    { bind: [userId], type: QueryTypes.SELECT },
  );

/** A Pro user with auto-pay and points, who already has one finished video to restyle. */
async function proWithVideo(): Promise<Account> {
  const a = await w.account('pro', { autoPay: true, purchased: 100 });
  await say(a, '/video a castle on a hill');
  await runAll();
  expect((await gens(a.userId)).map((g) => g.status)).toEqual(['succeeded']);
  return a;
}

describe('/style through the dispatcher', () => {
  it('sends GoEnhance the model id of the named style and records the style id', async () => {
    const a = await proWithVideo();
    const before = w.paid.goenhance.submissions.length;
    const r = await say(a, '/style Cyberpunk neon city lights');
    expect(keys(r.replies)).toContain('core.queued');
    await runAll();
    const sent = w.paid.goenhance.submissions.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ kind: 'style', style: '4', prompt: 'city lights' });
    expect((await gens(a.userId)).at(-1)).toMatchObject({
      kind: 'style',
      style: 'cyberpunk',
      prompt: 'city lights',
      status: 'succeeded',
    });

    await say(a, '/style アニメ 夕焼け');
    await runAll();
    expect(w.paid.goenhance.submissions.at(-1)).toMatchObject({ style: '1', prompt: '夕焼け' });
  });

  it('applies a style to a replied video without a prompt', async () => {
    const a = await proWithVideo();
    const [source] = await w.db.sequelize.query<{ id: string }>('SELECT id FROM generations WHERE user_id = $1', {
      bind: [a.userId],
      type: QueryTypes.SELECT,
    });
    await say(a, '/style clay', { repliedGenerationId: source!.id });
    await runAll();
    expect(w.paid.goenhance.submissions.at(-1)).toMatchObject({ style: '5' });
    expect((await gens(a.userId)).at(-1)).toMatchObject({ kind: 'style', style: 'clay' });
  });

  it('answers an unknown style with every style as a choice, and creates nothing', async () => {
    const a = await proWithVideo();
    const r = await say(a, '/style vaporwave a cat');
    expect(r.replies).toHaveLength(1);
    const [reply] = r.replies as [Extract<Reply, { kind: 'text' }>];
    expect(reply.message).toEqual({ key: 'styles.unknown', params: { style: 'vaporwave' } });
    expect(reply.choices?.map((c) => c.command)).toEqual([
      '/style anime ',
      '/style ghibli ',
      '/style pixar ',
      '/style cyberpunk ',
      '/style clay ',
      '/style sketch ',
    ]);
    expect(reply.choices?.[1]?.label).toEqual({ key: 'styles.choice', params: { name: 'Watercolor Ghibli' } });
    expect(await gens(a.userId)).toHaveLength(1);
  });

  it('explains bare /style with the style list in the user language', async () => {
    const a = await w.account('pro');
    const r = await say(a, '/style', { platformLocale: 'ko' });
    const [reply] = r.replies as [Extract<Reply, { kind: 'text' }>];
    expect(reply.message.key).toBe('styles.usage');
    expect(reply.choices?.[0]?.label).toEqual({ key: 'styles.choice', params: { name: '애니메이션' } });
  });
});

describe('/start s_<style> (Telegram deep link from the showcase)', () => {
  it('says the style is chosen, and turns the next plain prompt (only that one) into /style <id> <prompt>', async () => {
    const a = await proWithVideo();
    expect((await say(a, '/lang ja')).locale).toBe('ja');
    const r = await say(a, '/start s_anime');
    const [reply] = r.replies as [Extract<Reply, { kind: 'text' }>];
    expect(reply.message).toEqual({ key: 'styles.chosen', params: { name: 'アニメ', id: 'anime' } });
    expect(reply.choices).toEqual([{ label: { key: 'styles.other' }, command: '/style' }]);
    const t = await createTranslator();
    expect(t.t(r.locale, reply.message)).toContain('「アニメ」');
    // Kept per user in SharedState with a ten-minute TTL.
    const ttl = await w.redis.redis.pttl(`${w.redis.prefix}styles:pending:${a.userId}`);
    expect(ttl).toBeGreaterThan(9 * 60_000);
    expect(ttl).toBeLessThanOrEqual(10 * 60_000);

    const before = w.paid.goenhance.submissions.length;
    expect(keys((await say(a, 'a fox in the snow')).replies)).toContain('core.queued');
    await runAll();
    expect(w.paid.goenhance.submissions.slice(before)).toMatchObject([{ style: '1', prompt: 'a fox in the snow' }]);
    expect((await gens(a.userId)).at(-1)).toMatchObject({ kind: 'style', style: 'anime', prompt: 'a fox in the snow' });

    await say(a, 'a second prompt');
    expect((await gens(a.userId)).at(-1)).toMatchObject({ kind: 'video', style: null, prompt: 'a second prompt' });
  });

  it('a bare "/style <id>" (what a style button sends) picks it the same way; a command is never taken as the prompt', async () => {
    const a = await proWithVideo();
    expect(keys((await say(a, '/style sketch')).replies)).toEqual(['styles.chosen']);
    await say(a, '/balance');
    await say(a, '/video a lighthouse');
    expect((await gens(a.userId)).at(-1)).toMatchObject({ kind: 'video', prompt: 'a lighthouse' });
    await say(a, 'a pencil lighthouse');
    expect((await gens(a.userId)).at(-1)).toMatchObject({
      kind: 'style',
      style: 'sketch',
      prompt: 'a pencil lighthouse',
    });
  });

  it('lists the styles for an unknown deep-link style', async () => {
    const a = await w.account('pro');
    const r = await say(a, '/start s_nope');
    expect(keys(r.replies)).toEqual(['styles.unknown']);
    expect((r.replies[0] as Extract<Reply, { kind: 'text' }>).choices).toHaveLength(6);
  });
});
