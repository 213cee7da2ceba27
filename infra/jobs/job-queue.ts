// core's JobQueue on Agenda, plus the queue listing behind /admin queue. Agenda's backend-neutral API
// (create/unique/queryJobs/cancel) serves the PostgreSQL and the MongoDB store; on PostgreSQL position() is one
// SQL count (job-store-sql.ts), since queryJobs reads every open job.
import type { Agenda } from 'agenda';
import type { JobQueue } from '../../core/ports.ts';
import { positionSql, type SqlQuery } from './job-store-sql.ts';
import { logContext } from '../log/context.ts';
import { GENERATE_VIDEO, ABORT, type GenerateVideoData, type RunningGenerations } from './generate-video.ts';

/**
 * Both backends order runnable jobs by nextRunAt first and priority second, so priority alone would only break
 * ties. A high-priority (Unlimited tier) job is therefore also dated this much earlier: it overtakes every
 * normal job queued within the last ten minutes.
 */
export const HIGH_PRIORITY_HEAD_START_MS = 10 * 60_000;

export interface QueueItem {
  generationId: string;
  userId: string | null;
  state: 'queued' | 'running' | 'waiting';
  priority: 'normal' | 'high';
  /** Since enqueue. */
  ageMs: number;
  provider: string | null;
  stage: string | null;
}

export interface GenerationInfo {
  provider: string | null;
  stage: string | null;
  userId: string;
}

export interface AgendaJobQueueOptions {
  deadlineMs: number;
  lockLifetimeMs: number;
  /** Provider and stage of generations (from the app database), for listQueue. */
  lookup?: (ids: string[]) => Promise<Map<string, GenerationInfo>>;
  now?: () => Date;
  /** PostgreSQL: position() as one indexed count query instead of reading every open job. */
  query?: SqlQuery;
}

interface Row {
  id: string;
  data: GenerateVideoData;
  state: QueueItem['state'];
  nextRunAt: number;
  priority: number;
}

export class AgendaJobQueue implements JobQueue {
  constructor(
    private readonly agenda: Agenda,
    private readonly running: RunningGenerations,
    private readonly o: AgendaJobQueueOptions,
  ) {}

  private now(): Date {
    return this.o.now?.() ?? new Date();
  }

  async enqueueGeneration(generationId: string, opts: { priority: 'normal' | 'high'; userId?: string }): Promise<void> {
    const now = this.now();
    const data: GenerateVideoData = {
      generationId,
      userId: opts.userId,
      priority: opts.priority,
      enqueuedAt: now.toISOString(),
      deadlineAt: new Date(now.getTime() + this.o.deadlineMs).toISOString(),
      ...(logContext()?.reqId ? { reqId: logContext()!.reqId } : {}),
    };
    const at = opts.priority === 'high' ? new Date(now.getTime() - HIGH_PRIORITY_HEAD_START_MS) : now;
    const job = this.agenda
      .create(GENERATE_VIDEO, data)
      .priority(opts.priority === 'high' ? 'high' : 'normal')
      .schedule(at)
      .unique({ 'data.generationId': generationId }, { insertOnly: true }); // enqueueing twice = one job
    try {
      await job.save();
    } catch (err) {
      // Two instances raced past the unique lookup: the database's unique index kept one job.
      if ((err as { code?: string }).code !== '23505') throw err;
    }
  }

  /** Open generate-video jobs in run order (the order the backends lock them in). */
  private async rows(): Promise<Row[]> {
    const { jobs } = await this.agenda.queryJobs({ name: GENERATE_VIDEO, includeDisabled: false });
    const now = this.now().getTime();
    const rows: Row[] = [];
    for (const j of jobs) {
      const lockedAt = j.lockedAt ? new Date(j.lockedAt).getTime() : 0;
      const next = j.nextRunAt ? new Date(j.nextRunAt).getTime() : null;
      let state: Row['state'] | null;
      if (lockedAt && now - lockedAt < this.o.lockLifetimeMs) state = 'running';
      else if (next !== null && next <= now)
        state = 'queued'; // a stale lock (dead worker) is queued again
      else if (next !== null)
        state = 'waiting'; // retry later
      else state = null; // finished or retries over
      if (state)
        rows.push({
          id: String(j._id),
          data: j.data as GenerateVideoData,
          state,
          nextRunAt: next ?? 0,
          priority: j.priority,
        });
    }
    return rows.sort((a, b) => a.nextRunAt - b.nextRunAt || b.priority - a.priority);
  }

  async position(generationId: string): Promise<{ ahead: number; running: number } | null> {
    if (this.o.query) return positionSql(this.o.query, generationId, this.now(), this.o.lockLifetimeMs);
    return this.positionByRows(generationId);
  }

  /** MongoDB: the same answer from the open jobs (Agenda's API has no count by order). */
  async positionByRows(generationId: string): Promise<{ ahead: number; running: number } | null> {
    const rows = await this.rows();
    const running = rows.filter((r) => r.state === 'running').length;
    const mine = rows.find((r) => r.data.generationId === generationId);
    if (!mine) return null;
    if (mine.state === 'running') return { ahead: 0, running };
    const queued = rows.filter((r) => r.state === 'queued');
    const ahead = mine.state === 'waiting' ? queued.length : queued.indexOf(mine);
    return { ahead, running };
  }

  async cancelGeneration(generationId: string): Promise<void> {
    this.running.abort(generationId, ABORT.canceled);
    // A job running on another instance loses its row and stops at the runner's next cancel check.
    await this.agenda.cancel({ name: GENERATE_VIDEO, data: { generationId } });
  }

  async listQueue(): Promise<QueueItem[]> {
    const rows = await this.rows();
    const info = this.o.lookup
      ? await this.o.lookup(rows.map((r) => r.data.generationId))
      : new Map<string, GenerationInfo>();
    const now = this.now().getTime();
    return rows.map((r) => {
      const g = info.get(r.data.generationId);
      return {
        generationId: r.data.generationId,
        userId: g?.userId ?? r.data.userId ?? null,
        state: r.state,
        priority: r.data.priority,
        ageMs: Math.max(0, now - Date.parse(r.data.enqueuedAt)),
        provider: g?.provider ?? null,
        stage: g?.stage ?? null,
      };
    });
  }
}
