// The composition root: configuration → real implementations → core → adapters → server.
// The only place that knows which implementation stands behind each port.
import type { Server } from '@hapi/hapi';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { openInfra, type Infra } from './infra-setup.ts';
import { resolveJwtSecret } from './secrets.ts';
import { createServer } from '../web/server.ts';
import { healthRoutes } from '../web/routes/health.ts';

export interface App {
  config: Config;
  infra: Infra;
  server: Server;
  start(): Promise<void>;
  /** Stops accepting, hands back running work, closes pools and the embedded database. */
  stop(): Promise<void>;
}

export async function composeApp(config: Config, log: Logger): Promise<App> {
  const infra = await openInfra(config, log);
  const jwtSecret = resolveJwtSecret(config);
  void jwtSecret; // used by web auth (magic links)

  const server = await createServer({ port: config.port, host: config.host, log, corsOrigins: config.corsOrigins });
  healthRoutes(server, {
    db: async () => (await infra.sequelize.query('SELECT 1'), true),
    jobs: async () => 'off',
    redis: async () => (infra.redis ? ((await infra.redis.ping()) === 'PONG' ? 'ok' : 'down') : 'memory'),
    providers: async () => ({}),
  });

  const stoppers: (() => Promise<void>)[] = [];
  return {
    config,
    infra,
    server,
    async start() {
      await server.start();
      log.info({ url: config.publicBaseUrl, port: server.info.port }, 'VidGo is serving');
    },
    async stop() {
      await server.stop({ timeout: 10_000 });
      for (const stop of stoppers.reverse()) await stop().catch((err) => log.warn({ err }, 'stopping a part'));
      await infra.close();
    },
  };
}
