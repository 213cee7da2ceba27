// The real dispatcher (app/wire-bot.ts wireBot) on a core test world, with the style catalogue among its
// services, as the style chat tests drive it: no polling, a generous per-chat rate limit, a silent log.
import type { World } from '../../core/support/build.ts';
import { loadConfig } from '../../../app/config.ts';
import { createLogger } from '../../../app/logger.ts';
import { createServer } from '../../../web/server.ts';
import { createNotifierHub, wireBot } from '../../../app/wire-bot.ts';
import type { createGeneration } from '../../../core/generation/service.ts';
import type { SqlStyleCatalog } from '../../../infra/db/styles-repo.ts';

/** Wires the bot over `gen` (the world's generation service, its GoEnhance slot wrapped as the test needs). */
export async function wireStyleBot(w: World, gen: ReturnType<typeof createGeneration>, styles: SqlStyleCatalog) {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: w.db.url,
    PUBLIC_BASE_URL: 'https://vidgo.test',
    RATE_LIMIT_CHAT_PER_MIN: '1000',
  });
  const log = createLogger('silent', false);
  const server = await createServer({ port: 0, host: '127.0.0.1', log, corsOrigins: [] });
  return wireBot({
    config,
    server,
    sequelize: w.db.sequelize,
    state: w.redis.state,
    redis: w.redis.redis,
    log,
    hub: createNotifierHub(w.redis.state, log),
    polling: false,
    rateLimitPrefix: w.redis.prefix,
    services: {
      generation: gen.service,
      generationAdmin: gen.admin,
      ledger: w.ledger,
      links: { linkFor: async () => 'https://vidgo.test/l', galleryUrl: () => 'https://vidgo.test/g' },
      styles,
    },
  });
}

export type StyleBot = Awaited<ReturnType<typeof wireStyleBot>>;
