// Migrations live in /migrations as TypeScript modules with up and down; umzug runs them in name order. The built
// artifact (dist/migrations) holds them as .js: they keep their .ts names in schema_migrations either way.
// SQL with a living source (the ledger's functions, infra/db/sql/) is applied from that file by migrations.
import { Umzug, SequelizeStorage } from 'umzug';
import type { QueryInterface, Sequelize } from 'sequelize';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type MigrationFn = (ctx: { context: QueryInterface; sequelize: Sequelize }) => Promise<void>;
export interface MigrationModule {
  up: MigrationFn;
  down: MigrationFn;
}

const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

export function createMigrator(sequelize: Sequelize, logger?: { info(o: object, m: string): void }) {
  return new Umzug<QueryInterface>({
    migrations: {
      glob: ['*.{ts,js}', { cwd: MIGRATIONS_DIR, ignore: ['*.d.ts'] }],
      resolve: ({ name, path: file, context }) => ({
        name: name.replace(/\.js$/, '.ts'),
        up: async () => ((await import(file!)) as MigrationModule).up({ context, sequelize }),
        down: async () => ((await import(file!)) as MigrationModule).down({ context, sequelize }),
      }),
    },
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize, tableName: 'schema_migrations' }),
    logger: logger
      ? { info: (m) => logger.info(m, 'migration'), warn: () => {}, error: () => {}, debug: () => {} }
      : undefined,
  });
}
