// "/style anime a cat surfing" with no replied video: two stages in one generation (core/generation/two-stage.ts).
// Core test world (real PostgreSQL, Redis, ledger, failover) behind the real dispatcher; Leonardo/Runway are the
// scripted doubles, GoEnhance is the real client (wrapped by withStyleModels as app/wire-core.ts does) pointed at
// the fake GoEnhance server; the disk media store is served by the real /media route so reference_video_url (a
// signed URL: masters are private) can be fetched.
import path from 'node:path';
import fs from 'node:fs/promises';
import Hapi from '@hapi/hapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { buildWorld, type World } from '../core/support/build.ts';
import { startGoEnhanceFake } from '../fakes/goenhance.ts';
import type { ProviderFake } from '../fakes/http.ts';
import { wireStyleBot, type StyleBot } from './support/style-bot.ts';
import { createGeneration } from '../../core/generation/service.ts';
import { createGoEnhance } from '../../infra/providers/goenhance.ts';
import { createDiskStore, type DiskMediaStore } from '../../infra/media/disk-store.ts';
import { mediaRoutes } from '../../web/routes/media.ts';
import { contentTypeFor, isValidKey } from '../../infra/media/keys.ts';
import { SqlStyleCatalog } from '../../infra/db/styles-repo.ts';
import { withStyleModels } from '../../core/styles/provider.ts';
import { styleChoices } from '../../bot/discord/autocomplete.ts';
import { slashCommands, type Texts } from '../../bot/discord/commands.ts';
import { loadResources } from '../../infra/i18n.ts';
import type { GenerationRow } from '../../core/generation/types.ts';
import type { Reply } from '../../core/model.ts';
import type { Account } from '../../core/api.ts';

let w: World;
let bot: StyleBot;
let gen: ReturnType<typeof createGeneration>;
let ge: ProviderFake;
let media: DiskMediaStore;
let mediaServer: Hapi.Server;
let catalog: SqlStyleCatalog;
let seq = 0;

beforeAll(async () => {
  w = await buildWorld();
  ge = await startGoEnhanceFake('ge-key');
  // GoEnhance's "styled" result: a real MP4 (the scripted providers' clip).
  const clip = await w.mediaTools.download(await finishedUrl(), new AbortController().signal);
  ge.files.set('result.mp4', await fs.readFile(clip));
  mediaServer = Hapi.server({ port: 0, host: '127.0.0.1' });
  await mediaServer.start();
  media = createDiskStore({
    root: path.join(w.dir, 'served-media'),
    publicBaseUrl: mediaServer.info.uri,
    signingSecret: 's'.repeat(32),
  });
  await mediaRoutes(mediaServer, media, { isValidKey, contentTypeFor });
  catalog = new SqlStyleCatalog(w.db.sequelize);
  const goenhance = withStyleModels(
    createGoEnhance({ apiKey: 'ge-key', baseUrl: ge.url, http: { requestTimeoutMs: 2_000, retries: 0 } }),
    catalog,
  );
  gen = createGeneration({
    ...w.deps,
    mediaStore: media,
    localFile: (k) => media.pathOf(k),
    providers: { ...w.deps.providers, goenhance },
  });
  bot = await wireStyleBot(w, gen, catalog);
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  await ge?.close();
  await mediaServer?.stop();
  await w?.close();
});

/** The URL a scripted provider "produces" (a real local render). */
async function finishedUrl(): Promise<string> {
  const p = w.paid.runway;
  const job = await p.submit({
    generationId: 'probe',
    kind: 'video',
    prompt: 'x',
    resolution: '720p',
    fps: 24,
    durationSeconds: 1,
  });
  p.submissions.length = 0;
  for (;;) {
    const s = await p.poll(job);
    if (s.state === 'succeeded') return s.videoUrl;
  }
}

async function say(a: Account, text: string) {
  return bot.dispatcher.respond({
    platform: 'console',
    eventId: `p${++seq}`,
    platformUserId: a.target.platformUserId,
    chatId: a.target.chatId,
    text,
    kind: 'message',
  });
}
const keys = (rs: Reply[]) => rs.map((r) => ('message' in r ? r.message.key : r.kind));
const run = (id: string, signal = new AbortController().signal) =>
  gen.runner.run(id, { signal, touch: async () => {} });
const row = async (id: string) => (await w.store.get(id)) as GenerationRow;
const submitsOf = (id: string) => ({
  leonardo: w.paid.leonardo.submissions.filter((s) => s.generationId === id),
  runway: w.paid.runway.submissions.filter((s) => s.generationId === id),
});
const geSubmits = () => ge.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/video2video/generate');
const monthlyGoEnhance = async (userId: string) => (await w.ledger.balance(userId)).monthly_goenhance;
const charges = async (userId: string) =>
  (
    await w.db.sequelize.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM point_reservations WHERE user_id = :userId AND status = 'committed'",
      { replacements: { userId }, type: QueryTypes.SELECT },
    )
  )[0]!.n;
const progressKeys = (id: string) =>
  w.notifier.pushes
    .flatMap((p) => p.replies)
    .filter((r) => r.kind === 'progress' && r.generationId === id)
    .map((r) => ('message' in r ? r.message.key : ''));

async function waitFor(check: () => Promise<boolean>) {
  for (let i = 0; i < 2_000; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('condition never met');
}

/** A Starter user with auto-pay: 30 monthly GoEnhance points, 720p unlimited. */
const starter = (autoPay = true) => w.account('starter', { monthly: true, autoPay });

async function styleFromPrompt(a: Account): Promise<string> {
  const r = await say(a, '/style anime a cat surfing');
  expect(keys(r.replies)).toEqual(['core.queued', 'core.reserved']);
  expect(r.replies[1]).toMatchObject({ message: { params: { points: 10 } } });
  return w.lastId(a.userId);
}

describe('/style <style> <prompt> without a replied video', () => {
  it('makes the base clip on Leonardo, restyles its stored URL on GoEnhance, charges the style once, delivers once', async () => {
    const a = await starter();
    const id = await styleFromPrompt(a);
    const before = geSubmits().length;
    expect(await monthlyGoEnhance(a.userId)).toBe(20); // held up front, before anything ran
    expect(submitsOf(id).leonardo).toHaveLength(0);

    expect(await run(id)).toBe('done');
    expect(submitsOf(id).leonardo).toMatchObject([{ kind: 'video', prompt: 'a cat surfing', resolution: '720p' }]);
    expect(submitsOf(id).runway).toHaveLength(0);
    const sent = geSubmits().slice(before);
    expect(sent).toHaveLength(1);
    const args = (sent[0]!.body as { args: { model: number; reference_video_url: string; prompt: string } }).args;
    expect(args).toMatchObject({ model: 1, prompt: 'a cat surfing' });

    const g = await row(id);
    expect(g).toMatchObject({
      status: 'succeeded',
      kind: 'style',
      style: 'anime',
      provider: 'goenhance',
      pointsCost: 10,
      errorCode: null,
    });
    expect(g.baseClip).toMatchObject({ provider: 'leonardo' });
    // The reference URL serves exactly the stored base clip.
    expect(args.reference_video_url).toMatch(/\?exp=\d+&sig=/);
    const served = Buffer.from(await (await fetch(args.reference_video_url)).arrayBuffer());
    expect(served.equals(await fs.readFile(media.pathOf(g.baseClip!.masterKey ?? g.baseClip!.mediaKey)))).toBe(true);
    expect(g.mediaKey).not.toBe(g.baseClip!.mediaKey);

    expect(await charges(a.userId)).toBe(1);
    expect(await monthlyGoEnhance(a.userId)).toBe(20);
    const finals = w.notifier.finals(id);
    expect(finals).toHaveLength(1);
    expect(keys(finals[0]!.replies)).toEqual(['video', 'core.receipt.charged_monthly']);
    expect(finals[0]!.replies[1]).toMatchObject({ message: { params: { points: 10 } } });
    // Progress names the stage.
    expect(progressKeys(id)).toContain('core.stage.base');
    expect(progressKeys(id)).toContain('core.stage.style');

    // Run again (a redelivered job): nothing is submitted, charged or delivered a second time.
    expect(await run(id)).toBe('done');
    expect(submitsOf(id).leonardo).toHaveLength(1);
    expect(geSubmits().length - before).toBe(1);
    expect(await charges(a.userId)).toBe(1);
    expect(w.notifier.finals(id)).toHaveLength(1);
  });

  it('a run abandoned after the Leonardo job id is stored resumes it: one Leonardo and one GoEnhance submission, one charge, one delivery', async () => {
    const a = await starter();
    const id = await styleFromPrompt(a);
    const before = geSubmits().length;
    w.paid.leonardo.script = 'hang';
    const crash = new AbortController();
    const first = run(id, crash.signal);
    await waitFor(async () => Boolean((await row(id)).providerJobId));
    crash.abort();
    expect(await first).toBe('retry_later');
    expect(await row(id)).toMatchObject({ status: 'running', stepIndex: 0, provider: 'leonardo', baseClip: null });

    w.paid.leonardo.script = 'ok';
    expect(await run(id)).toBe('done');
    expect(submitsOf(id).leonardo).toHaveLength(1);
    expect(geSubmits().length - before).toBe(1);
    expect(await row(id)).toMatchObject({ status: 'succeeded', provider: 'goenhance' });
    expect(await charges(a.userId)).toBe(1);
    expect(await monthlyGoEnhance(a.userId)).toBe(20);
    expect(w.notifier.finals(id)).toHaveLength(1);
  });

  it('a run abandoned after the GoEnhance job id is stored resumes that job: no second submission of either stage', async () => {
    const a = await starter();
    const id = await styleFromPrompt(a);
    const before = geSubmits().length;
    ge.plan({ pollsBeforeDone: 1_000_000 });
    const crash = new AbortController();
    const first = run(id, crash.signal);
    await waitFor(async () => (await row(id)).provider === 'goenhance' && Boolean((await row(id)).providerJobId));
    crash.abort();
    expect(await first).toBe('retry_later');
    ge.plan({ pollsBeforeDone: 1 });
    const job = ge.jobs.get((await row(id)).providerJobId!)!;
    job.plan.pollsBeforeDone = 0;

    expect(await run(id)).toBe('done');
    expect(submitsOf(id).leonardo).toHaveLength(1);
    expect(geSubmits().length - before).toBe(1);
    expect(await charges(a.userId)).toBe(1);
    expect(w.notifier.finals(id)).toHaveLength(1);
  });

  it('without consent or auto-pay: a question quoting the style cost, and not one point moves', async () => {
    const a = await starter(false);
    const rows = await w.ledgerRows(a.userId);
    const r = await say(a, '/style anime a cat surfing');
    // A style costs points by itself: nothing to wait for, so the question offers points or cancel only.
    expect(keys(r.replies)).toEqual(['core.consent.question_feature']);
    expect(r.replies[0]).toMatchObject({ message: { params: { cost: 10 } } });
    expect((r.replies[0] as { choices: { command: string }[] }).choices.map((c) => c.command.split(' ').pop())).toEqual(
      ['points', 'cancel'],
    );
    const id = await w.lastId(a.userId);
    expect(await row(id)).toMatchObject({ status: 'awaiting_consent', reservationId: null });
    expect(await w.reservations(a.userId)).toBe(0);
    expect(await w.ledgerRows(a.userId)).toBe(rows);
    expect(await run(id)).toBe('done');
    expect(submitsOf(id).leonardo).toHaveLength(0);
    expect(await w.reservations(a.userId)).toBe(0);

    // The "points" answer holds the style's points once, before stage 1 runs.
    const yes = await say(a, `/consent ${id} points`);
    expect(keys(yes.replies)).toEqual(['core.queued', 'core.reserved']);
    expect(await monthlyGoEnhance(a.userId)).toBe(20);
    expect(await run(id)).toBe('done');
    expect(await charges(a.userId)).toBe(1);
    expect(await monthlyGoEnhance(a.userId)).toBe(20);
  });

  it('stage 1 failing on every free provider fails the request without charging and never reaches GoEnhance', async () => {
    const a = await starter();
    const id = await styleFromPrompt(a);
    const before = geSubmits().length;
    w.paid.leonardo.script = 'job_fails';
    w.paid.runway.script = 'job_fails';
    try {
      expect(await run(id)).toBe('done');
    } finally {
      w.paid.leonardo.script = 'ok';
      w.paid.runway.script = 'ok';
      await w.router.setDown('leonardo', false);
      await w.router.setDown('runway', false);
    }
    expect(submitsOf(id).leonardo).toHaveLength(1);
    expect(submitsOf(id).runway).toHaveLength(1);
    expect(geSubmits().length).toBe(before);
    expect(await row(id)).toMatchObject({ status: 'failed', errorCode: 'all_providers_failed', baseClip: null });
    expect(await charges(a.userId)).toBe(0);
    expect(await monthlyGoEnhance(a.userId)).toBe(30);
    expect(keys(w.notifier.finals(id)[0]!.replies)).toEqual(['core.failed.all_providers', 'core.receipt.not_charged']);
  });

  it('stage 2 failing releases the points and delivers the unstyled base clip with an explanation', async () => {
    const a = await starter();
    const id = await styleFromPrompt(a);
    ge.plan({ outcome: 'failed' });
    try {
      expect(await run(id)).toBe('done');
    } finally {
      ge.plan({ outcome: 'succeeded' });
      await w.router.setDown('goenhance', false);
    }
    const g = await row(id);
    expect(g).toMatchObject({
      status: 'succeeded',
      errorCode: 'style_failed',
      provider: 'leonardo',
      pointsCost: 0,
      reservationId: null,
    });
    expect(g.mediaKey).toBe(g.baseClip!.mediaKey);
    expect(await charges(a.userId)).toBe(0);
    expect(await monthlyGoEnhance(a.userId)).toBe(30);
    const finals = w.notifier.finals(id);
    expect(finals).toHaveLength(1);
    expect(keys(finals[0]!.replies)).toEqual(['core.style_failed', 'video', 'core.receipt.not_charged']);
    expect(finals[0]!.replies[1]).toMatchObject({
      kind: 'video',
      videoUrl: await media.publicUrl(g.baseClip!.mediaKey),
    });
    expect(await run(id)).toBe('done');
    expect(w.notifier.finals(id)).toHaveLength(1);
  });
});

describe('Discord /style registration', () => {
  it("autocompletes every catalogue style, valued by id, named in the interaction's language", async () => {
    const style = slashCommands(loadResources() as Texts).find((c) => c.name === 'style')!;
    const option = style.options![0] as {
      name: string;
      required?: boolean;
      autocomplete?: boolean;
      choices?: unknown[];
    };
    expect(option).toMatchObject({ name: 'style', required: true, autocomplete: true });
    expect(option.choices).toBeUndefined(); // the catalogue is read when the user types, not fixed at registration
    const styles = await catalog.list();
    const all = await styleChoices(() => catalog.list(), '', 'en-US');
    expect(all.map((c) => c.value).sort()).toEqual(styles.map((s) => s.id).sort());
    for (const s of styles) expect(all.find((c) => c.value === s.id)!.name).toBe(s.names.en);
    for (const [discordLocale, locale] of [
      ['ja', 'ja'],
      ['zh-TW', 'zh-TW'],
      ['ko', 'ko'],
      ['es-ES', 'es'],
      ['es-419', 'es'],
    ] as const) {
      const named = await styleChoices(() => catalog.list(), '', discordLocale);
      for (const s of styles) expect(named.find((c) => c.value === s.id)!.name).toBe(s.names[locale]);
    }
    expect(await styleChoices(() => catalog.list(), 'アニ', 'ja')).toContainEqual({ name: 'アニメ', value: 'anime' });
  });
});

describe('restyling a past video whose source is a private clean master', () => {
  it('a Demo video restyled after an upgrade reaches GoEnhance as a signed URL serving the master; its public URL stays refused', async () => {
    const a = await w.account('demo');
    expect(keys(await gen.service.request(a, { kind: 'video', prompt: 'a cat' }))).toContain('core.demo.queued');
    const src = await w.lastId(a.userId);
    expect(await run(src)).toBe('done');
    const source = await row(src);
    expect(source).toMatchObject({ status: 'succeeded', kind: 'demo', masterKey: 'private/demo/cat/master.mp4' });
    const masterBytes = await fs.readFile(media.pathOf(source.masterKey!));
    await expect(media.publicUrl(source.masterKey!)).rejects.toThrow(/private media/); // no public URL exists
    expect(
      (await fetch(`${(await media.publicUrl('videos/x.mp4')).replace(/videos\/x\.mp4$/, '')}${source.masterKey}`))
        .status,
    ).toBe(404);

    // The upgrade: the same user on Starter with its monthly GoEnhance points and auto-pay.
    await w.db.sequelize.query(
      `INSERT INTO subscriptions (user_id, plan_id, status, start_date, end_date)
      SELECT :userId, id, 'active', now(), now() + interval '30 days' FROM plans WHERE slug = 'starter'`,
      { replacements: { userId: a.userId } },
    );
    await w.db.sequelize.query('UPDATE users SET auto_pay = true WHERE id = :userId', {
      replacements: { userId: a.userId },
    });
    await w.ledger.allocateMonthly(a.userId, await w.deps.tiers.features('starter'), '2026-11');
    const upgraded: Account = { ...a, tier: 'starter', autoPay: true };

    const before = geSubmits().length;
    const replies = await gen.service.request(upgraded, {
      kind: 'style',
      prompt: '',
      style: 'anime',
      resolution: '720p',
      sourceGenerationId: src,
    });
    expect(keys(replies)).toEqual(['core.queued', 'core.reserved']);
    const id = await w.lastId(a.userId);
    expect(await run(id)).toBe('done');
    const sent = geSubmits().slice(before);
    expect(sent).toHaveLength(1);
    const url = (sent[0]!.body as { args: { reference_video_url: string } }).args.reference_video_url;
    expect(url).toMatch(/\/media\/private\/demo\/cat\/master\.mp4\?exp=\d+&sig=/);
    const served = await fetch(url);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(masterBytes)).toBe(true);
    expect(await row(id)).toMatchObject({ status: 'succeeded', provider: 'goenhance' });
    // Without its signature the same key is still refused.
    expect((await fetch(url.replace(/\?.*$/, ''))).status).toBe(404);
  });
});
