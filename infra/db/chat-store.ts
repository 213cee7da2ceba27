// SQL for the chat edge: webhook dedupe (processed_events), the admin audit log, and the quota outbox.
import { QueryTypes, type Sequelize } from 'sequelize';
import type { AuditLog } from '../../core/admin/ports.ts';

/** Ids that may be inlined in SQL (ULIDs, numeric ids, snowflakes, "telegram:<bot id>"). */
const SAFE_ID = /^[A-Za-z0-9:_-]{1,200}$/;

export class SqlChatStore {
  constructor(private readonly db: Sequelize) {}

  /**
   * True the first time (source, eventId) is seen; a redelivery gets false. One round trip. The commit does not
   * wait for the WAL flush (synchronous_commit off for this transaction only): a crash can forget the last few
   * milliseconds of ids, but those deliveries were answered 200 and are not sent again, so nothing is doubled;
   * the fsync wait was the largest part of the webhook's tail latency (bench/webhook.ts).
   */
  async firstDelivery(source: string, eventId: string): Promise<boolean> {
    if (SAFE_ID.test(source) && SAFE_ID.test(eventId)) {
      // Simple-protocol multi-statement: one implicit transaction, so SET LOCAL covers the INSERT.
      // Sequelize concatenates the rows of both statements; SET has none.
      const [rows] = await this.db.query(
        `SET LOCAL synchronous_commit TO OFF; INSERT INTO processed_events (source, event_id) VALUES ('${source}', '${eventId}')
         ON CONFLICT DO NOTHING RETURNING 1 AS fresh;`, { raw: true },
      );
      return (rows as unknown[]).length === 1;
    }
    const rows = await this.db.query(
      `INSERT INTO processed_events (source, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1 AS fresh`,
      { bind: [source, eventId], type: QueryTypes.SELECT },
    );
    return rows.length === 1;
  }

  /** Lets a delivery be processed again (its work failed before anything was done). */
  async forget(source: string, eventId: string): Promise<void> {
    await this.db.query(`DELETE FROM processed_events WHERE source = $1 AND event_id = $2`, { bind: [source, eventId] });
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
    if (ids.length) await this.db.query(`UPDATE chat_outbox SET delivered_at = now() WHERE id = ANY($1::bigint[])`, { bind: [ids] });
  }
}
