// Which Agenda backend stores the jobs: the app's PostgreSQL by default (or JOBS_URL when it is a postgres URL),
// MongoDB when JOBS_URL is mongodb:// (docker-compose). Job definitions never look at this choice.
// Sources: node_modules/@agendajs/postgres-backend/README.md (pool, ensureSchema, LISTEN/NOTIFY),
// node_modules/@agendajs/mongo-backend/dist/types.d.ts ({ address, collection }).
import pg from 'pg';
import type { AgendaBackend } from 'agenda';
import { PostgresBackend } from '@agendajs/postgres-backend';
import { MongoBackend } from '@agendajs/mongo-backend';

export interface SelectedBackend {
  kind: 'postgres' | 'mongo';
  backend: AgendaBackend;
  /** Where the jobs live, with any password removed (for the start-up log). */
  where: string;
  /** Closes what this module opened (the pg pool); Agenda never closes a pool it was handed. */
  close(): Promise<void>;
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
    const backend = new MongoBackend({ address: url, collection: 'agendaJobs' });
    return { kind: 'mongo', backend, where: redactUrl(url), close: async () => {} };
  }
  if (!/^postgres(ql)?:\/\//i.test(url)) throw new Error(`JOBS_URL must be a postgres:// or mongodb:// URL`);
  const pool = new pg.Pool({ connectionString: url, max: opts.poolMax ?? 6 });
  pool.on('error', () => {}); // a dropped idle client is replaced on next use; LISTEN reconnects on its own
  const backend = new PostgresBackend({ pool, ensureSchema: url !== opts.databaseUrl, tableName: 'agenda_jobs' });
  return { kind: 'postgres', backend, where: redactUrl(url), close: () => pool.end() };
}
