// Background work after a webhook answer: at most `concurrency` pieces at once, started in arrival order, idle()
// waiting for the queued ones too; queued inbox work that waited long enough is re-checked against the inbox row
// (real PostgreSQL) so an event a resume sweep took meanwhile is not handled twice.
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Background } from '../../bot/background.ts';
import { SqlChatStore } from '../../infra/db/chat-store.ts';
import { createTestDatabase, type TestDb } from '../helpers/db.ts';

function gate() {
  let open!: () => void;
  const p = new Promise<void>((r) => (open = r));
  return { p, open };
}
const turns = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
};

describe('Background', () => {
  it('runs at most N at once, starts them first come first served, and idle() waits for the queued ones', async () => {
    const bg = new Background(undefined, undefined, { concurrency: 2 });
    const gates = Array.from({ length: 5 }, gate);
    const started: number[] = [];
    const finished: number[] = [];
    let now = 0;
    let most = 0;
    gates.forEach((g, i) =>
      bg.run(`t${i}`, async () => {
        started.push(i);
        most = Math.max(most, ++now);
        await g.p;
        now--;
        finished.push(i);
      }),
    );
    let idle = false;
    const waiting = bg.idle().then(() => {
      idle = true;
    });

    await turns();
    expect(started).toEqual([0, 1]);
    expect(bg.active).toBe(2);
    expect(bg.waiting).toBe(3);
    gates[1]!.open(); // the second ends first: the third (not a later one) takes its place
    await turns();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.open();
    await turns();
    expect(started).toEqual([0, 1, 2, 3]);
    expect(idle).toBe(false);
    gates[3]!.open();
    gates[2]!.open();
    await turns();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(idle).toBe(false);
    gates[4]!.open();
    await waiting;
    expect(idle).toBe(true);
    expect(most).toBe(2);
    expect(finished).toEqual([1, 0, 3, 2, 4]);
  });

  it('a failure frees its slot and is logged, the queue goes on', async () => {
    const errors: string[] = [];
    const bg = new Background({ error: (_o, m) => errors.push(m) }, undefined, { concurrency: 1 });
    const ran: string[] = [];
    bg.run('bad', async () => {
      ran.push('bad');
      throw new Error('boom');
    });
    bg.run('good', async () => {
      ran.push('good');
    });
    await bg.idle();
    expect(ran).toEqual(['bad', 'good']);
    expect(errors).toEqual(['background work failed']);
  });

  it('work that waited past recheckAfterMs runs only when its check still says it is ours', async () => {
    const bg = new Background(undefined, undefined, { concurrency: 1, recheckAfterMs: 0 });
    const ran: string[] = [];
    const asked: string[] = [];
    bg.run(
      'mine',
      async () => {
        ran.push('mine');
      },
      async () => {
        asked.push('mine');
        return true;
      },
    );
    bg.run(
      'taken',
      async () => {
        ran.push('taken');
      },
      async () => {
        asked.push('taken');
        return false;
      },
    );
    await bg.idle();
    expect(asked).toEqual(['mine', 'taken']);
    expect(ran).toEqual(['mine']);

    const patient = new Background(undefined, undefined, { concurrency: 1, recheckAfterMs: 60_000 });
    patient.run(
      'fresh',
      async () => {
        ran.push('fresh');
      },
      async () => {
        asked.push('fresh');
        return false;
      },
    );
    await patient.idle();
    expect(asked).not.toContain('fresh'); // not asked before the lease could have lapsed: no extra round trip
    expect(ran).toEqual(['mine', 'fresh']);
  });
});

describe('SqlChatStore.renewFresh', () => {
  let db: TestDb;
  let store: SqlChatStore;
  beforeAll(async () => {
    db = await createTestDatabase();
    store = new SqlChatStore(db.sequelize);
  }, 60_000);
  afterAll(async () => db?.drop());

  const row = async (id: string) =>
    (
      await db.sequelize.query<{ status: string; attempts: number }>(
        `SELECT status, attempts FROM processed_events WHERE source = 'line' AND event_id = $1`,
        { bind: [id], type: QueryTypes.SELECT },
      )
    )[0]!;

  it('renews an event accepted here and not claimed since, and refuses one a resume sweep claimed or one finished', async () => {
    expect(await store.accept('line', 'ev-queued', { n: 1 })).toBe(true);
    expect(await store.renewFresh('line', 'ev-queued')).toBe(true);
    // Fresh lease: a sweep with a long age leaves it alone.
    expect(await store.claimStale(['line'], 60_000, 5)).toEqual([]);

    expect(await store.accept('line', 'ev-abandoned', { n: 2 })).toBe(true);
    await db.sequelize.query(
      `UPDATE processed_events SET updated_at = now() - interval '2 minutes' WHERE event_id = 'ev-abandoned'`,
    );
    const claimed = await store.claimStale(['line'], 60_000, 5);
    expect(claimed.map((c) => c.eventId)).toEqual(['ev-abandoned']);
    expect(await store.renewFresh('line', 'ev-abandoned')).toBe(false); // the sweep handles it, the queue skips it
    expect((await row('ev-abandoned')).attempts).toBe(2);

    await store.finish('line', 'ev-queued');
    expect(await store.renewFresh('line', 'ev-queued')).toBe(false);
    expect(await store.renewFresh('line', 'ev-unknown')).toBe(false);
  });
});
