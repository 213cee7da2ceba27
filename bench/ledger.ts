// Ledger throughput on ONE hot user: reserve+commit pairs per second with 64 concurrent clients, against a bare
// single-statement baseline (UPDATE … SET n = n + 1 WHERE id = 1, same pool, same 64 clients) on the same server.
//
//   npx tsx bench/ledger.ts          (npm run bench:ledger)
//
// BENCH_DATABASE_URL: an admin connection (default postgres://postgres@127.0.0.1:5432/postgres); the bench
// creates its own fresh database there and drops it afterwards. BENCH_SECONDS (default 10) per measurement,
// BENCH_CLIENTS (default 64).
import crypto from 'node:crypto';
import { QueryTypes, type Sequelize } from 'sequelize';
import { createSequelize } from '../infra/db/sequelize.ts';
import { migrateUp } from '../infra/db/migrate.ts';
import { SqlLedger } from '../infra/db/sql-ledger.ts';
import { systemClock } from '../core/ports.ts';
import { ADMIN_URL, admin } from './support.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 64);

/** Runs `op` in `clients` concurrent loops for `seconds`; returns completed operations per second. */
async function measure(seconds: number, clients: number, op: (worker: number, i: number) => Promise<void>) {
  const end = Date.now() + seconds * 1000;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, w) => {
      for (let i = 0; Date.now() < end; i++) {
        await op(w, i);
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

async function main() {
  const name = `vidgo_bench_${crypto.randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  let sequelize: Sequelize | undefined;
  try {
    sequelize = createSequelize(url.toString(), { poolMax: CLIENTS });
    await migrateUp(sequelize, url.toString());
    const ledger = new SqlLedger(sequelize, systemClock);
    const [{ id: user }] = (await sequelize.query<{ id: string }>('INSERT INTO users DEFAULT VALUES RETURNING id', {
      type: QueryTypes.SELECT,
    })) as [{ id: string }];
    await ledger.credit(user, 'purchased', 1_000_000_000, 'grant', 'bench:grant');
    await sequelize.query(
      'CREATE TABLE bench_counter (id integer PRIMARY KEY, n bigint NOT NULL); INSERT INTO bench_counter VALUES (1, 0)',
    );
    const s = sequelize;

    const baselineOp = async () => {
      await s.query('UPDATE bench_counter SET n = n + 1 WHERE id = $1', { bind: [1] });
    };
    const uncoalesced = new SqlLedger(sequelize, systemClock, { coalesce: false });
    const run = Date.now();
    const pairs = (l: SqlLedger, tag: string) => async (w: number, i: number) => {
      const r = await l.reserve(user, 1, 'pollo', `bench:${run}:${tag}:${w}:${i}`);
      await l.commit(r!.id);
    };

    console.log(
      `PostgreSQL ${new URL(ADMIN_URL).host}, database ${name}, ${CLIENTS} clients, ${SECONDS} s per measurement`,
    );
    await measure(2, CLIENTS, baselineOp); // warm-up: pool connections, plans
    await measure(2, CLIENTS, pairs(ledger, 'warm'));
    const baseline = await measure(SECONDS, CLIENTS, baselineOp);
    const pairsPerSec = await measure(SECONDS, CLIENTS, pairs(ledger, 'main'));
    const plainPerSec = await measure(SECONDS, CLIENTS, pairs(uncoalesced, 'plain'));
    const ratio = pairsPerSec / baseline;

    const [{ bal, sum }] = (await sequelize.query<{ bal: number; sum: number }>(
      `SELECT (SELECT purchased FROM point_balances WHERE user_id = $1) AS bal,
              (SELECT SUM(amount)::bigint FROM point_ledger WHERE user_id = $1) AS sum`,
      { bind: [user], type: QueryTypes.SELECT },
    )) as [{ bal: number; sum: number }];
    console.log(`baseline (UPDATE … SET n = n + 1, one hot row): ${baseline.toFixed(0)} statements/s`);
    console.log(`ledger reserve+commit (one hot user):          ${pairsPerSec.toFixed(0)} pairs/s`);
    console.log(`ratio pairs/baseline:                          ${ratio.toFixed(2)}`);
    console.log(`(for comparison, without coalescing one user's reserves: ${plainPerSec.toFixed(0)} pairs/s)`);
    console.log(`balance ${bal} == ledger sum ${sum}: ${bal === sum}`);
    console.log(
      JSON.stringify({
        clients: CLIENTS,
        seconds: SECONDS,
        baselinePerSec: Math.round(baseline),
        pairsPerSec: Math.round(pairsPerSec),
        ratio: Number(ratio.toFixed(2)),
        uncoalescedPairsPerSec: Math.round(plainPerSec),
      }),
    );
    if (bal !== sum) process.exitCode = 1;
  } finally {
    await sequelize?.close();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

await main();
