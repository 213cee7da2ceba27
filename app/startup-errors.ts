// Turns a start-up failure into one line a person can act on: what went wrong and which variable to set.
import type { Config } from './config.ts';
import { EmbeddedPostgresError } from '../infra/db/embedded-postgres.ts';

export interface StartupProblem {
  cause: string;
  hint?: string;
}

const hostOf = (url?: string) => {
  try {
    const u = new URL(url ?? '');
    return `${u.hostname}:${u.port || ''}`.replace(/:$/, '');
  } catch {
    return 'the configured server';
  }
};

export function describeStartupError(err: unknown, config: Config): StartupProblem {
  if (err instanceof EmbeddedPostgresError) return { cause: `embedded PostgreSQL: ${err.reason}`, hint: err.hint };
  const e = (err ?? {}) as NodeJS.ErrnoException & {
    address?: string;
    port?: number;
    parent?: NodeJS.ErrnoException;
    original?: NodeJS.ErrnoException;
  };
  // Sequelize wraps the driver's error (parent/original); ioredis and net report the errno on the error itself.
  const inner = e.parent ?? e.original ?? e;
  const code = inner.code ?? e.code;
  const message = inner.message ?? String(err);
  if (e.syscall === 'listen' || (code === 'EADDRINUSE' && e.port === config.port)) {
    return {
      cause: `cannot listen on ${config.host}:${config.port}: ${code ?? message}`,
      hint: 'set PORT (and HOST) to a free port',
    };
  }
  const name = (err as Error | undefined)?.name ?? '';
  if (
    /^Sequelize/.test(name) ||
    /postgres/i.test(message) ||
    /password authentication|database .* does not exist/.test(message)
  ) {
    const where = config.database.url ? hostOf(config.database.url) : 'the embedded server';
    return {
      cause: `cannot use PostgreSQL at ${where}: ${message}`,
      hint: config.database.url
        ? 'check DATABASE_URL'
        : 'unset DATABASE_URL for the embedded server, or set it to a reachable one',
    };
  }
  if (config.redisUrl && (/redis/i.test(message) || message.includes(hostOf(config.redisUrl)))) {
    return {
      cause: `cannot reach Redis at ${hostOf(config.redisUrl)}: ${message}`,
      hint: 'check REDIS_URL, or unset it for in-process state (one instance only)',
    };
  }
  if (code === 'EACCES' || code === 'EROFS') {
    return { cause: message, hint: 'set DATA_DIR to a folder this user can write' };
  }
  return { cause: message };
}
