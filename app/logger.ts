// Structured JSON logs; pretty-printed when a person is watching a terminal.
import { pino, type Logger } from 'pino';

export type { Logger };

/** Field paths that may carry secrets; pino replaces them before anything is written. */
const REDACT = [
  'req.headers.authorization', 'req.headers["x-line-signature"]', 'req.headers["x-telegram-bot-api-secret-token"]',
  'req.headers["paddle-signature"]', 'req.headers.cookie', '*.apiKey', '*.token', '*.secret', '*.password', '*.hashKey', '*.hashIv',
];

export function createLogger(level: string, pretty = Boolean(process.stdout.isTTY)): Logger {
  return pino({
    level,
    redact: { paths: REDACT, censor: '[redacted]' },
    base: { svc: 'vidgo' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,svc' } } } : {}),
  });
}
