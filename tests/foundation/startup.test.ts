import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { createEmptyDatabase } from '../helpers/db.ts';
import { freePort, runApp, waitForHttp } from '../helpers/spawn-app.ts';
import { createSequelize } from '../../infra/db/sequelize.ts';

describe('start-up', () => {
  it('fails at once with one line per bad variable', async () => {
    const app = runApp({ DATABASE_URL: 'postgres://nope', PORT: 'abc', REDIS_URL: 'ftp://x' });
    const code = await app.exited;
    expect(code).toBe(1);
    const lines = app.output().trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^config error: PORT: must be a number/),
      expect.stringMatching(/^config error: REDIS_URL: /),
    ]);
  });

  it('refuses production without its secrets, naming them', async () => {
    const app = runApp({ NODE_ENV: 'production' });
    expect(await app.exited).toBe(1);
    expect(app.output()).toMatch(/config error: JWT_SECRET: required when NODE_ENV=production/);
  });

  describe('against a real database', () => {
    let db: Awaited<ReturnType<typeof createEmptyDatabase>>;
    beforeAll(async () => {
      db = await createEmptyDatabase();
    });
    afterAll(async () => db.drop());

    it('migrates, serves /health and stops cleanly on SIGTERM', async () => {
      const port = await freePort();
      const app = runApp({ DATABASE_URL: db.url, DATA_DIR: `/tmp/vidgo-test-${port}` }, port);
      try {
        const res = await waitForHttp(`http://127.0.0.1:${port}/health`);
        expect(res.status).toBe(200);
        const body = await res.json();
        expect(body).toMatchObject({ status: 'ok', db: 'ok', redis: 'memory' });
      } finally {
        expect(await app.stop('SIGTERM')).toBe(0);
      }
      expect(app.output()).toMatch(/stopped cleanly/);
      const s = createSequelize(db.url);
      const plans = await s.query('SELECT slug FROM plans', { type: QueryTypes.SELECT });
      await s.close();
      expect(plans).toHaveLength(4);
    });
  });
});
