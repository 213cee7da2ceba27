// Provider completion callbacks end to end: the real clients against fakes that call back as Leonardo (per-key
// webhook, bearer key) and Pollo (per-request webhookUrl, signed) do, the real callback routes, the real
// LISTEN/NOTIFY hub and the real generation runner on PostgreSQL and Redis. The fallback poll is set to a minute,
// so a generation that ends within seconds was finished by its callback.
import Hapi from '@hapi/hapi';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildWorld, type World } from '../core/support/build.ts';
import { renderSampleUrl } from '../core/support/sample-video.ts';
import { startLeonardoFake } from '../fakes/leonardo.ts';
import { startPolloFake } from '../fakes/pollo.ts';
import type { ProviderFake } from '../fakes/http.ts';
import { createLeonardo } from '../../infra/providers/leonardo.ts';
import { createPollo } from '../../infra/providers/pollo.ts';
import { callbackToken, callbackTokenKey } from '../../infra/providers/callbacks.ts';
import { CompletionHub } from '../../infra/providers/completion-signals.ts';
import { callbackRoutes } from '../../web/routes/callbacks.ts';
import { callbackRouteDeps } from '../../app/wire-callbacks.ts';
import { createGeneration } from '../../core/generation/service.ts';

const PUBLIC = 'https://vidgo.test';
const LEO_KEY = 'leonardo-webhook-key-0123456789';
const POLLO_SECRET = 'pollo-webhook-secret-abcdef';
const tokenKey = callbackTokenKey('an-app-secret-for-tests');
const quiet = { info() {}, warn() {} };

let w: World;
let server: Hapi.Server;
let hub: CompletionHub;
let leo: ProviderFake;
let pollo: ProviderFake;

beforeAll(async () => {
  w = await buildWorld();
  server = Hapi.server({ host: '127.0.0.1', port: 0 });
  hub = new CompletionHub({ callsBack: (p) => p === 'leonardo' || p === 'pollo', databaseUrl: w.db.url, log: quiet });
  await hub.start();
  callbackRoutes(
    server,
    callbackRouteDeps({ tokenKey, polloSecret: POLLO_SECRET, leonardoKey: LEO_KEY, signals: hub, log: quiet }),
  );
  await server.start();
  const reach = (u: string) => u.replace(PUBLIC, server.info.uri);
  leo = await startLeonardoFake('leo-key', {
    webhook: { url: `${PUBLIC}/callbacks/leonardo`, apiKey: LEO_KEY },
    reach,
  });
  pollo = await startPolloFake('pollo-key', { webhookSecret: POLLO_SECRET, reach });
  const video = await readFile(fileURLToPath(await renderSampleUrl(w.deps.providers.local!)));
  leo.files.set('result.mp4', video);
  pollo.files.set('result.mp4', video);
  w.deps.providers.leonardo = createLeonardo({ apiKey: 'leo-key', baseUrl: leo.url, http: { retries: 0 } });
  w.deps.providers.pollo = createPollo({
    apiKey: 'pollo-key',
    baseUrl: pollo.url,
    http: { retries: 0 },
    callbackUrl: (id) => `${PUBLIC}/callbacks/pollo/${callbackToken(tokenKey, id)}`,
  });
  w.deps.completions = hub;
  w.deps.settings.callbackPollIntervalMs = 60_000;
}, 90_000);
afterAll(async () => {
  await leo?.close();
  await pollo?.close();
  await server?.stop();
  await hub?.stop();
  await w?.close();
});
beforeEach(async () => {
  await w.resetProviders();
  leo.plan({ doneAfterMs: 300, outcome: 'succeeded' });
  pollo.plan({ doneAfterMs: 300, outcome: 'succeeded' });
});

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${server.info.uri}${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  }).then((r) => r.status);
const pollsOf = (fake: ProviderFake, jobId: string) => fake.jobs.get(jobId)!.polls;
async function jobOf(id: string): Promise<string> {
  for (let i = 0; i < 500; i++) {
    const row = await w.store.get(id);
    if (row?.providerJobId) return row.providerJobId;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('no provider job stored');
}

describe('provider completion callbacks', () => {
  it("Leonardo's per-key webhook finishes the generation long before the fallback poll", async () => {
    const a = await w.account('starter', { monthly: true });
    await w.gen.service.request(a, { kind: 'video', prompt: 'a lighthouse at dusk' });
    const id = await w.lastId(a.userId);
    const started = Date.now();
    expect(await w.run(id)).toBe('done');
    expect(Date.now() - started).toBeLessThan(20_000);
    const row = (await w.store.get(id))!;
    expect(row).toMatchObject({ status: 'succeeded', provider: 'leonardo' });
    expect(leo.callbacks.filter((c) => c.jobId === row.providerJobId)).toEqual([
      expect.objectContaining({ status: 200 }),
    ]);
    expect(pollsOf(leo, row.providerJobId!)).toBe(2); // the first look, then the one the callback asked for
    expect(w.notifier.finals(id)).toHaveLength(1);
  }, 30_000);

  it('Pollo is given a per-generation webhookUrl; its signed callback finishes the generation, charged once', async () => {
    await w.router.setDown('leonardo', true);
    await w.router.setDown('runway', true);
    const a = await w.account('starter', { autoPay: true, purchased: 30 });
    await w.gen.service.request(a, { kind: 'video', prompt: 'a paper boat in the rain' });
    const id = await w.lastId(a.userId);
    const started = Date.now();
    expect(await w.run(id)).toBe('done');
    expect(Date.now() - started).toBeLessThan(20_000);
    const row = (await w.store.get(id))!;
    expect(row).toMatchObject({ status: 'succeeded', provider: 'pollo' });
    const submit = pollo.requests.find(
      (r) => r.method === 'POST' && (r.body as { webhookUrl?: string }).webhookUrl?.includes(`/callbacks/pollo/${id}.`),
    );
    expect(submit).toBeDefined();
    expect(pollo.callbacks.filter((c) => c.jobId === row.providerJobId)).toEqual([
      expect.objectContaining({ status: 200 }),
    ]);
    expect(await w.ledger.balance(a.userId)).toMatchObject({ purchased: 25 });
    expect(w.notifier.finals(id)).toHaveLength(1);
  }, 30_000);

  it('forged callbacks are refused and change nothing: no wake, no poll, no state change', async () => {
    leo.plan({ doneAfterMs: 2_500 });
    const a = await w.account('starter', { monthly: true });
    await w.gen.service.request(a, { kind: 'video', prompt: 'a fox in the snow' });
    const id = await w.lastId(a.userId);
    const running = w.run(id);
    const jobId = await jobOf(id);
    await new Promise((r) => setTimeout(r, 100));
    const before = { row: await w.store.get(id), polls: pollsOf(leo, jobId) };
    const leoBody = JSON.stringify({
      type: 'video_generation.complete',
      object: 'generation',
      data: { object: { id: jobId, status: 'COMPLETE' } },
    });
    expect(await post('/callbacks/leonardo', leoBody)).toBe(401);
    expect(await post('/callbacks/leonardo', leoBody, { authorization: 'Bearer not-the-key' })).toBe(401);
    const polloBody = JSON.stringify({ taskId: jobId, status: 'succeed' });
    const goodToken = callbackToken(tokenKey, id);
    const otherKeyToken = callbackToken(callbackTokenKey('some-other-secret'), id);
    expect(await post(`/callbacks/pollo/${otherKeyToken}`, polloBody)).toBe(401);
    expect(await post(`/callbacks/pollo/${id}`, polloBody)).toBe(401);
    expect(
      await post(`/callbacks/pollo/${goodToken}`, polloBody, {
        'x-webhook-id': 'wh_1',
        'x-webhook-timestamp': '1',
        'x-webhook-signature': 'Zm9yZ2Vk',
      }),
    ).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    expect(pollsOf(leo, jobId)).toBe(before.polls);
    expect(await w.store.get(id)).toEqual(before.row);
    expect(w.notifier.finals(id)).toHaveLength(0);
    // The genuine callback still finishes it, once.
    expect(await running).toBe('done');
    expect((await w.store.get(id))!.status).toBe('succeeded');
    expect(w.notifier.finals(id)).toHaveLength(1);
  }, 30_000);

  it('a callback and a poll finishing the same job deliver once', async () => {
    const a = await w.account('starter', { monthly: true });
    await w.gen.service.request(a, { kind: 'video', prompt: 'a kite over the beach' });
    const id = await w.lastId(a.userId);
    const woken = w.run(id);
    const jobId = await jobOf(id);
    // A second run of the same generation (Agenda may run a job twice; another instance took it over) that only
    // polls, fast: it sees the job end at the moment the callback wakes the first.
    const poller = createGeneration({
      ...w.deps,
      completions: undefined,
      settings: { ...w.deps.settings, pollIntervalMs: 20 },
    }).runner;
    const polled = poller.run(id, { signal: new AbortController().signal, touch: async () => {} });
    expect(await Promise.all([woken, polled])).toEqual(['done', 'done']);
    expect(leo.callbacks.filter((c) => c.jobId === jobId)).toEqual([expect.objectContaining({ status: 200 })]);
    expect(pollsOf(leo, jobId)).toBeGreaterThan(3);
    expect((await w.store.get(id))!).toMatchObject({ status: 'succeeded', providerJobId: jobId });
    expect(w.notifier.finals(id)).toHaveLength(1);
    expect(
      leo.requests.filter(
        (r) => r.method === 'POST' && (r.body as { prompt?: string }).prompt === 'a kite over the beach',
      ),
    ).toHaveLength(1);
  }, 30_000);

  it('a wake reaches a wait on another instance sharing the database', async () => {
    const other = new CompletionHub({ callsBack: () => true, databaseUrl: w.db.url, log: quiet });
    await other.start();
    try {
      const waiting = other.wait({ provider: 'leonardo', jobId: 'job-elsewhere' }, 'gen-elsewhere', 10_000);
      await new Promise((r) => setTimeout(r, 50));
      const t = Date.now();
      await hub.wake('job:leonardo:job-elsewhere');
      expect(await waiting).toBe(true);
      expect(Date.now() - t).toBeLessThan(2_000);
      expect(await other.wait({ provider: 'leonardo', jobId: 'nobody-woke' }, 'gen-none', 200)).toBe(false);
    } finally {
      await other.stop();
    }
  });
});
