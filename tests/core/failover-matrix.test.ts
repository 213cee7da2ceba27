// Every cell of the failover matrix through GenerationService.request + GenerationRunner.run, on the real
// PostgreSQL ledger and real Redis health.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildWorld, keys, type World } from './support/build.ts';

let w: World;
beforeAll(async () => {
  w = await buildWorld();
}, 60_000);
afterAll(async () => w?.close());
beforeEach(async () => w.resetProviders());

const videoOf = (id: string) =>
  w.notifier
    .finals(id)
    .flatMap((p) => p.replies)
    .find((r) => r.kind === 'video');
const finalKeys = (id: string) => w.notifier.finals(id).flatMap((p) => keys(p.replies as never));

describe('failover matrix', () => {
  it('Leonardo healthy → Leonardo, not charged', async () => {
    const a = await w.account('starter', { monthly: true });
    const before = await w.ledger.balance(a.userId);
    const replies = await w.gen.service.request(a, { kind: 'video', prompt: 'a cat surfing' });
    expect(keys(replies as never)).toEqual(['core.queued']);
    const id = await w.lastId(a.userId);
    expect(await w.run(id)).toBe('done');
    expect(w.paid.leonardo.submissions).toHaveLength(1);
    expect(w.paid.runway.submissions).toHaveLength(0);
    expect(videoOf(id)).toMatchObject({
      kind: 'video',
      generationId: id,
      videoUrl: `https://vidgo.test/media/generations/${id}/video.mp4`,
    });
    expect(finalKeys(id)).toEqual(['video', 'core.receipt.not_charged']);
    expect(await w.ledger.balance(a.userId)).toEqual(before);
    expect((await w.store.get(id))!.provider).toBe('leonardo');
  });

  it('Leonardo down → Runway', async () => {
    await w.router.setDown('leonardo', true);
    const a = await w.account('starter');
    await w.gen.service.request(a, { kind: 'video', prompt: 'city at night' });
    const id = await w.lastId(a.userId);
    await w.run(id);
    expect(w.paid.leonardo.submissions).toHaveLength(0);
    expect(w.paid.runway.submissions).toHaveLength(1);
    expect((await w.store.get(id))!).toMatchObject({ status: 'succeeded', provider: 'runway', pointsCost: 0 });
  });

  it('Leonardo failing mid-job → Runway, nothing charged, the failure counts against Leonardo', async () => {
    w.paid.leonardo.script = 'job_fails';
    const a = await w.account('pro', { monthly: true });
    const before = await w.ledger.balance(a.userId);
    await w.gen.service.request(a, { kind: 'video', prompt: 'forest' });
    const id = await w.lastId(a.userId);
    await w.run(id);
    const g = (await w.store.get(id))!;
    expect(g).toMatchObject({ status: 'succeeded', provider: 'runway' });
    expect(g.attempts.map((x) => [x.provider, x.outcome])).toEqual([
      ['leonardo', 'failed'],
      ['runway', 'succeeded'],
    ]);
    expect(await w.ledger.balance(a.userId)).toEqual(before);
    expect(await w.reservations(a.userId)).toBe(0);
    expect(
      await w.deps.router.plan({ kind: 'video', resolution: '720p', features: await w.deps.tiers.features('pro') }),
    ).toMatchObject([{ provider: 'runway' }, { provider: 'pollo' }]);
  });

  it('both down, points and consent → Pollo, charged once', async () => {
    await w.router.setDown('leonardo', true);
    await w.router.setDown('runway', true);
    const a = await w.account('starter', { monthly: true });
    const asked = await w.gen.service.request(a, { kind: 'video', prompt: 'ocean' });
    expect(keys(asked as never)).toEqual(['core.consent.question']);
    const id = await w.lastId(a.userId);
    expect((asked[0] as { choices: { command: string }[] }).choices.map((c) => c.command)).toEqual([
      `/consent ${id} points`,
      `/consent ${id} wait`,
      `/consent ${id} cancel`,
    ]);
    const ok = await w.gen.service.consent(a, id, 'points');
    expect(keys(ok as never)).toEqual(['core.queued', 'core.reserved']);
    expect(await w.gen.service.consent(a, id, 'points')).toMatchObject([
      { message: { key: 'core.consent.not_pending' } },
    ]);
    await w.run(id);
    await w.run(id); // a repeated job changes nothing
    expect(w.paid.pollo.submissions).toHaveLength(1);
    expect(await w.ledger.balance(a.userId)).toMatchObject({ monthly_pollo: 45, total: 45 + 30 });
    expect(w.notifier.finals(id)).toHaveLength(1);
    expect(finalKeys(id)).toEqual(['video', 'core.receipt.charged_monthly']);
    const receipt = w.notifier.finals(id)[0]!.replies[1] as { message: { params: Record<string, number> } };
    expect(receipt.message.params).toMatchObject({ points: 5, balance: 75 });
  });

  it('both down, points, no consent and no auto-pay → a question and not one point moves', async () => {
    await w.router.setDown('leonardo', true);
    await w.router.setDown('runway', true);
    const a = await w.account('starter', { monthly: true, purchased: 20 });
    const before = await w.ledger.balance(a.userId);
    const rowsBefore = await w.ledgerRows(a.userId);
    const replies = await w.gen.service.request(a, { kind: 'video', prompt: 'space' });
    expect(keys(replies as never)).toEqual(['core.consent.question']);
    // Charged only because the unlimited providers are down: waiting for them is one of the answers.
    expect((replies[0] as { choices: { command: string }[] }).choices.map((c) => c.command.split(' ').pop())).toEqual([
      'points',
      'wait',
      'cancel',
    ]);
    const id = await w.lastId(a.userId);
    // Even a job run without an answer must not spend: it stops at the question.
    expect(await w.run(id)).toBe('done');
    expect(w.jobs.enqueued.map((e) => e.id)).not.toContain(id);
    expect(w.paid.pollo.submissions).toHaveLength(0);
    expect(await w.ledger.balance(a.userId)).toEqual(before);
    expect(await w.ledgerRows(a.userId)).toBe(rowsBefore);
    expect(await w.reservations(a.userId)).toBe(0);
    // The server-side guard refuses a charged step without consent or auto-pay.
    expect(
      await w.deps.charger.hold({ provider: 'pollo', charged: true, cost: 5, pool: 'pollo' }, 0, {
        userId: a.userId,
        generationId: id,
        autoPay: false,
        consent: null,
      }),
    ).toMatchObject({ ok: false, reason: 'consent_required' });
    expect(await w.reservations(a.userId)).toBe(0);
  });

  it('both down without points → "service busy, try later or top up"', async () => {
    await w.router.setDown('leonardo', true);
    await w.router.setDown('runway', true);
    const a = await w.account('starter');
    const replies = await w.gen.service.request(a, { kind: 'video', prompt: 'rain' });
    expect(replies).toMatchObject([{ kind: 'text', message: { key: 'core.busy', params: { cost: 5, balance: 0 } } }]);
    expect((replies[0] as { choices: { url?: string }[] }).choices[0]!.url).toContain(encodeURIComponent('/plans'));
    expect((await w.store.listForUser(a.userId, 5, 0)).total).toBe(0);
  });

  it('style transfer is charged to GoEnhance points (auto-pay), with a receipt', async () => {
    const a = await w.account('pro', { monthly: true, autoPay: true });
    await w.gen.service.request(a, { kind: 'video', prompt: 'dog' });
    const src = await w.lastId(a.userId);
    await w.run(src);
    const replies = await w.gen.service.request(a, {
      kind: 'style',
      prompt: 'as anime',
      style: 'anime',
      resolution: '1080p',
      sourceGenerationId: src,
    });
    expect(keys(replies as never)).toEqual(['core.queued', 'core.reserved']);
    const id = await w.lastId(a.userId);
    await w.run(id);
    expect(w.paid.goenhance.submissions).toHaveLength(1);
    expect(w.paid.goenhance.submissions[0]!.sourceVideoUrl).toContain(`generations/${src}/video.mp4`);
    expect(await w.ledger.balance(a.userId)).toMatchObject({ monthly_goenhance: 40, monthly_pollo: 100 });
    expect(finalKeys(id)).toEqual(['video', 'core.receipt.charged_monthly']);
  });

  it('upscale is charged 15 and spends purchased points when the monthly ones run out', async () => {
    const a = await w.account('pro', { autoPay: true, purchased: 20 });
    await w.gen.service.request(a, { kind: 'video', prompt: 'mountain' });
    await w.run(await w.lastId(a.userId));
    await w.gen.service.request(a, { kind: 'upscale', prompt: '' });
    const id = await w.lastId(a.userId);
    await w.run(id);
    expect(await w.ledger.balance(a.userId)).toMatchObject({ purchased: 5 });
    expect(finalKeys(id)).toEqual(['video', 'core.receipt.charged_purchased']);
  });

  it('Demo → a smart demo clip from the local renderer, watermarked, cached, never charged', async () => {
    const a = await w.account('demo', { purchased: 50 });
    const before = await w.ledger.balance(a.userId);
    const replies = await w.gen.service.request(a, { kind: 'video', prompt: 'my cat playing with yarn' });
    expect(keys(replies as never)).toEqual(['core.demo.queued', 'core.demo.topic.cat']);
    const id = await w.lastId(a.userId);
    await w.run(id);
    const g = (await w.store.get(id))!;
    expect(g).toMatchObject({
      status: 'succeeded',
      kind: 'demo',
      provider: 'local',
      watermarked: true,
      pointsCost: 0,
      mediaKey: 'demo/cat/video.mp4',
      masterKey: 'private/demo/cat/master.mp4',
    });
    expect(finalKeys(id)).toEqual(['video', 'core.receipt.not_charged']);
    const view = await w.gen.service.get(a.userId, id);
    expect(view).toMatchObject({ videoUrl: 'https://vidgo.test/media/demo/cat/video.mp4', cleanUrl: null });
    // A second request on the same topic (in Japanese) reuses the cached clip.
    const rendered = w.localSubmits.n;
    await w.gen.service.request(a, { kind: 'video', prompt: '子猫の動画' });
    await w.run(await w.lastId(a.userId));
    expect(w.localSubmits.n).toBe(rendered);
    for (const p of Object.values(w.paid)) expect(p.submissions).toHaveLength(0);
    expect(await w.ledger.balance(a.userId)).toEqual(before);
    expect(await w.reservations(a.userId)).toBe(0);
    expect(await w.gen.service.request(a, { kind: 'style', prompt: 'x', style: 'anime' })).toMatchObject([
      { message: { key: 'core.tier.demo_only' } },
    ]);
  });
});
