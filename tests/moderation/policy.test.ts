// Moderation policy on the real PostgreSQL: every verdict recorded, strikes, automatic bans in the window,
// admin ban/unban, flagged items, appeals once per refusal, and the keyword overrides an approval records.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDb } from '../helpers/db.ts';
import { ModerationPolicy, overrideKey, type ModerationRepository } from '../../core/moderation/index.ts';
import { KeywordModerator } from '../../infra/moderation/index.ts';
import { SqlModerationRepository } from '../../infra/db/moderation-repo.ts';
import { loadResources } from '../../infra/i18n.ts';
import { LOCALES } from '../../core/model.ts';
import { systemClock } from '../../core/ports.ts';
import { newUser, TestClock } from '../ledger/helpers.ts';

let db: TestDb;
let policy: ModerationPolicy;
const keyword = new KeywordModerator();
/** What the generation use case does with a prompt: check it, record the verdict. */
async function screen(userId: string, text: string) {
  const verdict = await keyword.check(text);
  return { ...verdict, ...(await policy.record(userId, text, verdict)) };
}
const clock = new TestClock(new Date('2026-11-10T00:00:00Z'));
const HOUR = 3_600_000;

beforeAll(async () => {
  db = await createTestDatabase();
  policy = new ModerationPolicy(new SqlModerationRepository(db.sequelize), clock, {
    banThreshold: 3,
    banWindowHours: 24,
  });
});
afterAll(() => db.drop());

describe('ModerationPolicy', () => {
  it('records every verdict with its category and source', async () => {
    const u = await newUser(db.sequelize);
    expect(await screen(u, 'a cat playing piano')).toMatchObject({ allowed: true });
    const r = await screen(u, 'school shooting');
    expect(r).toMatchObject({ allowed: false, category: 'violence', source: 'keyword', banned: false });
    const [{ n }] = (
      await db.sequelize.query('SELECT COUNT(*)::int AS n FROM moderation_events WHERE user_id = ?', {
        replacements: [u],
      })
    )[0] as [{ n: number }];
    expect(n).toBe(2);
    expect(await policy.lastRefusal(u)).toMatchObject({
      id: r.eventId,
      text: 'school shooting',
      category: 'violence',
      appealStatus: 'none',
      source: 'keyword',
    });
  });

  it('bans automatically at the threshold within the window, not outside it', async () => {
    const u = await newUser(db.sequelize);
    clock.set('2026-11-10T00:00:00Z');
    await screen(u, 'porn');
    clock.advance(25 * HOUR); // the first strike leaves the window
    await screen(u, 'gore');
    expect(await screen(u, 'p0rn')).toMatchObject({ allowed: false, banned: false });
    expect(await policy.isBanned(u)).toBe(false);
    expect(await screen(u, 'x x x')).toMatchObject({ allowed: false, banned: true });
    expect(await policy.isBanned(u)).toBe(true);
    expect((await policy.activeBan(u))!.source).toBe('auto');
  });

  it('concurrent refusals ban exactly once', async () => {
    const u = await newUser(db.sequelize);
    const results = await Promise.all(Array.from({ length: 6 }, () => screen(u, 'nude')));
    expect(results.some((r) => !r.allowed && r.banned)).toBe(true);
    const [{ n }] = (
      await db.sequelize.query('SELECT COUNT(*)::int AS n FROM bans WHERE user_id = ?', { replacements: [u] })
    )[0] as [{ n: number }];
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
    for (let i = 0; i < 2; i++) await screen(u, 'gore');
    clock.advance(1000);
    await policy.unban(u, 'n/a', 'x'); // nothing to lift
    expect(await policy.strikes(u)).toBe(2);
    await policy.ban(u, 'manual', 'admin');
    clock.advance(1000);
    await policy.unban(u, 'second chance', 'admin');
    clock.advance(1000);
    expect(await policy.strikes(u)).toBe(0);
    expect(await screen(u, 'gore')).toMatchObject({ banned: false });
  });

  it('appeals: one per refusal, pending for admins, decided once; approved refusals stop counting and lift an auto-ban', async () => {
    const u = await newUser(db.sequelize);
    const other = await newUser(db.sequelize);
    const a = await screen(u, 'decapitation video');
    clock.advance(1000);
    const b = await screen(u, 'torture scene');
    clock.advance(1000);
    const c = await screen(u, 'meth');
    clock.advance(1000);
    expect(c).toMatchObject({ banned: true });
    const allowed = await screen(u, 'a cat');

    expect(await policy.fileAppeal(c.eventId, 'it was about a chemistry class', other)).toBe(false); // not theirs
    expect(await policy.fileAppeal(allowed.eventId, 'nothing to appeal')).toBe(false);
    const filed = await Promise.all([
      policy.fileAppeal(c.eventId, 'chemistry class', u),
      policy.fileAppeal(c.eventId, 'again', u),
    ]);
    expect(filed.sort()).toEqual([false, true]);
    expect((await policy.pendingAppeals()).filter((e) => e.userId === u).map((e) => e.id)).toEqual([c.eventId]);
    expect((await policy.lastRefusal(u))!.appealStatus).toBe('pending');

    expect(await policy.decideAppeal(c.eventId, 'approve', 'line:Uadmin')).toMatchObject({
      decision: 'approve',
      unbanned: true,
      event: { userId: u },
    });
    expect(await policy.decideAppeal(c.eventId, 'reject', 'line:Uadmin')).toBeNull();
    expect(await policy.strikes(u)).toBeLessThan(3);
    expect(await policy.isBanned(u)).toBe(false);

    await policy.fileAppeal(a.eventId, 'history documentary', u);
    expect(await policy.decideAppeal(a.eventId, 'reject', 'line:Uadmin')).toMatchObject({
      decision: 'reject',
      unbanned: false,
    });
    expect(await policy.strikes(u)).toBe(2); // a rejected appeal still counts
    expect((await policy.flagged(50)).map((e) => e.id)).toEqual(
      expect.arrayContaining([a.eventId, b.eventId, c.eventId]),
    );
    expect((await policy.flagged(50)).find((e) => e.id === c.eventId)).toMatchObject({
      appealStatus: 'approved',
      decidedBy: 'line:Uadmin',
    });
  });

  it('an admin ban is not lifted by an approved appeal', async () => {
    const u = await newUser(db.sequelize);
    const r = await screen(u, 'gore');
    await policy.ban(u, 'abuse', 'admin');
    await policy.fileAppeal(r.eventId, 'please', u);
    expect(await policy.decideAppeal(r.eventId, 'approve', 'admin')).toMatchObject({ unbanned: false });
    expect(await policy.isBanned(u)).toBe(true);
  });

  it('approving a keyword refusal lets that prompt past the keyword filter; a rejection does not', async () => {
    const u = await newUser(db.sequelize);
    const overrides = policy.keywordOverrides();
    const a = await screen(u, 'Extreme  GORE scene');
    const b = await screen(u, 'torture scene');
    await policy.fileAppeal(a.eventId, 'special effects makeup tutorial', u);
    await policy.fileAppeal(b.eventId, 'a horror film', u);
    expect(await overrides.allows('extreme gore scene')).toBe(false);
    await policy.decideAppeal(a.eventId, 'approve', 'telegram:7777');
    await policy.decideAppeal(b.eventId, 'reject', 'telegram:7777');
    expect(await overrides.allows('extreme gore scene')).toBe(true); // case and spacing folded
    expect(await overrides.allows('extreme gore scene, close up')).toBe(false); // that prompt only
    expect(await overrides.allows('torture scene')).toBe(false);
    expect(overrideKey('Ｘ  y')).toBe(overrideKey('x y'));
  });

  it('has a refusal message per category in all five languages', () => {
    const res = loadResources();
    for (const cat of ['sexual', 'minors', 'violence', 'illegal', 'hate', 'self_harm', 'other'] as const) {
      for (const lng of LOCALES) {
        const text = ['moderation', 'refused', cat].reduce<unknown>(
          (o, k) => (o as Record<string, unknown>)?.[k],
          res[lng],
        );
        expect(typeof text, `${lng} ${cat}`).toBe('string');
      }
    }
  });
});

describe('ModerationPolicy.record', () => {
  it('a verdict is recorded for the user, with the text and verdict it was given', async () => {
    const inserted: unknown[] = [];
    const repo = {
      insertEvent: async (e: { userId: string }) => (inserted.push(e), { id: 'event-9', ...e }),
      lastLiftedAt: async () => null,
      countStrikes: async () => 1,
      activeBan: async () => null,
    } as unknown as ModerationRepository;
    const policy = new ModerationPolicy(repo, systemClock, { banThreshold: 3, banWindowHours: 24 });
    const verdict = { allowed: false, category: 'violence', reason: 'keyword: gore:gore', source: 'keyword' } as const;
    expect(await policy.record('user-1', 'gore', verdict)).toEqual({
      eventId: 'event-9',
      banned: false,
    });
    expect(inserted).toEqual([
      expect.objectContaining({
        userId: 'user-1',
        text: 'gore',
        verdict: 'blocked',
        category: 'violence',
        source: 'keyword',
      }),
    ]);
  });
});
