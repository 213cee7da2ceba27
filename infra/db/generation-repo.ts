// SQL behind core's GenerationStore. Every state change that decides money or delivery is one conditional
// statement, so two workers (or a retried job) can never both win it.
import { QueryTypes, type Sequelize } from 'sequelize';
import type { ProviderName } from '../../core/model.ts';
import {
  TERMINAL,
  type Attempt,
  type GenerationPatch,
  type GenerationRow,
  type GenerationStatus,
  type GenerationStore,
  type NewGeneration,
} from '../../core/generation/types.ts';

const COLUMNS: Record<string, string> = {
  chatIdentityId: 'chat_identity_id',
  replyTarget: 'reply_target',
  kind: 'kind',
  prompt: 'prompt',
  style: 'style',
  sourceGenerationId: 'source_generation_id',
  provider: 'provider',
  resolution: 'resolution',
  fps: 'fps',
  status: 'status',
  stage: 'stage',
  progress: 'progress',
  providerJobId: 'provider_job_id',
  attempts: 'attempts',
  mediaKey: 'media_key',
  previewKey: 'preview_key',
  masterKey: 'master_key',
  watermarked: 'watermarked',
  sizeBytes: 'size_bytes',
  durationMs: 'duration_ms',
  pointsCost: 'points_cost',
  reservationId: 'reservation_id',
  errorCode: 'error_code',
  errorMessage: 'error_message',
  startedAt: 'started_at',
  completedAt: 'completed_at',
  deliveredAt: 'delivered_at',
  route: 'route',
  stepIndex: 'step_index',
  consent: 'consent',
  chargeSplit: 'charge_split',
  priority: 'priority',
  cancelRequestedAt: 'cancel_requested_at',
  deadlineAt: 'deadline_at',
  refundedAt: 'refunded_at',
  demoSlug: 'demo_slug',
  requestKey: 'request_key',
  userId: 'user_id',
  baseClip: 'base_clip',
  deliveryClaimedAt: 'delivery_claimed_at',
  parentId: 'parent_id',
  action: 'action',
  seed: 'seed',
  sourceImage: 'source_image',
};
const JSON_COLUMNS = new Set(['replyTarget', 'attempts', 'route', 'chargeSplit', 'baseClip', 'sourceImage']);
const OPEN_SQL = `status NOT IN (${TERMINAL.map((s) => `'${s}'`).join(',')})`;

type Raw = Record<string, unknown>;
function toRow(r: Raw): GenerationRow {
  const date = (v: unknown) => (v ? new Date(v as string) : null);
  return {
    id: r.id as string,
    userId: r.user_id as string,
    chatIdentityId: (r.chat_identity_id as string) ?? null,
    replyTarget: r.reply_target as GenerationRow['replyTarget'],
    kind: r.kind as GenerationRow['kind'],
    prompt: r.prompt as string,
    style: (r.style as string) ?? null,
    sourceGenerationId: (r.source_generation_id as string) ?? null,
    provider: (r.provider as ProviderName) ?? null,
    resolution: r.resolution as GenerationRow['resolution'],
    fps: Number(r.fps),
    status: r.status as GenerationStatus,
    stage: (r.stage as string) ?? null,
    progress: Number(r.progress),
    providerJobId: (r.provider_job_id as string) ?? null,
    attempts: (r.attempts as Attempt[]) ?? [],
    mediaKey: (r.media_key as string) ?? null,
    previewKey: (r.preview_key as string) ?? null,
    masterKey: (r.master_key as string) ?? null,
    watermarked: Boolean(r.watermarked),
    sizeBytes: r.size_bytes == null ? null : Number(r.size_bytes),
    durationMs: r.duration_ms == null ? null : Number(r.duration_ms),
    pointsCost: Number(r.points_cost),
    reservationId: (r.reservation_id as string) ?? null,
    errorCode: (r.error_code as string) ?? null,
    errorMessage: (r.error_message as string) ?? null,
    createdAt: new Date(r.created_at as string),
    startedAt: date(r.started_at),
    completedAt: date(r.completed_at),
    deliveredAt: date(r.delivered_at),
    deliveryClaimedAt: date(r.delivery_claimed_at),
    route: (r.route as GenerationRow['route']) ?? [],
    stepIndex: Number(r.step_index),
    consent: (r.consent as GenerationRow['consent']) ?? null,
    chargeSplit: (r.charge_split as GenerationRow['chargeSplit']) ?? null,
    priority: r.priority as GenerationRow['priority'],
    cancelRequestedAt: date(r.cancel_requested_at),
    deadlineAt: date(r.deadline_at),
    refundedAt: date(r.refunded_at),
    demoSlug: (r.demo_slug as string) ?? null,
    requestKey: (r.request_key as string) ?? null,
    baseClip: (r.base_clip as GenerationRow['baseClip']) ?? null,
    parentId: (r.parent_id as string) ?? null,
    action: (r.action as GenerationRow['action']) ?? null,
    seed: r.seed == null ? null : Number(r.seed),
    sourceImage: (r.source_image as GenerationRow['sourceImage']) ?? null,
  };
}

function setClause(patch: GenerationPatch | NewGeneration, repl: Raw): string[] {
  const sets: string[] = [];
  for (const [k, v] of Object.entries(patch)) {
    const col = COLUMNS[k];
    if (!col || v === undefined) continue;
    repl[`p_${k}`] = JSON_COLUMNS.has(k) && v !== null ? JSON.stringify(v) : v;
    sets.push(`${col} = :p_${k}${JSON_COLUMNS.has(k) ? '::jsonb' : ''}`);
  }
  return sets;
}

export class SqlGenerationStore implements GenerationStore {
  constructor(private readonly db: Sequelize) {}

  private async rows(sql: string, replacements: Raw = {}): Promise<GenerationRow[]> {
    return (await this.db.query<Raw>(sql, { replacements, type: QueryTypes.SELECT })).map(toRow);
  }
  private async ids(sql: string, replacements: Raw = {}): Promise<string[]> {
    return (await this.db.query<{ id: string }>(sql, { replacements, type: QueryTypes.SELECT })).map((r) => r.id);
  }

  async insert(g: NewGeneration, opts: { maxOpen?: number } = {}): Promise<GenerationRow | null> {
    const repl: Raw = { capUser: g.userId, capMax: opts.maxOpen ?? null, terminal: [...TERMINAL] };
    const sets = setClause(g, repl);
    const cols = sets.map((s) => s.split(' = ')[0]);
    const vals = sets.map((s) => s.split(' = ')[1]);
    // The cap is taken by this statement (migrations/*-generation-slots.ts): no count-then-insert gap.
    const cap =
      opts.maxOpen === undefined
        ? ''
        : 'WHERE generation_slot_free(:capUser::uuid, :capMax::int, ARRAY[:terminal]::text[])';
    const [row] = await this.rows(
      `INSERT INTO generations (${cols.join(',')}) SELECT ${vals.join(',')} ${cap}
      ON CONFLICT (request_key) WHERE request_key IS NOT NULL DO NOTHING RETURNING *`,
      repl,
    );
    return row ?? null;
  }

  async byRequestKey(key: string) {
    return (await this.rows('SELECT * FROM generations WHERE request_key = :key', { key }))[0] ?? null;
  }

  async get(id: string) {
    return (await this.rows('SELECT * FROM generations WHERE id = :id', { id }))[0] ?? null;
  }

  async findByPrefix(prefix: string) {
    if (!/^[0-9a-f-]{4,36}$/i.test(prefix)) return null;
    const rows = await this.rows('SELECT * FROM generations WHERE id::text LIKE :p LIMIT 2', {
      p: `${prefix.toLowerCase()}%`,
    });
    return rows.length === 1 ? rows[0]! : null;
  }

  async transition(id: string, from: readonly GenerationStatus[], patch: GenerationPatch) {
    const repl: Raw = { id, from: [...from] };
    const sets = [...setClause(patch, repl), 'updated_at = now()'];
    return (
      (
        await this.ids(
          `UPDATE generations SET ${sets.join(', ')} WHERE id = :id AND status IN (:from) RETURNING id`,
          repl,
        )
      ).length === 1
    );
  }

  async transitionAtStep(id: string, step: number, from: readonly GenerationStatus[], patch: GenerationPatch) {
    const repl: Raw = { id, step, from: [...from] };
    const sets = [...setClause(patch, repl), 'updated_at = now()'];
    return (
      (
        await this.ids(
          `UPDATE generations SET ${sets.join(', ')} WHERE id = :id AND step_index = :step AND status IN (:from) RETURNING id`,
          repl,
        )
      ).length === 1
    );
  }

  async update(id: string, patch: GenerationPatch) {
    const repl: Raw = { id };
    const sets = [...setClause(patch, repl), 'updated_at = now()'];
    await this.db.query(`UPDATE generations SET ${sets.join(', ')} WHERE id = :id`, { replacements: repl });
  }

  async setProviderJob(id: string, step: number, provider: ProviderName, jobId: string) {
    return (
      (
        await this.ids(
          `UPDATE generations SET provider = :provider, provider_job_id = :jobId, updated_at = now()
       WHERE id = :id AND step_index = :step AND provider_job_id IS NULL RETURNING id`,
          { id, step, provider, jobId },
        )
      ).length === 1
    );
  }

  async appendAttempt(id: string, attempt: Attempt) {
    await this.db.query(`UPDATE generations SET attempts = attempts || :a::jsonb, updated_at = now() WHERE id = :id`, {
      replacements: { id, a: JSON.stringify([attempt]) },
    });
  }

  async claimDelivery(id: string, now: Date, staleAfterMs?: number) {
    const stale = staleAfterMs === undefined ? null : new Date(now.getTime() - staleAfterMs);
    return (
      (
        await this.ids(
          `UPDATE generations SET delivery_claimed_at = :now WHERE id = :id AND delivered_at IS NULL
      AND (delivery_claimed_at IS NULL OR delivery_claimed_at < :stale::timestamptz) RETURNING id`,
          { id, now, stale },
        )
      ).length === 1
    );
  }
  async confirmDelivery(id: string, now: Date) {
    await this.db.query('UPDATE generations SET delivered_at = :now WHERE id = :id AND delivered_at IS NULL', {
      replacements: { id, now },
    });
  }
  async unclaimDelivery(id: string) {
    await this.db.query('UPDATE generations SET delivery_claimed_at = NULL WHERE id = :id AND delivered_at IS NULL', {
      replacements: { id },
    });
  }
  undeliveredForUser(userId: string) {
    return this.rows(
      `SELECT * FROM generations WHERE user_id = :userId AND status = 'succeeded' AND delivered_at IS NULL
      ORDER BY completed_at DESC LIMIT 10`,
      { userId },
    );
  }
  async claimRefund(id: string, now: Date) {
    return (
      (
        await this.ids(
          'UPDATE generations SET refunded_at = :now WHERE id = :id AND refunded_at IS NULL RETURNING id',
          { id, now },
        )
      ).length === 1
    );
  }

  async countOpen(userId: string) {
    const [r] = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM generations WHERE user_id = :userId AND ${OPEN_SQL}`,
      { replacements: { userId }, type: QueryTypes.SELECT },
    );
    return r!.n;
  }
  openForUser(userId: string) {
    return this.rows(`SELECT * FROM generations WHERE user_id = :userId AND ${OPEN_SQL} ORDER BY created_at`, {
      userId,
    });
  }
  async lastFinished(userId: string) {
    return (
      (
        await this.rows(
          `SELECT * FROM generations WHERE user_id = :userId AND status = 'succeeded' AND media_key IS NOT NULL
      ORDER BY completed_at DESC LIMIT 1`,
          { userId },
        )
      )[0] ?? null
    );
  }
  async childrenOf(parentId: string) {
    return this.rows('SELECT * FROM generations WHERE parent_id = :parentId ORDER BY created_at, id', { parentId });
  }

  async listForUser(userId: string, limit: number, offset: number) {
    // id breaks ties: rows created in one statement share created_at, and offset pages need one total order.
    const items = await this.rows(
      'SELECT * FROM generations WHERE user_id = :userId ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset',
      { userId, limit, offset },
    );
    const [r] = await this.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM generations WHERE user_id = :userId',
      { replacements: { userId }, type: QueryTypes.SELECT },
    );
    return { items, total: r!.n };
  }
  openAll(limit: number) {
    return this.rows(
      `SELECT * FROM generations WHERE ${OPEN_SQL} ORDER BY (priority = 'high') DESC, created_at LIMIT :limit`,
      { limit },
    );
  }
  stuckIds(now: Date) {
    return this.ids(
      `SELECT id FROM generations WHERE ${OPEN_SQL} AND deadline_at < :now ORDER BY deadline_at LIMIT 500`,
      { now },
    );
  }
  pendingIds() {
    // Past its deadline a generation is settleStuck's to fail and refund, not a job's to run.
    return this.ids(`SELECT id FROM generations WHERE status IN ('queued','running') AND (deadline_at IS NULL OR deadline_at > now())
      ORDER BY created_at`);
  }

  async averageDurationMs(provider?: ProviderName) {
    const [r] = await this.db.query<{ ms: number | null }>(
      `SELECT avg(extract(epoch FROM completed_at - started_at) * 1000)::int AS ms FROM (
         SELECT completed_at, started_at FROM generations
         WHERE status = 'succeeded' AND started_at IS NOT NULL ${provider ? 'AND provider = :provider' : ''}
         ORDER BY completed_at DESC LIMIT 20) recent`,
      { replacements: { provider: provider ?? null }, type: QueryTypes.SELECT },
    );
    return r?.ms ?? null;
  }

  async countsByStatus(since: Date) {
    const rows = await this.db.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM generations WHERE created_at >= :since GROUP BY status',
      { replacements: { since }, type: QueryTypes.SELECT },
    );
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  async submissionsByProvider(from: Date, to: Date) {
    // A submission is a stored job id: the current one plus every attempt that carried one.
    const rows = await this.db.query<{ provider: string; n: number }>(
      `SELECT provider, count(*)::int AS n FROM (
         SELECT provider FROM generations WHERE provider_job_id IS NOT NULL AND started_at >= :from AND started_at < :to
         UNION ALL
         SELECT a->>'provider' FROM generations g, jsonb_array_elements(g.attempts) a
         WHERE a ? 'jobId' AND (a->>'at')::timestamptz >= :from AND (a->>'at')::timestamptz < :to
           AND NOT (g.provider_job_id IS NOT NULL AND a->>'jobId' = g.provider_job_id)
       ) s GROUP BY provider`,
      { replacements: { from, to }, type: QueryTypes.SELECT },
    );
    return Object.fromEntries(rows.map((r) => [r.provider, r.n]));
  }

  async autoPay(userId: string) {
    const [r] = await this.db.query<{ auto_pay: boolean }>('SELECT auto_pay FROM users WHERE id = :userId', {
      replacements: { userId },
      type: QueryTypes.SELECT,
    });
    return Boolean(r?.auto_pay);
  }
}
