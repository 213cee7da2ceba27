// What every log line written on behalf of one request or one job carries (the request id, the generation id),
// without handing a logger through every call: an AsyncLocalStorage store the logger's mixin reads
// (app/logger.ts). The web server enters it per request (web/request-id.ts); the generation and delivery jobs
// re-enter it from their job data, so one generation's lines share the request id that asked for it.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface LogContext {
  reqId?: string;
  generationId?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

export const logContext = (): LogContext | undefined => storage.getStore();

/** Runs fn with these fields added to the current context (and to every line it logs). */
export function withLogContext<T>(ctx: LogContext, fn: () => T): T {
  const fields = Object.fromEntries(Object.entries(ctx).filter(([, v]) => v !== undefined));
  return storage.run({ ...storage.getStore(), ...fields }, fn);
}

/**
 * Sets the context for the rest of the current call chain. For hapi's onRequest extension, whose handler
 * continues in the same asynchronous chain (measured on Node 20 and 24: tests/ops/request-id.test.ts).
 */
export function enterLogContext(ctx: LogContext): void {
  storage.enterWith(ctx);
}
