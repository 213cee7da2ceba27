// What of an error may reach a log line. SDK errors carry the request they failed on: grammY's the method's
// payload (message text with sign-in links), discord.js the URL (with the interaction token) and the request body,
// the LINE SDK the response body, Sequelize the SQL and its parameters. The logger therefore serialises errors
// field by field — name, message, codes, stack, cause — and scrubs tokens out of the text it keeps.

const MAX_TEXT = 2000;

/** Tokens that can sit in an error's message or stack: URLs with credentials, bearer tokens, JWTs. */
const SCRUBS: [RegExp, string][] = [
  [/\/bot\d+:[A-Za-z0-9_-]+/g, '/bot[redacted]'], // Telegram Bot API URL
  [/\/webhooks\/(\d+)\/[A-Za-z0-9._-]+/g, '/webhooks/$1/[redacted]'], // Discord interaction webhook
  [
    /([?&#](?:token|sig|signature|secret|key|access_token|X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token)=)[^&\s"'<>]+/gi,
    '$1[redacted]',
  ],
  [/\b(Bearer|Bot)\s+[A-Za-z0-9._~+/=-]{8,}/g, '$1 [redacted]'],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+/g, '[jwt]'],
];

export function scrub(text: string): string {
  let out = text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
  for (const [re, to] of SCRUBS) out = out.replace(re, to);
  return out;
}

/** Primitive identifying fields worth keeping (HTTP status, API error codes, the failing API method's name). */
const KEPT = [
  'code',
  'status',
  'statusCode',
  'error_code',
  'errno',
  'method',
  'description',
  'provider',
  'retriable',
  'exitCode',
] as const;

export interface SafeError {
  type: string;
  message: string;
  stack?: string;
  cause?: SafeError | string;
  [k: string]: unknown;
}

export function safeError(err: unknown, depth = 0): SafeError | string {
  if (!(err instanceof Error)) return scrub(typeof err === 'string' ? err : String(err));
  const out: SafeError = { type: err.name || err.constructor?.name || 'Error', message: scrub(err.message ?? '') };
  const rec = err as unknown as Record<string, unknown>;
  for (const k of KEPT) {
    const v = rec[k];
    if (typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else if (typeof v === 'string') out[k] = scrub(v).slice(0, 200);
  }
  if (err.stack) out.stack = scrub(err.stack);
  if (err.cause !== undefined && depth < 2) out.cause = safeError(err.cause, depth + 1);
  return out;
}
