// What every webhook route shares: dedupe store, per-IP limit, and the after-answer work queue.
import type { Request } from '@hapi/hapi';
import type { Background } from '../../../bot/background.ts';
import type { ChatRateLimiter } from '../../../core/commands/ports.ts';

export interface WebhookDeps {
  dedupe: { firstDelivery(source: string, eventId: string): Promise<boolean> };
  ipLimiter: ChatRateLimiter;
  background: Background;
}

export const clientIp = (request: Request) => request.info.remoteAddress || 'unknown';
