// Which errors mean "our infrastructure failed" (the database or Redis unreachable, a connection cut by a restart
// or failover) rather than "this request cannot be served". The first kind is weather: the work is retried once
// the service is back (the chat inbox keeps the event, the job queue re-runs the job); the second is answered.
// PostgreSQL codes: https://www.postgresql.org/docs/current/errcodes-appendix.html (class 08 connection
// exception, 57P01–57P03 shutdown / cannot connect now, 53300 too many connections, 40001/40P01 retry).
const PG_CODES = new Set(['57P01', '57P02', '57P03', '53300', '40001', '40P01']);
const NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// pg and ioredis say these in words only (no code): a connection that ended under a query, a closed Redis stream.
const MESSAGES = [
  /Connection terminated/i,
  /connection (is )?closed/i,
  /Client has encountered a connection error/i,
  /timeout exceeded when trying to connect/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /Stream isn't writeable/i,
  /Reached the max retries per request limit/i,
  /enableOfflineQueue options is false/i,
  /ConnectionManager\.getConnection was called after the connection manager was closed/i,
];

type Errorish = {
  name?: string;
  code?: string;
  message?: string;
  parent?: unknown;
  original?: unknown;
  cause?: unknown;
  errors?: unknown[];
};

export function isInfrastructureError(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 4) return false;
  const e = err as Errorish;
  // Sequelize wraps driver errors: SequelizeConnection*Error for connecting, .parent/.original for the rest.
  if (typeof e.name === 'string' && /^SequelizeConnection/.test(e.name)) return true;
  if (
    typeof e.code === 'string' &&
    ((e.code.startsWith('08') && e.code.length === 5) || PG_CODES.has(e.code) || NODE_CODES.has(e.code))
  )
    return true;
  if (typeof e.message === 'string' && MESSAGES.some((re) => re.test(e.message!))) return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => isInfrastructureError(x, depth + 1))) return true; // AggregateError
  return [e.parent, e.original, e.cause].some((x) => x !== err && isInfrastructureError(x, depth + 1));
}

/**
 * A log call that says an outage at most once per `everyMs` (the first error of a spell, then a reminder), so a
 * database restart is a line or two, not one line per failed query.
 */
export function outageNotice(everyMs = 30_000) {
  let last = 0;
  return (say: () => void) => {
    if (Date.now() - last < everyMs) return;
    last = Date.now();
    say();
  };
}
