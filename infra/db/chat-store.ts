// SQL for the chat edge: the webhook inbox (processed_events: dedupe + the event until it is handled), the admin
// audit log, and the quota outbox.
import { QueryTypes, type Sequelize } from 'sequelize';
import type { AuditLog } from '../../core/admin/ports.ts';
import type { ChatResponse } from '../../core/api.ts';
import type { InboxStore, PendingEvent } from '../../bot/inbox.ts';
import type { ChatOutbox } from '../../bot/outbox.ts';

/** Ids that may be inlined in SQL (ULIDs, numeric ids, snowflakes, "telegram:<bot id>"). */
const SAFE_ID = /^[A-Za-z0-9:_-]{1,200}$/;

const FINISH_SET = `UPDATE processed_events SET status = 'done', payload = NULL, response = NULL, last_error = NULL, updated_at = now()`;

export class SqlChatStore implements InboxStore, ChatOutbox {
  constructor(private readonly db: Sequelize) {}

  /**
   * The inbox's one statement: stores the verified event as 'received' and tells whether it is new (a redelivery
   * gets false). It commits with the WAL flush (the default): the 200 that follows promises the event survives a
   * crash of this process, of PostgreSQL or of the machine, so the row must be on disk before the answer.
   */
  async accept(source: string, eventId: string, payload: unknown): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO processed_events (source, event_id, payload, status, attempts) VALUES ($1, $2, $3::jsonb, 'received', 1)
       ON CONFLICT DO NOTHING RETURNING 1 AS fresh`,
      { bind: [source, eventId, JSON.stringify(payload ?? null)], type: QueryTypes.SELECT },
    );
    return rows.length === 1;
  }

  /**
   * accept() for many events in one statement, so one commit (one WAL flush) covers them all: the batched inbox
   * (bot/inbox-batch.ts) sends the events of concurrent requests together. Returns the events that were new (in
   * no particular order). A key given twice is inserted once (ON CONFLICT DO NOTHING skips the second).
   */
  async acceptMany(
    events: { source: string; eventId: string; payload: unknown }[],
  ): Promise<{ source: string; eventId: string }[]> {
    const rows = (await this.db.query(
      `INSERT INTO processed_events (source, event_id, payload, status, attempts)
       SELECT s, e, p::jsonb, 'received', 1 FROM unnest($1::varchar[], $2::varchar[], $3::text[]) AS t(s, e, p)
       ON CONFLICT DO NOTHING RETURNING source, event_id AS "eventId"`,
      {
        bind: [
          events.map((e) => e.source),
          events.map((e) => e.eventId),
          events.map((e) => JSON.stringify(e.payload ?? null)),
        ],
        type: QueryTypes.SELECT,
      },
    )) as { source: string; eventId: string }[];
    return rows;
  }

  /**
   * finish() for many events in one statement and one commit (without the WAL flush, as finish). Ids that may
   * not be inlined go one by one.
   */
  async finishMany(events: { source: string; eventId: string }[]): Promise<void> {
    const isSafe = (e: { source: string; eventId: string }) => SAFE_ID.test(e.source) && SAFE_ID.test(e.eventId);
    const safe = events.filter(isSafe);
    if (safe.length) {
      const keys = safe.map((e) => `('${e.source}', '${e.eventId}')`).join(', ');
      await this.db.query(`SET LOCAL synchronous_commit TO OFF; ${FINISH_SET} WHERE (source, event_id) IN (${keys});`, {
        raw: true,
      });
    }
    for (const e of events) if (!isSafe(e)) await this.finish(e.source, e.eventId);
  }

  /**
   * Handled: the payload and saved answer are no longer needed; the row stays as the dedupe key. This commit does
   * not wait for the WAL flush (it is off the answer's path but doubled the flushes per event): if PostgreSQL
   * crashes before the flush, the event is merely 'received' again and resumePending re-delivers its saved answer.
   */
  async finish(source: string, eventId: string): Promise<void> {
    const set = FINISH_SET;
    if (SAFE_ID.test(source) && SAFE_ID.test(eventId)) {
      // Simple-protocol multi-statement: one implicit transaction, so SET LOCAL covers the UPDATE.
      await this.db.query(
        `SET LOCAL synchronous_commit TO OFF; ${set} WHERE source = '${source}' AND event_id = '${eventId}';`,
        { raw: true },
      );
      return;
    }
    await this.db.query(`${set} WHERE source = $1 AND event_id = $2`, { bind: [source, eventId] });
  }

  /** A failed attempt: left 'received' for resumePending, or 'failed' once it has had maxAttempts. */
  async attemptFailed(source: string, eventId: string, error: string, maxAttempts: number): Promise<void> {
    await this.db.query(
      `UPDATE processed_events SET status = CASE WHEN attempts >= $3 THEN 'failed' ELSE 'received' END,
         last_error = left($4, 500), updated_at = now() WHERE source = $1 AND event_id = $2 AND status = 'received'`,
      { bind: [source, eventId, maxAttempts, error] },
    );
  }

  /**
   * Events of these sources left 'received' for longer than olderThanMs: those that used up maxAttempts become
   * 'failed'; up to `limit` others are claimed (attempts + 1, updated_at = now(), which is the lease: another
   * instance's resume skips them for olderThanMs) and returned oldest first.
   */
  async claimStale(sources: string[], olderThanMs: number, maxAttempts: number, limit = 100): Promise<PendingEvent[]> {
    const stale = `status = 'received' AND source = ANY($1::varchar[]) AND updated_at < now() - make_interval(secs => $2::float8 / 1000)`;
    await this.db.query(
      `UPDATE processed_events SET status = 'failed', updated_at = now() WHERE ${stale} AND attempts >= $3`,
      { bind: [sources, olderThanMs, maxAttempts] },
    );
    const rows = (await this.db.query(
      `UPDATE processed_events p SET attempts = p.attempts + 1, updated_at = now()
       FROM (SELECT source, event_id FROM processed_events WHERE ${stale} AND attempts < $3
             ORDER BY received_at LIMIT $4 FOR UPDATE SKIP LOCKED) s
       WHERE p.source = s.source AND p.event_id = s.event_id
       RETURNING p.source, p.event_id AS "eventId", p.payload, p.attempts, p.received_at`,
      { bind: [sources, olderThanMs, maxAttempts, limit], type: QueryTypes.SELECT },
    )) as (PendingEvent & { received_at: Date })[];
    return rows.sort((a, b) => a.received_at.getTime() - b.received_at.getTime()).map(({ received_at: _, ...r }) => r);
  }

  /**
   * Renews the lease of an event accept() inserted (attempts 1) that no claimStale has taken since (it would have
   * raised attempts) and is still 'received'; false when it was claimed, finished or failed meanwhile.
   */
  async renewFresh(source: string, eventId: string): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE processed_events SET updated_at = now() WHERE source = $1 AND event_id = $2 AND status = 'received' AND attempts = 1
       RETURNING 1 AS ours`,
      { bind: [source, eventId], type: QueryTypes.SELECT },
    );
    return rows.length === 1;
  }

  /** The answer core gave for an event still in the inbox (null when none was saved yet). */
  async savedResponse(source: string, eventId: string): Promise<ChatResponse | null> {
    const [row] = (await this.db.query(`SELECT response FROM processed_events WHERE source = $1 AND event_id = $2`, {
      bind: [source, eventId],
      type: QueryTypes.SELECT,
    })) as { response: ChatResponse | null }[];
    return row?.response ?? null;
  }

  async saveResponse(source: string, eventId: string, response: ChatResponse): Promise<void> {
    await this.db.query(`UPDATE processed_events SET response = $3::jsonb WHERE source = $1 AND event_id = $2`, {
      bind: [source, eventId, JSON.stringify(response)],
    });
  }

  readonly audit: AuditLog = {
    record: async (e) => {
      await this.db.query(
        `INSERT INTO admin_audit_log (actor, actor_user_id, command, args, outcome) VALUES ($1, $2, $3, $4::jsonb, $5)`,
        { bind: [e.actor, e.actorUserId, e.command, JSON.stringify(e.args), e.outcome] },
      );
    },
  };

  /** Keeps rendered messages a platform refused for quota; the same key twice is kept once. */
  async keep(platform: string, chatId: string, messages: unknown[], key: string): Promise<void> {
    await this.db.query(
      `INSERT INTO chat_outbox (platform, chat_id, messages, idempotency_key) VALUES ($1, $2, $3::jsonb, $4)
       ON CONFLICT (idempotency_key) DO NOTHING`,
      { bind: [platform, chatId, JSON.stringify(messages), key] },
    );
  }

  async pending(platform: string, chatId: string): Promise<{ id: number; messages: unknown[] }[]> {
    return this.db.query(
      `SELECT id, messages FROM chat_outbox WHERE platform = $1 AND chat_id = $2 AND delivered_at IS NULL ORDER BY id`,
      { bind: [platform, chatId], type: QueryTypes.SELECT },
    ) as Promise<{ id: number; messages: unknown[] }[]>;
  }

  async delivered(ids: number[]): Promise<void> {
    if (ids.length)
      await this.db.query(`UPDATE chat_outbox SET delivered_at = now() WHERE id = ANY($1::bigint[])`, { bind: [ids] });
  }
}
