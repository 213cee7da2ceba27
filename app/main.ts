// `npm start`: load .env if present, validate configuration, compose and serve; stop in order on SIGINT/SIGTERM.
// This is the one process `npm start` ends in (npm runs `exec node dist/app/main.js`), so a supervisor's signal
// reaches it directly.
import fs from 'node:fs';
import { ConfigError, loadConfig } from './config.ts';
import type { App } from './compose.ts';
import { createLogger } from './logger.ts';
import { describeStartupError } from './startup-errors.ts';
import { FORCED_EXIT_MS, STOP_BUDGET_MS } from './stop-budget.ts';
import { startEmbeddedPostgres } from '../infra/db/embedded-postgres.ts';

if (fs.existsSync('.env')) process.loadEnvFile('.env');

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    for (const line of err.problems) process.stderr.write(`config error: ${line}\n`);
    process.exit(1);
  }
  throw err;
}

const log = createLogger(config.logLevel);
log.info({ pid: process.pid, node: process.version }, 'VidGo starting');
let app: App | undefined;
let stopping = false;

/** Leaves after pino has written what is buffered (a transport flushes on its own thread). */
function exit(code: number) {
  process.exitCode = code;
  log.flush?.();
  setTimeout(() => process.exit(code), 100).unref();
}

async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping: no new requests or jobs; running work finishes or is handed back');
  const force = setTimeout(() => {
    log.error({ budgetMs: STOP_BUDGET_MS }, 'stopping took too long; exiting');
    process.exit(1);
  }, FORCED_EXIT_MS);
  force.unref();
  try {
    await app?.stop();
    log.info('stopped cleanly');
    exit(0);
  } catch (err) {
    log.error({ err }, 'error while stopping');
    exit(1);
  }
}
// A database connection ended under us (a server restart) is handled where the connection lives, so anything
// here is a bug.
process.on('uncaughtException', (err) => {
  log.fatal({ err }, 'uncaught exception');
  exit(1);
});
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  // The embedded database starts while the rest of the app loads (openInfra then gets this same start).
  if (!config.database.url) startEmbeddedPostgres(config.dataDir, config.database.embeddedPort, log).catch(() => {});
  // Loaded after the configuration is known good: a bad variable is reported at once, not after every module loads.
  const { composeApp } = await import('./compose.ts');
  app = await composeApp(config, log);
  await app.start();
} catch (err) {
  const { cause, hint } = describeStartupError(err, config);
  log.fatal({ err }, `start-up failed: ${cause}${hint ? ` — ${hint}` : ''}`);
  stopping = true;
  await app?.stop().catch(() => {});
  exit(1);
}
