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
// A database connection ended under us (Ctrl-C also stops the embedded PostgreSQL, a server restart) is handled
// where the connection lives (Agenda's LISTEN connection: infra/jobs/backend.ts), so anything here is a bug.
process.on('uncaughtException', (err) => {
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
