// What every webhook route shares: raw-body route options and JSON parsing, the inbox (dedupe + durable event),
// the per-IP limit on requests that fail verification, and the after-answer work queue.
import type { Request, ResponseToolkit } from '@hapi/hapi';
import type { Background } from './background.ts';
import type { InboxStore } from './inbox.ts';
import { batchedInbox } from './inbox-batch.ts';
import type { ChatRateLimiter } from '../core/commands/ports.ts';
import { clientIp } from '../web/client-ip.ts';

export interface WebhookDeps {
  /** The inbox store (SqlChatStore): accept() is the one INSERT … ON CONFLICT that dedupes and keeps the event. */
  dedupe: InboxStore;
  ipLimiter: ChatRateLimiter;
  background: Background;
}

/**
 * A request that failed verification: counted against its IP (RATE_LIMIT_IP_PER_MIN), 429 past the budget, else
 * the route's own refusal. Verified requests never touch this limit: they come from LINE's, Telegram's and
 * Discord's own servers, which carry every user's traffic; verified traffic is limited per chat user instead.
 */
export async function refuse(d: Pick<WebhookDeps, 'ipLimiter'>, request: Request, h: ResponseToolkit, error: string) {
  if (!(await d.ipLimiter.consume(clientIp(request)))) return h.response({ error: 'rate limited' }).code(429);
  return h.response({ error }).code(401);
}

/**
 * What a route hands acceptAndHandle, made once per route: the inbox with accepts (and 'done' marks) of
 * concurrent requests coalesced into one statement and one WAL flush (bot/inbox-batch.ts).
 */
export const routeInbox = (d: Pick<WebhookDeps, 'dedupe' | 'background'>) => ({
  dedupe: batchedInbox(d.dedupe),
  background: d.background,
});
