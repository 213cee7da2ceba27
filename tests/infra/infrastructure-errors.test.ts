// Which real errors count as "our infrastructure is away" (retried later) and which are real failures (answered):
// each produced for real against PostgreSQL and Redis, not built by hand.
import pg from 'pg';
import { Redis } from 'ioredis';
import { Sequelize } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDb } from '../helpers/db.ts';
import { freePort } from '../helpers/spawn-app.ts';
import { isInfrastructureError } from '../../infra/infrastructure-errors.ts';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDatabase();
}, 60_000);
afterAll(async () => db?.drop());

const caught = async (p: () => Promise<unknown>) =>
  p().then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => err,
  );

describe('isInfrastructureError', () => {
  it('a database that refuses connections, and a session cut under a query, are infrastructure', async () => {
    const port = await freePort();
    const nowhere = new Sequelize(`postgres://postgres@127.0.0.1:${port}/none`, {
      logging: false,
      pool: { max: 1, acquire: 2_000 },
    });
    expect(isInfrastructureError(await caught(() => nowhere.query('SELECT 1')))).toBe(true);
    await nowhere.close();

    const client = new pg.Client({ connectionString: db.url });
    client.on('error', () => {});
    await client.connect();
    const {
      rows: [me],
    } = await client.query('SELECT pg_backend_pid() AS pid');
    await db.sequelize.query(`SELECT pg_terminate_backend(${Number(me.pid)})`);
    expect(isInfrastructureError(await caught(() => client.query('SELECT 1')))).toBe(true);
  });

  it('a Redis that is not there is infrastructure', async () => {
    const redis = new Redis(`redis://127.0.0.1:${await freePort()}`, {
      enableOfflineQueue: false,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    redis.on('error', () => {});
    await redis.connect().catch(() => {});
    expect(isInfrastructureError(await caught(() => redis.get('x')))).toBe(true);
    redis.disconnect();
  });

  it('errors of the request itself are not: a unique violation, bad SQL, a plain bug', async () => {
    await db.sequelize.query(`CREATE TABLE t_unique (k int PRIMARY KEY); INSERT INTO t_unique VALUES (1)`);
    expect(isInfrastructureError(await caught(() => db.sequelize.query('INSERT INTO t_unique VALUES (1)')))).toBe(
      false,
    );
    expect(isInfrastructureError(await caught(() => db.sequelize.query('SELEKT 1')))).toBe(false);
    expect(isInfrastructureError(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
  });
});
