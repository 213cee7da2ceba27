// One Sequelize instance per process; everything that talks SQL gets it from the composition root.
import { Sequelize } from 'sequelize';
import pg from 'pg';
import type { Logger } from 'pino';

// BIGINT (ledger ids, sums) arrives as a string by default; our amounts fit comfortably in a JS integer.
pg.types.setTypeParser(20, (v: string) => Number.parseInt(v, 10));

export function createSequelize(url: string, opts: { poolMax?: number; log?: Logger } = {}): Sequelize {
  return new Sequelize(url, {
    dialect: 'postgres',
    dialectModule: pg,
    logging: opts.log ? (sql: string) => opts.log!.trace({ sql }, 'sql') : false,
    pool: { max: opts.poolMax ?? 20, min: 0, idle: 10_000, acquire: 30_000 },
    define: { underscored: true, timestamps: true },
  });
}
