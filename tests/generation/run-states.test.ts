// The run's table of states (core/generation/run/states.ts) is complete, the driver refuses a move it does not
// declare, and real runs (the real store, ledger and health) walk the paths the table shows.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildWorld, type World } from '../core/support/build.ts';
import { RUN_STATES } from '../../core/generation/run/states.ts';
import { drive, UndeclaredTransition, type RunTable } from '../../core/generation/run/drive.ts';
import type { RunState } from '../../core/generation/run/context.ts';
import { Aborted } from '../../core/generation/run/wait-for-job.ts';
import { OPEN, TERMINAL, type GenerationRow, type GenerationStatus } from '../../core/generation/types.ts';

const STATUSES: GenerationStatus[] = [...OPEN, ...TERMINAL];
const states = Object.keys(RUN_STATES) as RunState[];

describe('the table', () => {
  it('has a state for every row status, entered in that status', () => {
    for (const s of STATUSES) expect(RUN_STATES[s].row).toEqual([s]);
  });

  it('moves only to its own states or a stop, and every state is entered from a row status or another state', () => {
    const targets = new Set(states.flatMap((s) => RUN_STATES[s].next));
    for (const t of targets) expect([...states, 'done', 'retry_later']).toContain(t);
    for (const s of states)
      expect(STATUSES.includes(s as GenerationStatus) || s === 'demo' || targets.has(s)).toBe(true);
  });

  it('ends every finished row: settle and deliver, then done', () => {
    for (const s of TERMINAL) expect(RUN_STATES[s].next).toEqual(['done']);
  });

  it('the driver refuses a move the table does not declare', async () => {
    const table: RunTable = {
      ...RUN_STATES,
      queued: { ...RUN_STATES.queued, step: async (_run, { gen }) => ({ to: 'storing', gen }) },
    };
    const gen = { id: 'g', status: 'queued', kind: 'video' } as GenerationRow;
    const run = { d: {} as never, signal: new AbortController().signal, touch: async () => {} };
    await expect(drive(table, run, gen)).rejects.toThrow(UndeclaredTransition);
    await expect(drive(table, run, gen)).rejects.toThrow('run state queued may not move to storing');
  });
});

describe('real runs walk the table', () => {
  let w: World;
  beforeAll(async () => {
    w = await buildWorld();
  }, 60_000);
  afterAll(async () => w?.close());
  beforeEach(async () => {
    await w.resetProviders();
    for (const p of Object.values(w.paid)) p.pollsToFinish = 2;
  });

  /** Runs the real table, recording each state entered and checking the stored row is in a status it declares. */
  async function walk(id: string, signal = new AbortController().signal) {
    const seen: RunState[] = [];
    const wrongRow: string[] = [];
    const traced = Object.fromEntries(
      states.map((s) => [
        s,
        {
          ...RUN_STATES[s],
          step: async (run, arrived) => {
            seen.push(s);
            const row = (await w.store.get(id))!;
            if (!RUN_STATES[s].row.includes(row.status)) wrongRow.push(`${s} in ${row.status}`);
            return RUN_STATES[s].step(run, arrived);
          },
        } satisfies RunTable[RunState],
      ]),
    ) as RunTable;
    const stop = await drive(traced, { d: w.deps, signal, touch: async () => {} }, (await w.store.get(id))!).catch(
      (err: unknown) => err,
    );
    expect(wrongRow).toEqual([]);
    return { stop, seen };
  }

  async function request(prompt: string) {
    const a = await w.account('starter', { monthly: true });
    await w.gen.service.request(a, { kind: 'video', prompt });
    return w.lastId(a.userId);
  }

  it('queued → submitting → polling → storing → succeeded; run again, only the finished state', async () => {
    const id = await request('a cat surfing');
    expect(await walk(id)).toEqual({
      stop: 'done',
      seen: ['queued', 'submitting', 'polling', 'storing', 'succeeded'],
    });
    expect((await w.store.get(id))!.status).toBe('succeeded');
    expect(await walk(id)).toEqual({ stop: 'done', seen: ['succeeded'] });
    expect(w.notifier.finals(id)).toHaveLength(1);
  });

  it('a failed job fails over to the next step: the row stays running', async () => {
    const id = await request('city at night');
    w.paid.leonardo.script = 'job_fails';
    expect(await walk(id)).toEqual({
      stop: 'done',
      seen: ['queued', 'submitting', 'polling', 'failover', 'running', 'submitting', 'polling', 'storing', 'succeeded'],
    });
    expect((await w.store.get(id))!).toMatchObject({ status: 'succeeded', provider: 'runway' });
  });

  it('a run stopped mid-poll resumes at polling the stored job, never submitting again', async () => {
    const id = await request('fireworks');
    w.paid.leonardo.script = 'hang';
    const crash = new AbortController();
    const first = walk(id, crash.signal);
    for (let i = 0; i < 200 && !(await w.store.get(id))!.providerJobId; i++)
      await new Promise((r) => setTimeout(r, 10));
    crash.abort();
    const stopped = await first;
    expect(stopped.stop).toBeInstanceOf(Aborted);
    expect(stopped.seen).toEqual(['queued', 'submitting', 'polling']);
    w.paid.leonardo.script = 'ok';
    expect(await walk(id)).toEqual({ stop: 'done', seen: ['running', 'polling', 'storing', 'succeeded'] });
    expect(w.paid.leonardo.submissions).toHaveLength(1);
  });

  it('a cancel asked while queued ends the run canceled', async () => {
    const id = await request('rain');
    await w.store.update(id, { cancelRequestedAt: new Date() });
    expect(await walk(id)).toEqual({ stop: 'done', seen: ['queued', 'canceled'] });
    expect((await w.store.get(id))!.status).toBe('canceled');
  });

  it('every free provider refusing reaches the charged step: the consent is asked and the run stops', async () => {
    const id = await request('snow');
    expect((await w.store.get(id))!.route.map((s) => [s.provider, s.charged])).toEqual([
      ['leonardo', false],
      ['runway', false],
      ['pollo', true],
    ]);
    for (const p of Object.values(w.paid)) p.script = 'submit_fails';
    expect(await walk(id)).toEqual({
      stop: 'done',
      seen: [
        ...['queued', 'submitting', 'failover'],
        ...['running', 'submitting', 'failover'],
        ...['running', 'asking_consent', 'awaiting_consent'],
      ],
    });
    expect((await w.store.get(id))!).toMatchObject({ status: 'awaiting_consent', stepIndex: 2 });
    expect(await walk(id)).toEqual({ stop: 'done', seen: ['awaiting_consent'] });
  });
});
