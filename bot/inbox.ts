// The durable webhook inbox. A route stores the verified event with the same INSERT that dedupes it, answers,
// and then handles it here; a handled event is marked done. An event whose handling failed, or whose process
// died before "done", stays 'received' and resumePending handles it again (bounded attempts). Core answers an
// event once: its response is saved before delivery, so a re-handled event re-delivers that answer instead of
// running the command (a second /video) again.
import type { ChatEvent } from '../core/model.ts';
import type { ChatCore, ChatResponse } from '../core/api.ts';
import type { Background } from './background.ts';

export const MAX_ATTEMPTS = 5;

/** A stored event claimed for another attempt. */
export interface PendingEvent {
  source: string;
  eventId: string;
  payload: unknown;
  attempts: number;
}

export interface InboxStore {
  accept(source: string, eventId: string, payload: unknown): Promise<boolean>;
  finish(source: string, eventId: string): Promise<void>;
  attemptFailed(source: string, eventId: string, error: string, maxAttempts: number): Promise<void>;
  claimStale(sources: string[], olderThanMs: number, maxAttempts: number, limit?: number): Promise<PendingEvent[]>;
  savedResponse(source: string, eventId: string): Promise<ChatResponse | null>;
  saveResponse(source: string, eventId: string, response: ChatResponse): Promise<void>;
  /**
   * For an event accepted here and still waiting to be handled: renews its lease (updated_at) if no resume sweep
   * has claimed it since and it is unfinished; false otherwise (then it is someone else's to handle).
   */
  renewFresh?(source: string, eventId: string): Promise<boolean>;
}

/** Core's answer to one inbox event, computed at most once per event. */
export interface ResponseMemo {
  saved(): Promise<ChatResponse | null>;
  save(response: ChatResponse): Promise<void>;
}

/** fresh: the event's row was inserted just now by this process, so no answer can be saved yet (skips a SELECT). */
export function memoFor(store: InboxStore, source: string, eventId: string, fresh = false): ResponseMemo {
  return {
    saved: () => (fresh ? Promise.resolve(null) : store.savedResponse(source, eventId)),
    save: (r) => store.saveResponse(source, eventId, r),
  };
}

/** What adapters call instead of core.respond: the saved answer when there is one, else core's (then saved). */
export async function respondOnce(core: ChatCore, event: ChatEvent, memo?: ResponseMemo): Promise<ChatResponse> {
  const saved = memo ? await memo.saved() : null;
  if (saved) return saved;
  const res = await core.respond(event);
  await memo?.save(res);
  return res;
}

// biome-ignore lint/suspicious/noExplicitAny: each platform's handler reads its own payload shape, verified before it is stored
export type InboxHandler = (payload: any, memo: ResponseMemo) => Promise<void>;
type Log = { error(o: object, m: string): void; warn?(o: object, m: string): void };

/**
 * One attempt: handle, then done; a failure is recorded (the event stays for resumePending until MAX_ATTEMPTS).
 * fresh: the first attempt, right after this process's accept() inserted the row.
 */
export async function attempt(
  store: InboxStore,
  source: string,
  eventId: string,
  payload: unknown,
  handle: InboxHandler,
  fresh = false,
): Promise<boolean> {
  try {
    await handle(payload, memoFor(store, source, eventId, fresh));
  } catch (err) {
    await store.attemptFailed(source, eventId, String(err), MAX_ATTEMPTS);
    throw err;
  }
  await store.finish(source, eventId);
  return true;
}

/**
 * The route side: store (durably, deduplicated); if new, handle after the answer. True when new. The handling
 * starts on the next turn of the event loop (setImmediate), after hapi has written the 200, so none of its
 * synchronous work (rendering, query building) runs ahead of the answer.
 */
export async function acceptAndHandle(
  d: { dedupe: InboxStore; background: Background },
  source: string,
  eventId: string,
  payload: unknown,
  handle: InboxHandler,
): Promise<boolean> {
  if (!(await d.dedupe.accept(source, eventId, payload))) return false;
  // Handling may wait behind a burst (Background is bounded); if it waited long enough for a resume sweep to take
  // the event as abandoned, it goes ahead only when the row is still this process's fresh one.
  const stillOurs = d.dedupe.renewFresh ? () => d.dedupe.renewFresh!(source, eventId) : undefined;
  d.background.run(
    `${source} event`,
    () =>
      afterAnswer()
        .then(() => attempt(d.dedupe, source, eventId, payload, handle, true))
        .then(() => {}),
    stillOurs,
  );
  return true;
}

const afterAnswer = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface ResumeResult {
  resumed: number;
  done: number;
  failed: number;
}

/**
 * Re-handles events left 'received' for longer than olderThanMs (call at start-up and every minute or so; the
 * age keeps it off events still being handled). Sources without a handler are left alone.
 */
export async function resumePending(
  store: InboxStore,
  handlers: Record<string, InboxHandler>,
  olderThanMs: number,
  log?: Log,
): Promise<ResumeResult> {
  const out: ResumeResult = { resumed: 0, done: 0, failed: 0 };
  const sources = Object.keys(handlers);
  if (!sources.length) return out;
  for (const ev of await store.claimStale(sources, olderThanMs, MAX_ATTEMPTS)) {
    out.resumed++;
    try {
      await attempt(store, ev.source, ev.eventId, ev.payload, handlers[ev.source]!);
      out.done++;
    } catch (err) {
      out.failed++;
      log?.error(
        { err, source: ev.source, eventId: ev.eventId, attempts: ev.attempts },
        'resumed chat event failed again',
      );
    }
  }
  return out;
}
