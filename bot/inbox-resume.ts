// The resumePending the bot wiring exposes (call it at start-up and periodically): the inbox sources of the
// platforms this process runs, each with its platform's handler.
import { resumePending, type InboxHandler, type InboxStore, type ResumeResult } from './inbox.ts';
import type { PlatformAdapter } from './platform.ts';

export interface ResumableBot {
  store: InboxStore;
  platforms: Partial<Record<string, PlatformAdapter>>;
}

/** resumePending(olderThanMs) over the platforms that are configured and keep an inbox. */
export function createResumePending(bot: ResumableBot, opts: { log?: { error(o: object, m: string): void } } = {}) {
  const handlers: Record<string, InboxHandler> = {};
  for (const p of Object.values(bot.platforms)) if (p?.inbox) handlers[p.inbox.source] = p.inbox.handle;
  return (olderThanMs: number): Promise<ResumeResult> => resumePending(bot.store, handlers, olderThanMs, opts.log);
}
