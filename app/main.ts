// `npm start`: load .env if present, validate configuration, compose and serve; stop cleanly on SIGINT/SIGTERM.
import fs from 'node:fs';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { composeApp } from './compose.ts';

if (fs.existsSync('.env')) process.loadEnvFile('.env');

let config;
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
let app: Awaited<ReturnType<typeof composeApp>> | undefined;
let stopping = false;

async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  const force = setTimeout(() => {
    log.error('shutdown took too long; exiting');
    process.exit(1);
  }, 30_000);
  force.unref();
  try {
    await app?.stop();
    log.info('stopped cleanly');
    process.exitCode = 0;
  } catch (err) {
    log.error({ err }, 'error while stopping');
    process.exitCode = 1;
  }
  // Give pino's transport a moment to flush, then leave without waiting for stray timers.
  setTimeout(() => process.exit(), 100).unref();
}
// Ctrl-C in a terminal signals the whole process group, so the embedded PostgreSQL gets it too and ends its
// connections (57P01) while we stop; a library without an error listener on such a connection is expected then.
process.on('uncaughtException', (err) => {
  if (stopping && (err as { code?: string }).code === '57P01') return void log.warn({ err: err.message }, 'database connection ended during shutdown');
  log.fatal({ err }, 'uncaught exception');
  setTimeout(() => process.exit(1), 100);
});
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  app = await composeApp(config, log);
  await app.start();
} catch (err) {
  log.fatal({ err }, 'start-up failed');
  await app?.stop().catch(() => {});
  setTimeout(() => process.exit(1), 100);
}
