// `npm run migrate [up|down|status]`: the same migrations start-up runs, by hand.
import fs from 'node:fs';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { startEmbeddedPostgres } from '../infra/db/embedded-postgres.ts';
import { createSequelize } from '../infra/db/sequelize.ts';
import { createMigrator } from '../infra/db/migrator.ts';
import { migrateUp } from '../infra/db/migrate.ts';

if (fs.existsSync('.env')) process.loadEnvFile('.env');
const cmd = process.argv[2] ?? 'up';
let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    for (const line of err.problems) console.error(`config error: ${line}`);
    process.exit(1);
  }
  throw err;
}
const log = createLogger(config.logLevel);
const embedded = config.database.url
  ? undefined
  : await startEmbeddedPostgres(config.dataDir, config.database.embeddedPort, log);
const url = config.database.url ?? embedded!.url;
const sequelize = createSequelize(url);
try {
  if (cmd === 'up')
    console.log(
      'applied:',
      (await migrateUp(sequelize, url)).map((m) => m.name),
    );
  else if (cmd === 'down')
    console.log(
      'reverted:',
      (await createMigrator(sequelize).down()).map((m) => m.name),
    );
  else if (cmd === 'down-all')
    console.log(
      'reverted:',
      (await createMigrator(sequelize).down({ to: 0 })).map((m) => m.name),
    );
  else if (cmd === 'status') {
    const m = createMigrator(sequelize);
    console.log({ executed: (await m.executed()).map((x) => x.name), pending: (await m.pending()).map((x) => x.name) });
  } else {
    console.error('usage: npm run migrate [up|down|down-all|status]');
    process.exitCode = 2;
  }
} finally {
  await sequelize.close();
  await embedded?.stop();
}
