// Which Agenda backend stores the jobs: the app's PostgreSQL by default (or JOBS_URL when it is a postgres URL),
// MongoDB when JOBS_URL is mongodb:// (docker-compose). Job definitions never look at this choice.
// Sources: node_modules/@agendajs/postgres-backend/README.md (pool, ensureSchema, LISTEN/NOTIFY),
// node_modules/@agendajs/mongo-backend/dist/types.d.ts ({ address, collection }).
import pg from 'pg';
import type { EventEmitter } from 'node:events';
import type { AgendaBackend, NotificationChannel, NotificationChannelState } from 'agenda';
import { PostgresBackend } from '@agendajs/postgres-backend';
import type * as MongoBackendModule from '@agendajs/mongo-backend';
import { lazyRequire } from '../lazy-require.ts';
import type { SqlQuery } from './job-store-sql.ts';

const mongoBackend = lazyRequire<typeof MongoBackendModule>('@agendajs/mongo-backend');

export interface ChannelLog {
  warn(o: object, m: string): void;
  info(o: object, m: string): void;
}

export interface SelectedBackend {
  kind: 'postgres' | 'mongo';
  backend: AgendaBackend;
  /** Where the jobs live, with any password removed (for the start-up log). */
  where: string;
  /** Closes what this module opened (the pg pool); Agenda never closes a pool it was handed. */
  close(): Promise<void>;
  /** PostgreSQL only: SQL on the job table, for what Agenda's API answers by reading every row (job-store-sql.ts). */
  query?: SqlQuery;
  /** Where the LISTEN connection's errors and reconnects are logged (the jobs service passes its logger). */
  setLog?(log: ChannelLog): void;
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
export function selectBackend(opts: {
  jobsUrl?: string;
  databaseUrl: string;
  poolMax?: number;
  channelRetryMs?: number;
}): SelectedBackend {
  const url = opts.jobsUrl ?? opts.databaseUrl;
  if (/^mongodb(\+srv)?:\/\//i.test(url)) {
    // No unique index on data.generationId here: MongoBackend's only index option (ensureIndex) creates its
    // find-and-lock index and takes no extra indexes. enqueueGeneration's unique({insertOnly}) upsert keeps a
    // repeated enqueue to one job, but two instances enqueueing the same generation at the same instant can
    // insert two; both then run GenerationRunner.run, which is idempotent (one submit, one charge, one message).
    // To close it, create { 'data.generationId': 1 } unique with partialFilterExpression { name: 'generate-video' }
    // on the collection by hand (mongosh), as the PostgreSQL migration 20261125-0401 does for the job table.
    const backend = new (mongoBackend().MongoBackend)({ address: url, collection: 'agendaJobs' });
    const unlocks = guardUnawaitedUnlock(backend.repository);
    return { kind: 'mongo', backend, where: redactUrl(url), close: async () => {}, setLog: unlocks.setLog };
  }
  if (!/^postgres(ql)?:\/\//i.test(url)) throw new Error(`JOBS_URL must be a postgres:// or mongodb:// URL`);
  const pool = new pg.Pool({ connectionString: url, max: opts.poolMax ?? 6 });
  pool.on('error', () => {}); // a dropped idle client is replaced on next use (the LISTEN client: superviseChannel)
  const backend = new PostgresBackend({ pool, ensureSchema: url !== opts.databaseUrl, tableName: 'agenda_jobs' });
  const query: SqlQuery = async (text, params) => (await pool.query(text, params)).rows;
  const channel = superviseChannel(
    backend.notificationChannel as SupervisedChannel | undefined,
    opts.channelRetryMs ?? 30_000,
  );
  const unlocks = guardUnawaitedUnlock(backend.repository);
  return {
    kind: 'postgres',
    backend,
    where: redactUrl(url),
    query,
    setLog: (log) => {
      channel.setLog(log);
      unlocks.setLog(log);
    },
    close: async () => {
      await channel.close();
      await pool.end();
    },
  };
}

/**
 * Agenda's job processor releases a lock it will not use with `this.agenda.db.unlockJob(job.attrs)` and does not
 * await it (node_modules/agenda/dist/JobProcessor.js: jobQueueFilling over the lock limit, jobProcessing for a job
 * due too late). With the database gone (a restart, a failover) that promise rejects with nobody listening, and
 * Node ends the process for an unhandled rejection. A lock that is not released only delays its job until the
 * lock lifetime passes, so the failure is logged and swallowed here, where the promise is made.
 */
function guardUnawaitedUnlock(repository: Pick<AgendaBackend['repository'], 'unlockJob'>) {
  let log: ChannelLog = { warn: () => {}, info: () => {} };
  const unlock = repository.unlockJob.bind(repository);
  repository.unlockJob = (job) =>
    unlock(job).catch((err: Error) => {
      log.warn({ err: err.message, job: job._id?.toString() }, 'releasing a job lock failed: it expires by itself');
    });
  return { setLog: (l: ChannelLog) => void (log = l) };
}

/** The parts of @agendajs/postgres-backend's PostgresNotificationChannel (an EventEmitter) used below. */
type SupervisedChannel = Pick<NotificationChannel, 'state' | 'connect' | 'disconnect'> &
  EventEmitter & {
    config?: { reconnect?: { enabled: boolean } };
  };

/**
 * The LISTEN connection (node_modules/@agendajs/postgres-backend/dist/PostgresNotificationChannel.js) re-emits
 * its client's errors on the channel, an EventEmitter: with no 'error' listener a dropped connection (server
 * restart, pg_terminate_backend, the embedded PostgreSQL stopping at Ctrl-C) is an uncaught exception, and the
 * throw also skips the channel's own reconnect. With the listener the channel reconnects with backoff (100 ms
 * doubling to 30 s, 10 attempts: agenda/dist/notifications/BaseNotificationChannel.js) and then gives up
 * (state 'error'); from there this starts a new round every retryMs. Meanwhile Agenda still finds jobs by its
 * processEvery poll, only without the instant wake-up.
 */
function superviseChannel(channel: SupervisedChannel | undefined, retryMs: number) {
  let log: ChannelLog = { warn: () => {}, info: () => {} };
  let lost = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  if (channel) {
    channel.on('error', (err: Error & { code?: string }) => {
      lost = true;
      log.warn(
        { err: err.message, code: err.code, state: channel.state },
        'jobs notification channel error: polling until LISTEN reconnects',
      );
    });
    channel.on('stateChange', (state: NotificationChannelState) => {
      if (state === 'connected' && lost) {
        lost = false;
        log.info({}, 'jobs notification channel reconnected');
      }
      if (state !== 'error' || closed || timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        if (!closed && channel.state === 'error') channel.connect().catch(() => {}); // failures arrive as 'error' events
      }, retryMs);
      timer.unref();
    });
  }
  return {
    setLog: (l: ChannelLog) => void (log = l),
    /**
     * After Agenda.stop, before the pool ends. A connection lost while Agenda.stop was already disconnecting (the
     * same Ctrl-C stops the embedded PostgreSQL) arms a reconnect after the channel's disconnect() cleared its
     * timer: disconnect() again clears it, and with reconnects off a failing round in flight cannot re-arm one.
     */
    async close() {
      closed = true;
      clearTimeout(timer);
      if (!channel) return;
      if (channel.config?.reconnect) channel.config.reconnect.enabled = false;
      await channel.disconnect().catch(() => {});
    },
  };
}
