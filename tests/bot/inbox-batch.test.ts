// The batched inbox (bot/inbox-batch.ts) on the real SqlChatStore and PostgreSQL: concurrent accepts share one
// INSERT, a request arriving during a flush joins the next one and is not answered before that one commits, each
// request learns whether ITS event was new (one "new" per event however many copies race), a payload PostgreSQL
// refuses fails only its own request; and through the real routes, concurrent deliveries of distinct and of
// duplicated events give one row and one handling per event.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChatWorld, LINE_SECRET, TG_SECRET, type ChatWorld } from './support/world.ts';
import { BatchedInbox, type BatchableInboxStore } from '../../bot/inbox-batch.ts';

let w: ChatWorld;
beforeAll(async () => {
  w = await buildChatWorld();
}, 60_000);
afterAll(async () => w?.close());

type Ev = { source: string; eventId: string; payload: unknown };
/** The real store, recording each acceptMany's events; `hold` keeps the next statement from starting until released. */
function recording(store: BatchableInboxStore) {
  const calls: string[][] = [];
  let gate: { entered: () => void; open: Promise<void> } | undefined;
  const wrapped = Object.create(store) as BatchableInboxStore;
  wrapped.acceptMany = async (events: Ev[]) => {
    calls.push(events.map((e) => e.eventId));
    const g = gate;
    gate = undefined;
    if (g) {
      g.entered();
      await g.open;
    }
    return store.acceptMany(events);
  };
  const hold = () => {
    let release!: () => void;
    let entered!: () => void;
    const inside = new Promise<void>((r) => {
      entered = r;
    });
    gate = {
      entered,
      open: new Promise<void>((r) => {
        release = r;
      }),
    };
    return { inside, release };
  };
  return { store: wrapped, calls, hold };
}
const rows = (source: string, prefix: string) =>
  w.q<{ event_id: string; status: string; attempts: number }>(
    `SELECT event_id, status, attempts FROM processed_events WHERE source = $1 AND event_id LIKE $2 ORDER BY event_id`,
    [source, `${prefix}%`],
  );

describe('batched inbox', () => {
  it('concurrent accepts of distinct events and of one event sent 5 times: one INSERT, one "new" per event', async () => {
    const r = recording(w.bot.store);
    const inbox = new BatchedInbox(r.store);
    const distinct = Array.from({ length: 10 }, (_, i) => `B1-${i}`);
    const sent = [...distinct, 'B1-dup', 'B1-dup', 'B1-dup', 'B1-dup', 'B1-dup'];
    const answers = await Promise.all(sent.map((id) => inbox.accept('line', id, { id })));
    expect(answers.slice(0, 10)).toEqual(Array(10).fill(true));
    expect(answers.slice(10)).toEqual([true, false, false, false, false]);
    expect(r.calls).toHaveLength(1);
    const stored = await rows('line', 'B1-');
    expect(stored).toHaveLength(11);
    expect(stored.every((x) => x.status === 'received' && x.attempts === 1)).toBe(true);

    // Redelivered later (all of them, concurrently): every one is a duplicate; no row added.
    expect(await Promise.all(sent.map((id) => inbox.accept('line', id, { id })))).toEqual(Array(15).fill(false));
    expect(await rows('line', 'B1-')).toHaveLength(11);

    // Done marks of the same events, concurrently, plus one id that cannot be inlined (goes alone, bound).
    expect(await inbox.accept('line', 'B1- odd id', {})).toBe(true);
    await Promise.all([...distinct, 'B1-dup', 'B1- odd id'].map((id) => inbox.finish('line', id)));
    expect((await rows('line', 'B1-')).map((x) => x.status)).toEqual(Array(12).fill('done'));
  });

  it('a request arriving while a flush is in flight joins the next batch and is answered only after that batch commits', async () => {
    const r = recording(w.bot.store);
    const inbox = new BatchedInbox(r.store, { maxBatch: 3 });
    const gate = r.hold();
    const first = inbox.accept('line', 'B2-a', {});
    await gate.inside; // the first statement is in flight (held before it reaches PostgreSQL)
    const settled: string[] = [];
    const later = ['B2-b', 'B2-c', 'B2-d', 'B2-e', 'B2-b'].map((id) =>
      inbox.accept('line', id, {}).then((x) => {
        settled.push(id);
        return x;
      }),
    );
    await new Promise((res) => setTimeout(res, 20));
    expect(settled).toEqual([]); // nobody answered while the first batch has not committed
    expect(await rows('line', 'B2-')).toHaveLength(0);
    gate.release();
    expect(await first).toBe(true);
    expect(await Promise.all(later)).toEqual([true, true, true, true, false]);
    expect(r.calls).toEqual([['B2-a'], ['B2-b', 'B2-c', 'B2-d'], ['B2-e', 'B2-b']]); // maxBatch 3, in arrival order
    expect(await rows('line', 'B2-')).toHaveLength(5);
  });

  it('a payload PostgreSQL refuses fails only its own request; the rest of its batch is stored', async () => {
    const inbox = new BatchedInbox(w.bot.store);
    const outcomes = await Promise.allSettled([
      inbox.accept('line', 'B3-ok1', { text: 'fine' }),
      inbox.accept('line', 'B3-bad', { text: 'nul \u0000 byte' }), // jsonb has no \u0000
      inbox.accept('line', 'B3-ok2', { text: 'fine too' }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(
      outcomes.filter((o) => o.status === 'fulfilled').map((o) => (o as PromiseFulfilledResult<boolean>).value),
    ).toEqual([true, true]);
    expect((await rows('line', 'B3-')).map((x) => x.event_id)).toEqual(['B3-ok1', 'B3-ok2']);
  });
});

describe('webhook routes under concurrent deliveries', () => {
  const lineEvent = (id: string, token: string) => ({
    type: 'message',
    mode: 'active',
    timestamp: Date.now(),
    source: { type: 'user', userId: `U${id}` },
    webhookEventId: id,
    deliveryContext: { isRedelivery: false },
    replyToken: token,
    message: { id, type: 'text', quoteToken: 'q', text: '/help' },
  });
  const postLine = (ev: unknown) => {
    const payload = JSON.stringify({ destination: 'Ubot', events: [ev] });
    const sig = crypto.createHmac('sha256', LINE_SECRET).update(payload).digest('base64');
    return w.server.inject({
      method: 'POST',
      url: '/webhooks/line',
      payload,
      headers: { 'content-type': 'application/json', 'x-line-signature': sig },
    });
  };

  it('LINE: 12 distinct events and one event delivered 6 times, all at once: 200 each, one row and one reply per event', async () => {
    const distinct = Array.from({ length: 12 }, (_, i) =>
      lineEvent(`01BATCH${String(i).padStart(19, '0')}`, `bt-${i}`),
    );
    const dup = lineEvent('01BATCHDUP0000000000000000', 'bt-dup');
    const replyCalls = w.line.attempts.reply;
    const res = await Promise.all([...distinct, dup, dup, dup, dup, dup, dup].map(postLine));
    await w.bot.background.idle();
    expect(res.map((x) => x.statusCode)).toEqual(Array(18).fill(200));
    const stored = await rows('line', '01BATCH');
    expect(stored).toHaveLength(13);
    expect(stored.every((x) => x.status === 'done' && x.attempts === 1)).toBe(true);
    for (const token of [...distinct.map((e) => e.replyToken), 'bt-dup']) {
      expect(w.line.sent.filter((s) => s.kind === 'reply' && s.replyToken === token)).toHaveLength(1);
    }
    expect(w.line.attempts.reply - replyCalls).toBe(13); // each event handled once: no second reply try, no push fallback
    expect(w.line.sent.filter((s) => s.kind === 'push' && s.to === `U${dup.webhookEventId}`)).toHaveLength(0);
  });

  it('Telegram: one update delivered 4 times and 3 others, all at once: one row and one answer per update', async () => {
    const update = (id: number) => ({
      update_id: id,
      message: {
        message_id: id,
        date: 1,
        chat: { id: 777000 + id, type: 'private' },
        from: { id: 777000 + id, is_bot: false, first_name: 'B', language_code: 'en' },
        text: '/help',
      },
    });
    const before = w.telegram.calls.length;
    const post = (u: unknown) =>
      w.server.inject({
        method: 'POST',
        url: '/webhooks/telegram',
        payload: JSON.stringify(u),
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TG_SECRET },
      });
    const res = await Promise.all([881, 881, 882, 881, 883, 881, 884].map((id) => post(update(id))));
    await w.bot.background.idle();
    expect(res.map((x) => x.statusCode)).toEqual(Array(7).fill(200));
    const stored = await w.q<{ event_id: string; status: string }>(
      `SELECT event_id, status FROM processed_events WHERE source = 'telegram:4242' AND event_id IN ('881', '882', '883', '884') ORDER BY event_id`,
    );
    expect(stored).toEqual(['881', '882', '883', '884'].map((event_id) => ({ event_id, status: 'done' })));
    const chats = w.telegram.calls
      .slice(before)
      .filter((c) => c.method === 'sendMessage')
      .map((c) => Number(c.params.chat_id));
    for (const id of [881, 882, 883, 884]) expect(chats.filter((c) => c === 777000 + id)).toHaveLength(1);
  });
});
