// Runs one generation to its end, resumable at every point: the provider job id is stored before polling, so a
// restarted run polls the job it already has; money and delivery go through idempotent, claimed steps. The run
// is a table of states and steps (run/states.ts), driven by run/drive.ts from the row's stored status.
import type { GenerationRunner } from '../api.ts';
import type { GenerationDeps } from './deps.ts';
import { deliver } from './run/deliver.ts';
import { drive } from './run/drive.ts';
import { settleStuck } from './run/settle-stuck.ts';
import { RUN_STATES } from './run/states.ts';
import { Aborted } from './run/wait-for-job.ts';

type Ctx = { signal: AbortSignal; touch: () => Promise<void> };

export class Runner implements GenerationRunner {
  constructor(private readonly d: GenerationDeps) {}

  async run(id: string, ctx: Ctx): Promise<'done' | 'retry_later'> {
    const gen = await this.d.store.get(id);
    if (!gen) return 'done';
    try {
      return await drive(RUN_STATES, { d: this.d, ...ctx }, gen);
    } catch (err) {
      // Shutdown mid-run: the job runs again and resumes from the stored row.
      if (err instanceof Aborted || ctx.signal.aborted) return 'retry_later';
      throw err;
    }
  }

  settleStuck(now: Date): Promise<number> {
    return settleStuck(this.d, now);
  }

  pendingIds(): Promise<string[]> {
    return this.d.store.pendingIds();
  }

  deliver(id: string, opts: { resendAfterMs?: number } = {}): Promise<'sent' | 'nothing' | 'held'> {
    return deliver(this.d, id, opts);
  }
}
