// The generation use case names the generation it created or answered (requestOutcome / consentOutcome): chat
// adapters tie their waiting UI to that id, so it must be this request's own, even for requests at the same instant.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorld, keys, type World } from './support/build.ts';

let w: World;
beforeAll(async () => {
  w = await buildWorld();
}, 60_000);
afterAll(async () => w?.close());

const idOf = async (requestKey: string) => (await w.store.byRequestKey(requestKey))!.id;

describe('the generation a request made', () => {
  it('two requests from one user at the same instant: each names its own generation', async () => {
    const a = await w.account('starter', { autoPay: true, purchased: 30 });
    const [one, two] = await Promise.all([
      w.gen.service.requestOutcome(a, { kind: 'video', prompt: 'a kite over dunes', requestKey: 'telegram:9001' }),
      w.gen.service.requestOutcome(a, { kind: 'video', prompt: 'a lantern on water', requestKey: 'telegram:9002' }),
    ]);
    expect(keys(one!.replies as never)[0]).toBe('core.queued');
    expect(keys(two!.replies as never)[0]).toBe('core.queued');
    expect(one!.generationId).toBe(await idOf('telegram:9001'));
    expect(two!.generationId).toBe(await idOf('telegram:9002'));
    expect(one!.generationId).not.toBe(two!.generationId);
    expect((await w.gen.service.get(a.userId, one!.generationId!))!.prompt).toBe('a kite over dunes');
    expect((await w.gen.service.get(a.userId, two!.generationId!))!.prompt).toBe('a lantern on water');
  });

  it('a replayed request key names the first generation: in a row, after it finished, and five at once', async () => {
    const a = await w.account('demo');
    const first = await w.gen.service.requestOutcome(a, {
      kind: 'video',
      prompt: 'a dog on a beach',
      requestKey: 'line:replay-1',
    });
    expect(first.generationId).toBe(await idOf('line:replay-1'));
    const again = await w.gen.service.requestOutcome(a, {
      kind: 'video',
      prompt: 'a dog on a beach',
      requestKey: 'line:replay-1',
    });
    expect(again.generationId).toBe(first.generationId);
    await w.run(first.generationId!);
    const late = await w.gen.service.requestOutcome(a, {
      kind: 'video',
      prompt: 'a dog on a beach',
      requestKey: 'line:replay-1',
    });
    expect(keys(late.replies as never)[0]).toMatch(/^core\.receipt\./);
    expect(late.generationId).toBe(first.generationId);
    const burst = await Promise.all(
      Array.from({ length: 5 }, () =>
        w.gen.service.requestOutcome(a, { kind: 'video', prompt: 'a dog on a beach', requestKey: 'line:replay-2' }),
      ),
    );
    expect(new Set(burst.map((o) => o.generationId))).toEqual(new Set([await idOf('line:replay-2')]));
    expect((await w.store.listForUser(a.userId, 10, 0)).total).toBe(2);
  });

  it('a request that makes nothing names no generation; request() still returns the replies alone', async () => {
    const a = await w.account('demo');
    const refused = await w.gen.service.requestOutcome(a, {
      kind: 'style',
      style: 'anime',
      prompt: 'a castle',
      requestKey: 'line:none-1',
    });
    expect(keys(refused.replies as never)).toEqual(['core.tier.demo_only']);
    expect(refused.generationId).toBeUndefined();
    const plain = await w.gen.service.request(a, { kind: 'video', prompt: 'a cat', requestKey: 'line:none-2' });
    expect(Array.isArray(plain)).toBe(true);
    expect(keys(plain as never)[0]).toBe('core.demo.queued');
  });

  it("a consent answer names the generation it answered, also when answered again; not another user's", async () => {
    await w.router.setDown('leonardo', true);
    await w.router.setDown('runway', true);
    try {
      const a = await w.account('starter', { purchased: 30 });
      const asked = await w.gen.service.requestOutcome(a, {
        kind: 'video',
        prompt: 'a red fox',
        requestKey: 'line:consent-1',
      });
      expect(keys(asked.replies as never)).toEqual(['core.consent.question']);
      expect(asked.generationId).toBe(await idOf('line:consent-1'));
      const other = await w.account('starter', { purchased: 30 });
      const foreign = await w.gen.service.consentOutcome(other, asked.generationId!, 'points');
      expect(keys(foreign.replies as never)).toEqual(['core.consent.not_pending']);
      expect(foreign.generationId).toBeUndefined();
      const answered = await w.gen.service.consentOutcome(a, asked.generationId!, 'points');
      expect(keys(answered.replies as never)).toEqual(['core.queued', 'core.reserved']);
      expect(answered.generationId).toBe(asked.generationId);
      const twice = await w.gen.service.consentOutcome(a, asked.generationId!, 'points');
      expect(keys(twice.replies as never)).toEqual(['core.consent.not_pending']);
      expect(twice.generationId).toBe(asked.generationId);
      expect(await w.reservations(a.userId)).toBe(1);
    } finally {
      await w.resetProviders();
    }
  });
});
