// What the runner does with a provider's video before it is delivered: scaled down above the tier's height,
// watermarked (clean master kept) when the tier says so, the local file handed to adapters, no temp file left.
// And the consent gate: the use cases hold a ledger view without `reserve`; points move only via the PointCharger.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildWorld, type World } from './support/build.ts';

let w: World;
beforeAll(async () => {
  w = await buildWorld();
}, 60_000);
afterAll(async () => w?.close());
beforeEach(async () => w.resetProviders());

const tmpFiles = () => (fs.existsSync(path.join(w.dir, 'tmp')) ? fs.readdirSync(path.join(w.dir, 'tmp')) : []);
const videoOf = (id: string) =>
  w.notifier
    .finals(id)
    .flatMap((p) => p.replies)
    .find((r) => r.kind === 'video') as { localPath?: string; videoUrl: string } | undefined;

describe('stored media', () => {
  it('a video within the tier is stored as it came: no watermark, local path on the reply, no temp file left', async () => {
    const a = await w.account('starter');
    await w.gen.service.request(a, { kind: 'video', prompt: 'a quiet harbour' });
    const id = await w.lastId(a.userId);
    await w.run(id);
    const g = (await w.store.get(id))!;
    expect(g).toMatchObject({ status: 'succeeded', watermarked: false, masterKey: null });
    const file = videoOf(id)!.localPath!;
    expect(file).toBe(path.join(w.dir, 'media', 'generations', id, 'video.mp4'));
    expect((await w.mediaTools.probe(file)).height).toBe(180);
    expect(tmpFiles()).toEqual([]);
    // The updates before the final message: a start and a storing stage.
    expect(
      w.notifier.pushes.filter((p) => p.replies.some((r) => r.kind === 'progress' && r.generationId === id)).length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('a video taller than the tier allows is transcoded down to the tier height', async () => {
    const saved = w.deps.settings.maxHeight;
    w.deps.settings.maxHeight = { '720p': 90, '1080p': 90, '4k': 90 }; // the 180 px sample is "too tall" here
    try {
      const a = await w.account('starter');
      await w.gen.service.request(a, { kind: 'video', prompt: 'tall waves' });
      const id = await w.lastId(a.userId);
      await w.run(id);
      expect((await w.mediaTools.probe(videoOf(id)!.localPath!)).height).toBe(90);
      expect(tmpFiles()).toEqual([]);
    } finally {
      w.deps.settings.maxHeight = saved;
    }
  });

  it('a user whose plan ended while queued gets the Demo treatment: watermarked copy, clean master kept privately', async () => {
    const a = await w.account('starter');
    await w.gen.service.request(a, { kind: 'video', prompt: 'a red kite' });
    const id = await w.lastId(a.userId);
    await w.db.sequelize.query(
      `UPDATE subscriptions SET status = 'expired', end_date = now() - interval '1 day' WHERE user_id = :u`,
      { replacements: { u: a.userId } },
    );
    await w.run(id);
    const g = (await w.store.get(id))!;
    expect(g).toMatchObject({
      status: 'succeeded',
      watermarked: true,
      masterKey: `private/generations/${id}/master.mp4`,
    });
    const marked = fs.readFileSync(videoOf(id)!.localPath!);
    const master = fs.readFileSync(path.join(w.dir, 'media', g.masterKey!));
    expect(marked.equals(master)).toBe(false);
    expect(tmpFiles()).toEqual([]);
  });

  it('the use cases cannot reserve: their ledger has no reserve, holds go through the charger', async () => {
    expect('reserve' in w.deps.ledger).toBe(false);
    expect(typeof w.deps.charger.hold).toBe('function');
  });
});
