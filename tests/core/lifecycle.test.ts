// Crash and resume, cancel, refunds, stuck generations, moderation and admin, on the real ledger and Redis.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildWorld, keys, type World } from './support/build.ts';
import { flakyPolls } from './support/scripted-provider.ts';

let w: World;
beforeAll(async () => {
  w = await buildWorld();
}, 60_000);
afterAll(async () => w?.close());
beforeEach(async () => {
  await w.resetProviders();
  for (const p of Object.values(w.paid)) p.pollsToFinish = 2;
});
const finalKeys = (id: string) => w.notifier.finals(id).flatMap((p) => keys(p.replies as never));
const bothDown = async () => {
  await w.router.setDown('leonardo', true);
  await w.router.setDown('runway', true);
};

describe('resume after a crash', () => {
  it('a run abandoned after the job id is stored resumes it: one submission, one charge, one delivery', async () => {
    await bothDown();
    const a = await w.account('starter', { autoPay: true, purchased: 30 });
    expect(keys((await w.gen.service.request(a, { kind: 'video', prompt: 'fireworks' })) as never)).toEqual([
      'core.queued',
      'core.reserved',
    ]);
    const id = await w.lastId(a.userId);
    w.paid.pollo.script = 'hang';
    const crash = new AbortController();
    const first = w.run(id, crash.signal);
    for (let i = 0; i < 200 && !(await w.store.get(id))!.providerJobId; i++)
      await new Promise((r) => setTimeout(r, 10));
    crash.abort(); // the worker dies mid-poll
    expect(await first).toBe('retry_later');
    expect((await w.store.get(id))!).toMatchObject({
      status: 'running',
      providerJobId: expect.stringMatching(/^pollo-job-/),
    });
    w.paid.pollo.script = 'ok';
    expect(await w.run(id)).toBe('done');
    expect(await w.run(id)).toBe('done'); // Agenda may run a job twice
    expect(w.paid.pollo.submissions).toHaveLength(1);
    expect(await w.ledger.balance(a.userId)).toMatchObject({ purchased: 25 });
    const debits = (await w.ledger.history(a.userId)).filter((e) => e.amount < 0);
    expect(debits.reduce((s, e) => s + e.amount, 0)).toBe(-5);
    expect(w.notifier.finals(id)).toHaveLength(1);
    expect(finalKeys(id)).toEqual(['video', 'core.receipt.charged_purchased']);
  });

  it('a Pollo step that fails reserves nothing twice: the hold goes back and the user is told', async () => {
    await bothDown();
    const a = await w.account('starter', { autoPay: true, purchased: 30 });
    await w.gen.service.request(a, { kind: 'video', prompt: 'rain' });
    const id = await w.lastId(a.userId);
    expect((await w.ledger.balance(a.userId)).purchased).toBe(25); // held
    w.paid.pollo.script = 'job_fails';
    await w.run(id);
    expect((await w.store.get(id))!).toMatchObject({ status: 'failed', errorMessage: 'core.failed.all_providers' });
    expect(await w.ledger.balance(a.userId)).toMatchObject({ purchased: 30 });
    expect(finalKeys(id)).toEqual(['core.failed.all_providers', 'core.receipt.not_charged']);
    await w.run(id);
    expect(w.notifier.finals(id)).toHaveLength(1);
  });

  it('failover into a charged step mid-run without consent asks, and spends nothing until the answer', async () => {
    await w.router.setDown('runway', true);
    w.paid.leonardo.script = 'job_fails';
    const a = await w.account('starter', { monthly: true });
    await w.gen.service.request(a, { kind: 'video', prompt: 'forest' });
    const id = await w.lastId(a.userId);
    const before = await w.ledger.balance(a.userId);
    await w.run(id);
    expect((await w.store.get(id))!.status).toBe('awaiting_consent');
    expect(w.notifier.pushes.filter((p) => p.key === `generation:${id}:consent:1`)).toHaveLength(1);
    expect(await w.ledger.balance(a.userId)).toEqual(before);
    expect(await w.reservations(a.userId)).toBe(0);
    await w.gen.service.consent(a, id, 'points');
    await w.run(id);
    expect((await w.store.get(id))!).toMatchObject({ status: 'succeeded', provider: 'pollo', pointsCost: 5 });
    expect((await w.ledger.balance(a.userId)).total).toBe(before.total - 5);
  });
});

describe('provider hiccups', () => {
  it('a few failed status checks are waited out: no failover, no second submission', async () => {
    const a = await w.account('starter');
    await w.gen.service.request(a, { kind: 'video', prompt: 'ocean' });
    const id = await w.lastId(a.userId);
    flakyPolls(w.paid.leonardo, 2);
    await w.run(id);
    expect((await w.store.get(id))!).toMatchObject({ status: 'succeeded', provider: 'leonardo' });
    expect(w.paid.runway.submissions).toHaveLength(0);
    delete (w.paid.leonardo as { poll?: unknown }).poll; // back to the prototype's poll
  });
});

describe('cancel', () => {
  it('while queued releases the points at once and dequeues', async () => {
    await bothDown();
    const a = await w.account('starter', { autoPay: true, purchased: 30 });
    await w.gen.service.request(a, { kind: 'video', prompt: 'space' });
    const id = await w.lastId(a.userId);
    expect((await w.ledger.balance(a.userId)).purchased).toBe(25);
    const replies = await w.gen.service.cancel(a);
    expect(keys(replies as never)).toEqual(['core.canceled', 'core.receipt.not_charged']);
    expect(await w.ledger.balance(a.userId)).toMatchObject({ purchased: 30 });
    expect(w.jobs.canceled).toContain(id);
    expect(await w.run(id)).toBe('done');
    expect(w.paid.pollo.submissions).toHaveLength(0);
    expect(w.notifier.finals(id)).toHaveLength(0); // the user already got the answer
  });

  it('after the provider started asks it to cancel and releases when it confirms', async () => {
    await bothDown();
    const a = await w.account('starter', { autoPay: true, purchased: 30 });
    await w.gen.service.request(a, { kind: 'video', prompt: 'city' });
    const id = await w.lastId(a.userId);
    w.paid.pollo.script = 'hang';
    const running = w.run(id);
    for (let i = 0; i < 200 && !(await w.store.get(id))!.providerJobId; i++)
      await new Promise((r) => setTimeout(r, 10));
    const jobId = (await w.store.get(id))!.providerJobId!;
    const replies = await w.gen.service.cancel(a, id.slice(0, 8));
    expect(w.paid.pollo.cancels).toContain(jobId);
    expect(await running).toBe('done');
    // Whoever settles the cancel (this call or the run that saw the request first) answers, exactly once.
    expect([...keys(replies as never), ...finalKeys(id)]).toEqual(['core.canceled', 'core.receipt.not_charged']);
    expect((await w.store.get(id))!.status).toBe('canceled');
    expect(await w.ledger.balance(a.userId)).toMatchObject({ purchased: 30 });
  });
});

describe('settling and admin', () => {
  it('settleStuck fails and refunds a stuck generation exactly once', async () => {
    await bothDown();
    const a = await w.account('starter', { autoPay: true, purchased: 30 });
    await w.gen.service.request(a, { kind: 'video', prompt: 'ocean' });
    const id = await w.lastId(a.userId);
    const later = new Date(Date.now() + 101 * 60_000);
    expect(await w.gen.runner.settleStuck(later)).toBeGreaterThanOrEqual(1);
    expect(await w.gen.runner.settleStuck(later)).toBe(0);
    expect((await w.store.get(id))!).toMatchObject({ status: 'failed', errorCode: 'stuck' });
    expect(await w.ledger.balance(a.userId)).toMatchObject({ purchased: 30 });
    expect(finalKeys(id)).toEqual(['core.failed.timeout', 'core.receipt.not_charged']);
    expect(await w.gen.runner.pendingIds()).not.toContain(id);
  });

  it('admin refund credits a charged video back once', async () => {
    await bothDown();
    const a = await w.account('starter', { autoPay: true, purchased: 30 });
    await w.gen.service.request(a, { kind: 'video', prompt: 'dog' });
    const id = await w.lastId(a.userId);
    await w.run(id);
    expect((await w.ledger.balance(a.userId)).purchased).toBe(25);
    expect(await w.gen.admin.refund(id, 'admin:1')).toMatchObject([
      { message: { key: 'core.admin.refunded', params: { points: 5 } } },
    ]);
    expect(await w.gen.admin.refund(id.slice(0, 8), 'admin:1')).toMatchObject([
      { message: { key: 'core.admin.refund_already' } },
    ]);
    expect(await w.gen.admin.refund('ffffffff', 'admin:1')).toMatchObject([
      { message: { key: 'core.admin.not_found' } },
    ]);
    expect((await w.ledger.balance(a.userId)).purchased).toBe(30);
    const spend = await w.gen.admin.spend(new Date());
    expect(spend[0]).toMatchObject({ message: { key: 'core.admin.spend_total' } });
    expect(JSON.stringify(spend)).toContain('"provider":"pollo"');
    expect(keys((await w.gen.admin.stats()) as never)).toEqual(['core.admin.stats']);
  });

  it('status and history show position, estimate and cost', async () => {
    const a = await w.account('unlimited', { monthly: true });
    await w.gen.service.request(a, { kind: 'video', prompt: 'cat' });
    const id = await w.lastId(a.userId);
    expect(w.jobs.enqueued.find((e) => e.id === id)!.priority).toBe('high');
    const st = await w.gen.service.status(a);
    expect(st).toMatchObject([{ message: { key: 'core.status.queued', params: { id: id.slice(0, 8) } } }]);
    await w.run(id);
    expect(await w.gen.service.status(a)).toMatchObject([{ message: { key: 'core.status.none' } }]);
    expect(await w.gen.service.history(a)).toMatchObject([
      { message: { key: 'core.history.succeeded', params: { cost: 0 } } },
    ]);
    const page = await w.gen.service.list(a.userId, { limit: 10, offset: 0 });
    expect(page.total).toBe(1);
    expect(page.items[0]).toMatchObject({
      id,
      status: 'succeeded',
      previewUrl: `https://vidgo.test/media/generations/${id}/preview.jpg`,
    });
    expect(await w.gen.service.get('00000000-0000-0000-0000-000000000000', id)).toBeNull();
  });
});

describe('moderation', () => {
  it('a refusal says why and offers an appeal; repeated violations ban', async () => {
    const a = await w.account('starter');
    expect(await w.gen.service.request(a, { kind: 'video', prompt: 'gore everywhere' })).toMatchObject([
      { message: { key: 'moderation.refused.violence' }, choices: [{ command: '/appeal' }] },
    ]);
    await w.gen.service.request(a, { kind: 'video', prompt: 'nude' });
    const third = await w.gen.service.request(a, { kind: 'video', prompt: 'more gore' });
    expect(keys(third as never)).toEqual(['moderation.refused.violence', 'core.banned_now']);
    expect(await w.gen.service.request(a, { kind: 'video', prompt: 'a calm lake' })).toMatchObject([
      { message: { key: 'core.banned' } },
    ]);
    expect((await w.store.listForUser(a.userId, 10, 0)).total).toBe(0);
  });
});
