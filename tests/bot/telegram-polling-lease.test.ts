// Telegram long polling on several instances: exactly one polls at a time (a PostgreSQL advisory lock on a
// dedicated connection), another takes over when the holder goes away or its connection is cut; and a 409
// Conflict from getUpdates (Telegram's answer to a second consumer) never ends the process: the runner is
// started again. The fake Bot API answers a held getUpdates with 409 when another consumer polls meanwhile.
import { Bot } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChatWorld, TG_TOKEN, type ChatWorld } from './support/world.ts';
import { startPolling, telegramPoller } from '../../bot/telegram/polling.ts';
import { holdExclusive } from '../../infra/db/exclusive-lease.ts';

let w: ChatWorld;
beforeAll(async () => {
  w = await buildChatWorld();
  w.telegram.ctl.holdMs = 200;
}, 60_000);
afterAll(async () => w?.close());

const lines: string[] = [];
const log = {
  info: (_o: object, m: string) => void lines.push(m),
  warn: (_o: object, m: string) => void lines.push(m),
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const newBot = () => new Bot(TG_TOKEN, { client: { apiRoot: w.telegram.url } });
let updateId = 90_000;
const message = (chat: number, text: string) => ({
  update_id: ++updateId,
  message: {
    message_id: updateId,
    date: Math.floor(Date.now() / 1000),
    chat: { id: chat, type: 'private', first_name: 'T' },
    from: { id: chat, is_bot: false, first_name: 'T', language_code: 'en' },
    text,
  },
});
const sentTo = (chat: number) => w.telegram.of('sendMessage').filter((c) => Number(c.params.chat_id) === chat);
async function until(check: () => boolean | Promise<boolean>, what: string, ms = 15_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await sleep(50);
  }
}

describe('Telegram long polling on two instances', () => {
  it('one lease holder polls; when it goes, or its connection is cut, the other takes over; never two at once', async () => {
    const instance = () => {
      const poller = telegramPoller(newBot(), w.bot.platforms.telegram!.inbox!.handle, w.bot.store, log, 300);
      const lease = holdExclusive({
        databaseUrl: w.db.url,
        name: 'telegram-polling:test',
        log,
        retryMs: 300,
        holder: { onHeld: () => poller.begin(), onLost: () => poller.end() },
      });
      return { poller, lease };
    };
    const a = instance();
    const b = instance();
    const both = [a, b];
    const pollingNow = () => both.filter((i) => i.poller.polling).length;
    let overlap = 0;
    const watch = setInterval(() => {
      if (pollingNow() > 1) overlap++;
    }, 10);
    try {
      await until(() => pollingNow() === 1, 'one poller');
      const conflictsBefore = w.telegram.polls.conflicts;
      await sleep(1_500);
      expect(pollingNow()).toBe(1);
      expect(w.telegram.polls.conflicts).toBe(conflictsBefore); // nobody fought over getUpdates
      w.telegram.updates.push(message(71, '/help'));
      await until(() => sentTo(71).length === 1, 'the update answered');

      // The holder's database session is cut (a failover, pg_terminate_backend): it stops, a holder polls again.
      const holder = both.find((i) => i.lease.held)!;
      await w.q(
        `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = 725002 AND granted`,
      );
      await until(() => !holder.poller.polling || !holder.lease.held, 'the cut holder stops', 5_000);
      await until(() => pollingNow() === 1 && both.some((i) => i.lease.held), 'a new holder polls');

      // The holder shuts down: the other one takes over.
      const current = both.find((i) => i.lease.held)!;
      const other = both.find((i) => i !== current)!;
      await current.lease.stop();
      await until(() => other.lease.held && other.poller.polling, 'the other instance takes over');
      w.telegram.updates.push(message(72, '/help'));
      await until(() => sentTo(72).length === 1, 'an update after the takeover answered');
      expect(overlap).toBe(0);
    } finally {
      clearInterval(watch);
      await Promise.all(both.map((i) => i.lease.stop()));
    }
  });

  it('a 409 Conflict from getUpdates is survived: said once, polling starts again, updates still arrive', async () => {
    lines.length = 0;
    const conflictsBefore = w.telegram.polls.conflicts;
    // Two consumers without a lease (a misconfigured deploy): Telegram ends one's long poll with 409 each time.
    const one = await startPolling(newBot(), w.bot.platforms.telegram!.inbox!.handle, w.bot.store, log);
    const two = await startPolling(newBot(), w.bot.platforms.telegram!.inbox!.handle, w.bot.store, log);
    try {
      await until(() => w.telegram.polls.conflicts > conflictsBefore, 'a 409 Conflict');
      w.telegram.updates.push(message(73, '/help'));
      await until(() => sentTo(73).length === 1, 'the update answered despite the conflicts');
      const said = lines.filter((l) => l.includes('409'));
      expect(said.length).toBeGreaterThanOrEqual(1);
      expect(said.length).toBeLessThanOrEqual(2); // once per poller, not once per conflict
    } finally {
      await one.stop();
      await two.stop();
    }
    expect(sentTo(73)).toHaveLength(1);
  });
});
