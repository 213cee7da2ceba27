// Structured JSON logs; pretty-printed when a person is watching a terminal. Errors are serialised field by field
// (infra/log/safe-error.ts), so what an SDK error carries (request bodies, URLs with tokens) never reaches a line.
import { pino, type DestinationStream, type Logger } from 'pino';
import { safeError } from '../infra/log/safe-error.ts';
import { logContext } from '../infra/log/context.ts';

export type { Logger };

/** Field paths that may carry secrets; pino replaces them before anything is written. */
const REDACT = [
  'req.headers.authorization',
  'req.headers["x-line-signature"]',
  'req.headers["x-telegram-bot-api-secret-token"]',
  'req.headers["paddle-signature"]',
  'req.headers.cookie',
  '*.apiKey',
  '*.token',
  '*.secret',
  '*.password',
  '*.hashKey',
  '*.hashIv',
];

/** `destination`: where lines go instead of stdout (tests read a run's lines back). */
export function createLogger(
  level: string,
  pretty = Boolean(process.stdout.isTTY),
  destination?: DestinationStream,
): Logger {
  const options = {
    level,
    redact: { paths: REDACT, censor: '[redacted]' },
    base: { svc: 'vidgo' },
    serializers: { err: (e: unknown) => safeError(e), error: (e: unknown) => safeError(e) },
    // The request id and generation id of whatever this line is written for (infra/log/context.ts).
    mixin: () => logContext() ?? {},
    ...(pretty && !destination
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,svc' } } }
      : {}),
  };
  return destination ? pino(options, destination) : pino(options);
}
