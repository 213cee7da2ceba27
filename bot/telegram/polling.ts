// Long polling when no webhook is configured (no secret or no public https URL): grammY runner, one update
// at a time per chat (sequentialize), through the same inbox as the webhook (deduplicated, kept until handled,
// so resumePending picks up what a crash interrupted). Webhook and polling exclude each other, so the webhook
// is deleted first (docs/outside-contracts.md §7).
// Telegram lets one getUpdates consumer poll a bot at a time and answers the other 409 Conflict; the runner treats
// 409 (and 401) as unrecoverable and rejects its task (node_modules/@grammyjs/runner/out/runner.js,
// throwIfUnrecoverable), which, unobserved, ends the process. Here that rejection is caught, said once, and the
// runner is started again after a pause. With several instances only the holder of the polling lease polls
// (bot/telegram/telegram-platform.ts), so a conflict is a short overlap during a takeover, not a fight.
import type { Bot } from 'grammy';
import { run, sequentialize, type RunnerHandle } from '@grammyjs/runner';
import { attempt, type InboxHandler, type InboxStore } from '../inbox.ts';
import { telegramSource } from './inbound.ts';

export interface PollingLog {
  info(o: object, m: string): void;
  warn(o: object, m: string): void;
}

const quiet: PollingLog = { info: () => {}, warn: () => {} };

export interface TelegramPoller {
  /** Deletes the webhook and polls until end(). */
  begin(): Promise<void>;
  end(): Promise<void>;
  readonly polling: boolean;
}

export function telegramPoller(
  bot: Bot,
  handleUpdate: InboxHandler,
  inbox: InboxStore,
  log: PollingLog = quiet,
  retryMs = 5_000,
): TelegramPoller {
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));
  bot.use(async (ctx) => {
    const source = telegramSource(String(ctx.me.id));
    const id = String(ctx.update.update_id);
    if (await inbox.accept(source, id, ctx.update)) await attempt(inbox, source, id, ctx.update, handleUpdate);
  });
  // A failed update stays in the inbox for resumePending, which retries it.
  bot.catch((err) => log.warn({ err: String(err.error ?? err) }, 'telegram update failed; the inbox retries it'));
  let handle: RunnerHandle | undefined;
  let timer: NodeJS.Timeout | undefined;
  let active = false;
  let troubled = false;

  const launch = () => {
    if (!active) return;
    const h = run(bot, { runner: { silent: true } });
    handle = h;
    h.task()?.catch((err: { error_code?: number; description?: string; message?: string }) => {
      if (!active || handle !== h) return;
      if (!troubled) {
        troubled = true;
        log.warn(
          { code: err.error_code, err: err.description ?? err.message },
          err.error_code === 409
            ? 'telegram getUpdates conflict (409): another consumer polls this bot; polling again shortly'
            : 'telegram long polling stopped; polling again shortly',
        );
      }
      timer = setTimeout(launch, retryMs);
      timer.unref?.();
    });
    // Back to normal once updates (or an empty long poll) come through again.
    if (troubled)
      setTimeout(() => {
        if (handle === h && h.isRunning()) {
          troubled = false;
          log.info({}, 'telegram long polling running again');
        }
      }, retryMs).unref?.();
  };

  return {
    get polling() {
      return active;
    },
    async begin() {
      await bot.init();
      await bot.api.deleteWebhook();
      active = true;
      launch();
    },
    async end() {
      active = false;
      clearTimeout(timer);
      const h = handle;
      handle = undefined;
      await h?.stop();
    },
  };
}

/** Polls on this instance alone (a single instance, or tests). */
export async function startPolling(bot: Bot, handleUpdate: InboxHandler, inbox: InboxStore, log?: PollingLog) {
  const poller = telegramPoller(bot, handleUpdate, inbox, log);
  await poller.begin();
  return { stop: () => poller.end() };
}
