// Which Agenda backend stores the jobs: the app's PostgreSQL by default (or JOBS_URL when it is a postgres URL),
// MongoDB when JOBS_URL is mongodb:// (docker-compose). Job definitions never look at this choice.
// Sources: node_modules/@agendajs/postgres-backend/README.md (pool, ensureSchema, LISTEN/NOTIFY),
// node_modules/@agendajs/mongo-backend/dist/types.d.ts ({ address, collection }).
import pg from 'pg';
import type { AgendaBackend } from 'agenda';
import { PostgresBackend } from '@agendajs/postgres-backend';
import { MongoBackend } from '@agendajs/mongo-backend';
import type { SqlQuery } from './job-store-sql.ts';

export interface SelectedBackend {
  kind: 'postgres' | 'mongo';
  backend: AgendaBackend;
  /** Where the jobs live, with any password removed (for the start-up log). */
  where: string;
  /** Closes what this module opened (the pg pool); Agenda never closes a pool it was handed. */
  close(): Promise<void>;
  /** PostgreSQL only: SQL on the job table, for what Agenda's API answers by reading every row (job-store-sql.ts). */
  query?: SqlQuery;
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable url)';
  }
}

/**
 * Picks the backend. On the app database the migrations made the table (ensureSchema: false); a separate
 * JOBS_URL database gets the table from the backend itself.
 */
export function selectBackend(opts: { jobsUrl?: string; databaseUrl: string; poolMax?: number }): SelectedBackend {
  const url = opts.jobsUrl ?? opts.databaseUrl;
  if (/^mongodb(\+srv)?:\/\//i.test(url)) {
    // No unique index on data.generationId here: MongoBackend's only index option (ensureIndex) creates its
    // find-and-lock index and takes no extra indexes. enqueueGeneration's unique({insertOnly}) upsert keeps a
    // repeated enqueue to one job, but two instances enqueueing the same generation at the same instant can
    // insert two; both then run GenerationRunner.run, which is idempotent (one submit, one charge, one message).
    // To close it, create { 'data.generationId': 1 } unique with partialFilterExpression { name: 'generate-video' }
    // on the collection by hand (mongosh), as the PostgreSQL migration 20261125-0401 does for the job table.
    const backend = new MongoBackend({ address: url, collection: 'agendaJobs' });
    return { kind: 'mongo', backend, where: redactUrl(url), close: async () => {} };
  }
  if (!/^postgres(ql)?:\/\//i.test(url)) throw new Error(`JOBS_URL must be a postgres:// or mongodb:// URL`);
  const pool = new pg.Pool({ connectionString: url, max: opts.poolMax ?? 6 });
  pool.on('error', () => {}); // a dropped idle client is replaced on next use; LISTEN reconnects on its own
  const backend = new PostgresBackend({ pool, ensureSchema: url !== opts.databaseUrl, tableName: 'agenda_jobs' });
  const query: SqlQuery = async (text, params) => (await pool.query(text, params)).rows;
  return { kind: 'postgres', backend, where: redactUrl(url), close: () => pool.end(), query };
}
