// Moderation policy on the real PostgreSQL: every verdict recorded, strikes, automatic bans in the window,
// admin ban/unban, flagged items, and appeals once per refusal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDb } from '../helpers/db.ts';
import { KeywordModerator, ModerationPolicy, refusalMsg } from '../../core/moderation/index.ts';
import { SqlModerationRepository } from '../../infra/db/moderation-repo.ts';
import { loadResources } from '../../infra/i18n.ts';
import { LOCALES } from '../../core/model.ts';
import { newUser, TestClock } from './helpers.ts';

let db: TestDb;
let policy: ModerationPolicy;
const clock = new TestClock(new Date('2026-11-10T00:00:00Z'));
const HOUR = 3_600_000;

beforeAll(async () => {
  db = await createTestDatabase();
  policy = new ModerationPolicy(new KeywordModerator(), new SqlModerationRepository(db.sequelize), clock, { banThreshold: 3, banWindowHours: 24 });
});
afterAll(() => db.drop());

describe('ModerationPolicy', () => {
  it('records every verdict and answers a refusal with its category message', async () => {
    const u = await newUser(db.sequelize);
    expect(await policy.screen(u, 'a cat playing piano')).toMatchObject({ allowed: true });
    const r = await policy.screen(u, 'school shooting');
    expect(r).toMatchObject({ allowed: false, category: 'violence', msg: { key: 'moderation.refused.violence' }, banned: false });
    const [{ n }] = (await db.sequelize.query('SELECT COUNT(*)::int AS n FROM moderation_events WHERE user_id = ?', { replacements: [u] }))[0] as [{ n: number }];
    expect(n).toBe(2);
    expect(await policy.lastRefusal(u)).toMatchObject({ id: r.eventId, text: 'school shooting', category: 'violence', appealStatus: 'none', source: 'keyword' });
  });

  it('bans automatically at the threshold within the window, not outside it', async () => {
    const u = await newUser(db.sequelize);
    clock.set('2026-11-10T00:00:00Z');
    await policy.screen(u, 'porn');
    clock.advance(25 * HOUR); // the first strike leaves the window
    await policy.screen(u, 'gore');
    expect(await policy.screen(u, 'p0rn')).toMatchObject({ allowed: false, banned: false });
    expect(await policy.isBanned(u)).toBe(false);
    expect(await policy.screen(u, 'x x x')).toMatchObject({ allowed: false, banned: true });
    expect(await policy.isBanned(u)).toBe(true);
    expect((await policy.activeBan(u))!.source).toBe('auto');
  });

  it('concurrent refusals ban exactly once', async () => {
    const u = await newUser(db.sequelize);
    const results = await Promise.all(Array.from({ length: 6 }, () => policy.screen(u, 'nude')));
    expect(results.some((r) => !r.allowed && r.banned)).toBe(true);
    const [{ n }] = (await db.sequelize.query('SELECT COUNT(*)::int AS n FROM bans WHERE user_id = ?', { replacements: [u] }))[0] as [{ n: number }];
    expect(n).toBe(1);
  });

  it('admin ban and unban; an unban is a fresh start for strikes', async () => {
    const u = await newUser(db.sequelize);
    expect(await policy.ban(u, 'spam', 'telegram:42')).toBe(true);
    expect(await policy.ban(u, 'again', 'telegram:42')).toBe(false);
    expect(await policy.isBanned(u)).toBe(true);
    expect(await policy.unban(u, 'talked to them', 'telegram:42')).toBe(true);
    expect(await policy.unban(u, 'twice', 'telegram:42')).toBe(false);
    clock.advance(1000);
    for (let i = 0; i < 2; i++) await policy.screen(u, 'gore');
    clock.advance(1000);
    await policy.unban(u, 'n/a', 'x'); // nothing to lift
    expect(await policy.strikes(u)).toBe(2);
    await policy.ban(u, 'manual', 'admin');
    clock.advance(1000);
    await policy.unban(u, 'second chance', 'admin');
    clock.advance(1000);
    expect(await policy.strikes(u)).toBe(0);
    expect(await policy.screen(u, 'gore')).toMatchObject({ banned: false });
  });

  it('appeals: one per refusal, pending for admins, decided once; overturned refusals stop counting and lift an auto-ban', async () => {
    const u = await newUser(db.sequelize);
    const other = await newUser(db.sequelize);
    const a = await policy.screen(u, 'decapitation video');
    clock.advance(1000);
    const b = await policy.screen(u, 'torture scene');
    clock.advance(1000);
    const c = await policy.screen(u, 'meth');
    clock.advance(1000);
    expect(c).toMatchObject({ banned: true });
    const allowed = await policy.screen(u, 'a cat');

    expect(await policy.fileAppeal(c.eventId, 'it was about a chemistry class', other)).toBe(false); // not theirs
    expect(await policy.fileAppeal(allowed.eventId, 'nothing to appeal')).toBe(false);
    const filed = await Promise.all([policy.fileAppeal(c.eventId, 'chemistry class', u), policy.fileAppeal(c.eventId, 'again', u)]);
    expect(filed.sort()).toEqual([false, true]);
    expect((await policy.pendingAppeals()).filter((e) => e.userId === u).map((e) => e.id)).toEqual([c.eventId]);
    expect((await policy.lastRefusal(u))!.appealStatus).toBe('pending');

    expect(await policy.decideAppeal(c.eventId, 'overturn', 'line:Uadmin')).toBe(true);
    expect(await policy.decideAppeal(c.eventId, 'uphold', 'line:Uadmin')).toBe(false);
    expect(await policy.strikes(u)).toBeLessThan(3);
    expect(await policy.isBanned(u)).toBe(false);

    await policy.fileAppeal(a.eventId, 'history documentary', u);
    expect(await policy.decideAppeal(a.eventId, 'uphold', 'line:Uadmin')).toBe(true);
    expect((await policy.flagged(50)).map((e) => e.id)).toEqual(expect.arrayContaining([a.eventId, b.eventId, c.eventId]));
    expect((await policy.flagged(50)).find((e) => e.id === c.eventId)).toMatchObject({ appealStatus: 'overturned', decidedBy: 'line:Uadmin' });
  });

  it('an admin ban is not lifted by an overturned appeal', async () => {
    const u = await newUser(db.sequelize);
    const r = await policy.screen(u, 'gore');
    await policy.ban(u, 'abuse', 'admin');
    await policy.fileAppeal(r.eventId, 'please', u);
    await policy.decideAppeal(r.eventId, 'overturn', 'admin');
    expect(await policy.isBanned(u)).toBe(true);
  });

  it('has a refusal message per category in all five languages', () => {
    const res = loadResources();
    for (const cat of ['sexual', 'minors', 'violence', 'illegal', 'hate', 'self_harm', 'other'] as const) {
      const key = refusalMsg(cat).key.split('.');
      for (const lng of LOCALES) {
        const text = key.reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], res[lng]);
        expect(typeof text, `${lng} ${cat}`).toBe('string');
      }
    }
    expect(refusalMsg(undefined)).toEqual({ key: 'moderation.refused.other' });
  });
});
